"""Renewals: the coming renewal dates, the loi Chatel notice sent at the
right time, and the roll of a contract to its next period with indexation.

The daily pass (:func:`run_daily`) handles each contract in a transaction of
its own: one contract refused (edited meanwhile, or a notice sent by a
concurrent pass) does not hold back the others.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.auth.models import User
from app.catalog import services as catalog
from app.catalog.models import LineSetting
from app.contracts import cancellations
from app.contracts import services as contracts
from app.contracts.models import Cancellation, Contract, ContractStatus, RenewalNotice
from app.crm.models import Client, ClientKind
from app.documents.models import DocumentKind
from app.letters import services as letters
from app.letters.defaults import RENEWAL_NOTICE
from app.quotes.rules import OfferAmounts, offer_amounts
from app.renewals import rules

logger = logging.getLogger(__name__)

RENEWABLE = (ContractStatus.ACTIVE.value, ContractStatus.SUSPENDED.value)


# --- index rates ----------------------------------------------------------------

def index_rates(session: Session) -> dict[str, Decimal]:
    return {s.line: s.index_rate for s in session.scalars(select(LineSetting))}


def index_rate(session: Session, line: str) -> Decimal:
    return index_rates(session).get(line) or Decimal("0.00")


def set_index_rate(session: Session, actor, line: str, rate: Decimal) -> None:
    setting = session.get(LineSetting, line)
    before = setting.index_rate if setting else Decimal("0.00")
    if setting is None:
        session.add(LineSetting(line=line, tax_rate=catalog.tax_rate(session, line), index_rate=rate))
    else:
        setting.index_rate = rate
    if before != rate:
        audit.record(session, actor, "index_rate.update", "line_setting", line,
                     before={"index_rate": before}, after={"index_rate": rate})


# --- amounts ----------------------------------------------------------------------

def renewal_amounts(session: Session, contract: Contract) -> OfferAmounts:
    """The next period's amounts: the premium announced in the notice, or the
    net premium indexed at today's rate for the line."""
    notice = notice_for(session, contract)
    net = notice.new_premium_net if notice and notice.new_premium_net is not None else rules.indexed_premium(
        contract.premium_net, index_rate(session, contract.line))
    return offer_amounts(net, contract.fees, contract.tax_rate, Decimal(0))


def notice_for(session: Session, contract: Contract) -> RenewalNotice | None:
    return session.scalar(select(RenewalNotice).where(RenewalNotice.contract_id == contract.id,
                                                      RenewalNotice.renewal_date == contract.renewal_date))


def _cancellation_on(session: Session, contract: Contract) -> date | None:
    return session.scalar(select(func.min(Cancellation.effective_on)).where(Cancellation.contract_id == contract.id))


def _is_individual(session: Session, contract: Contract) -> bool:
    return session.get(Client, contract.client_id).kind == ClientKind.INDIVIDUAL


# --- the view of the coming renewals ----------------------------------------------

@dataclass(frozen=True)
class RenewalRow:
    contract: Contract
    client: Client
    handler: User | None
    window: rules.NoticeWindow
    status: rules.NoticeStatus
    notice: RenewalNotice | None
    current: Decimal
    renewed: OfferAmounts
    index_rate: Decimal
    cancelled_on: date | None


def upcoming(session: Session, *, today: date, handler_id: int | None = None,
             days: int = rules.HORIZON_DAYS) -> list[RenewalRow]:
    """Contracts renewing in the next ``days`` days, by handler then date."""
    query = (select(Contract, Client).join(Client, Client.id == Contract.client_id)
             .where(Contract.status.in_(RENEWABLE), Contract.renewal_date >= today,
                    Contract.renewal_date <= today + timedelta(days=days)))
    if handler_id is not None:
        query = query.where(func.coalesce(Contract.handler_id, Client.handler_id) == handler_id)
    rates = index_rates(session)
    handlers = {user.id: user for user in session.scalars(select(User))}
    result = []
    for contract, client in session.execute(query.order_by(Contract.renewal_date, Contract.id)):
        notice = notice_for(session, contract)
        window = rules.notice_window(contract.renewal_date, contract.notice_days)
        required = rules.needs_notice(is_individual=client.kind == ClientKind.INDIVIDUAL,
                                      tacit_renewal=contract.tacit_renewal)
        rate = rates.get(contract.line) or Decimal("0.00")
        result.append(RenewalRow(
            contract=contract, client=client, handler=handlers.get(contract.handler_id or client.handler_id),
            window=window, notice=notice, index_rate=rate, current=contract.total,
            status=rules.notice_status(required=required, window=window, today=today,
                                       sent_on=notice.sent_on if notice else None),
            renewed=renewal_amounts(session, contract), cancelled_on=_cancellation_on(session, contract)))
    return sorted(result, key=lambda row: (row.handler.full_name if row.handler else "~", row.contract.renewal_date))


# --- the notice -------------------------------------------------------------------

def send_notice(session: Session, contract: Contract, *, today: date, tenant, locale: str) -> RenewalNotice | None:
    """Produce and email the renewal notice of the contract's coming renewal
    (once per renewal date); None when one exists already."""
    if notice_for(session, contract) is not None:
        return None
    window = rules.notice_window(contract.renewal_date, contract.notice_days)
    consequence = rules.consequence_of_sending(window, today)
    amounts = renewal_amounts(session, contract)
    client = session.get(Client, contract.client_id)
    with force_locale(locale):
        letter = letters.compose(session, None, client=client, contract=contract, template_code=RENEWAL_NOTICE,
                                 extra={"new_amount": amounts.total, "cancellation_deadline": window.deadline},
                                 tenant=tenant, kind=DocumentKind.RENEWAL_NOTICE)
        notice = RenewalNotice(contract_id=contract.id, renewal_date=contract.renewal_date,
                               cancellation_deadline=window.deadline, sent_on=today, is_late=consequence.is_late,
                               late_cancellation_until=consequence.until, new_premium_net=amounts.net,
                               document_id=letter.document_id)
        session.add(notice)
        session.flush()
        if (client.email or "").strip():
            letters.send(session, None, letter, tenant=tenant, locale=locale)
        summary = _("Renewal notice sent: cancellation deadline %(deadline)s", deadline=format_date(window.deadline))
        if consequence.is_late:
            summary += " — " + _("late: the client may cancel until %(day)s", day=format_date(consequence.until))
        contracts.record_event(session, None, contract, kind="renewal_notice", summary=summary,
                               effective_on=contract.renewal_date,
                               details={"notice_id": notice.id, "deadline": window.deadline,
                                        "late_cancellation_until": consequence.until, "letter_id": letter.id})
    audit.record(session, None, "renewal_notice.send", "renewal_notice", notice.id,
                 after={"contract_id": contract.id, "renewal_date": contract.renewal_date, "sent_on": today,
                        "is_late": consequence.is_late, "new_premium_net": amounts.net})
    return notice


def contracts_needing_a_notice(session: Session, today: date) -> list[Contract]:
    """Individuals' tacitly renewed contracts whose notice is due today (or
    overdue) and not sent yet."""
    sent = select(RenewalNotice.id).where(RenewalNotice.contract_id == Contract.id,
                                          RenewalNotice.renewal_date == Contract.renewal_date)
    candidates = session.scalars(
        select(Contract).join(Client, Client.id == Contract.client_id)
        .where(Contract.status == ContractStatus.ACTIVE.value, Contract.tacit_renewal.is_(True),
               Client.kind == ClientKind.INDIVIDUAL.value, Contract.renewal_date > today,
               Contract.renewal_date - Contract.notice_days <= today + timedelta(days=93), ~sent.exists())
        .order_by(Contract.renewal_date, Contract.id))
    return [c for c in candidates
            if rules.should_send_on(rules.notice_window(c.renewal_date, c.notice_days), c.renewal_date, today)
            and rules.is_renewed(renewal_date=c.renewal_date, cancellation_effective_on=_cancellation_on(session, c))]


# --- the roll to the next period --------------------------------------------------

def renew(session: Session, contract: Contract) -> None:
    """Roll the contract to its next period: indexed premium, a new version
    from the renewal date, the next renewal date."""
    renewed_on = contract.renewal_date
    amounts = renewal_amounts(session, contract)
    before = {"renewal_date": renewed_on, "premium_net": contract.premium_net, "total": contract.total}
    current = contracts.current_version(session, contract)
    current.valid_to = renewed_on
    contract.premium_net, contract.fees, contract.tax, contract.total = (
        amounts.net, amounts.fees, amounts.tax, amounts.total)
    contract.renewal_date = rules.next_renewal_date(effective_date=contract.effective_date, renewal_date=renewed_on,
                                                    term_months=contract.term_months)
    contracts.open_version(session, contract, number=current.number + 1, valid_from=renewed_on)
    after = {"renewal_date": contract.renewal_date, "premium_net": contract.premium_net, "total": contract.total}
    contracts.record_event(session, None, contract, kind="renewed", effective_on=renewed_on,
                           summary=_("Renewed until %(day)s", day=format_date(contract.renewal_date)),
                           details={"before": before, "after": after,
                                    "index_rate": index_rate(session, contract.line)})
    audit.record(session, None, "contract.renew", "contract", contract.id, before=before, after=after)
    session.flush()


def contracts_to_renew(session: Session, today: date) -> list[Contract]:
    due = session.scalars(select(Contract).where(Contract.status.in_(RENEWABLE), Contract.tacit_renewal.is_(True),
                                                 Contract.renewal_date <= today).order_by(Contract.id))
    return [c for c in due
            if rules.is_renewed(renewal_date=c.renewal_date, cancellation_effective_on=_cancellation_on(session, c))]


# --- the daily pass -------------------------------------------------------------

def run_daily(session: Session, *, today: date, tenant, locale: str) -> tuple[int, int]:
    """Apply the cancellations whose date has come (so that they are not
    renewed), send the notices due and renew the contracts due; return
    (notices, renewals)."""
    if cancellations.apply_due(session, today):
        session.commit()
    sent = renewed = 0
    for contract_id in [c.id for c in contracts_needing_a_notice(session, today)]:
        sent += _each(session, contract_id, lambda c: send_notice(session, c, today=today, tenant=tenant,
                                                                   locale=locale) is not None)
    for contract_id in [c.id for c in contracts_to_renew(session, today)]:
        renewed += _each(session, contract_id, lambda c: _renew_until(session, c, today))
    return sent, renewed


def _renew_until(session: Session, contract: Contract, today: date) -> bool:
    while contract.renewal_date <= today:
        renew(session, contract)
    return True


def _each(session: Session, contract_id: int, step) -> int:
    """Run ``step`` on one contract and commit; on a conflict, roll back and go on."""
    try:
        done = step(session.get(Contract, contract_id))
        session.commit()
        return int(bool(done))
    except (IntegrityError, StaleDataError):
        session.rollback()
        logger.warning("renewals: contract %s skipped after a concurrent change", contract_id)
        return 0
