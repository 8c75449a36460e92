"""The insurer API, ``/api/insurer/v1/`` on the firm's own host: insurers
read the placements sent to them and answer them, then file documents and
endorsement confirmations on the contracts.

No staff session opens it and no CSRF token is asked: an insurer
authenticates with its bearer key. Every view is marked ``public`` for the
staff guard, which this blueprint does not install. Contract routes are in
``contract_views``, the OpenAPI document and docs page in ``docs_views``.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, request
from flask_limiter.util import get_remote_address
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.auth.access import public
from app.catalog.models import Insurer
from app.contracts import services as contracts
from app.extensions import csrf, db, limiter
from app.insurer_api import rules
from app.insurer_api import services as keys
from app.insurer_api.requests import idempotent, json_body, multipart_body
from app.insurer_api.responses import STATUS_CODES, ApiError, error_body, invalid, note_json, placement_json
from app.placements import services as placements
from app.placements import rules as placement_rules
from app.placements.models import Placement
from app.placements.services import PlacementError

bp = Blueprint("insurer_api", __name__, url_prefix="/api/insurer/v1")
csrf.exempt(bp)

#: readable without a key: what an insurer's developer needs to start
KEYLESS_ENDPOINTS = {"insurer_api.openapi", "insurer_api.docs", "insurer_api.placement_schema"}


def rate_limit_key() -> str:
    """One bucket per key on this host: its prefix and a digest of the whole
    key, so that a stranger who knows a prefix cannot drain its insurer's
    allowance. Requests without a well-formed key share their address's."""
    token = rules.bearer_token(request.headers.get("Authorization")) or ""
    prefix = rules.key_prefix(token)
    bucket = f"{prefix}:{rules.hash_key(token)[:16]}" if prefix else f"address:{get_remote_address()}"
    return f"insurer-api:{request.host}:{bucket}"


limiter.shared_limit(lambda: current_app.config["INSURER_API_RATE_LIMIT"], scope="insurer_api",
                     key_func=rate_limit_key)(bp)


@bp.before_request
def authenticate_insurer():
    request.max_content_length = rules.MULTIPART_BODY_LIMIT
    if request.endpoint in KEYLESS_ENDPOINTS:
        return
    key = keys.authenticate(db.session, rules.bearer_token(request.headers.get("Authorization")))
    if key is None:
        raise ApiError(401, "unauthenticated", "Send a valid, unrevoked API key: Authorization: Bearer ak_...")
    insurer = db.session.get(Insurer, key.insurer_id)
    if not insurer.is_active:
        raise ApiError(403, "insurer_inactive", "The firm no longer works with this insurer through the API.")
    if keys.mark_used(db.session, key):
        db.session.commit()
    g.api_key, g.insurer = key, insurer


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    db.session.rollback()
    headers = {"WWW-Authenticate": 'Bearer realm="insurer-api"'} if error.status == 401 else {}
    return error.body(), error.status, headers


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    db.session.rollback()
    code = error.code or 500
    message = "Too many requests: slow down and retry after the delay given." if code == 429 else error.description
    return error_body(STATUS_CODES.get(code, "error"), message), code


@bp.errorhandler(PlacementError)
def placement_error(error: PlacementError):
    """A refusal of the placements service that validation did not foresee."""
    db.session.rollback()
    return error_body("out_of_state", f"The placement cannot take this answer ({error.code})."), 409


@bp.errorhandler(StaleDataError)
def stale_error(_error: StaleDataError):
    db.session.rollback()
    return error_body("conflict", "The object changed meanwhile: read it again before answering."), 409


def insurer_actor():
    """Who the audit log names for this request: the insurer, not a person."""
    return placements.InsurerActor(name=g.insurer.name, insurer_id=g.insurer.id)


def own_placement(reference: str) -> Placement:
    """The placement ``reference`` sent to this key's insurer; 404 for any
    other, so that another insurer's references cannot be probed."""
    known = rules.is_identifier(reference, rules.PLACEMENT_REFERENCE_MAX)
    placement = placements.by_reference(db.session, reference) if known else None
    if placement is None or placement.insurer_id != g.api_key.insurer_id:
        raise ApiError(404, "not_found", "No placement with this reference was sent to you.")
    return placement


def answerable(placement: Placement, action: str) -> Placement:
    """The placement, if ``action`` may still be done on it; 409 otherwise."""
    if placement_rules.transition_problem(placement.status, action):
        raise out_of_state(placement)
    return placement


def out_of_state(placement: Placement) -> ApiError:
    return ApiError(409, "out_of_state", f"The placement is {placement.status}: it can no longer be answered.")


def placement_answer(placement: Placement) -> dict:
    contract = contracts.get(db.session, placement.contract_id) if placement.contract_id else None
    return {"placement": placement_json(placement, contract)}


def validated(checked: tuple[dict, dict[str, str]]) -> dict:
    values, problems = checked
    if problems:
        raise invalid(problems, rules.problems_status(problems))
    return values


@bp.get("/placements/<reference>", merge_slashes=False)
@public
def placement(reference: str):
    return placement_answer(own_placement(reference))


@bp.post("/placements/<reference>/accept", merge_slashes=False)
@public
@idempotent(multipart_body)
def accept(submitted, reference: str):
    placement = answerable(own_placement(reference), "accept")
    values, problems = rules.acceptance_problems(submitted.fields)
    problems |= rules.files_problems(submitted.files, "documents", required=False, most=rules.MAX_DOCUMENTS)
    validated((values, problems))
    documents = [(filename, content) for _field, filename, content in submitted.files]
    placements.accept(db.session, insurer_actor(), placement, documents=documents, via="api", **values)
    return placement_answer(placement), 200


@bp.post("/placements/<reference>/decline", merge_slashes=False)
@public
@idempotent(json_body)
def decline(submitted, reference: str):
    placement = answerable(own_placement(reference), "decline")
    values = validated(rules.text_problems(submitted.fields, "reason"))
    placements.decline(db.session, insurer_actor(), placement, reason=values["reason"], via="api")
    return placement_answer(placement), 200


@bp.post("/placements/<reference>/information-requests", merge_slashes=False)
@public
@idempotent(json_body)
def request_information(submitted, reference: str):
    placement = answerable(own_placement(reference), "request_information")
    values = validated(rules.text_problems(submitted.fields, "message"))
    note = placements.request_information(db.session, insurer_actor(), placement, message=values["message"],
                                          via="api")
    return {"message": note_json(note), **placement_answer(placement)}, 201


from app.insurer_api import claim_views, contract_views, docs_views  # noqa: E402,F401  (their routes join bp)
