"""What an endorsement or a cancellation changes in the premium calls already
issued. Pure: no DB, no Flask; amounts half-up to the cent as in
:mod:`app.billing.rules`.

- A change of premium (Code des assurances, L113-4: the premium follows an
  aggravation or a reduction of the risk) concerns the days from its
  effective date. The instalment period holding that date is corrected pro
  rata temporis by :func:`app.billing.rules.instalment_adjustment` (actual
  days over the days of the insurance year). A period that starts on or
  after that date and was already called is brought to what the schedule at
  the new premium calls for it (:func:`app.billing.rules.instalments`), so
  that it ends up exactly as a period called after the change. A period not
  yet called needs nothing: it is called later at the new premium.
- A cancellation gives back the premium of the days after its effective date
  (L113-15-2 and L113-16: the part of the premium for the time the risk is
  no longer covered). The period holding that date gets a credit note by
  :func:`app.billing.rules.cancellation_credit`; the periods after it are
  cancelled and the money paid on them returned. The refund is the sum of
  the two (:func:`cancellation_refund`), nothing else: the premium of a
  period never called was never paid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from app.billing import rules
from app.catalog.rules import round_cents
from app.contracts.rules import Adjustment, add_months

ZERO = rules.ZERO


@dataclass(frozen=True)
class CalledPeriod:
    """One instalment period of a contract as called so far: its instalment
    number and the net and tax of every call of the period still standing
    (the instalment and the corrections already made), added up."""

    number: int
    period_start: date
    period_end: date
    net: Decimal
    tax: Decimal


@dataclass(frozen=True)
class Correction:
    """An adjustment call (``total`` above zero) or a credit note (below)
    for one instalment period, with the computation people read."""

    number: int
    period_start: date
    period_end: date
    net: Decimal
    tax: Decimal
    computation: list[dict] = field(default_factory=list)
    #: for a pro-rata correction: the days concerned and the days of the year
    days: int = 0
    year_days: int = 0

    @property
    def total(self) -> Decimal:
        return self.net + self.tax


@dataclass(frozen=True)
class Released:
    """Money returned from a cancelled call: its net and total as called,
    and the amount paid on it that goes back to the payer."""

    net: Decimal
    total: Decimal
    amount: Decimal


def year_end_for(renewal_date: date, day: date) -> date:
    """The end (exclusive) of the insurance year holding ``day``: years run
    between the yearly anniversaries of ``renewal_date``."""
    k = 0
    while day >= add_months(renewal_date, 12 * k):
        k += 1
    while day < add_months(renewal_date, 12 * (k - 1)):
        k -= 1
    return add_months(renewal_date, 12 * k)


def _holds(period: CalledPeriod, day: date) -> bool:
    return period.period_start < day < period.period_end


def _pro_rata(period: CalledPeriod, adjustment: Adjustment) -> Correction:
    return Correction(period.number, period.period_start, period.period_end, adjustment.net, adjustment.tax,
                      adjustment.computation, adjustment.remaining_days, adjustment.period_days)


def _to_new_schedule(period: CalledPeriod, schedule: rules.Instalment, tax_rate: Decimal) -> Correction:
    net, tax = schedule.net - period.net, schedule.tax - period.tax
    computation = [
        {"label": "period", "value": f"{period.period_start.isoformat()} / {period.period_end.isoformat()}"},
        {"label": "called_net", "value": str(period.net)},
        {"label": "new_instalment_net", "value": str(schedule.net)},
        {"label": "net", "value": str(net)},
        {"label": "tax", "value": f"{tax} ({Decimal(tax_rate)} %)"},
        {"label": "total", "value": str(net + tax)},
    ]
    return Correction(period.number, period.period_start, period.period_end, net, tax, computation)


def _schedule_of(period: CalledPeriod, new_annual_net: Decimal, annual_fees: Decimal, tax_rate: Decimal,
                 plan: str, renewal_date: date) -> rules.Instalment | None:
    year_start = add_months(year_end_for(renewal_date, period.period_start), -12)
    schedule = rules.instalments(new_annual_net, annual_fees, tax_rate, plan, year_start)
    return next((i for i in schedule if i.period_start == period.period_start and i.number == period.number), None)


def endorsement_corrections(called: Sequence[CalledPeriod], *, old_annual_net: Decimal, new_annual_net: Decimal,
                            annual_fees: Decimal, tax_rate: Decimal, plan: str, effective_on: date,
                            renewal_date: date) -> list[Correction]:
    """The corrections of the periods already ``called`` for a change of
    annual net premium from ``old_annual_net`` to ``new_annual_net`` on
    ``effective_on`` (see the module's rules); ``renewal_date`` anchors the
    insurance years. Corrections that come to nothing are left out; a period
    that does not fit the plan's schedule (called under another plan) is
    corrected pro rata over its whole length."""
    corrections = []
    for period in sorted(called, key=lambda p: p.period_start):
        if period.period_end <= effective_on:
            continue
        schedule = None if _holds(period, effective_on) else _schedule_of(
            period, new_annual_net, annual_fees, tax_rate, plan, renewal_date)
        if schedule is not None:
            correction = _to_new_schedule(period, schedule, tax_rate)
        else:
            correction = _pro_rata(period, rules.instalment_adjustment(
                old_annual_net, new_annual_net, tax_rate, effective_on, period.period_start, period.period_end,
                year_end_for(renewal_date, period.period_start)))
        if correction.net or correction.tax:
            corrections.append(correction)
    return corrections


def cancellation_correction(called: Sequence[CalledPeriod], *, annual_net: Decimal, tax_rate: Decimal,
                            effective_on: date, renewal_date: date) -> Correction | None:
    """The credit note of the period holding ``effective_on`` (started
    before it, ending after it), for its days from that date; None when no
    called period holds it or the credit comes to nothing."""
    period = next((p for p in called if _holds(p, effective_on)), None)
    if period is None:
        return None
    credit = rules.cancellation_credit(annual_net, tax_rate, effective_on, period.period_start, period.period_end,
                                       year_end_for(renewal_date, period.period_start))
    return _pro_rata(period, credit) if credit.net or credit.tax else None


def released_net(released: Released) -> Decimal:
    """The net premium inside money returned from a cancelled call: the
    call's net in proportion of the amount returned (all of it when the call
    was fully paid)."""
    if released.total == 0:
        return ZERO
    if released.amount == released.total:
        return released.net
    return round_cents(released.net * released.amount / released.total)


def cancellation_refund(credit: Correction | None, released: Sequence[Released]) -> Adjustment:
    """What a cancellation gives back, as positive amounts: the credit note
    of the period holding its date, plus the money paid on the calls after
    it that are cancelled. ``tax`` is the total less the net (it holds the
    tax and fees of the calls returned)."""
    credit_net = -credit.net if credit else ZERO
    credit_total = -credit.total if credit else ZERO
    returned = sum((r.amount for r in released), ZERO)
    returned_net = sum((released_net(r) for r in released), ZERO)
    net, total = credit_net + returned_net, credit_total + returned
    days = [step for step in (credit.computation if credit else []) if step.get("label") in ("period", "days")]
    computation = days + [
        {"label": "credit_note", "value": str(credit_total)},
        {"label": "cancelled_calls_paid", "value": str(returned)},
        {"label": "net", "value": str(net)},
        {"label": "total", "value": str(total)},
    ]
    return Adjustment(net, total - net, total, credit.days if credit else 0, credit.year_days if credit else 0,
                      computation)
