"""What the insurer API answers: its errors and the JSON of each object.

Every value is JSON-ready (dates as ISO strings, amounts as decimal strings)
so that an answer can be kept as it is for an idempotent replay.
"""

from __future__ import annotations

from datetime import date, datetime

from app.insurer_api.rules import messages_of

#: the ``error.code`` of each HTTP status the API answers with by itself
STATUS_CODES = {
    400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "invalid", 429: "rate_limited",
    500: "internal_error",
}


class ApiError(Exception):
    """A refused request: its HTTP status, a stable ``code`` and a message."""

    def __init__(self, status: int, code: str, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(code)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}

    def body(self) -> dict:
        return error_body(self.code, self.message, self.fields)


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def invalid(problems: dict[str, str], status: int = 422) -> ApiError:
    """The error of a request whose fields are refused: ``problems`` is
    {field: problem code}, answered as {field: message}."""
    return ApiError(status, "invalid", "Some fields are invalid: see error.fields.", messages_of(problems))


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _amount(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def contract_json(contract) -> dict:
    return {"reference": contract.reference, "policy_number": contract.policy_number, "status": contract.status,
            "effective_date": _day(contract.effective_date), "renewal_date": _day(contract.renewal_date),
            "premium_total": _amount(contract.total)}


def placement_json(placement, contract=None) -> dict:
    """A placement as its insurer sees it: the document sent, its status,
    the answer given and the messages exchanged."""
    answered = placement.answered_at is not None
    return {
        "reference": placement.reference,
        "status": placement.status,
        "schema_version": placement.schema_version,
        "sent_at": _moment(placement.created_at),
        "wanted_effective_date": _day(placement.wanted_effective_date),
        "document": placement.document,
        "answer": {
            "answered_at": _moment(placement.answered_at), "via": placement.answered_via,
            "policy_number": placement.policy_number, "effective_date": _day(placement.effective_date),
            "final_premium": _amount(placement.final_premium), "decline_reason": placement.decline_reason,
        } if answered else None,
        "contract": contract_json(contract) if contract is not None else None,
        "messages": [note_json(note) for note in placement.messages],
    }


def note_json(note) -> dict:
    return {"id": note.id, "author": note.author, "body": note.body, "at": _moment(note.created_at)}


def document_json(document) -> dict:
    return {"id": document.id, "kind": document.kind, "filename": document.filename,
            "content_type": document.content_type, "size": document.size, "sha256": document.sha256}


def endorsement_json(endorsement) -> dict:
    return {"number": endorsement.number, "effective_date": _day(endorsement.effective_date),
            "confirmed_at": _moment(endorsement.confirmed_at), "insurer_reference": endorsement.insurer_reference,
            "adjustment_total": _amount(endorsement.adjustment_total)}
