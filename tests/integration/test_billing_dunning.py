"""The non-payment procedure (Code des assurances, L113-3) against real
servers: the daily job across a timeline of days (reminder at +5, formal
notice at +10 as a letter PDF emailed to the payer, suspension after 30 days,
cancellable 10 days later), each step once; the insurer told through its
channel (SMTP or its HTTP API); payment during suspension lifts it; the
overdue dashboard with its actions, refusals, roles and tenant isolation."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import g
from sqlalchemy import func, select

from app.billing import dunning
from app.billing import services as billing
from app.billing.models import NonPaymentProcedure, PremiumCall
from app.contracts.models import Cancellation, Contract, ContractEvent, Letter
from app.outbox.models import OutboxMessage
from tests.conftest import add_user, sign_in
from tests.insurer_server import SECRET, insurer_server  # noqa: F401
from tests.integration.test_letters_data import make_contract, make_insurer, make_person, pdf_text

D = Decimal
START = date(2026, 1, 15)           # the first quarter's call is due that day
REMINDER = START + timedelta(days=5)
NOTICE = START + timedelta(days=10)      # L113-3: the earliest day of the formal notice
SUSPENDED = NOTICE + timedelta(days=31)  # cover runs 30 days after the notice, suspended from the next day
CANCELLABLE = NOTICE + timedelta(days=40)
PAYER = "paul.roux@example.fr"
INSURER_EMAIL = "placements@mutuelle.example"


def _setup(bound, tenant, *, email: str | None = PAYER, channel: str = "email", endpoint: str | None = None) -> dict:
    """A payer, an insurer, a quarterly contract and its year of calls."""
    from app.catalog.models import Insurer

    with bound(tenant) as session:
        insurer_id = make_insurer(session)
        if channel == "api":
            insurer = session.get(Insurer, insurer_id)
            insurer.placement_channel, insurer.placement_email = "api", None
            insurer.api_endpoint, insurer.api_secret = endpoint, SECRET
        person_id = make_person(session, name="Paul Roux", email=email)
        contract_id = make_contract(session, person_id, insurer_id, line="motor", effective=START,
                                    renewal=date(2027, 1, 15), premium="1000.00", policy="AUTO-4242")
        contract = session.get(Contract, contract_id)
        contract.instalment_plan = "quarterly"
        calls = billing.generate_for_contract(session, None, contract, START, today=START)
        session.commit()
        return {"contract": contract_id, "client": person_id, "insurer": insurer_id, "call": calls[0].id,
                "reference": calls[0].reference, "second": calls[1].id}


def _run(bound, tenant, today: date) -> dict:
    with bound(tenant) as session:
        g.tenant = tenant
        return dunning.run_daily(session, today=today, tenant=tenant, locale="en")


def _procedure(bound, tenant, call_id: int) -> NonPaymentProcedure:
    with bound(tenant) as session:
        procedure = session.scalars(select(NonPaymentProcedure).where(NonPaymentProcedure.call_id == call_id)).one()
        session.expunge(procedure)
        return procedure


def _contract(bound, tenant, contract_id: int) -> tuple[str, list[tuple]]:
    with bound(tenant) as session:
        events = session.execute(select(ContractEvent.kind, ContractEvent.to_status, ContractEvent.summary)
                                 .where(ContractEvent.contract_id == contract_id).order_by(ContractEvent.id)).all()
        return session.get(Contract, contract_id).status, [tuple(e) for e in events]


def _messages(bound, tenant) -> list[OutboxMessage]:
    with bound(tenant) as session:
        messages = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        session.expunge_all()
        return messages


NOTHING = {"reminder": 0, "formal_notice": 0, "suspension": 0, "cancellable": 0}


def test_the_daily_job_takes_each_step_on_its_day_once(app, tenant, bound, mailbox, jobs):
    ids = _setup(bound, tenant)
    assert _run(bound, tenant, START) == NOTHING
    assert _run(bound, tenant, REMINDER - timedelta(days=1)) == NOTHING
    assert _run(bound, tenant, REMINDER) == NOTHING | {"reminder": 1}
    assert _run(bound, tenant, REMINDER) == NOTHING, "run twice the same day, the job does nothing twice"
    jobs()
    [reminder] = mailbox.to(PAYER)
    text = mailbox.text(reminder)
    assert ids["reference"] in reminder["Subject"] and "AUTO-4242" in text and "L113-3" in text
    assert _procedure(bound, tenant, ids["call"]).step == "reminder_sent"

    assert _run(bound, tenant, NOTICE - timedelta(days=1)) == NOTHING
    assert _run(bound, tenant, NOTICE) == NOTHING | {"formal_notice": 1}
    assert _run(bound, tenant, NOTICE) == NOTHING
    jobs()
    notice = mailbox.to(PAYER)[-1]
    [attachment] = list(notice.iter_attachments())
    letter = pdf_text(attachment.get_content())
    assert ids["reference"] in letter and "L113-3" in letter and "AUTO-4242" in letter
    assert "February 25, 2026" in letter and "March 6, 2026" in letter, "suspension and cancellation dates"
    assert "255.00" in letter or "Still to pay" in letter
    assert "February 25, 2026" in mailbox.text(notice)
    procedure = _procedure(bound, tenant, ids["call"])
    assert (procedure.formal_notice_sent_on, procedure.step) == (NOTICE, "notice_sent")
    with bound(tenant) as session:
        letter_row = session.get(Letter, procedure.formal_notice_letter_id)
        assert letter_row.sent_to == PAYER and letter_row.contract_id == ids["contract"]
    [to_insurer] = mailbox.to(INSURER_EMAIL)
    assert "formal notice" in to_insurer["Subject"] and "AUTO-4242" in to_insurer["Subject"]
    assert [a.get_filename() for a in to_insurer.iter_attachments()] == [attachment.get_filename()]

    assert _run(bound, tenant, SUSPENDED - timedelta(days=1)) == NOTHING, "cover runs to the end of the 30th day"
    assert _contract(bound, tenant, ids["contract"])[0] == "active"
    assert _run(bound, tenant, SUSPENDED) == NOTHING | {"suspension": 1}
    assert _run(bound, tenant, SUSPENDED) == NOTHING
    status, events = _contract(bound, tenant, ids["contract"])
    assert status == "suspended"
    [suspension] = [e for e in events if e[1] == "suspended"]
    assert "L113-3" in suspension[2] and ids["reference"] in suspension[2]
    assert _procedure(bound, tenant, ids["call"]).suspended_on == SUSPENDED

    assert _run(bound, tenant, CANCELLABLE - timedelta(days=1)) == NOTHING
    assert _run(bound, tenant, CANCELLABLE) == NOTHING | {"cancellable": 1}
    assert _run(bound, tenant, CANCELLABLE + timedelta(days=3)) == NOTHING
    procedure = _procedure(bound, tenant, ids["call"])
    assert (procedure.cancellable_on, procedure.step) == (CANCELLABLE, "cancellable")
    jobs()
    assert [m.kind for m in _messages(bound, tenant)] == ["nonpayment.notice", "nonpayment.suspension"]
    assert all(m.status == "delivered" for m in _messages(bound, tenant))
    assert len(mailbox.to(PAYER)) == 2, "one reminder, one formal notice"
    kinds = [e[0] for e in _contract(bound, tenant, ids["contract"])[1]]
    assert kinds.count("notice") == 3 and kinds.count("status") == 1
