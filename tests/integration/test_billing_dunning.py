"""The non-payment procedure (Code des assurances, L113-3) against real
servers: the daily job across a timeline of days (reminder at +5, formal
notice at +10 as a letter PDF emailed to the payer, suspension after 30 days,
cancellable 10 days later), each step once; the insurer told through its
channel (SMTP or its HTTP API); payment during suspension lifts it; the
overdue dashboard with its actions, refusals, roles and tenant isolation."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

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


def _setup(bound, tenant, *, email: str | None = PAYER, channel: str = "email", endpoint: str | None = None,
           start: date = START, name: str = "Paul Roux") -> dict:
    """A payer, an insurer, a quarterly contract and its year of calls, the first due on ``start``."""
    from app.catalog.models import Insurer

    with bound(tenant) as session:
        insurer_id = make_insurer(session, name=f"Mutuelle du Rhône ({name})")
        if channel == "api":
            insurer = session.get(Insurer, insurer_id)
            insurer.placement_channel, insurer.placement_email = "api", None
            insurer.api_endpoint, insurer.api_secret = endpoint, SECRET
        person_id = make_person(session, name=name, email=email)
        contract_id = make_contract(session, person_id, insurer_id, line="motor", effective=start,
                                    renewal=start.replace(year=start.year + 1), premium="1000.00", policy="AUTO-4242")
        contract = session.get(Contract, contract_id)
        contract.instalment_plan = "quarterly"
        calls = billing.generate_for_contract(session, None, contract, start, today=start)
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
    with bound(tenant) as session:
        owed = session.get(PremiumCall, ids["call"]).outstanding
    assert f"Still to pay €{owed:,.2f}" in letter and f"€{owed:,.2f} due under your Motor contract" in letter
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


def _pay(bound, tenant, ids: dict, day: date, amount=None) -> None:
    with bound(tenant) as session:
        g.tenant = tenant
        call = session.get(PremiumCall, ids["call"])
        billing.record_payment(session, None, client_id=ids["client"], amount=amount or call.outstanding,
                               method="transfer", received_on=day, call_ids=[call.id], today=day)
        session.commit()


def test_an_api_insurer_hears_of_each_step_and_payment_during_suspension_lifts_it(app, tenant, bound, jobs,
                                                                                   insurer_server):
    ids = _setup(bound, tenant, channel="api", endpoint=insurer_server.url)
    for day in (REMINDER, NOTICE, SUSPENDED):
        _run(bound, tenant, day)
    paid_on = SUSPENDED + timedelta(days=3)
    _pay(bound, tenant, ids, paid_on)
    jobs()
    bodies = [received.json() for received in insurer_server.received]
    assert [body["event"] for body in bodies] == ["nonpayment.notice", "nonpayment.suspension", "nonpayment.lifted"]
    assert all(received.signature_valid for received in insurer_server.received)
    assert bodies[0]["premium_call"]["reference"] == ids["reference"]
    assert bodies[0]["contract"]["policy_number"] == "AUTO-4242"
    assert bodies[0]["procedure"]["formal_notice_sent_on"] == NOTICE.isoformat()
    assert bodies[1]["procedure"]["suspended_on"] == SUSPENDED.isoformat()
    assert bodies[2]["procedure"]["stop_reason"] == "paid"
    assert bodies[2]["procedure"]["cover_resumes_at"].startswith(f"{paid_on + timedelta(days=1)}T12:00:00+01:00")
    procedure = _procedure(bound, tenant, ids["call"])
    assert (procedure.stopped_on, procedure.stop_reason, procedure.step) == (paid_on, "paid", "stopped_by_payment")
    status, events = _contract(bound, tenant, ids["contract"])
    assert status == "active"
    resumed = events[-1]
    assert resumed[:2] == ("status", "active")
    assert "noon on March 1, 2026" in resumed[2] and "L113-3" in resumed[2]
    assert _run(bound, tenant, CANCELLABLE) == NOTHING, "a paid call's procedure takes no further step"


def test_payment_before_the_notice_stops_the_procedure_without_telling_the_insurer(app, tenant, bound):
    ids = _setup(bound, tenant)
    _run(bound, tenant, REMINDER)
    _pay(bound, tenant, ids, REMINDER + timedelta(days=1))
    assert _run(bound, tenant, NOTICE) == NOTHING
    procedure = _procedure(bound, tenant, ids["call"])
    assert (procedure.reminder_sent_on, procedure.formal_notice_sent_on, procedure.stop_reason) == (
        REMINDER, None, "paid")
    assert _messages(bound, tenant) == []


def test_a_partial_payment_does_not_stop_the_procedure(app, tenant, bound):
    ids = _setup(bound, tenant)
    _pay(bound, tenant, ids, REMINDER, amount=D("10.00"))
    assert _run(bound, tenant, NOTICE) == NOTHING | {"formal_notice": 1}
    with bound(tenant) as session:
        call = session.get(PremiumCall, ids["call"])
        assert call.status == "overdue" and call.paid == D("10.00")


def test_a_payer_without_email_gets_a_letter_to_post(app, tenant, bound, mailbox, jobs):
    ids = _setup(bound, tenant, email=None)
    assert _run(bound, tenant, REMINDER) == NOTHING | {"reminder": 1}
    assert _run(bound, tenant, NOTICE) == NOTHING | {"formal_notice": 1}
    jobs()
    assert mailbox.to(PAYER) == []
    procedure = _procedure(bound, tenant, ids["call"])
    with bound(tenant) as session:
        letter = session.get(Letter, procedure.formal_notice_letter_id)
        assert letter.sent_to is None and letter.document_id is not None
    summaries = [e[2] for e in _contract(bound, tenant, ids["contract"])[1] if e[0] == "notice"]
    assert "no email address" in summaries[0] and "to post by registered letter" in summaries[1]


def test_a_call_cancelled_with_its_contract_ends_the_procedure(app, tenant, bound):
    from app.contracts import cancellations

    ids = _setup(bound, tenant)
    _run(bound, tenant, REMINDER)
    with bound(tenant) as session:
        g.tenant = tenant
        contract = session.get(Contract, ids["contract"])
        cancellations.cancel(session, None, contract, cancellations.Request(
            ground="other", notice_on=START, chosen_date=START, reason="Sold"),
            version=contract.version, locale="en", today=REMINDER)
        session.commit()
        assert session.get(PremiumCall, ids["call"]).status == "cancelled"
    procedure = _procedure(bound, tenant, ids["call"])
    assert procedure.stopped_on is not None  # the day the cancellation closed the calls (the service's today)
    assert (procedure.stop_reason, procedure.step) == ("cancelled", "stopped")
    assert _run(bound, tenant, NOTICE) == NOTHING


# --- the overdue dashboard ---------------------------------------------------------------------

TODAY = date.today()


def _cancellable(bound, tenant, name: str = "Claire Cancel", age: int = 60) -> dict:
    """A call due ``age`` days ago whose procedure the job took to "cancellable"."""
    due = TODAY - timedelta(days=age)
    ids = _setup(bound, tenant, start=due, name=name)
    for day in (due + timedelta(days=10), due + timedelta(days=41), due + timedelta(days=50)):
        _run(bound, tenant, day)
    return ids


def _reader(app, tenant, client_for):
    add_user(app, tenant, "reader@example.fr", "readonly")
    client = client_for(tenant)
    assert sign_in(client, "reader@example.fr").status_code == 303
    return client


def test_the_dashboard_shows_overdue_calls_by_step_with_totals_filters_and_exports(app, tenant, bound,
                                                                                   admin_client):
    late = _setup(bound, tenant, start=TODAY - timedelta(days=3), name="Louis Late")
    cancellable = _cancellable(bound, tenant)
    page = admin_client.get("/premiums/overdue")
    assert page.status_code == 200
    text = page.text
    assert late["reference"] in text and cancellable["reference"] in text and "Claire Cancel" in text
    assert "2 overdue premium calls" in text and "Cancel for non-payment" in text
    assert 'data-stage="cancellable"' in text and "Late" in text
    only = admin_client.get("/premiums/overdue?stage=cancellable")
    assert cancellable["reference"] in only.text and late["reference"] not in only.text
    assert "1 overdue premium call" in only.text
    searched = admin_client.get("/premiums/overdue", query_string={"q": "louis"}, headers={"HX-Request": "true"})
    assert searched.status_code == 200 and "<html" not in searched.text
    assert late["reference"] in searched.text and cancellable["reference"] not in searched.text
    assert admin_client.get("/premiums/overdue?stage=nonsense&page=x").status_code == 200
    csv = admin_client.get("/premiums/overdue/export/csv?stage=cancellable")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    body = csv.data.decode("utf-8-sig")
    assert "days_late" in body.splitlines()[0] and cancellable["reference"] in body and late["reference"] not in body
    assert "Cancellable" in body
    xlsx = admin_client.get("/premiums/overdue/export/xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert admin_client.get("/premiums/overdue/export/pdf").status_code == 404


def test_the_formal_notice_asked_by_hand_is_never_earlier_than_the_law(app, tenant, bound, admin_client, mailbox,
                                                                         jobs):
    early = _setup(bound, tenant, start=TODAY - timedelta(days=3), name="Emma Early")
    refused = admin_client.post(f"/premiums/overdue/{early['call']}/notice")
    assert refused.status_code == 422
    assert "cannot be sent before the 10th day" in refused.text and "Earliest day" in refused.text
    with bound(tenant) as session:
        assert session.scalar(select(func.count()).select_from(NonPaymentProcedure).where(
            NonPaymentProcedure.formal_notice_sent_on.is_not(None))) == 0
    ready = _setup(bound, tenant, start=TODAY - timedelta(days=12), name="Rita Ready")
    page = admin_client.get("/premiums/overdue")
    assert page.text.count("Send the formal notice") == 1
    sent = admin_client.post(f"/premiums/overdue/{ready['call']}/notice")
    assert sent.status_code == 303
    assert _procedure(bound, tenant, ready["call"]).formal_notice_sent_on == TODAY
    again = admin_client.post(f"/premiums/overdue/{ready['call']}/notice")
    assert again.status_code == 422 and "already sent" in again.text
    assert _run(bound, tenant, TODAY)["formal_notice"] == 0, "the job does not send it twice"
    jobs()
    [notice] = [m for m in mailbox.to(PAYER) if "Formal notice" in m["Subject"]]
    [attachment] = list(notice.iter_attachments())
    assert ready["reference"] in pdf_text(attachment.get_content())
    assert admin_client.post("/premiums/overdue/999999999/notice").status_code == 404


def test_a_cancellable_contract_is_cancelled_for_non_payment_after_confirmation(app, tenant, bound, admin_client):
    ids = _cancellable(bound, tenant, age=100)
    _run(bound, tenant, TODAY)  # the next quarter's premium is late too: its reminder goes
    assert _procedure(bound, tenant, ids["second"]).step == "reminder_sent"
    page = admin_client.get(f"/premiums/overdue/{ids['call']}/cancel")
    assert page.status_code == 200 and 'data-testid="cancel-form"' in page.text
    bad = admin_client.post(f"/premiums/overdue/{ids['call']}/cancel", data={"effective_on": "someday",
                                                                              "version": "1"})
    assert bad.status_code == 422 and "Not a valid date value" in bad.text
    with bound(tenant) as session:
        version = session.get(Contract, ids["contract"]).version
    stale = admin_client.post(f"/premiums/overdue/{ids['call']}/cancel",
                              data={"effective_on": TODAY.isoformat(), "version": str(version - 1)})
    assert stale.status_code == 409 and "changed this contract meanwhile" in stale.text
    done = admin_client.post(f"/premiums/overdue/{ids['call']}/cancel",
                             data={"effective_on": TODAY.isoformat(), "version": str(version)})
    assert done.status_code == 303 and done.location.endswith(f"/contracts/{ids['contract']}")
    with bound(tenant) as session:
        contract = session.get(Contract, ids["contract"])
        cancellation = session.scalars(select(Cancellation).where(Cancellation.contract_id == contract.id)).one()
        assert contract.status == "cancelled"
        assert (cancellation.ground, cancellation.effective_on, cancellation.requested_by) == (
            "non_payment", TODAY, "insurer")
        assert ids["reference"] in cancellation.reason and "L113-3" in cancellation.reason
        assert session.get(PremiumCall, ids["call"]).status == "overdue", "the premium of the period stays owed"
    procedure = _procedure(bound, tenant, ids["call"])
    assert (procedure.cancelled_on, procedure.step) == (TODAY, "cancelled")
    second = _procedure(bound, tenant, ids["second"])
    assert (second.cancelled_on, second.step) == (TODAY, "cancelled"), "every open procedure ends with the contract"
    assert [m.kind for m in _messages(bound, tenant)] == ["nonpayment.notice", "nonpayment.suspension",
                                                          "cancellation"]
    listed = admin_client.get("/premiums/overdue?stage=cancelled")
    assert ids["reference"] in listed.text and "Cancel for non-payment" not in listed.text


def test_a_contract_not_yet_cancellable_is_refused(app, tenant, bound, admin_client):
    due = TODAY - timedelta(days=45)
    ids = _setup(bound, tenant, start=due)
    _run(bound, tenant, due + timedelta(days=10))   # notice; suspended from due + 41, cancellable from due + 50
    _run(bound, tenant, TODAY)
    assert _procedure(bound, tenant, ids["call"]).step == "suspended"
    page = admin_client.get(f"/premiums/overdue/{ids['call']}/cancel")
    assert page.status_code == 200 and 'data-testid="not-cancellable"' in page.text
    refused = admin_client.post(f"/premiums/overdue/{ids['call']}/cancel",
                                data={"effective_on": TODAY.isoformat(), "version": "3"})
    assert refused.status_code == 422 and "cannot be cancelled for non-payment on that day" in refused.text
    with bound(tenant) as session:
        assert session.get(Contract, ids["contract"]).status == "suspended"
        assert session.scalar(select(func.count()).select_from(Cancellation)) == 0


def test_read_only_staff_see_the_dashboard_but_change_nothing(app, tenant, bound, client_for):
    ids = _cancellable(bound, tenant)
    reader = _reader(app, tenant, client_for)
    page = reader.get("/premiums/overdue")
    assert page.status_code == 200 and ids["reference"] in page.text
    assert "Cancel for non-payment" not in page.text
    assert reader.post(f"/premiums/overdue/{ids['call']}/notice").status_code == 403
    assert reader.post(f"/premiums/overdue/{ids['call']}/cancel",
                       data={"effective_on": TODAY.isoformat(), "version": "3"}).status_code == 403
    with bound(tenant) as session:
        assert session.get(Contract, ids["contract"]).status == "suspended"


def test_another_firm_cannot_reach_the_calls(app, tenant, bound, make_tenant, client_for):
    ids = _cancellable(bound, tenant)
    other = make_tenant("b")
    intruder = client_for(other)
    assert sign_in(intruder, "admin@example.fr").status_code == 303
    assert ids["reference"] not in intruder.get("/premiums/overdue").text
    assert intruder.post(f"/premiums/overdue/{ids['call']}/notice").status_code == 404
    assert intruder.get(f"/premiums/overdue/{ids['call']}/cancel").status_code == 404
    assert intruder.post(f"/premiums/overdue/{ids['call']}/cancel",
                         data={"effective_on": TODAY.isoformat(), "version": "3"}).status_code == 404
    with bound(tenant) as session:
        assert session.get(Contract, ids["contract"]).status == "suspended"


def test_the_periodic_job_runs_each_tenants_pass(app, tenant, bound, jobs):
    from app.billing.dunning_jobs import queue_dunning_passes

    ids = _setup(bound, tenant, start=TODAY - timedelta(days=5))
    with app.app_context():
        assert queue_dunning_passes(TODAY) >= 1
    jobs()
    assert _procedure(bound, tenant, ids["call"]).reminder_sent_on == TODAY


def test_a_refund_that_leaves_the_call_owed_starts_the_procedure_afresh(app, tenant, bound):
    ids = _setup(bound, tenant)
    _run(bound, tenant, NOTICE)
    _pay(bound, tenant, ids, NOTICE + timedelta(days=2), amount=D("10.00"))
    _pay(bound, tenant, ids, NOTICE + timedelta(days=3))
    assert _procedure(bound, tenant, ids["call"]).stop_reason == "paid"
    with bound(tenant) as session:
        from app.billing.models import Payment

        last = session.scalars(select(Payment).order_by(Payment.id.desc())).first()
        billing.refund_payment(session, None, last, refunded_on=NOTICE + timedelta(days=5),
                               today=NOTICE + timedelta(days=5))
        session.commit()
        assert session.get(PremiumCall, ids["call"]).status == "overdue"
    procedure = _procedure(bound, tenant, ids["call"])
    assert (procedure.stopped_on, procedure.formal_notice_sent_on, procedure.step) == (
        None, None, "formal_notice_possible")
    assert _run(bound, tenant, NOTICE + timedelta(days=6)) == NOTHING | {"formal_notice": 1}, "a new notice"


def test_cover_stays_suspended_while_another_premium_is_unpaid(app, tenant, bound):
    ids = _setup(bound, tenant)
    second_due = date(2026, 4, 15)
    second_notice, second_suspended = second_due + timedelta(days=10), second_due + timedelta(days=41)
    for day in (NOTICE, SUSPENDED, second_notice, second_suspended):
        _run(bound, tenant, day)
    assert _procedure(bound, tenant, ids["second"]).suspended_on == second_suspended
    statuses = [e[1] for e in _contract(bound, tenant, ids["contract"])[1] if e[0] == "status"]
    assert statuses == ["suspended"], "suspended once"
    _pay(bound, tenant, ids, second_suspended + timedelta(days=1))
    assert _contract(bound, tenant, ids["contract"])[0] == "suspended", "the second premium is still unpaid"
    assert _procedure(bound, tenant, ids["call"]).cover_resumes_at is None
    with bound(tenant) as session:
        g.tenant = tenant
        second = session.get(PremiumCall, ids["second"])
        billing.record_payment(session, None, client_id=ids["client"], amount=second.outstanding,
                               method="cheque", received_on=second_suspended + timedelta(days=2),
                               call_ids=[second.id], today=second_suspended + timedelta(days=2))
        session.commit()
    assert _contract(bound, tenant, ids["contract"])[0] == "active"
    kinds = [m.kind for m in _messages(bound, tenant)]
    assert kinds == ["nonpayment.notice", "nonpayment.suspension", "nonpayment.notice", "nonpayment.suspension",
                     "nonpayment.paid", "nonpayment.lifted"]


def test_an_insurer_without_a_channel_does_not_hold_the_procedure_back(app, tenant, bound):
    from app.catalog.models import Insurer

    ids = _setup(bound, tenant)
    with bound(tenant) as session:
        session.get(Insurer, ids["insurer"]).is_active = False
        session.commit()
    assert _run(bound, tenant, NOTICE) == NOTHING | {"formal_notice": 1}
    assert _messages(bound, tenant) == []
    summaries = [e[2] for e in _contract(bound, tenant, ids["contract"])[1] if e[0] == "notice"]
    assert any("could not be told" in summary for summary in summaries)


def test_the_dashboard_pages(app, tenant, bound, admin_client, monkeypatch):
    from app.billing.views import overdue

    first = _setup(bound, tenant, start=TODAY - timedelta(days=20), name="Anne First")
    second = _setup(bound, tenant, start=TODAY - timedelta(days=4), name="Bruno Second")
    monkeypatch.setattr(overdue, "PER_PAGE", 1)
    page_one, page_two = admin_client.get("/premiums/overdue"), admin_client.get("/premiums/overdue?page=2")
    assert first["reference"] in page_one.text and second["reference"] not in page_one.text
    assert second["reference"] in page_two.text and "Page 2 of 2" in page_two.text
    assert "2 overdue premium calls" in page_two.text
