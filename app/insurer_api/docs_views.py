"""What an insurer's developer reads before holding a key: the OpenAPI
document, the documentation page and the placement document's schema.
Routes of ``views.bp``, open without a key."""

from __future__ import annotations

from flask import current_app, render_template, url_for

from app.auth.access import public
from app.insurer_api import openapi, rules
from app.insurer_api.views import bp
from app.outbox.rules import SIGNATURE_HEADER, SIGNATURE_TOLERANCE
from app.placements.document import SCHEMA_FILE, load_schema


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
        rate_limit=current_app.config["INSURER_API_RATE_LIMIT"], signature_header=SIGNATURE_HEADER,
        tolerance_minutes=SIGNATURE_TOLERANCE // 60, errors=openapi.ERROR_STATUSES, max_documents=rules.MAX_DOCUMENTS,
        document_kinds=rules.CONTRACT_DOCUMENT_KINDS,
    )


@bp.get(f"/schemas/{SCHEMA_FILE}")
@public
def placement_schema():
    return load_schema()
