"""Reading an insurer's request: its body (JSON or multipart), and its
``Idempotency-Key``, which makes a repeated request get the first answer."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import wraps

from flask import g, request
from sqlalchemy.exc import IntegrityError

from app.documents.rules import MAX_UPLOAD_BYTES
from app.extensions import db
from app.insurer_api import rules
from app.insurer_api import services as keys
from app.insurer_api.responses import ApiError

IDEMPOTENCY_MESSAGES = {
    "missing": "Send an Idempotency-Key header: a unique value per operation, the same when retrying it.",
    "invalid": "The Idempotency-Key header holds 1 to 100 visible ASCII characters.",
}


@dataclass
class Submitted:
    """A request's fields, and its files as (field, file name, content)."""

    fields: dict
    files: list[tuple[str, str, bytes]] = field(default_factory=list)


def json_body() -> Submitted:
    """The JSON object sent; 415 for another type, 400 when it is no JSON object."""
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send a JSON body with Content-Type: application/json.")
    if (request.content_length or 0) > rules.JSON_BODY_LIMIT:
        raise ApiError(413, "too_large", "The body is larger than 1 MiB.")
    try:
        value = json.loads(request.get_data(cache=True))
    except (ValueError, RecursionError):
        raise ApiError(400, "malformed_json", "The body is not valid JSON (UTF-8).") from None
    if not isinstance(value, dict):
        raise ApiError(400, "malformed_json", "The body must be a JSON object.")
    return Submitted(value)


def multipart_body() -> Submitted:
    """The fields and files of a multipart/form-data body; a repeated field
    is kept as a list (and refused by validation), a part whose name the
    parser could not read is named ""."""
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, "unsupported_media_type", "Send a multipart/form-data body.")
    fields = {name or "": values[0] if len(values) == 1 else values for name, values in request.form.lists()}
    files = [(name or "", rules.clean_filename(upload.filename), upload.stream.read(MAX_UPLOAD_BYTES + 1))
             for name, uploads in request.files.lists() for upload in uploads]
    return Submitted(fields, files)


def _replay(stored):
    return stored.response_body, stored.response_status, {"Idempotent-Replayed": "true"}


def _checked_key() -> str:
    value = request.headers.get("Idempotency-Key")
    problem = rules.idempotency_key_problem(value)
    if problem:
        raise ApiError(400, f"idempotency_key_{problem}", IDEMPOTENCY_MESSAGES[problem])
    return value


def _stored(idempotency_key: str, request_hash: str):
    try:
        return keys.stored_answer(db.session, g.api_key, idempotency_key, request_hash)
    except keys.IdempotencyConflict:
        raise ApiError(409, "idempotency_key_reused",
                       "This Idempotency-Key was used for another request: use a new key per operation.") from None


def _keep(idempotency_key: str, request_hash: str, answer: dict, status: int):
    """Commit the change with its answer. When the same request ran
    concurrently and committed first, roll back and return its answer."""
    try:
        keys.remember_answer(db.session, g.api_key, idempotency_key, method=request.method, path=request.path,
                             request_hash=request_hash, status=status, body=answer)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        stored = _stored(idempotency_key, request_hash)
        if stored is None:
            raise
        return stored
    return None


def idempotent(read_body):
    """Make a POST view idempotent. The view receives the body read by
    ``read_body`` and returns (answer, status) without committing; the
    answer is kept with the change, in one transaction. Refused requests
    (4xx) change nothing and are not kept: they may be retried once fixed."""

    def decorator(view):
        @wraps(view)
        def run(**kwargs):
            idempotency_key = _checked_key()
            submitted = read_body()
            request_hash = rules.fingerprint(request.method, request.path, submitted.fields, submitted.files)
            stored = _stored(idempotency_key, request_hash)
            if stored is not None:
                return _replay(stored)
            answer, status = view(submitted, **kwargs)
            won = _keep(idempotency_key, request_hash, answer, status)
            return _replay(won) if won is not None else (answer, status)

        return run

    return decorator
