"""The month's bulk generation as a run (:class:`BillingRun`): a preview of
what is due, one run of a month at a time, the work done in chunks of
contracts committed one by one (``done`` out of ``total`` is the progress
bar), and a restart after a failure.

It issues what :func:`app.billing.services.generate_month` would, from the
same pieces (the active contracts' terms, their schedules, the batched insert
that skips a period already called), but chunk by chunk, and a contract whose
terms cannot be split is set aside and named instead of stopping the others.
Running a month twice creates nothing twice: the second run finds every call
already issued.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.auth.models import User
from app.billing import rules, services
from app.billing.errors import BillingError
from app.billing.messages import billing_error_message
from app.billing.models import BillingRun, BillingSettings, CallKind, PremiumCall, RunStatus
from app.billing.notices import BATCH_STATUSES
from app.catalog.lines import line_definition
from app.catalog.models import Insurer
from app.columns import utcnow
from app.contracts.models import Contract, ContractStatus
from app.crm.models import Client
from app.jobs.queue import enqueue
from tenants import bound_schema

#: contracts whose calls are inserted and committed together
CHUNK_CONTRACTS = 500
#: a running run not updated for this long is taken as stopped (its worker died)
STALLED_AFTER = timedelta(minutes=10)
ACTIVE = (RunStatus.QUEUED.value, RunStatus.RUNNING.value)
#: separates the parts of a line of ``BillingRun.error``
SEP = "|"

STATUS_LABELS = {RunStatus.QUEUED.value: _l("Queued"), RunStatus.RUNNING.value: _l("Running"),
                 RunStatus.DONE.value: _l("Done"), RunStatus.FAILED.value: _l("Failed")}
STATUS_BADGES = {RunStatus.QUEUED.value: "text-bg-light border", RunStatus.RUNNING.value: "text-bg-info",
                 RunStatus.DONE.value: "text-bg-success", RunStatus.FAILED.value: "text-bg-danger"}

Due = list[tuple[services.ContractTerms, rules.Instalment]]


@dataclass
class Schedule:
    """What is due in a month, grouped by contract (in contract order), and
    the contracts whose terms could not be split (contract id, code)."""

    groups: list[Due] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def due(self) -> Due:
        return [item for group in self.groups for item in group]


def _contract_due(terms: services.ContractTerms, first: date, end: date) -> Due:
    """The instalments of one contract due in [first, end), as
    :func:`app.billing.services.calls_due_in` finds them."""
    due, seen = [], set()
    for year_start in services.year_starts(terms.renewal_date, first):
        for instalment in terms.schedule(year_start):
            if first <= instalment.due_date < end and terms.calls(instalment) \
                    and instalment.period_start not in seen:
                seen.add(instalment.period_start)
                due.append((terms, instalment))
    return due


def schedule_of(session: Session, month: date) -> Schedule:
    first, end = services.month_bounds(month)
    schedule = Schedule()
    for terms in services._active_terms(session, end):
        try:
            due = _contract_due(terms, first, end)
        except rules.BillingRuleError as exc:
            schedule.problems.append((terms.id, exc.code))
            continue
        if due:
            schedule.groups.append(due)
    return schedule


def _issued_keys(session: Session, month: date, contract_ids: list[int] | None = None) -> set[tuple]:
    """(contract, period start, number) of the instalment calls due in ``month``."""
    first, end = services.month_bounds(month)
    query = select(PremiumCall.contract_id, PremiumCall.period_start, PremiumCall.number).where(
        PremiumCall.kind == CallKind.INSTALMENT.value, PremiumCall.due_date >= first, PremiumCall.due_date < end)
    if contract_ids is not None:
        query = query.where(PremiumCall.contract_id.in_(contract_ids))
    return {tuple(row) for row in session.execute(query)}


def _key(terms: services.ContractTerms, instalment: rules.Instalment) -> tuple:
    return terms.id, instalment.period_start, instalment.number


# --- preview ------------------------------------------------------------------------

@dataclass(frozen=True)
class Share:
    """Calls due in the month for one insurer or one line."""

    label: str
    count: int
    to_issue: int
    total: Decimal


@dataclass(frozen=True)
class Preview:
    month: date
    due: int
    issued: int
    total: Decimal
    to_issue_total: Decimal
    by_insurer: list[Share]
    by_line: list[Share]
    problems: list[tuple[str, str]]

    @property
    def to_issue(self) -> int:
        return self.due - self.issued


def _shares(due: Due, issued: set[tuple], key, label_of) -> list[Share]:
    counts: dict = defaultdict(lambda: [0, 0, Decimal("0.00")])
    for terms, instalment in due:
        entry = counts[key(terms)]
        entry[0] += 1
        entry[1] += _key(terms, instalment) not in issued
        entry[2] += instalment.total
    shares = [Share(label_of(name), *values) for name, values in counts.items()]
    return sorted(shares, key=lambda share: (-share.total, share.label))


def _references(session: Session, contract_ids: list[int]) -> dict[int, str]:
    if not contract_ids:
        return {}
    return dict(session.execute(select(Contract.id, Contract.reference).where(Contract.id.in_(contract_ids))).all())


def preview(session: Session, month: date) -> Preview:
    """How many calls fall due in ``month``, how many are already issued,
    and their amounts by insurer and by line."""
    schedule = schedule_of(session, month)
    due, issued = schedule.due, _issued_keys(session, month)
    already = {_key(terms, instalment) for terms, instalment in due} & issued
    names = dict(session.execute(select(Insurer.id, Insurer.name)).all())
    references = _references(session, [contract_id for contract_id, _code in schedule.problems])
    return Preview(
        month=month, due=len(due), issued=len(already), total=sum((i.total for _t, i in due), Decimal("0.00")),
        to_issue_total=sum((i.total for t, i in due if _key(t, i) not in already), Decimal("0.00")),
        by_insurer=_shares(due, already, lambda terms: terms.insurer_id, lambda key: names.get(key, "?")),
        by_line=_shares(due, already, lambda terms: terms.line, lambda key: str(line_definition(key).label)),
        problems=[(references.get(contract_id, str(contract_id)), billing_error_message(code))
                  for contract_id, code in schedule.problems])


# --- starting and restarting ------------------------------------------------------------

def _lock_month(session: Session, month: date) -> None:
    """Serialise the starts of one month's runs in this tenant (until commit)."""
    key = f"billing_run:{bound_schema(session)}:{month.isoformat()}"
    session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(key, 0))))


def stalled(run: BillingRun, now=None) -> bool:
    now = now or utcnow()
    return run.status == RunStatus.RUNNING.value and run.updated_at is not None \
        and now - run.updated_at > STALLED_AFTER


def active_run(session: Session, month: date, *, other_than: int | None = None) -> BillingRun | None:
    """The run of ``month`` queued or running (not stalled), if any."""
    query = select(BillingRun).where(BillingRun.month == month, BillingRun.status.in_(ACTIVE))
    if other_than is not None:
        query = query.where(BillingRun.id != other_than)
    return next((run for run in session.scalars(query) if not stalled(run)), None)


def _enqueue(session: Session, run: BillingRun, tenant_slug: str, today: date) -> None:
    from app.billing.jobs import generate_month_run

    enqueue(session, generate_month_run, tenant=tenant_slug, run_id=run.id, today=today.isoformat())


def start_run(session: Session, actor, month: date, *, tenant_slug: str, today: date | None = None) -> BillingRun:
    """Create the run of ``month`` and queue its job in the same transaction;
    refused (``run_in_progress``) while another run of that month is going."""
    first = month.replace(day=1)
    _lock_month(session, first)
    if active_run(session, first) is not None:
        raise BillingError("run_in_progress")
    run = BillingRun(month=first, status=RunStatus.QUEUED.value, total=0, done=0, created=0,
                     started_by_id=getattr(actor, "id", None))
    session.add(run)
    session.flush()
    _enqueue(session, run, tenant_slug, today or date.today())
    audit.record(session, actor, "billing_run.start", "billing_run", run.id, after={"month": first})
    return run


def restart_run(session: Session, actor, run: BillingRun, *, tenant_slug: str,
                today: date | None = None) -> BillingRun:
    """Queue a failed (or stalled) run again; what it issued stays issued."""
    _lock_month(session, run.month)
    session.refresh(run)
    if run.status != RunStatus.FAILED.value and not stalled(run):
        raise BillingError("run_not_restartable")
    if active_run(session, run.month, other_than=run.id) is not None:
        raise BillingError("run_in_progress")
    before = {"status": run.status, "error": run.error}
    run.status, run.finished_at = RunStatus.QUEUED.value, None
    _enqueue(session, run, tenant_slug, today or date.today())
    audit.record(session, actor, "billing_run.restart", "billing_run", run.id, before=before,
                 after={"status": run.status})
    return run


def runs(session: Session, limit: int = 20) -> list[BillingRun]:
    return list(session.scalars(select(BillingRun).order_by(BillingRun.id.desc()).limit(limit)))


# --- the run itself ----------------------------------------------------------------------

def emails_notices(session: Session) -> bool:
    settings = session.get(BillingSettings, 1)
    return True if settings is None else settings.email_notices


def _notice_ids(session: Session, month: date, contract_ids: list[int]) -> list[int]:
    """The month's instalment calls of ``contract_ids`` whose notice is still to email."""
    first, end = services.month_bounds(month)
    return list(session.scalars(select(PremiumCall.id).where(
        PremiumCall.contract_id.in_(contract_ids), PremiumCall.kind == CallKind.INSTALMENT.value,
        PremiumCall.due_date >= first, PremiumCall.due_date < end, PremiumCall.notice_sent_at.is_(None),
        PremiumCall.status.in_(BATCH_STATUSES), PremiumCall.cancelled_at.is_(None)).order_by(PremiumCall.id)))


def _issue_chunk(session: Session, actor, run: BillingRun, chunk: list[Due], today: date) -> list[int]:
    """Insert the missing calls of ``chunk`` (groups of one contract each);
    returns the chunk's contract ids."""
    contract_ids = [group[0][0].id for group in chunk]
    issued = _issued_keys(session, run.month, contract_ids)
    wanted = [item for group in chunk for item in group]
    missing = [(terms, instalment) for terms, instalment in wanted if _key(terms, instalment) not in issued]
    created = services._insert_missing(session, actor, missing, today)
    run.done += len(wanted)
    run.created += len(created)
    return contract_ids


def _begin(session: Session, run: BillingRun) -> None:
    run.status, run.started_at, run.finished_at = RunStatus.RUNNING.value, utcnow(), None
    run.done = run.created = run.total = 0
    run.error = None
    session.commit()


def _problem_lines(session: Session, problems: list[tuple[int, str]]) -> list[str]:
    references = _references(session, [contract_id for contract_id, _code in problems])
    return [SEP.join(("contract", references.get(contract_id, str(contract_id)), code))
            for contract_id, code in problems]


def execute(session: Session, run_id: int, *, today: date, tenant, locale: str,
            notice_job=None) -> BillingRun | None:
    """Do run ``run_id``: chunk by chunk, each committed with its progress
    (and, when the firm emails notices, the job that emails the chunk's).
    A run already done is left as it is. Contracts that could not be billed
    make the run end ``failed`` with their names, after all the others."""
    run = session.get(BillingRun, run_id)
    if run is None or run.status == RunStatus.DONE.value:
        return run
    actor = session.get(User, run.started_by_id) if run.started_by_id else None
    _begin(session, run)
    schedule = schedule_of(session, run.month)
    run.total = sum(len(group) for group in schedule.groups)
    session.commit()
    notices = notice_job is not None and emails_notices(session)
    for offset in range(0, len(schedule.groups), CHUNK_CONTRACTS):
        chunk = schedule.groups[offset:offset + CHUNK_CONTRACTS]
        contract_ids = _issue_chunk(session, actor, run, chunk, today)
        if notices and (call_ids := _notice_ids(session, run.month, contract_ids)):
            enqueue(session, notice_job, tenant=tenant.slug, call_ids=call_ids, locale=locale)
        session.commit()
    run.error = "\n".join(_problem_lines(session, schedule.problems)) or None
    run.status = RunStatus.FAILED.value if run.error else RunStatus.DONE.value
    run.finished_at = utcnow()
    audit.record(session, actor, f"billing_run.{run.status}", "billing_run", run.id, after={
        "month": run.month, "due": run.total, "created": run.created, "problems": len(schedule.problems)})
    session.commit()
    return run


def fail(session: Session, run_id: int, exc: BaseException) -> None:
    """Record that run ``run_id`` stopped on ``exc`` (after a rollback)."""
    run = session.get(BillingRun, run_id)
    if run is None:
        return
    run.status, run.finished_at = RunStatus.FAILED.value, utcnow()
    run.error = SEP.join(("unexpected", f"{type(exc).__name__}: {exc}"[:500].replace("\n", " ")))
    audit.record(session, None, "billing_run.failed", "billing_run", run.id, after={"error": run.error})
    session.commit()


# --- what the run page shows ------------------------------------------------------------------

def error_messages(run: BillingRun) -> list[str]:
    """The run's problems, in the reader's language."""
    messages = []
    for line in (run.error or "").splitlines():
        kind, _sep, rest = line.partition(SEP)
        if kind == "contract":
            reference, _sep, code = rest.partition(SEP)
            messages.append(_("Contract %(reference)s: %(problem)s", reference=reference,
                              problem=billing_error_message(code)))
        else:
            messages.append(_("The run stopped on an unexpected error: %(detail)s", detail=rest or line))
    return messages


@dataclass(frozen=True)
class NoticeCounts:
    sent: int
    waiting: int
    no_email: int


def notice_counts(session: Session, month: date) -> NoticeCounts:
    """Of the month's instalment calls: notices emailed, notices the run's
    batches have still to send (calls to pay of active contracts whose payer
    has an email), and those left unsent because the payer has none."""
    first, end = services.month_bounds(month)
    no_email = func.coalesce(func.trim(Client.email), "") == ""
    unsent = and_(PremiumCall.notice_sent_at.is_(None), PremiumCall.status.in_(BATCH_STATUSES),
                  PremiumCall.cancelled_at.is_(None))
    row = session.execute(
        select(func.count(PremiumCall.id).filter(PremiumCall.notice_sent_at.is_not(None)),
               func.count(PremiumCall.id).filter(unsent, ~no_email, Contract.status == ContractStatus.ACTIVE.value),
               func.count(PremiumCall.id).filter(unsent, no_email))
        .join(Client, Client.id == PremiumCall.client_id).join(Contract, Contract.id == PremiumCall.contract_id)
        .where(PremiumCall.kind == CallKind.INSTALMENT.value, PremiumCall.due_date >= first,
               PremiumCall.due_date < end)).one()
    return NoticeCounts(*row)


def sending_notices(run: BillingRun, counts: NoticeCounts, now=None) -> bool:
    """Whether the notices a run just queued are still going out (followed
    for a while after the run, not for ever if a batch failed)."""
    now = now or utcnow()
    return run.status == RunStatus.DONE.value and counts.waiting > 0 and run.finished_at is not None \
        and now - run.finished_at < STALLED_AFTER
