"""The overdue dashboard: every overdue premium call with its non-payment
procedure's stage, days late, the next step and its first day; filters
(stage, insurer, a reference or payer name), counts and amounts by stage,
the rows of its export, and a contract's procedures for its page.

The stage is computed from the procedure's recorded dates and today
(:func:`app.billing.nonpayment_rules.stage`), so the list is right even on
a morning the daily job has not run yet. A firm has hundreds of overdue
calls, not millions: the stage filter and pages are applied to the computed
rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from app.billing import dunning, nonpayment_rules
from app.billing.models import NonPaymentProcedure, PremiumCall
from app.billing.nonpayment_rules import Action, Step
from app.catalog.models import Insurer
from app.contracts.models import Contract
from app.crm.models import Client
from app.crm.rules import normalise

ZERO = Decimal("0.00")

#: the dashboard's stages, in the procedure's order
STAGE_LABELS = {
    Step.NONE.value: _l("Late"),
    Step.REMINDER_DUE.value: _l("Reminder due"),
    Step.REMINDER_SENT.value: _l("Reminder sent"),
    Step.FORMAL_NOTICE_POSSIBLE.value: _l("Formal notice possible"),
    Step.NOTICE_SENT.value: _l("Formal notice sent"),
    Step.SUSPENDED.value: _l("Cover suspended"),
    Step.CANCELLABLE.value: _l("Cancellable"),
    Step.CANCELLED.value: _l("Cancelled for non-payment"),
}
CLOSED_LABELS = {
    Step.STOPPED_BY_PAYMENT.value: _l("Ended: paid"),
    Step.STOPPED.value: _l("Ended: premium cancelled or refunded"),
}
STAGE_BADGES = {
    Step.NONE.value: "text-bg-light border", Step.REMINDER_DUE.value: "text-bg-light border",
    Step.REMINDER_SENT.value: "text-bg-info", Step.FORMAL_NOTICE_POSSIBLE.value: "text-bg-warning",
    Step.NOTICE_SENT.value: "text-bg-warning", Step.SUSPENDED.value: "text-bg-danger",
    Step.CANCELLABLE.value: "text-bg-danger", Step.CANCELLED.value: "text-bg-secondary",
    Step.STOPPED_BY_PAYMENT.value: "text-bg-success", Step.STOPPED.value: "text-bg-secondary",
}
NEXT_LABELS = {
    Action.REMINDER.value: _l("Reminder"),
    Action.FORMAL_NOTICE.value: _l("Formal notice"),
    Action.SUSPENSION.value: _l("Suspension of cover"),
    Action.CANCELLABLE.value: _l("Cancellation possible"),
    Action.CANCELLATION.value: _l("Cancel the contract"),
}
EXPORT_COLUMNS = (
    "call", "contract", "policy_number", "payer_reference", "payer", "insurer", "due_date", "days_late", "total",
    "outstanding", "stage", "next_step", "next_step_on", "reminder_sent_on", "formal_notice_sent_on",
    "suspended_on", "cancellable_on",
)


@dataclass(frozen=True)
class OverdueFilters:
    stage: str = ""
    insurer_id: int | None = None
    q: str = ""

    @property
    def any(self) -> bool:
        return bool(self.stage or self.insurer_id or self.q)


@dataclass(frozen=True)
class OverdueRow:
    call: PremiumCall
    procedure: NonPaymentProcedure | None
    contract: Contract
    payer_name: str
    payer_reference: str
    insurer_name: str
    stage: str
    next_step: tuple[Action, date] | None
    days_late: int
    can_send_notice: bool
    can_cancel: bool

    @property
    def stage_label(self) -> str:
        return str(STAGE_LABELS.get(self.stage) or CLOSED_LABELS.get(self.stage, self.stage))

    @property
    def next_label(self) -> str:
        return str(NEXT_LABELS[self.next_step[0].value]) if self.next_step else ""


def _query() -> Select:
    return (select(PremiumCall, NonPaymentProcedure, Contract, Client.display_name, Client.reference, Insurer.name)
            .join(Contract, Contract.id == PremiumCall.contract_id)
            .join(Client, Client.id == PremiumCall.client_id)
            .join(Insurer, Insurer.id == PremiumCall.insurer_id)
            .outerjoin(NonPaymentProcedure, NonPaymentProcedure.call_id == PremiumCall.id))


def _row(result, today: date, reminder_days: int) -> OverdueRow:
    call, procedure, contract, payer_name, payer_reference, insurer_name = result
    progress = dunning.progress_of(procedure, call)
    stage = nonpayment_rules.stage(progress, today, reminder_days)
    in_force = contract.status in dunning.IN_FORCE
    return OverdueRow(
        call=call, procedure=procedure, contract=contract, payer_name=payer_name, payer_reference=payer_reference,
        insurer_name=insurer_name, stage=stage.value,
        next_step=nonpayment_rules.next_action(progress, reminder_days),
        days_late=(today - call.due_date).days,
        can_send_notice=in_force and call.status in dunning.OPEN and call.due_date < today
        and nonpayment_rules.formal_notice_refusal(progress, today) is None,
        can_cancel=in_force and stage is Step.CANCELLABLE)


def _unwild(text: str) -> str:
    return text.replace("%", "").replace("_", "")


def rows(session: Session, today: date, filters: OverdueFilters) -> list[OverdueRow]:
    """The overdue calls matching ``filters``, oldest due first."""
    query = _query().where(dunning.late_calls(today).whereclause)
    if filters.insurer_id:
        query = query.where(PremiumCall.insurer_id == filters.insurer_id)
    if filters.q.strip():
        typed, folded = f"%{_unwild(filters.q.strip().lower())}%", f"%{_unwild(normalise(filters.q))}%"
        query = query.where(or_(func.lower(PremiumCall.reference).like(typed),
                                func.lower(Contract.reference).like(typed),
                                func.lower(Contract.policy_number).like(typed), Client.sort_name.like(folded)))
    reminder_days = dunning.reminder_days(session)
    found = [_row(result, today, reminder_days)
             for result in session.execute(query.order_by(PremiumCall.due_date, PremiumCall.id))]
    return [row for row in found if not filters.stage or row.stage == filters.stage]


@dataclass(frozen=True)
class StageTotal:
    stage: str
    label: str
    count: int
    amount: Decimal


def by_stage(found: list[OverdueRow]) -> list[StageTotal]:
    """Count and amount still owed of each stage, in the procedure's order."""
    return [StageTotal(stage, str(label), len(chosen), sum((row.call.outstanding for row in chosen), ZERO))
            for stage, label in STAGE_LABELS.items()
            for chosen in [[row for row in found if row.stage == stage]]]


def total_outstanding(found: list[OverdueRow]) -> Decimal:
    return sum((row.call.outstanding for row in found), ZERO)


def insurers(session: Session) -> list[Insurer]:
    return list(session.scalars(select(Insurer).order_by(Insurer.name)))


def for_contract(session: Session, contract_id: int, today: date) -> list[OverdueRow]:
    """The contract's procedures, open or ended, latest due first: what the
    contract page shows (``templates/billing/overdue/_procedure.html``)."""
    query = (_query().where(PremiumCall.contract_id == contract_id, NonPaymentProcedure.id.is_not(None))
             .order_by(PremiumCall.due_date.desc(), PremiumCall.id.desc()))
    reminder_days = dunning.reminder_days(session)
    return [_row(result, today, reminder_days) for result in session.execute(query)]


def row_of(session: Session, call_id: int, today: date) -> OverdueRow | None:
    """One call's row, whatever its status (the cancellation page)."""
    result = session.execute(_query().where(PremiumCall.id == call_id)).first()
    return _row(result, today, dunning.reminder_days(session)) if result is not None else None


def export_rows(found: list[OverdueRow]) -> Iterator[list]:
    """The header, then one list of cells per row."""
    yield list(EXPORT_COLUMNS)
    for row in found:
        procedure = row.procedure
        dates = {name: getattr(procedure, name) if procedure else None
                 for name in ("reminder_sent_on", "formal_notice_sent_on", "suspended_on", "cancellable_on")}
        cells = {"call": row.call.reference, "contract": row.contract.reference,
                 "policy_number": row.contract.policy_number, "payer_reference": row.payer_reference,
                 "payer": row.payer_name, "insurer": row.insurer_name, "due_date": row.call.due_date,
                 "days_late": row.days_late, "total": row.call.total, "outstanding": row.call.outstanding,
                 "stage": row.stage_label, "next_step": row.next_label,
                 "next_step_on": row.next_step[1] if row.next_step else None} | dates
        yield [cells[name] for name in EXPORT_COLUMNS]
