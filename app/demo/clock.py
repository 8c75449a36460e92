"""The demo's clock: the claims and complaints of the demo are made today
through the services, which stamp what they write with the current time;
:class:`Clock` moves each step's rows to the day and hour the step is told
to have happened, so timelines, reserves, tasks and letters read as the
months they stand for."""

from __future__ import annotations

import random
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, event, func, or_, select, update
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.claims.dispute_models import ClaimDispute, DisputeHearing, DisputeProposal
from app.claims.models import Claim, ClaimAttachment, ClaimEvent, ClaimMessage, ExpertMission
from app.claims.settlement_models import ClaimDamage, ClaimPayment, ClaimRecourse, ClaimReserve
from app.complaints.models import Complaint
from app.contracts.models import ContractEvent, Letter
from app.crm.models import Interaction, Task
from app.documents.models import Document

PARIS = ZoneInfo("Europe/Paris")

#: what the services stamp with the current time, moved to the step's time by :class:`Clock`
STAMPED = {
    ClaimEvent: ("at",), ClaimReserve: ("at",),
    Claim: ("created_at", "updated_at", "cover_checked_at", "indemnity_computed_at"),
    ClaimMessage: ("created_at", "updated_at"), ClaimAttachment: ("created_at", "updated_at"),
    Document: ("created_at", "updated_at"), Task: ("created_at", "updated_at", "done_at"),
    ExpertMission: ("created_at", "updated_at", "sent_at"), ClaimDamage: ("created_at", "updated_at"),
    ClaimPayment: ("created_at", "updated_at"), ClaimRecourse: ("created_at", "updated_at"),
    ClaimDispute: ("created_at", "updated_at"), DisputeProposal: ("created_at", "updated_at"),
    DisputeHearing: ("created_at", "updated_at"), Letter: ("created_at", "updated_at", "sent_at"),
    Interaction: ("created_at", "updated_at", "occurred_at"), ContractEvent: ("at",),
    Complaint: ("created_at", "updated_at"), AuditEntry: ("at",),
}
#: tables a step may change without the session seeing an object of them (a bulk update of tasks)
ALWAYS = (Task,)


class Clock:
    """Dates the demo's steps: what a step wrote at the current time (the
    timestamps at or after the start of this transaction, which earlier
    data and earlier steps are all before) is moved to the step's own
    time, in the tables of the objects the step flushed. One transaction,
    so that boundary holds throughout; :meth:`stop` when done."""

    def __init__(self, session: Session, rng: random.Random) -> None:
        self.session, self.rng = session, rng
        self.start = session.scalar(select(func.now()))
        self.last: datetime | None = None
        self.seen: list = []
        self.target = session.registry() if hasattr(session, "registry") else session
        event.listen(self.target, "before_flush", self._note)

    def _note(self, session: Session, _context, _instances) -> None:
        self.seen.extend(item for item in (*session.new, *session.dirty) if type(item) in STAMPED)

    def stop(self) -> None:
        event.remove(self.target, "before_flush", self._note)

    def reset(self) -> None:
        """A new claim or complaint: its first step starts its own day."""
        self.last = None

    def at(self, day: date, hour: str | None = None) -> datetime:
        """A time on ``day`` (Paris), after the previous step when on the same day."""
        if hour:
            moment = datetime.combine(day, time.fromisoformat(hour), tzinfo=PARIS)
        elif self.last is not None and self.last.astimezone(PARIS).date() == day:
            moment = self.last + timedelta(minutes=self.rng.randint(4, 35))
        else:
            moment = datetime.combine(day, time(9, 0), tzinfo=PARIS) + timedelta(minutes=self.rng.randint(0, 420))
        if self.last is not None and moment <= self.last:
            moment = self.last + timedelta(minutes=2)
        return moment

    @contextmanager
    def step(self, day: date, hour: str | None = None):
        """Run a step on ``day``, then date what it wrote."""
        moment = self.at(day, hour)
        self.seen.clear()
        yield moment
        self.session.flush()
        touched = {type(item) for item in self.seen} | set(ALWAYS)
        for model in touched:
            stamped = {name: getattr(model, name) >= self.start for name in STAMPED[model]}
            self.session.execute(
                update(model).where(or_(*stamped.values()))
                .values({name: case((test, moment), else_=getattr(model, name)) for name, test in stamped.items()})
                .execution_options(synchronize_session=False))
        for item in set(self.seen):
            if item in self.session:
                self.session.expire(item, list(STAMPED[type(item)]))
        self.last = moment
