"""What an insurer's developer reads before holding a key: the OpenAPI
document, the documentation page and the placement document's schema.
Routes of ``views.bp``, open without a key."""

from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from limits import parse_many

from app.auth.access import public
from app.insurer_api import openapi, rules
from app.insurer_api.views import bp
from app.outbox.rules import SIGNATURE_HEADER, SIGNATURE_TOLERANCE
from app.placements.document import SCHEMA_FILE, load_schema


#: what each error status means, in the reader's language (the OpenAPI
#: document keeps the English of ``openapi.ERROR_STATUSES``)
ERROR_MEANINGS = {
    "400": _l("Missing or invalid Idempotency-Key header, or a body that is not a JSON object."),
    "401": _l("No API key, or an unknown or revoked one."),
    "403": _l("The insurer is no longer active with the firm."),
    "404": _l("No such placement, contract or claim among those of your insurer."),
    "409": _l("Out of state (already answered, already confirmed), a payment_id already posted with another amount, "
              "or an Idempotency-Key reused for another request."),
    "413": _l("A file or the whole body is too large."),
    "415": _l("Wrong Content-Type, or a file that is not a PDF, JPEG, PNG or WebP."),
    "422": _l("Some fields are invalid: error.fields says which and why."),
    "429": _l("Too many requests for this key: wait for the Retry-After delay."),
}


def rate_limit_text(setting: str) -> str:
    """The rate limit setting in the reader's words ("120 per minute"); the
    setting as it is when it is not one limit per second, minute, hour or day."""
    try:
        limits = parse_many(setting)
    except ValueError:
        return setting
    if len(limits) != 1 or limits[0].multiples != 1:
        return setting
    amount, unit = limits[0].amount, limits[0].GRANULARITY.name
    if unit == "second":
        return ngettext("%(num)d per second", "%(num)d per second", amount)
    if unit == "minute":
        return ngettext("%(num)d per minute", "%(num)d per minute", amount)
    if unit == "hour":
        return ngettext("%(num)d per hour", "%(num)d per hour", amount)
    if unit == "day":
        return ngettext("%(num)d per day", "%(num)d per day", amount)
    return setting


def api_base_url() -> str:
    """The API's root on this firm's host, without a trailing slash."""
    return url_for("insurer_api.openapi", _external=True).rsplit("/", 1)[0]


def placement_schema_url() -> str:
    return url_for("insurer_api.placement_schema", _external=True)


@bp.get("/openapi.json", endpoint="openapi")
@public
def openapi_document():
    return openapi.document(api_base_url(), placement_schema_url())


@bp.get("/docs")
@public
def docs():
    return render_template(
        "insurer_api/docs.html", base=api_base_url(), schema_url=placement_schema_url(),
        rate_limit=rate_limit_text(current_app.config["INSURER_API_RATE_LIMIT"]), signature_header=SIGNATURE_HEADER,
        tolerance_minutes=SIGNATURE_TOLERANCE // 60, max_documents=rules.MAX_DOCUMENTS,
        errors={status: ERROR_MEANINGS.get(status, meaning) for status, (_name, meaning) in openapi.ERROR_STATUSES.items()},
        document_kinds=rules.CONTRACT_DOCUMENT_KINDS,
    )


@bp.get(f"/schemas/{SCHEMA_FILE}")
@public
def placement_schema():
    return load_schema()
