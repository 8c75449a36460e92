"""Rules of the insurer API on claims: the checks of each request's fields
(acknowledgement, claim number, decision, payment). Pure: no database, no
Flask. Field problems are codes; :func:`messages_of` words them for the
insurer's developer, in English like the rest of the API."""

from __future__ import annotations

import re
from datetime import date

from app.claims.insurer_rules import DECISIONS, decision_needs_note
from app.insurer_api import rules
from app.insurer_api.rules import _multi_line, _single_line, _unknown, parse_amount, parse_date

CLAIM_REFERENCE_MAX = 20
PAYMENT_ID_MAX = 100
PAYEE_NAME_MAX = 200
PAYMENT_REFERENCE_MAX = 100
NOTE_MAX = 4000
PAYEE_KINDS = ("insured", "provider", "third_party")
METHODS = ("transfer", "cheque", "other")
_SIREN = re.compile(r"^\d{9}$")

MESSAGES = {
    **rules.MESSAGES,
    "decision_invalid": "Unknown decision: use one of " + ", ".join(DECISIONS) + ".",
    "note_required": "Give the reason of a partial or refused decision in note.",
    "not_an_object": "This field must be a JSON object.",
    "payee_kind_invalid": "Unknown payee kind: use one of " + ", ".join(PAYEE_KINDS) + ".",
    "method_invalid": "Unknown method: use one of " + ", ".join(METHODS) + ".",
    "in_future": "This date is in the future.",
    "siren_invalid": "A SIREN has 9 digits.",
    "unknown_provider": "No provider of the firm's network has this SIREN or name: pay it as third_party, "
                        "or ask the firm to add the provider.",
}


def messages_of(problems: dict[str, str]) -> dict[str, str]:
    return {name: MESSAGES.get(code, code) for name, code in problems.items()}


def _kept(problems: dict[str, str | None]) -> dict[str, str]:
    return {name: code for name, code in problems.items() if code}


def acknowledgement_problems(fields: dict) -> tuple[dict, dict[str, str]]:
    """An acknowledgement of the claim notice, with the insurer's claim number if it has one."""
    problems = _unknown(fields, ("insurer_reference",))
    reference, problems["insurer_reference"] = _single_line(fields.get("insurer_reference"), required=False,
                                                            limit=rules.INSURER_REFERENCE_MAX)
    return {"insurer_reference": reference}, _kept(problems)


def reference_problems(fields: dict) -> tuple[dict, dict[str, str]]:
    """The insurer's own number of the claim."""
    problems = _unknown(fields, ("insurer_reference",))
    reference, problems["insurer_reference"] = _single_line(fields.get("insurer_reference"), required=True,
                                                            limit=rules.INSURER_REFERENCE_MAX)
    return {"insurer_reference": reference}, _kept(problems)


def decision_problems(fields: dict) -> tuple[dict, dict[str, str]]:
    """The insurer's decision on cover; a partial or refused one gives its reason."""
    problems = _unknown(fields, ("decision", "note"))
    decision = fields.get("decision")
    if decision is None or decision == "":
        problems["decision"] = "required"
    elif decision not in DECISIONS:
        problems["decision"] = "decision_invalid"
    note, problems["note"] = _multi_line(fields.get("note"), required=False, limit=NOTE_MAX)
    if not problems["note"] and note is None and decision_needs_note(decision):
        problems["note"] = "note_required"
    return {"decision": decision, "note": note}, _kept(problems)


def _payee_problems(payee) -> tuple[dict, dict[str, str]]:
    if payee is None:
        return {}, {"payee": "required"}
    if not isinstance(payee, dict):
        return {}, {"payee": "not_an_object"}
    problems = {f"payee.{name}": code for name, code in _unknown(payee, ("kind", "name", "siren")).items()}
    kind = payee.get("kind")
    if kind is None or kind == "":
        problems["payee.kind"] = "required"
    elif kind not in PAYEE_KINDS:
        problems["payee.kind"] = "payee_kind_invalid"
    name, problems["payee.name"] = _single_line(payee.get("name"), required=True, limit=PAYEE_NAME_MAX)
    siren, problems["payee.siren"] = _single_line(payee.get("siren"), required=False, limit=9)
    if siren is not None and not _SIREN.match(siren):
        problems["payee.siren"] = "siren_invalid"
    return {"kind": kind, "name": name, "siren": siren}, problems


def payment_problems(fields: dict, today: date) -> tuple[dict, dict[str, str]]:
    """A payment of indemnity the insurer made: its own id (the same id is
    the same payment), a positive amount in euros, the day paid (not in the
    future), to whom, how, and its bank reference."""
    problems = _unknown(fields, ("payment_id", "amount", "paid_on", "payee", "method", "reference"))
    values = {}
    values["payment_id"], problems["payment_id"] = _single_line(fields.get("payment_id"), required=True,
                                                                limit=PAYMENT_ID_MAX)
    values["amount"], problems["amount"] = parse_amount(fields.get("amount"))
    values["paid_on"], problems["paid_on"] = parse_date(fields.get("paid_on"))
    if values["paid_on"] is not None and values["paid_on"] > today:
        problems["paid_on"] = "in_future"
    values["payee"], payee_problems = _payee_problems(fields.get("payee"))
    problems |= payee_problems
    method = fields.get("method")
    if method is None or method == "":
        method = "transfer"
    elif method not in METHODS:
        problems["method"] = "method_invalid"
    values["method"] = method
    values["reference"], problems["reference"] = _single_line(fields.get("reference"), required=False,
                                                              limit=PAYMENT_REFERENCE_MAX)
    return values, _kept(problems)
