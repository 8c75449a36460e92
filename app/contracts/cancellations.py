"""Cancellations (résiliations): the effective date by ground, the unused
premium to refund, the letter, the insurer's notice, and the contract set
cancelled on that date, with its premium calls from that date cancelled.

A cancellation effective later is *scheduled*: the contract stays in force
and shows it; :func:`apply_due` cancels every contract whose date has come.
It runs when the contract list or a contract page is opened, so a scheduled
cancellation never shows a stale status to anybody.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.billing import adjustments as billing
from app.catalog.models import Insurer
from app.contracts import rules, services
from app.contracts.models import Cancellation, CancellationGround, Contract, ContractStatus
from app.contracts.services import ContractError
from app.crm.models import Client
from app.letters import services as letters
from app.outbox import services as outbox

CANCELLABLE = (ContractStatus.PENDING.value, ContractStatus.ACTIVE.value, ContractStatus.SUSPENDED.value)
LETTER_TEMPLATE = "cancellation_notice"


@dataclass
class Request:
    ground: str
    notice_on: date
    chosen_date: date | None = None
    reason: str | None = None


def for_contract(session: Session, contract: Contract) -> Cancellation | None:
    return session.scalars(select(Cancellation).where(Cancellation.contract_id == contract.id)
                           .order_by(Cancellation.id.desc()).limit(1)).first()


def effective_date(contract: Contract, request: Request) -> date:
    """The day the cancellation takes effect, or ContractError saying why not."""
    if request.ground not in {ground.value for ground in CancellationGround}:
        raise ContractError("choice_invalid", "ground")
    try:
        return rules.cancellation_effective_date(
            request.ground, line=contract.line, contract_start=contract.effective_date,
            renewal_date=contract.renewal_date, notice_days=contract.notice_days, notice_on=request.notice_on,
            chosen=request.chosen_date)
    except rules.ContractRuleError as exc:
        field = "chosen_date" if exc.code in ("date_required", "before_notice") else "notice_on"
        raise ContractError(exc.code, "ground" if exc.code == "ground_not_for_line" else field, exc.day) from exc


def _letter(session: Session, actor, contract: Contract):
    """The cancellation letter; its merge fields read the cancellation just recorded."""
    try:
        return letters.compose(session, actor, client=session.get(Client, contract.client_id), contract=contract,
                               template_code=LETTER_TEMPLATE)
    except letters.LetterError as exc:
        raise ContractError("letter_" + exc.code) from exc


def _notify_insurer(session: Session, contract: Contract, cancellation: Cancellation, locale: str):
    payload = services.jsonable({
        "contract": {"reference": contract.reference, "policy_number": contract.policy_number, "line": contract.line},
        "cancellation": {"ground": cancellation.ground, "requested_by": cancellation.requested_by,
                         "notice_received_on": cancellation.notice_received_on,
                         "effective_on": cancellation.effective_on, "refund_net": cancellation.refund_net,
                         "refund_total": cancellation.refund_total, "reason": cancellation.reason},
    })
    try:
        return outbox.enqueue_message(
            session, insurer=session.get(Insurer, contract.insurer_id), subject_type="cancellation",
            subject_id=cancellation.id, kind="cancellation", payload=payload,
            envelope={"subject": _subject(contract, locale), "text": cancellation.reason or ""})
    except outbox.OutboxError as exc:
        raise ContractError("insurer_unreachable") from exc


def _subject(contract: Contract, locale: str) -> str:
    with force_locale(locale):
        return _("Cancellation of policy %(policy)s", policy=contract.policy_number or contract.reference)


def cancel(session: Session, actor, contract: Contract, request: Request, *, version: int | None,
           locale: str = "fr", today: date | None = None) -> Cancellation:
    """Record the cancellation with its refund, write the letter, notify the
    insurer; cancel the contract now if the date has come, else schedule it."""
    today = today or date.today()
    services.require_version(contract, version)
    if contract.status not in CANCELLABLE:
        raise ContractError("not_in_force")
    if for_contract(session, contract) is not None:
        raise ContractError("already_cancelled")
    effective_on = effective_date(contract, request)
    refund = billing.cancellation_refund(session, contract, effective_on)
    cancellation = Cancellation(
        contract_id=contract.id, ground=request.ground, requested_by=rules.requested_by(request.ground),
        notice_received_on=request.notice_on, effective_on=effective_on, refund_net=refund.net,
        refund_total=refund.total, computation=refund.computation, reason=(request.reason or "").strip() or None,
        created_by_id=getattr(actor, "id", None))
    session.add(cancellation)
    session.flush()
    cancellation.letter_id = _letter(session, actor, contract).id
    cancellation.message_id = _notify_insurer(session, contract, cancellation, locale).id
    audit.record(session, actor, "contract.cancel", "contract", contract.id,
                 after={"ground": cancellation.ground, "notice_received_on": cancellation.notice_received_on,
                        "effective_on": effective_on, "refund_total": refund.total})
    services.record_event(session, actor, contract, kind="cancellation", summary=cancellation.reason or "",
                          effective_on=effective_on,
                          details={"ground": cancellation.ground, "refund_total": refund.total,
                                   "letter_id": cancellation.letter_id})
    if effective_on <= today:
        _close(session, actor, contract, cancellation)
    return cancellation


def _close(session: Session, actor, contract: Contract, cancellation: Cancellation) -> None:
    """Cancel the contract and close what follows: its calls from the effective date."""
    services.change_status(session, actor, contract, to_status=ContractStatus.CANCELLED.value,
                           reason=cancellation.reason or cancellation.ground, effective_on=cancellation.effective_on)
    billing.close_calls(session, actor, contract, cancellation)


def scheduled(session: Session, contract: Contract) -> Cancellation | None:
    """The cancellation waiting for its date, if any."""
    cancellation = for_contract(session, contract)
    if cancellation is None or contract.status not in CANCELLABLE:
        return None
    return cancellation


def apply_due(session: Session, today: date | None = None) -> int:
    """Cancel the contracts whose scheduled cancellation date has come; return how many."""
    today = today or date.today()
    due = session.execute(select(Contract, Cancellation).join(Cancellation, Cancellation.contract_id == Contract.id)
                          .where(Cancellation.effective_on <= today, Contract.status.in_(CANCELLABLE))).all()
    for contract, cancellation in due:
        _close(session, None, contract, cancellation)
    return len(due)
