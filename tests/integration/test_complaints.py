"""Complaints (ACPR 2022-R-01): a client files one on the portal about the
insurer of their contract; the receipt with both deadlines reaches them
over real SMTP; the handler sees it in the firm's list, acknowledges it,
then answers it, and the client sees the answer. Missed deadlines show a
badge; bad input is shown next to the fields; another client's contract,
another firm and read-only staff are refused."""

from __future__ import annotations

from datetime import date, timedelta

from babel.dates import format_date
from sqlalchemy import select

from app.complaints import rules
from app.complaints import services as complaints
from app.complaints.models import Complaint
from app.crm.models import Client, Task
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
