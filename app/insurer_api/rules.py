"""Rules of the insurer API: key format and hashing, idempotency keys,
request fingerprints and the validation of each request's fields. Pure: no
database, no Flask.

API answers are written for insurers' developers, in English, like the
OpenAPI document that describes them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import string
from datetime import date
from decimal import Decimal, InvalidOperation

from app.documents.rules import MAX_UPLOAD_BYTES, upload_problem

KEY_SCHEME = "ak"
PREFIX_LENGTH = 8
SECRET_BYTES = 32
PREFIX_ALPHABET = string.ascii_lowercase + string.digits
_KEY = re.compile(rf"^{KEY_SCHEME}_([a-z0-9]{{{PREFIX_LENGTH}}})_([A-Za-z0-9_-]{{40,64}})$")

DEFAULT_RATE_LIMIT = "120 per minute"
#: a key in use is marked at most once a minute, not written on every request
LAST_USED_RESOLUTION_SECONDS = 60

IDEMPOTENCY_KEY_MAX = 100
_IDEMPOTENCY_KEY = re.compile(rf"^[\x21-\x7e]{{1,{IDEMPOTENCY_KEY_MAX}}}$")

POLICY_NUMBER_MAX = 60
INSURER_REFERENCE_MAX = 60
TEXT_MAX = 5000
MAX_DOCUMENTS = 10
FILENAME_MAX = 200
PLACEMENT_REFERENCE_MAX = 20
INTEGER_MAX = 2**31 - 1
JSON_BODY_LIMIT = 1024 * 1024
MULTIPART_BODY_LIMIT = MAX_DOCUMENTS * MAX_UPLOAD_BYTES + JSON_BODY_LIMIT
#: Numeric(12, 2): ten digits before the point
PREMIUM_LIMIT = Decimal("10000000000")
_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: what an insurer may file on a contract (values of DocumentKind)
CONTRACT_DOCUMENT_KINDS = ("general_conditions", "specific_conditions", "endorsement", "attestation",
                           "insurer_document")

MESSAGES = {
    "required": "This field is required.",
    "not_a_string": "This field must be a string.",
    "blank": "This field must not be blank.",
    "too_long": "This field is too long.",
    "invalid_characters": "This field holds control characters or invalid Unicode.",
    "unknown_field": "This field is not part of the request.",
    "date_invalid": "Give a real date as YYYY-MM-DD.",
    "amount_invalid": "Give an amount as a decimal string, such as \"1234.56\".",
    "amount_not_positive": "The amount must be greater than zero.",
    "amount_too_precise": "The amount has at most two decimals (cents).",
    "amount_too_large": "The amount is too large.",
    "kind_invalid": "Unknown kind: use one of " + ", ".join(CONTRACT_DOCUMENT_KINDS) + ".",
    "file_required": "Attach a file.",
    "too_many_files": f"Attach at most {MAX_DOCUMENTS} files.",
    "empty": "The file is empty.",
    "too_large": "The file is too large.",
    "unsupported_type": "Only PDF, JPEG, PNG and WebP files are accepted (checked by their content).",
}


def new_key() -> tuple[str, str]:
    """Return (prefix, whole key) of a new API key ``ak_<prefix>_<secret>``:
    the prefix is public and finds the key, the secret is 32 random bytes."""
    prefix = "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
    return prefix, f"{KEY_SCHEME}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"


def key_prefix(key: str) -> str | None:
    """Return the prefix of a well-formed key, None otherwise."""
    found = _KEY.match(key or "")
    return found.group(1) if found else None


def hash_key(key: str) -> str:
    """SHA-256 of the whole key: a key of 256 random bits needs no slow hash."""
    return hashlib.sha256(key.encode()).hexdigest()


def key_matches(key: str, stored_hash: str) -> bool:
    """Compare in constant time, so that timing tells nothing of the hash."""
    return hmac.compare_digest(hash_key(key), stored_hash)


def shown_prefix(prefix: str) -> str:
    return f"{KEY_SCHEME}_{prefix}_…"


def bearer_token(authorization: str | None) -> str | None:
    """Return the token of an ``Authorization: Bearer <token>`` header (RFC 6750)."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def is_identifier(value: str, limit: int) -> bool:
    """Whether a reference or number taken from the URL can name a row:
    short, on one line, valid text (a database refuses NUL bytes)."""
    return 0 < len(value) <= limit and _is_utf8(value) and not any(ord(ch) < 32 or ord(ch) == 127 for ch in value)


def idempotency_key_problem(value: str | None) -> str | None:
    """Return ``missing`` or ``invalid`` for a bad ``Idempotency-Key``, else None."""
    if value is None or value == "":
        return "missing"
    return None if _IDEMPOTENCY_KEY.match(value) else "invalid"


def fingerprint(method: str, path: str, fields: dict, files: list[tuple[str, str, bytes]] = ()) -> str:
    """SHA-256 of a request's meaning: method, path, fields, and for each file
    its field, name and content digest. Two multipart bodies with other
    boundaries but the same content are the same request."""
    canonical = json.dumps({
        "method": method.upper(), "path": path, "fields": fields,
        "files": sorted([name, filename, hashlib.sha256(content).hexdigest()] for name, filename, content in files),
    }, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _text(value, *, required: bool, limit: int) -> tuple[str | None, str | None]:
    """Return (cleaned text, problem) of one text field."""
    if value is None:
        return None, ("required" if required else None)
    if not isinstance(value, str):
        return None, "not_a_string"
    if not _is_utf8(value):
        return None, "invalid_characters"
    cleaned = value.strip()
    if not cleaned:
        return None, ("blank" if required else None)
    if len(cleaned) > limit:
        return None, "too_long"
    return cleaned, None


def _is_utf8(value: str) -> bool:
    """Lone surrogates (possible in JSON) cannot be stored as UTF-8 text."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _single_line(value, *, required: bool, limit: int) -> tuple[str | None, str | None]:
    cleaned, problem = _text(value, required=required, limit=limit)
    if cleaned is not None and any(ord(ch) < 32 or ord(ch) == 127 for ch in cleaned):
        return None, "invalid_characters"
    return cleaned, problem


def _multi_line(value, *, required: bool, limit: int) -> tuple[str | None, str | None]:
    cleaned, problem = _text(value, required=required, limit=limit)
    if cleaned is not None and any((ord(ch) < 32 and ch not in "\r\n\t") or ord(ch) == 127 for ch in cleaned):
        return None, "invalid_characters"
    return cleaned, problem


def parse_date(value) -> tuple[date | None, str | None]:
    """Return (date, problem) of an ISO 8601 calendar date ``YYYY-MM-DD``."""
    if value is None or value == "":
        return None, "required"
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return None, "date_invalid"
    try:
        return date.fromisoformat(value), None
    except ValueError:
        return None, "date_invalid"


def parse_amount(value) -> tuple[Decimal | None, str | None]:
    """Return (amount, problem) of a positive amount in euros given as a
    decimal string with at most two decimals; never through a float."""
    if value is None or value == "":
        return None, "required"
    if not isinstance(value, str) or not _DECIMAL.match(value.strip()):
        return None, "amount_invalid"
    try:
        amount = Decimal(value.strip())
    except InvalidOperation:
        return None, "amount_invalid"
    if amount <= 0:
        return None, "amount_not_positive"
    if amount.as_tuple().exponent < -2:
        return None, "amount_too_precise"
    if amount >= PREMIUM_LIMIT:
        return None, "amount_too_large"
    return amount.quantize(Decimal("0.01")), None


def _unknown(fields: dict, allowed: tuple[str, ...]) -> dict[str, str]:
    return {name: "unknown_field" for name in fields if name not in allowed}


def acceptance_problems(fields: dict) -> tuple[dict, dict[str, str]]:
    """Validate an acceptance: policy number, effective date, final premium."""
    problems = _unknown(fields, ("policy_number", "effective_date", "final_premium"))
    values = {}
    values["policy_number"], problems["policy_number"] = _single_line(
        fields.get("policy_number"), required=True, limit=POLICY_NUMBER_MAX)
    values["effective_date"], problems["effective_date"] = parse_date(fields.get("effective_date"))
    values["final_premium"], problems["final_premium"] = parse_amount(fields.get("final_premium"))
    return values, {name: code for name, code in problems.items() if code}


def text_problems(fields, name: str) -> tuple[dict, dict[str, str]]:
    """Validate a body holding one required text, ``reason`` or ``message``."""
    problems = _unknown(fields, (name,))
    value, problem = _multi_line(fields.get(name), required=True, limit=TEXT_MAX)
    if problem:
        problems[name] = problem
    return {name: value}, problems


def confirmation_problems(fields: dict) -> tuple[dict, dict[str, str]]:
    """Validate an endorsement confirmation: an optional insurer reference."""
    problems = _unknown(fields, ("insurer_reference",))
    value, problem = _single_line(fields.get("insurer_reference"), required=False, limit=INSURER_REFERENCE_MAX)
    if problem:
        problems["insurer_reference"] = problem
    return {"insurer_reference": value}, problems


def contract_document_problems(fields: dict) -> tuple[dict, dict[str, str]]:
    """Validate the fields sent with a contract document: its ``kind``."""
    problems = _unknown(fields, ("kind",))
    kind = fields.get("kind")
    if kind is None or kind == "":
        problems["kind"] = "required"
    elif kind not in CONTRACT_DOCUMENT_KINDS:
        problems["kind"] = "kind_invalid"
    return {"kind": kind}, problems


def files_problems(files: list[tuple[str, str, bytes]], field: str, *, required: bool,
                   most: int) -> dict[str, str]:
    """Check uploads sent as ``field``: how many, and each one's content
    (PDF or image, recognised by its bytes, not by its name or declared type)."""
    problems = {name: "unknown_field" for name, _filename, _content in files if name != field}
    contents = [content for name, _filename, content in files if name == field]
    if required and not contents:
        problems[field] = "file_required"
    elif len(contents) > most:
        problems[field] = "too_many_files"
    else:
        problem = next((upload_problem(content) for content in contents if upload_problem(content)), None)
        if problem:
            problems[field] = problem
    return problems


def problems_status(problems: dict[str, str]) -> int:
    """413 when a file is too large, 415 when its type is refused, else 422."""
    codes = set(problems.values())
    if "too_large" in codes:
        return 413
    if "unsupported_type" in codes:
        return 415
    return 422


def clean_filename(name: str | None) -> str:
    """The last part of an uploaded file's name, without control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ord(ch) >= 32 and ord(ch) != 127 and _is_utf8(ch)).strip()
    return cleaned[:FILENAME_MAX] or "document"


def messages_of(problems: dict[str, str]) -> dict[str, str]:
    return {name: MESSAGES.get(code, code) for name, code in problems.items()}
