"""The insurer API on contracts: documents the insurer files on a contract
it issued, and its confirmation of endorsements. Routes of ``views.bp``."""

from __future__ import annotations

from flask import g

from app.auth.access import public
from app.contracts import services as contracts
from app.contracts.services import ContractError
from app.documents.services import DocumentError
from app.extensions import db
from app.insurer_api import rules
from app.insurer_api import services as keys
from app.insurer_api.requests import idempotent, json_body, multipart_body
from app.insurer_api.responses import ApiError, contract_json, document_json, endorsement_json, invalid
from app.insurer_api.views import bp, insurer_actor, validated


def own_contract(policy_number: str):
    """This key's insurer's contract with this policy number (or reference); 404 otherwise.
    Policy numbers may hold slashes, URL-encoded or not: the routes take
    the path as it is (no merging of double slashes)."""
    contract = keys.contract_of_insurer(db.session, g.api_key.insurer_id, policy_number)
    if contract is None:
        raise ApiError(404, "not_found", "No contract of yours has this policy number.")
    return contract


@bp.post("/contracts/<path:policy_number>/documents", merge_slashes=False)
@public
@idempotent(multipart_body)
def add_contract_document(submitted, policy_number: str):
    contract = own_contract(policy_number)
    values, problems = rules.contract_document_problems(submitted.fields)
    problems |= rules.files_problems(submitted.files, "file", required=True, most=1)
    validated((values, problems))
    _field, filename, content = submitted.files[0]
    try:
        document = contracts.add_insurer_document(db.session, insurer_actor(), contract, filename=filename,
                                                  content=content, kind=values["kind"])
    except DocumentError as exc:
        raise invalid({"file": exc.code}, rules.problems_status({"file": exc.code})) from None
    return {"document": document_json(document), "contract": contract_json(contract)}, 201


@bp.post("/contracts/<path:policy_number>/endorsements/<int:number>/confirmation", merge_slashes=False)
@public
@idempotent(json_body)
def confirm_endorsement(submitted, policy_number: str, number: int):
    contract = own_contract(policy_number)
    endorsement = keys.endorsement_of(db.session, contract, number)
    if endorsement is None:
        raise ApiError(404, "not_found", f"The contract has no endorsement number {number}.")
    if endorsement.confirmed_at is not None:
        raise ApiError(409, "out_of_state", f"Endorsement {number} is already confirmed.")
    values = validated(rules.confirmation_problems(submitted.fields))
    try:
        endorsement = contracts.confirm_endorsement(db.session, insurer_actor(), contract, number=number,
                                                    insurer_reference=values["insurer_reference"])
    except ContractError as exc:
        raise ApiError(409, "out_of_state", f"The endorsement cannot be confirmed ({exc.code}).") from None
    return {"endorsement": endorsement_json(endorsement), "contract": contract_json(contract)}, 200
