"""Complaints (ACPR 2022-R-01): a client files one on the portal about the
insurer of their contract; the receipt with both deadlines reaches them
over real SMTP; the handler sees it in the firm's list, acknowledges it,
then answers it, and the client sees the answer. Missed deadlines show a
badge; bad input is shown next to the fields; another client's contract,
another firm and read-only staff are refused. The handler enters a
complaint received by letter, email or phone; the dashboard orders the
complaints by their next deadline with counts and filters; the daily job
alerts the handler before a deadline, once per step; a rejection names the
firm's mediator in the answer letter (PDF, emailed) and on the portal."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import select

from app.complaints import rules
from app.complaints import services as complaints
from app.complaints.models import Complaint
from app.crm.models import Client, Task
from tests.conftest import add_user
from tests.integration.test_contracts import make_contract, other_firm_client, portfolio, readonly_client  # noqa: F401
from tests.integration.test_portal_access import new_client, policyholder  # noqa: F401

TODAY = date.today()


def file_complaint(browser, **values):
    data = {"about": "firm", "contract_id": "", "subject": "Aucune réponse à mes courriels",
            "description": "J'ai écrit trois fois sans réponse au sujet de mon attestation."} | values
    return browser.post("/portal/complaints/new", data=data)


def test_a_client_files_a_complaint_the_handler_acknowledges_then_answers_it(policyholder, portfolio, admin_client,
                                                                          bound, tenant, mailbox, jobs):
    form = policyholder.get("/portal/complaints/new")
    assert form.status_code == 200 and "motor policy" in form.text
    assert "/portal/complaints/new" in policyholder.get("/portal/").text     # the footer's link
    response = file_complaint(policyholder, about="insurer", contract_id=str(portfolio["contract"]),
                              subject="Indemnisation refusée")
    assert response.status_code == 303 and response.headers["Location"].endswith("/portal/complaints")
    with bound(tenant) as session:
        complaint = session.scalar(select(Complaint))
        assert complaint.reference == f"REC-{complaint.id:06d}" and complaint.channel == "portal"
        assert (complaint.about, complaint.insurer_id, complaint.contract_id) == (
            "insurer", portfolio["insurer"], portfolio["contract"])
        assert complaint.received_on == TODAY and complaint.status == "open" and complaint.account_id
        assert complaint.acknowledge_by == rules.acknowledge_by(TODAY)
        assert complaint.answer_by == rules.answer_by(TODAY)
        assert session.get(Task, complaint.task_id).due_on == complaint.acknowledge_by
        complaint_id, reference, version = complaint.id, complaint.reference, complaint.version
        acknowledge_by, answer_by = complaint.acknowledge_by, complaint.answer_by
        first_task = complaint.task_id
    jobs()
    receipt = [m for m in mailbox.to("lea.martin@example.fr") if reference in m["Subject"]]
    assert receipt, "no acknowledgement of receipt"
    text = mailbox.text(receipt[-1])
    assert format_date(acknowledge_by, "long", locale="en") in text
    assert format_date(answer_by, "long", locale="en") in text and "Indemnisation refusée" in text
    mine = policyholder.get("/portal/complaints")
    assert reference in mine.text and "Received" in mine.text

    queue = admin_client.get("/complaints?status=open")
    assert queue.status_code == 200 and reference in queue.text and "complaint-late" not in queue.text
    assert reference not in admin_client.get("/complaints?status=answered").text
    page = admin_client.get(f"/complaints/{complaint_id}")
    assert page.status_code == 200 and "Indemnisation refusée" in page.text

    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    future = admin_client.post(f"/complaints/{complaint_id}/acknowledge",
                               data={"acknowledged_on": tomorrow, "version": version})
    assert future.status_code == 422 and "in the future" in future.text and tomorrow in future.text
    acknowledged = admin_client.post(f"/complaints/{complaint_id}/acknowledge",
                                     data={"acknowledged_on": TODAY.isoformat(), "version": version})
    assert acknowledged.status_code == 303
    stale = admin_client.post(f"/complaints/{complaint_id}/acknowledge",
                              data={"acknowledged_on": TODAY.isoformat(), "version": version})
    assert stale.status_code == 409 and "reload the page" in stale.text
    with bound(tenant) as session:
        complaint = session.get(Complaint, complaint_id)
        assert complaint.status == "acknowledged" and complaint.acknowledged_on == TODAY
        assert session.get(Task, first_task).done_at is not None
        assert session.get(Task, complaint.task_id).due_on == answer_by
        version, answer_task = complaint.version, complaint.task_id

    blank = admin_client.post(f"/complaints/{complaint_id}/answer",
                              data={"answered_on": TODAY.isoformat(), "answer": " ", "version": version})
    assert blank.status_code == 422 and "This field is required" in blank.text
    answered = admin_client.post(f"/complaints/{complaint_id}/answer", data={
        "answered_on": TODAY.isoformat(), "version": version, "outcome": "upheld",
        "answer": "L'assureur revoit sa position ; vous pouvez saisir le médiateur de l'assurance sinon."})
    assert answered.status_code == 303
    with bound(tenant) as session:
        complaint = session.get(Complaint, complaint_id)
        assert complaint.status == "answered" and complaint.answered_on == TODAY and complaint.task_id is None
        assert session.get(Task, answer_task).done_at is not None
        version = complaint.version
    assert "médiateur de l&#39;assurance" in policyholder.get("/portal/complaints").text
    assert admin_client.post(f"/complaints/{complaint_id}/close", data={"version": version}).status_code == 303
    assert "Closed" in admin_client.get(f"/complaints/{complaint_id}").text


def test_missed_deadlines_show_a_late_badge(portfolio, admin_client, bound, tenant, app):
    with bound(tenant) as session, app.test_request_context():
        client = session.get(Client, portfolio["client"])
        old = complaints.file(session, None, client, about="firm", subject="Réclamation par courrier",
                              description="Lettre reçue au cabinet.", channel="letter",
                              received_on=TODAY - timedelta(days=90))
        fresh = complaints.file(session, None, client, about="firm", subject="Réclamation par téléphone",
                                description="Appel du client.", channel="phone")
        session.commit()
        old_id, old_reference, fresh_id = old.id, old.reference, fresh.id
    queue = admin_client.get("/complaints")
    assert "Acknowledgement late" in queue.text and "Answer late" in queue.text
    assert queue.text.index(old_reference) < queue.text.index(f"REC-{fresh_id:06d}")   # nearest deadline first
    assert 'data-testid="complaint-late"' not in admin_client.get(f"/complaints/{fresh_id}").text
    assert 'data-testid="complaint-late"' in admin_client.get(f"/complaints/{old_id}").text


def test_bad_input_is_shown_next_to_the_fields_and_kept(policyholder, portfolio, bound, tenant):
    response = file_complaint(policyholder, about="insurer", subject="", description="x" * 4001)
    assert response.status_code == 422
    assert "This field is required" in response.text and "This text is too long" in response.text
    assert "x" * 4001 in response.text and 'value="insurer" checked' in response.text
    unknown = file_complaint(policyholder, about="nobody")
    assert unknown.status_code == 422 and "Choose one of the proposed values" in unknown.text
    assert "Aucune réponse à mes courriels" in unknown.text
    with bound(tenant) as session:
        assert session.scalar(select(Complaint)) is None


def test_a_complaint_about_the_firm_needs_no_contract(policyholder, portfolio, bound, tenant):
    assert file_complaint(policyholder).status_code == 303
    with bound(tenant) as session:
        complaint = session.scalar(select(Complaint))
        assert (complaint.about, complaint.contract_id, complaint.insurer_id) == ("firm", None, None)


def test_another_clients_contract_gets_no_complaint(policyholder, bound, tenant, portfolio):
    other = new_client(bound, tenant, "o@example.fr", last_name="Olivier")
    contract = make_contract(bound, tenant, client_id=other, insurer_id=portfolio["insurer"], policy_number="O-2")
    assert file_complaint(policyholder, about="insurer", contract_id=str(contract)).status_code == 404
    assert file_complaint(policyholder, contract_id="abc").status_code == 404
    assert f'value="{contract}"' not in policyholder.get("/portal/complaints/new").text
    with bound(tenant) as session:
        assert session.scalar(select(Complaint)) is None


def test_staff_complaint_routes_check_roles_and_tenants(policyholder, portfolio, bound, tenant, readonly_client,
                                                       other_firm_client):
    file_complaint(policyholder)
    with bound(tenant) as session:
        complaint = session.scalar(select(Complaint))
        complaint_id, version = complaint.id, complaint.version
    assert readonly_client.get("/complaints").status_code == 200
    assert readonly_client.get(f"/complaints/{complaint_id}").status_code == 200
    for action in ("acknowledge", "answer", "close"):
        assert readonly_client.post(f"/complaints/{complaint_id}/{action}",
                                    data={"version": version}).status_code == 403
        assert other_firm_client.post(f"/complaints/{complaint_id}/{action}",
                                      data={"version": version}).status_code == 404
    assert other_firm_client.get(f"/complaints/{complaint_id}").status_code == 404
    assert policyholder.get("/complaints").status_code == 302
    with bound(tenant) as session:
        assert session.get(Complaint, complaint_id).status == "open"


# --- helpers ------------------------------------------------------------------------------------------------

MEDIATOR = {"mediator_name": "Médiateur de la CSCA", "mediator_address": "91 rue Saint-Lazare, 75009 Paris",
            "mediator_website": "www.mediateur-csca.fr"}
FIRM = {"name": "Cabinet Lumière", "address": "12 rue des Lilas, 69003 Lyon", "phone": "", "email": "",
        "website": "", "orias": "07 000 123", "brand_colour": ""}


def set_mediator(admin_client, **values) -> None:
    response = admin_client.post("/settings/firm", data=FIRM | MEDIATOR | values)
    assert response.status_code == 303, response.text


def add_claim(session, contract_id: int, number: int) -> int:
    """A claim row as ``claims.declare`` leaves it."""
    from datetime import datetime, timezone

    from app.claims.models import Claim
    from app.contracts.models import Contract

    contract = session.get(Contract, contract_id)
    claim = Claim(reference=f"SIN-{number:06d}", contract_id=contract.id, client_id=contract.client_id,
                  line=contract.line, kind="collision", known_on=TODAY, declared_on=TODAY,
                  occurred_at=datetime.combine(TODAY, datetime.min.time(), tzinfo=timezone.utc),
                  deadline=TODAY + timedelta(days=7), place="Lyon", circumstances="Choc arrière.", details={},
                  channel="phone", status="declared")
    session.add(claim)
    session.flush()
    return claim.id


def file_for(bound, tenant, client_id: int, received_on: date, **values) -> int:
    """A complaint entered through the service, received on ``received_on``."""
    with bound(tenant) as session:
        complaint = complaints.file(session, None, session.get(Client, client_id), **{
            "about": "firm", "subject": "Réclamation", "description": "Reçue au cabinet.", "channel": "letter",
            "received_on": received_on} | values)
        session.commit()
        return complaint.id


# --- staff entry --------------------------------------------------------------------------------------------

@pytest.fixture
def entry(bound, tenant, portfolio):  # noqa: F811
    """Léa Martin's contract and claim, and another client's (Olivier) contract and claim."""
    other = new_client(bound, tenant, "o@example.fr", last_name="Olivier")
    other_contract = make_contract(bound, tenant, client_id=other, insurer_id=portfolio["insurer"],
                                   policy_number="O-2")
    with bound(tenant) as session:
        claim = add_claim(session, portfolio["contract"], 901)
        other_claim = add_claim(session, other_contract, 902)
        session.commit()
        reference = session.get(Client, portfolio["client"]).reference
    return {"reference": reference, "contract": portfolio["contract"], "insurer": portfolio["insurer"],
            "claim": claim, "other_contract": other_contract, "other_claim": other_claim}


def entry_data(entry, **changes) -> dict:
    return {"client_reference": entry["reference"], "channel": "letter", "received_on": "2026-11-02",
            "about": "insurer", "insurer_id": str(entry["insurer"]), "contract_id": str(entry["contract"]),
            "claim_id": str(entry["claim"]), "handler_id": "", "subject": "Indemnité trop faible",
            "description": "Courrier du 30 octobre : le client conteste le montant."} | changes


def test_the_handler_enters_a_complaint_received_by_letter(admin_client, entry, bound, tenant):
    start = admin_client.get("/complaints/new")
    assert start.status_code == 200 and 'name="client_reference"' in start.text
    unknown = admin_client.get("/complaints/new?client_reference=CLI-999999")
    assert unknown.status_code == 422 and "Choose a client among the suggestions" in unknown.text
    form = admin_client.get(f"/complaints/new?client_reference={entry['reference']}")
    assert form.status_code == 200 and "Léa" in form.text
    assert f'value="{entry["contract"]}"' in form.text and f'value="{entry["claim"]}"' in form.text
    # only this client's contracts and claims are offered
    assert f'value="{entry["other_contract"]}"' not in form.text and "SIN-000902" not in form.text

    response = admin_client.post("/complaints/new", data=entry_data(entry))
    assert response.status_code == 303
    with bound(tenant) as session:
        complaint = session.scalar(select(Complaint))
        assert response.headers["Location"].endswith(f"/complaints/{complaint.id}")
        assert (complaint.channel, complaint.about, complaint.insurer_id) == ("letter", "insurer", entry["insurer"])
        assert (complaint.contract_id, complaint.claim_id) == (entry["contract"], entry["claim"])
        # the deadlines run from the day it was received: Monday 2 November 2026, 11 November a holiday
        assert complaint.received_on == date(2026, 11, 2) and complaint.acknowledge_by == date(2026, 11, 17)
        assert complaint.answer_by == date(2027, 1, 2) and complaint.account_id is None
        task = session.get(Task, complaint.task_id)
        assert (task.source_type, task.source_id, task.due_on) == ("complaint", complaint.id, date(2026, 11, 17))
    page = admin_client.get(response.headers["Location"])
    assert "SIN-000901" in page.text and "Indemnité trop faible" in page.text


@pytest.mark.parametrize(("changes", "message"), [
    ({"subject": " "}, "This field is required"),
    ({"description": "x" * 4001}, "This text is too long"),
    ({"received_on": (TODAY + timedelta(days=1)).isoformat()}, "This date is in the future"),
    ({"received_on": "2026-02-31"}, "Enter a date"),
    ({"received_on": ""}, "Enter a date"),
    ({"channel": "portal"}, "Choose one of the proposed values"),
    ({"about": "nobody"}, "Choose one of the proposed values"),
    ({"insurer_id": "", "contract_id": "", "claim_id": ""}, "This field is required"),
    ({"insurer_id": "abc"}, "Choose one of the proposed values"),
    ({"contract_id": "999999"}, "Choose one of the proposed values"),
    ({"handler_id": "x"}, "Choose one of the proposed values"),
    ({"handler_id": "999999"}, "Choose one of the proposed values"),
    ({"handler_id": "9" * 30}, "Choose one of the proposed values"),
    ({"claim_id": "9" * 30}, "Choose one of the proposed values"),
])
def test_each_entry_problem_is_shown_next_to_its_field_and_the_input_kept(admin_client, entry, bound, tenant,
                                                                            changes, message):
    response = admin_client.post("/complaints/new", data=entry_data(entry, **changes))
    assert response.status_code == 422 and message in response.text
    assert "Courrier du 30 octobre" in response.text or "x" * 4001 in response.text
    with bound(tenant) as session:
        assert session.scalar(select(Complaint)) is None


def test_another_clients_contract_or_claim_and_another_insurer_are_refused(admin_client, entry, bound, tenant,
                                                                          portfolio):
    other_contract = admin_client.post("/complaints/new", data=entry_data(
        entry, contract_id=str(entry["other_contract"]), claim_id=""))
    assert other_contract.status_code == 422 and "not one of this client" in other_contract.text
    other_claim = admin_client.post("/complaints/new", data=entry_data(entry, claim_id=str(entry["other_claim"])))
    assert other_claim.status_code == 422 and "not one of this client" in other_claim.text
    with bound(tenant) as session:
        from app.catalog.models import Insurer
        insurer = Insurer(name="Autre Assureur", placement_channel="email")
        session.add(insurer)
        session.commit()
        insurer_id = insurer.id
    wrong = admin_client.post("/complaints/new", data=entry_data(entry, insurer_id=str(insurer_id)))
    assert wrong.status_code == 422 and "not with this insurer" in wrong.text
    unknown_client = admin_client.post("/complaints/new", data=entry_data(entry, client_reference="CLI-999999"))
    assert unknown_client.status_code == 422 and "Choose a client" in unknown_client.text
    with bound(tenant) as session:
        assert session.scalar(select(Complaint)) is None


def test_a_complaint_about_the_firm_by_phone_takes_the_chosen_handler(admin_client, entry, bound, tenant, app):
    handler = add_user(app, tenant, "hugo@example.fr", "handler")
    response = admin_client.post("/complaints/new", data=entry_data(
        entry, about="firm", channel="phone", insurer_id="", contract_id="", claim_id="",
        handler_id=str(handler), received_on=TODAY.isoformat()))
    assert response.status_code == 303
    with bound(tenant) as session:
        complaint = session.scalar(select(Complaint))
        assert (complaint.about, complaint.insurer_id, complaint.contract_id) == ("firm", None, None)
        assert complaint.handler_id == handler and session.get(Task, complaint.task_id).assignee_id == handler


def test_staff_entry_checks_roles_and_tenants(entry, readonly_client, other_firm_client, bound, tenant):
    assert readonly_client.get("/complaints/new").status_code == 403
    assert readonly_client.post("/complaints/new", data=entry_data(entry)).status_code == 403
    foreign = other_firm_client.post("/complaints/new", data=entry_data(entry))
    assert foreign.status_code == 422 and "Choose a client" in foreign.text
    assert other_firm_client.get(f"/complaints/new?client_reference={entry['reference']}").status_code == 422
    with bound(tenant) as session:
        assert session.scalar(select(Complaint)) is None


# --- the dashboard ------------------------------------------------------------------------------------------

def received_for_acknowledgement_in(working_days: int) -> date:
    """The latest receipt day whose acknowledgement deadline is at most
    ``working_days`` working days from today."""
    from app.claims.rules import add_working_days

    limit, day = add_working_days(TODAY, working_days), TODAY
    while rules.acknowledge_by(day) > limit:
        day -= timedelta(days=1)
    return day


def test_the_dashboard_orders_by_next_deadline_and_counts(admin_client, portfolio, bound, tenant, app):
    client = portfolio["client"]
    late = file_for(bound, tenant, client, TODAY - timedelta(days=40), subject="En retard")
    fresh = file_for(bound, tenant, client, TODAY, subject="Toute fraîche")
    soon = file_for(bound, tenant, client, received_for_acknowledgement_in(1), subject="Bientôt due")
    acknowledged = file_for(bound, tenant, client, TODAY - timedelta(days=5), subject="Accusée")
    answered = file_for(bound, tenant, client, TODAY - timedelta(days=3), subject="Répondue")
    last_year = file_for(bound, tenant, client, date(TODAY.year - 1, 6, 15), subject="Ancienne")
    with bound(tenant) as session:
        complaint = session.get(Complaint, acknowledged)
        complaints.acknowledge(session, None, complaint, on=TODAY, version=complaint.version)
        complaint = session.get(Complaint, answered)
        complaints.answer(session, None, complaint, on=TODAY, text="Réglé.", outcome="upheld",
                          version=complaint.version, mediator_set=False)
        session.commit()
        refs = {key: session.get(Complaint, value).reference for key, value in {
            "late": late, "fresh": fresh, "soon": soon, "acknowledged": acknowledged, "answered": answered,
            "last_year": last_year}.items()}

    page = admin_client.get("/complaints")
    assert page.status_code == 200
    text = page.text
    order = [text.index(refs[key]) for key in ("last_year", "late", "soon", "fresh", "acknowledged")]
    assert order == sorted(order)                              # late first, then the nearest deadline
    assert refs["answered"] not in text                          # answered: not to handle any more
    counts = {key: text.split(f'data-testid="count-{key}"')[1].split("app-figure-value\">")[1].split("<")[0]
              for key in ("to_acknowledge", "to_answer", "late", "due_soon")}
    assert counts == {"to_acknowledge": "4", "to_answer": "1", "late": "2", "due_soon": "1"}
    assert 'data-testid="complaint-group-late"' in text and 'data-testid="complaint-group-soon"' in text
    assert "days late" in text

    everything = admin_client.get("/complaints?status=all").text
    assert refs["answered"] in everything and "Upheld" in everything
    this_year = admin_client.get(f"/complaints?year={TODAY.year}").text
    assert refs["last_year"] not in this_year and refs["late"] in this_year
    assert refs["late"] not in admin_client.get("/complaints?about=insurer").text
    assert refs["late"] in admin_client.get("/complaints?handler=none").text
    assert refs["late"] not in admin_client.get("/complaints?handler=999999").text
    assert admin_client.get(f"/complaints?handler={'9' * 30}&year={'9' * 30}").status_code == 200
    assert admin_client.get(f"/complaints/{'9' * 30}").status_code == 404
    assert admin_client.get(f"/complaints?page={'9' * 30}").status_code == 200
    nonsense = admin_client.get("/complaints?status=x&about=y&handler=z&year=abc&page=-3")
    assert nonsense.status_code == 200 and refs["late"] in nonsense.text


def test_the_dashboard_paginates(admin_client, portfolio, bound, tenant):
    from app.complaints import dashboard

    with bound(tenant) as session:
        client = session.get(Client, portfolio["client"])
        for number in range(dashboard.PER_PAGE + 1):
            complaints.file(session, None, client, about="firm", subject=f"Réclamation {number}",
                            description="Appel.", channel="phone", received_on=TODAY - timedelta(days=number))
        session.commit()
        newest = session.scalar(select(Complaint).where(Complaint.received_on == TODAY)).reference
    first = admin_client.get("/complaints")
    assert "Page 1 of 2" in first.text and newest not in first.text   # the nearest deadline is the oldest's
    second = admin_client.get("/complaints?page=2")
    assert newest in second.text and second.text.count('data-testid="complaint-row"') == 1


# --- alerts before a deadline passes ------------------------------------------------------------------------

def run_alerts(bound, tenant, jobs, day: date = TODAY) -> None:
    from app.complaints.jobs import alert_pass
    from app.jobs.queue import enqueue

    with bound(tenant) as session:
        enqueue(session, alert_pass, tenant=tenant.slug, day=day.isoformat())
        session.commit()
    jobs()


def test_the_handler_is_alerted_once_per_step_and_the_task_becomes_urgent(portfolio, bound, tenant, app, mailbox,
                                                                          jobs):
    from app.contracts.rules import add_months

    handler = add_user(app, tenant, "hugo@example.fr", "handler")
    add_user(app, tenant, "maud@example.fr", "manager")
    client = portfolio["client"]
    due = file_for(bound, tenant, client, received_for_acknowledgement_in(2), subject="Bientôt",
                   handler_id=handler)
    later = file_for(bound, tenant, client, TODAY, subject="Plus tard", handler_id=handler)
    done = file_for(bound, tenant, client, received_for_acknowledgement_in(1), subject="Déjà accusée",
                    handler_id=handler)
    answer_due = file_for(bound, tenant, client, add_months(TODAY, -2) + timedelta(days=1), subject="À répondre")
    with bound(tenant) as session:
        for complaint_id in (done, answer_due):
            complaint = session.get(Complaint, complaint_id)
            complaints.acknowledge(session, None, complaint, on=complaint.received_on, version=complaint.version)
        session.commit()
        references = {key: session.get(Complaint, value).reference
                      for key, value in {"due": due, "later": later, "done": done, "answer_due": answer_due}.items()}

    run_alerts(bound, tenant, jobs)
    to_hugo = [m for m in mailbox.to("hugo@example.fr") if "deadline is near" in m["Subject"]]
    assert [references["due"] in m["Subject"] for m in to_hugo] == [True]
    text = mailbox.text(to_hugo[0])
    assert "acknowledge it by" in text and f"/complaints/{due}" in text and "Bientôt" in text
    # no handler on the answer's complaint: the managers (and the admin) are alerted
    for manager in ("maud@example.fr", "admin@example.fr"):
        alerts = [m for m in mailbox.to(manager) if "deadline is near" in m["Subject"]]
        assert [references["answer_due"] in m["Subject"] for m in alerts] == [True]
        assert "answer it by" in mailbox.text(alerts[0])
    with bound(tenant) as session:
        assert session.get(Complaint, due).acknowledge_alert_on == TODAY
        assert session.get(Task, session.get(Complaint, due).task_id).priority == "urgent"
        assert session.get(Complaint, answer_due).answer_alert_on == TODAY
        assert session.get(Complaint, later).acknowledge_alert_on is None
        assert session.get(Task, session.get(Complaint, later).task_id).priority == "normal"
        assert session.get(Complaint, done).acknowledge_alert_on is None   # acknowledged: that step is done

    count = len(mailbox.messages)
    run_alerts(bound, tenant, jobs)
    assert len(mailbox.messages) == count                                 # once per step

    passed = file_for(bound, tenant, client, TODAY - timedelta(days=40), subject="Oubliée", handler_id=handler)
    run_alerts(bound, tenant, jobs)
    late = [m for m in mailbox.to("hugo@example.fr") if "deadline has passed" in m["Subject"]]
    assert len(late) == 1 and f"/complaints/{passed}" in mailbox.text(late[0])
    assert "act today" in mailbox.text(late[0]) and len(mailbox.messages) == count + 1


# --- the answer, its letter and the mediator ----------------------------------------------------------------

def pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_rejection_needs_the_firms_mediator_and_its_letter_names_it(policyholder, portfolio, admin_client, bound,
                                                                      tenant, mailbox, jobs):
    assert file_complaint(policyholder, about="insurer", contract_id=str(portfolio["contract"]),
                          subject="Indemnisation refusée").status_code == 303
    with bound(tenant) as session:
        complaint = session.scalar(select(Complaint))
        complaint_id, version, reference = complaint.id, complaint.version, complaint.reference
    answer = {"answered_on": TODAY.isoformat(), "version": version, "outcome": "rejected",
              "answer": "Le contrat exclut ce dommage (article 4 des conditions générales)."}
    page = admin_client.get(f"/complaints/{complaint_id}")
    assert 'data-testid="mediator-missing"' in page.text and "/settings/firm" in page.text
    refused = admin_client.post(f"/complaints/{complaint_id}/answer", data=answer)
    assert refused.status_code == 422 and "set the mediator in Settings › Firm first" in refused.text
    assert "article 4 des conditions" in refused.text and "/settings/firm" in refused.text
    partly = admin_client.post(f"/complaints/{complaint_id}/answer", data=answer | {"outcome": "partly_upheld"})
    assert partly.status_code == 422 and "Settings › Firm" in partly.text
    missing = admin_client.post(f"/complaints/{complaint_id}/answer", data=answer | {"outcome": ""})
    assert missing.status_code == 422 and "This field is required" in missing.text

    set_mediator(admin_client)
    assert "Médiateur de la CSCA" in admin_client.get("/settings/firm").text
    assert 'data-testid="mediator-note"' in admin_client.get(f"/complaints/{complaint_id}").text
    assert admin_client.post(f"/complaints/{complaint_id}/answer", data=answer).status_code == 303
    with bound(tenant) as session:
        from app.contracts.models import Letter
        from app.documents import services as documents

        complaint = session.get(Complaint, complaint_id)
        assert (complaint.status, complaint.outcome) == ("answered", "rejected")
        letter = session.get(Letter, complaint.answer_letter_id)
        assert (letter.client_id, letter.contract_id) == (portfolio["client"], portfolio["contract"])
        assert letter.sent_to == "lea.martin@example.fr" and "Médiateur de la CSCA" in letter.body
        pdf = documents.file_of(session, letter.document_id)[1]
    text = pdf_text(pdf)
    assert "Médiateur de la CSCA" in text and "91 rue Saint-Lazare" in text and "L612-2" in text
    assert "La Médiation de l'Assurance" in text and "Cabinet Lumière" in text and reference in text
    download = admin_client.get(f"/complaints/{complaint_id}/letter")
    assert download.status_code == 200 and download.mimetype == "application/pdf" and download.data == pdf

    jobs()
    sent = [m for m in mailbox.to("lea.martin@example.fr") if "our answer" in m["Subject"]]
    assert len(sent) == 1 and reference in sent[0]["Subject"]
    assert "Médiateur de la CSCA" in mailbox.text(sent[0])
    attachments = list(sent[0].iter_attachments())
    assert [part.get_content_type() for part in attachments] == ["application/pdf"]
    assert "Médiateur de la CSCA" in pdf_text(attachments[0].get_content())

    mine = policyholder.get("/portal/complaints").text
    assert "Rejected" in mine and 'data-testid="portal-complaint-mediator"' in mine
    assert "Médiateur de la CSCA" in mine and "Médiation de l&#39;Assurance" in mine

    # another client's answered complaint never shows on this client's page
    other = new_client(bound, tenant, "o@example.fr", last_name="Olivier")
    other_id = file_for(bound, tenant, other, TODAY, subject="Réclamation d'Olivier")
    with bound(tenant) as session:
        complaint = session.get(Complaint, other_id)
        complaints.answer(session, None, complaint, on=TODAY, text="Réponse pour Olivier.", outcome="rejected",
                          version=complaint.version, mediator_set=True)
        session.commit()
    mine = policyholder.get("/portal/complaints").text
    assert "Olivier" not in mine and mine.count('data-testid="portal-complaint-mediator"') == 1


def test_an_upheld_answer_names_no_mediator(portfolio, admin_client, bound, tenant, mailbox, jobs):
    with bound(tenant) as session:
        session.get(Client, portfolio["client"]).email = "lea@example.fr"
        session.commit()
    complaint_id = file_for(bound, tenant, portfolio["client"], TODAY, channel="email")
    with bound(tenant) as session:
        version = session.get(Complaint, complaint_id).version
    response = admin_client.post(f"/complaints/{complaint_id}/answer", data={
        "answered_on": TODAY.isoformat(), "version": version, "outcome": "upheld",
        "answer": "Nous vous remboursons les frais."})
    assert response.status_code == 303
    with bound(tenant) as session:
        from app.contracts.models import Letter
        from app.documents import services as documents

        letter = session.get(Letter, session.get(Complaint, complaint_id).answer_letter_id)
        assert letter.contract_id is None and letter.sent_to == "lea@example.fr"
        text = pdf_text(documents.file_of(session, letter.document_id)[1])
    assert "Nous vous remboursons" in text and "mediator" not in text.lower() and "L612-2" not in text
    jobs()
    assert [m for m in mailbox.to("lea@example.fr") if "our answer" in m["Subject"]]


def test_answer_and_letter_routes_check_roles_and_tenants(portfolio, admin_client, bound, tenant, readonly_client,
                                                          other_firm_client):
    complaint_id = file_for(bound, tenant, portfolio["client"], TODAY)
    with bound(tenant) as session:
        version = session.get(Complaint, complaint_id).version
    assert admin_client.get(f"/complaints/{complaint_id}/letter").status_code == 404   # no answer yet
    assert admin_client.post(f"/complaints/{complaint_id}/answer", data={
        "answered_on": TODAY.isoformat(), "version": version, "outcome": "upheld",
        "answer": "D'accord."}).status_code == 303
    assert readonly_client.get(f"/complaints/{complaint_id}/letter").status_code == 200
    assert other_firm_client.get(f"/complaints/{complaint_id}/letter").status_code == 404
    assert other_firm_client.get(f"/complaints/{complaint_id}").status_code == 404
    assert other_firm_client.get("/complaints/999999/letter").status_code == 404


def test_the_firms_mediator_is_checked_saved_and_audited(admin_client, bound, tenant):
    nameless = admin_client.post("/settings/firm", data=FIRM | MEDIATOR | {"mediator_name": " "})
    assert nameless.status_code == 422 and "Name the mediator" in nameless.text
    assert "91 rue Saint-Lazare" in nameless.text
    too_long = admin_client.post("/settings/firm", data=FIRM | MEDIATOR | {"mediator_name": "M" * 201})
    assert too_long.status_code == 422
    set_mediator(admin_client)
    set_mediator(admin_client)   # unchanged: audited once
    with bound(tenant) as session:
        from app.audit.models import AuditEntry

        entries = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "firm.mediator")))
        assert len(entries) == 1 and entries[0].after["mediator_name"] == "Médiateur de la CSCA"
    set_mediator(admin_client, mediator_name="", mediator_address="", mediator_website="")
    with bound(tenant) as session:
        from tenants.models import Tenant

        assert session.get(Tenant, tenant.id).settings.get("mediator_name") is None


def test_the_insurers_mediator_is_named_for_a_complaint_about_an_insurer_unless_it_is_the_firms(app):
    from types import SimpleNamespace

    from app.complaints import answer_letter
    from app.complaints.mediator import Mediator

    complaint = SimpleNamespace(outcome="rejected", about="insurer")
    insurer = SimpleNamespace(name="Mutuelle Alpha")
    csca = Mediator(name="Médiateur de la CSCA", address=None, website="www.mediateur-csca.fr")
    same = Mediator(name="La Médiation de l'Assurance", address="TSA 50110, 75441 Paris Cedex 09", website=None)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        both = " ".join(answer_letter.mediator_paragraphs(complaint, csca, insurer))
        assert "Médiateur de la CSCA" in both and "Mutuelle Alpha" in both and "La Médiation de l'Assurance" in both
        assert "Mutuelle Alpha" not in " ".join(answer_letter.mediator_paragraphs(complaint, same, insurer))
        about_firm = SimpleNamespace(outcome="partly_upheld", about="firm")
        assert "La Médiation" not in " ".join(answer_letter.mediator_paragraphs(about_firm, csca, None))
        assert answer_letter.mediator_paragraphs(SimpleNamespace(outcome="upheld", about="firm"), csca, None) == []
