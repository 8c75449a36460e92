"""The insurer API on claims: an insurer reads a claim notified to it and
answers: acknowledgement, its own claim number, its decision on cover,
payments of indemnity. Routes of ``views.bp``; a claim is visible only to
the insurer of its contract (any other reference answers 404)."""

from __future__ import annotations

from datetime import date

from flask import g
from flask_babel import force_locale
from sqlalchemy import func, select

from app.auth.access import public
from app.claims import insurer_answers, notice
from app.claims.models import Claim
from app.claims.settlement_models import ClaimPayment
from app.claims.payments import PaymentError, PaymentInput, payments_of, record_payment
from app.columns import utcnow
from app.contracts.models import Contract
from app.crm.models import Client
from app.extensions import db
from app.insurer_api import claim_rules, rules
from app.insurer_api.requests import idempotent, json_body
from app.insurer_api.responses import ApiError
from app.insurer_api.views import bp, insurer_actor
from app.providers.models import Provider


def own_claim(reference: str) -> Claim:
    """The claim ``reference`` on a contract of this key's insurer; 404 for
    any other, so that other claims cannot be probed."""
    known = rules.is_identifier(reference, claim_rules.CLAIM_REFERENCE_MAX)
    claim = db.session.scalar(select(Claim).join(Contract, Contract.id == Claim.contract_id).where(
        Claim.reference == reference, Contract.insurer_id == g.api_key.insurer_id)) if known else None
    if claim is None:
        raise ApiError(404, "not_found", "No claim with this reference is on a contract of yours.")
    return claim


def checked(result: tuple[dict, dict[str, str]]) -> dict:
    values, problems = result
    if problems:
        raise ApiError(422, "invalid", "Some fields are invalid: see error.fields.", claim_rules.messages_of(problems))
    return values


def _moment(value) -> str | None:
    return value.isoformat() if value else None


def payment_json(payment: ClaimPayment) -> dict:
    return {"id": payment.id, "payment_id": payment.external_id, "amount": f"{payment.amount:.2f}",
            "paid_on": payment.paid_on.isoformat(), "payee": {"kind": payment.payee_kind, "name": payment.payee_name},
            "method": payment.method, "reference": payment.reference, "source": payment.source,
            "recorded_at": _moment(payment.created_at)}


def claim_json(claim: Claim) -> dict:
    """The claim as its insurer sees it: the notice's content, its status,
    the answers recorded (by the API or by the firm) and the payments."""
    contract = db.session.get(Contract, claim.contract_id)
    with force_locale(notice.firm_locale()):
        part = notice.claim_part(claim, contract, db.session.get(Client, claim.client_id))
    return {**part, "status": claim.status,
            "answer": {"acknowledged_at": _moment(claim.insurer_acknowledged_at),
                       "insurer_reference": claim.insurer_reference, "decision": claim.insurer_decision,
                       "note": claim.insurer_decision_note},
            "paid_total": f"{claim.paid_total:.2f}",
            "payments": [payment_json(payment) for payment in payments_of(db.session, claim)]}


def claim_answer(claim: Claim) -> dict:
    db.session.flush()
    return {"claim": claim_json(claim)}


@bp.get("/claims/<reference>", merge_slashes=False)
@public
def claim(reference: str):
    return claim_answer(own_claim(reference))


@bp.post("/claims/<reference>/acknowledgement", merge_slashes=False)
@public
@idempotent(json_body)
def acknowledge_claim(submitted, reference: str):
    """The first acknowledgement's time stands; a claim number sent with a later one is still recorded."""
    claim = own_claim(reference)
    values = checked(claim_rules.acknowledgement_problems(submitted.fields))
    if claim.insurer_acknowledged_at is None:
        insurer_answers.acknowledge(db.session, insurer_actor(), claim, utcnow(), side="insurer")
    if values["insurer_reference"] and values["insurer_reference"] != claim.insurer_reference:
        insurer_answers.set_reference(db.session, insurer_actor(), claim, values["insurer_reference"], side="insurer")
    return claim_answer(claim), 200


@bp.post("/claims/<reference>/reference", merge_slashes=False)
@public
@idempotent(json_body)
def set_claim_reference(submitted, reference: str):
    claim = own_claim(reference)
    values = checked(claim_rules.reference_problems(submitted.fields))
    if values["insurer_reference"] != claim.insurer_reference:
        insurer_answers.set_reference(db.session, insurer_actor(), claim, values["insurer_reference"], side="insurer")
    return claim_answer(claim), 200


@bp.post("/claims/<reference>/decision", merge_slashes=False)
@public
@idempotent(json_body)
def decide_claim(submitted, reference: str):
    claim = own_claim(reference)
    values = checked(claim_rules.decision_problems(submitted.fields))
    insurer_answers.decide(db.session, insurer_actor(), claim, values["decision"], values["note"], side="insurer")
    return claim_answer(claim), 200


def _provider_id(payee: dict) -> int:
    """The firm's provider the insurer paid, found by SIREN, else by name; 422 when none matches."""
    match = Provider.siren == payee["siren"] if payee["siren"] else func.lower(Provider.name) == payee["name"].lower()
    provider_ids = db.session.scalars(select(Provider.id).where(match).order_by(Provider.id).limit(2)).all()
    if len(provider_ids) != 1:
        raise ApiError(422, "invalid", "Some fields are invalid: see error.fields.",
                       claim_rules.messages_of({"payee.name": "unknown_provider"}))
    return provider_ids[0]


@bp.post("/claims/<reference>/payments", merge_slashes=False)
@public
@idempotent(json_body)
def post_claim_payment(submitted, reference: str):
    """201 for a new payment; 200 with the first one when its payment_id is
    known already with the same amount; 409 when the amount differs."""
    claim = own_claim(reference)
    today = date.today()
    values = checked(claim_rules.payment_problems(submitted.fields, today))
    payee = values["payee"]
    provider_id = _provider_id(payee) if payee["kind"] == "provider" else None
    try:
        payment, created = record_payment(db.session, insurer_actor(), claim, PaymentInput(
            payee_kind=payee["kind"], payee_name=payee["name"], amount=values["amount"], paid_on=values["paid_on"],
            method=values["method"], reference=values["reference"], provider_id=provider_id,
            external_id=values["payment_id"]), source="insurer", today=today)
    except PaymentError as exc:
        if exc.code == "external_id_conflict":
            raise ApiError(409, "payment_id_conflict", "A payment with this payment_id was posted with another "
                                                       "amount: use a new payment_id for another payment.") from None
        raise ApiError(422, "invalid", "Some fields are invalid: see error.fields.",
                       claim_rules.messages_of(exc.problems)) from None
    return {"payment": payment_json(payment), **claim_answer(claim)}, 201 if created else 200
