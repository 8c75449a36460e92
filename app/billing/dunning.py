"""The non-payment procedure (Code des assurances, L113-3) of overdue premium
calls: one :class:`NonPaymentProcedure` per call, each step's date as it
happened, on the contract's timeline and in the audit log.

The daily pass (:func:`run_daily`) takes, for every open overdue call of a
contract in force, the steps due that day
(:func:`app.billing.nonpayment_rules.due_actions`): the firm's reminder
email, the formal notice (automatic from its earliest legal day; the handler
may send it from the dashboard on a day the pass has not reached yet, never
earlier), the suspension of cover, the day the contract becomes cancellable.
A step done is recorded, so a second pass the same day does nothing. The
cancellation itself is the handler's decision,
through the contracts area's cancellation (ground ``non_payment``).

Payment at any step stops the procedure and lifts the suspension (cover
resumes at noon the next day); a call cancelled or refunded stops it too.
These are called by :mod:`app.billing.events`, in the payment's transaction.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date, timedelta

from flask import current_app, g
from flask_babel import force_locale, format_currency, format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.billing import dunning_notices as notices
from app.billing import nonpayment_rules, rules
from app.billing.errors import BillingError
from app.billing.models import BillingSettings, CallKind, NonPaymentProcedure, PremiumCall
from app.billing.nonpayment_rules import Action, Step
from app.contracts import services as contracts
from app.contracts.models import CancellationGround, Contract, ContractStatus
from tenants import bound_schema
from tenants.models import Tenant

logger = logging.getLogger(__name__)

IN_FORCE = (ContractStatus.ACTIVE.value, ContractStatus.SUSPENDED.value)
OPEN = (rules.CallStatus.DUE.value, rules.CallStatus.PARTLY_PAID.value, rules.CallStatus.OVERDUE.value)
OBJECT = "nonpayment_procedure"


# --- reading ------------------------------------------------------------------------

def reminder_days(session: Session) -> int:
    """The firm's reminder delay (billing settings), 5 days by default."""
    settings = session.get(BillingSettings, 1)
    return settings.reminder_days if settings is not None else nonpayment_rules.DEFAULT_REMINDER_DAYS


def procedure_of(session: Session, call_id: int, *, lock: bool = False) -> NonPaymentProcedure | None:
    query = select(NonPaymentProcedure).where(NonPaymentProcedure.call_id == call_id)
    return session.scalars(query.with_for_update() if lock else query).first()


def progress_of(procedure: NonPaymentProcedure | None, call: PremiumCall) -> nonpayment_rules.Progress:
    if procedure is None:
        return nonpayment_rules.Progress(call.due_date)
    return nonpayment_rules.Progress(call.due_date, procedure.reminder_sent_on, procedure.formal_notice_sent_on,
                                     procedure.suspended_on, procedure.cancellable_on, procedure.cancelled_on,
                                     procedure.stopped_on, procedure.stop_reason)


def late_calls(today: date):
    """Calls still owed after their due date, whether or not their status
    was refreshed to ``overdue`` yet (credit notes are never chased)."""
    return select(PremiumCall).where(PremiumCall.status.in_(OPEN), PremiumCall.due_date < today,
                                     PremiumCall.cancelled_at.is_(None), PremiumCall.kind != CallKind.CREDIT_NOTE.value)


def _open_overdue(today: date, call_id: int | None = None):
    query = late_calls(today).join(Contract, Contract.id == PremiumCall.contract_id).where(
        Contract.status.in_(IN_FORCE))
    return query if call_id is None else query.where(PremiumCall.id == call_id)


def overdue_call_ids(session: Session, today: date) -> list[int]:
    """The calls the procedure applies to: late, of a contract in force."""
    return list(session.scalars(_open_overdue(today).with_only_columns(PremiumCall.id)
                                .order_by(PremiumCall.due_date, PremiumCall.id)))


def _tenant(session: Session):
    return g.get("tenant") or session.scalar(select(Tenant).where(Tenant.schema_name == bound_schema(session)))


def _firm_locale() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


# --- the procedure row --------------------------------------------------------------

def ensure(session: Session, call: PremiumCall, today: date) -> NonPaymentProcedure:
    """The call's procedure, created when missing, locked for this transaction."""
    session.execute(insert(NonPaymentProcedure).values(
        call_id=call.id, contract_id=call.contract_id, step=Step.NONE.value, version=1)
        .on_conflict_do_nothing(constraint="uq_nonpayment_procedure_call"))
    return session.scalars(select(NonPaymentProcedure).where(NonPaymentProcedure.call_id == call.id)
                           .with_for_update().execution_options(populate_existing=True)).one()


def _restage(session: Session, procedure: NonPaymentProcedure, call: PremiumCall, today: date) -> None:
    procedure.step = nonpayment_rules.stage(progress_of(procedure, call), today, reminder_days(session)).value


def _event(session: Session, actor, case: notices.Case, summary: str, step: str, **details) -> None:
    contracts.record_event(session, actor, case.contract, kind="notice", summary=summary,
                           details={"procedure_id": case.procedure.id, "call_id": case.call.id, "step": step}
                           | details)


# --- the steps ----------------------------------------------------------------------

def _reminder(session: Session, actor, case: notices.Case, *, today: date, tenant, locale: str) -> None:
    sent_to = notices.send_reminder(session, actor, case, tenant=tenant, locale=locale)
    case.procedure.reminder_sent_on = today
    call = case.call
    with force_locale(locale):
        summary = (_("Reminder for premium %(reference)s (%(amount)s, due %(due)s) sent to %(email)s.",
                     reference=call.reference, amount=format_currency(call.outstanding, "EUR"),
                     due=format_date(call.due_date), email=sent_to) if sent_to else
                   _("Reminder for premium %(reference)s not emailed: the payer has no email address.",
                     reference=call.reference))
    _event(session, actor, case, summary, Action.REMINDER.value, sent_to=sent_to)
    audit.record(session, actor, "nonpayment.reminder", OBJECT, case.procedure.id,
                 after={"call": call.reference, "on": today, "sent_to": sent_to})


def _formal_notice(session: Session, actor, case: notices.Case, *, today: date, tenant, locale: str) -> None:
    letter = notices.formal_notice_letter(session, actor, case, tenant=tenant, locale=locale, today=today)
    sent_to = notices.send_formal_notice(session, actor, case, letter, tenant=tenant, locale=locale, today=today)
    procedure, call = case.procedure, case.call
    procedure.formal_notice_sent_on, procedure.formal_notice_letter_id = today, letter.id
    with force_locale(locale):
        dates = {"suspended": format_date(nonpayment_rules.suspended_from(today)),
                 "cancellable": format_date(nonpayment_rules.cancellable_from(today))}
        summary = (_("Formal notice (L113-3) for premium %(reference)s sent to %(email)s: unpaid, cover is suspended "
                     "from %(suspended)s and the contract may be cancelled from %(cancellable)s.",
                     reference=call.reference, email=sent_to, **dates) if sent_to else
                   _("Formal notice (L113-3) for premium %(reference)s written, to post by registered letter: the "
                     "payer has no email address. Unpaid, cover is suspended from %(suspended)s.",
                     reference=call.reference, suspended=dates["suspended"]))
    _event(session, actor, case, summary, Action.FORMAL_NOTICE.value, letter_id=letter.id,
           document_id=letter.document_id, sent_to=sent_to)
    audit.record(session, actor, "nonpayment.formal_notice", OBJECT, procedure.id,
                 after={"call": call.reference, "on": today, "letter_id": letter.id, "sent_to": sent_to})
    notices.notify_insurer(session, actor, case, notices.NOTICE, tenant=tenant, locale=locale,
                           document_ids=(letter.document_id,))


def _suspension(session: Session, actor, case: notices.Case, *, today: date, tenant, locale: str) -> None:
    procedure, contract = case.procedure, case.contract
    start = nonpayment_rules.suspended_from(procedure.formal_notice_sent_on)
    procedure.suspended_on = start
    if contract.status == ContractStatus.ACTIVE.value:
        with force_locale(locale):
            reason = _("Cover suspended for non-payment of premium %(reference)s, 30 days after the formal notice "
                       "(Code des assurances, L113-3).", reference=case.call.reference)
        contracts.change_status(session, actor, contract, to_status=ContractStatus.SUSPENDED.value, reason=reason,
                                effective_on=start)
    audit.record(session, actor, "nonpayment.suspend", OBJECT, procedure.id,
                 after={"call": case.call.reference, "suspended_on": start, "contract_status": contract.status})
    notices.notify_insurer(session, actor, case, notices.SUSPENSION, tenant=tenant, locale=locale)


def _cancellable(session: Session, actor, case: notices.Case, *, today: date, tenant, locale: str) -> None:
    procedure = case.procedure
    procedure.cancellable_on = nonpayment_rules.cancellable_from(procedure.formal_notice_sent_on)
    with force_locale(locale):
        summary = _("Premium %(reference)s still unpaid: the contract may be cancelled for non-payment from "
                    "%(day)s (L113-3).", reference=case.call.reference, day=format_date(procedure.cancellable_on))
    _event(session, actor, case, summary, Action.CANCELLABLE.value)
    audit.record(session, actor, "nonpayment.cancellable", OBJECT, procedure.id,
                 after={"call": case.call.reference, "cancellable_on": procedure.cancellable_on})


STEPS = {Action.REMINDER: _reminder, Action.FORMAL_NOTICE: _formal_notice, Action.SUSPENSION: _suspension,
         Action.CANCELLABLE: _cancellable}


# --- the daily pass -----------------------------------------------------------------

def advance(session: Session, actor, call: PremiumCall, *, today: date, tenant, locale: str) -> list[Action]:
    """Take the steps due on ``today`` for one overdue call; return them."""
    procedure = ensure(session, call, today)
    case = notices.Case.of(session, call, procedure)
    done = nonpayment_rules.due_actions(progress_of(procedure, call), today, reminder_days(session))
    for action in done:
        STEPS[action](session, actor, case, today=today, tenant=tenant, locale=locale)
    _restage(session, procedure, call, today)
    return done


def run_daily(session: Session, *, today: date, tenant, locale: str) -> dict[str, int]:
    """Refresh the overdue statuses, then advance each overdue call in a
    transaction of its own (a call changed meanwhile is skipped, and taken
    up by the next pass). Returns how many of each step were taken."""
    from app.billing import services as billing  # billing's services call back into this module

    if billing.refresh_overdue(session, today):
        session.commit()
    taken: Counter = Counter()
    for call_id in overdue_call_ids(session, today):
        try:
            call = session.scalars(_open_overdue(today, call_id)).first()
            if call is not None:
                taken.update(advance(session, None, call, today=today, tenant=tenant, locale=locale))
            session.commit()
        except (IntegrityError, StaleDataError):
            session.rollback()
            logger.warning("non-payment: call %s skipped after a concurrent change", call_id)
    return {action.value: taken[action] for action in STEPS}


# --- the handler's hand -------------------------------------------------------------

def _open_call(session: Session, call_id: int, today: date) -> PremiumCall:
    """The late call ``call_id``, its status refreshed, or ``not_overdue``."""
    from app.billing import services as billing  # billing's services call back into this module

    call = session.scalars(_open_overdue(today, call_id)).first()
    if call is None:
        raise BillingError("not_overdue")
    billing.restatus(call, today)
    return call


def send_formal_notice(session: Session, actor, call_id: int, *, today: date, tenant, locale: str
                       ) -> NonPaymentProcedure:
    """Send the formal notice now, asked from the dashboard: refused before
    its earliest legal day (``notice_too_early``) or when already sent."""
    call = _open_call(session, call_id, today)
    procedure = ensure(session, call, today)
    problem = nonpayment_rules.formal_notice_refusal(progress_of(procedure, call), today)
    if problem:
        raise BillingError(problem)
    _formal_notice(session, actor, notices.Case.of(session, call, procedure), today=today, tenant=tenant,
                   locale=locale)
    _restage(session, procedure, call, today)
    return procedure


def cancel_contract(session: Session, actor, call_id: int, *, effective_on: date, reason: str | None,
                    version: int | None, today: date, locale: str) -> NonPaymentProcedure:
    """Cancel the call's contract for non-payment through the contracts
    area's cancellation (letter, insurer's message, calls after the date
    cancelled); every open procedure of the contract ends with it. Refused
    before the contract is cancellable; a
    :class:`~app.contracts.services.ContractError` says what the
    cancellation itself refuses."""
    from app.contracts import cancellations  # it uses billing's services, which call back into this module

    call = _open_call(session, call_id, today)
    procedure = ensure(session, call, today)
    problem = nonpayment_rules.cancellation_refusal(progress_of(procedure, call), effective_on)
    if problem:
        raise BillingError(problem)
    with force_locale(locale):
        reason = (reason or "").strip() or _("Non-payment of premium %(reference)s (Code des assurances, L113-3).",
                                             reference=call.reference)
    request = cancellations.Request(ground=CancellationGround.NON_PAYMENT.value, notice_on=today,
                                    chosen_date=effective_on, reason=reason)
    cancellation = cancellations.cancel(session, actor, session.get(Contract, call.contract_id), request,
                                        version=version, locale=locale, today=today)
    for other, other_call in _open_procedures(session, call.contract_id):
        other.cancelled_on = cancellation.effective_on
        _restage(session, other, other_call, today)
        audit.record(session, actor, "nonpayment.cancel", OBJECT, other.id,
                     after={"call": other_call.reference, "cancellation_id": cancellation.id,
                            "effective_on": cancellation.effective_on})
    return procedure


def _open_procedures(session: Session, contract_id: int) -> list[tuple[NonPaymentProcedure, PremiumCall]]:
    """The contract's procedures not ended yet, with their calls."""
    return [tuple(row) for row in session.execute(
        select(NonPaymentProcedure, PremiumCall).join(PremiumCall, PremiumCall.id == NonPaymentProcedure.call_id)
        .where(NonPaymentProcedure.contract_id == contract_id, NonPaymentProcedure.stopped_on.is_(None),
               NonPaymentProcedure.cancelled_on.is_(None)).order_by(NonPaymentProcedure.id).with_for_update())]


# --- payment, cancellation, refund of the call (from app.billing.events) -----------

def _still_suspended_by_another(session: Session, procedure: NonPaymentProcedure) -> bool:
    return session.scalar(select(NonPaymentProcedure.id).where(
        NonPaymentProcedure.contract_id == procedure.contract_id, NonPaymentProcedure.id != procedure.id,
        NonPaymentProcedure.suspended_on.is_not(None), NonPaymentProcedure.stopped_on.is_(None),
        NonPaymentProcedure.cancelled_on.is_(None)).limit(1)) is not None


def _lift(session: Session, actor, case: notices.Case, today: date, locale: str) -> bool:
    """Put the contract back in force from noon the next day, unless another
    unpaid call keeps it suspended; True when lifted."""
    procedure, contract = case.procedure, case.contract
    if contract.status != ContractStatus.SUSPENDED.value or _still_suspended_by_another(session, procedure):
        return False
    procedure.cover_resumes_at = nonpayment_rules.cover_resumes_at(today)
    with force_locale(locale):
        reason = _("Premium %(reference)s paid: cover resumes at noon on %(day)s (Code des assurances, L113-3).",
                   reference=case.call.reference, day=format_date(today + timedelta(days=1), "long"))
    contracts.change_status(session, actor, contract, to_status=ContractStatus.ACTIVE.value, reason=reason,
                            effective_on=today + timedelta(days=1))
    return True


def stop(session: Session, actor, call: PremiumCall, today: date, reason: str) -> NonPaymentProcedure | None:
    """End the call's procedure (``paid``, ``cancelled``, ``refunded``): the
    suspension is lifted when nothing else keeps it, and an insurer told of
    the notice hears that it ended."""
    procedure = procedure_of(session, call.id, lock=True)
    if procedure is None or procedure.stopped_on is not None:
        return None
    tenant, locale = _tenant(session), _firm_locale()
    case = notices.Case.of(session, call, procedure)
    before = {"step": procedure.step}
    procedure.stopped_on, procedure.stop_reason = today, reason
    lifted = procedure.suspended_on is not None and _lift(session, actor, case, today, locale)
    _restage(session, procedure, call, today)
    audit.record(session, actor, "nonpayment.stop", OBJECT, procedure.id, before=before,
                 after={"call": call.reference, "reason": reason, "on": today, "lifted": lifted,
                        "cover_resumes_at": procedure.cover_resumes_at if lifted else None})
    if procedure.formal_notice_sent_on is not None and procedure.cancelled_on is None and reason == "paid":
        notices.notify_insurer(session, actor, case, notices.LIFTED if lifted else notices.PAID, tenant=tenant,
                               locale=locale)
    return procedure


def on_paid(session: Session, actor, call: PremiumCall, today: date) -> None:
    stop(session, actor, call, today, "paid")


def on_cancelled(session: Session, actor, call: PremiumCall, today: date) -> None:
    stop(session, actor, call, today, "cancelled")


def on_refunded(session: Session, actor, call: PremiumCall, today: date) -> None:
    """A call whose money all went back is no longer chased (``refunded``).
    A call owed again after a refund starts its procedure afresh: a new
    formal notice is needed before any suspension."""
    if call.status == rules.CallStatus.REFUNDED.value:
        stop(session, actor, call, today, "refunded")
        return
    procedure = procedure_of(session, call.id, lock=True)
    if procedure is None or procedure.stop_reason != "paid" or call.outstanding <= 0:
        return
    before = {name: getattr(procedure, name) for name in RESTART_FIELDS}
    for name in RESTART_FIELDS:
        setattr(procedure, name, None)
    _restage(session, procedure, call, today)
    audit.record(session, actor, "nonpayment.restart", OBJECT, procedure.id, before=before,
                 after={"call": call.reference, "on": today})


RESTART_FIELDS = ("reminder_sent_on", "formal_notice_sent_on", "formal_notice_letter_id", "suspended_on",
                  "cancellable_on", "cancelled_on", "stopped_on", "stop_reason", "cover_resumes_at")
