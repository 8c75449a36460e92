"""Experts on a claim: the handler sends an expert of the firm's network
(the best suited first); the mission letter, a PDF with the claim's
reference kept with the claim out of the client's sight, reaches the
expert over real SMTP; the appointment is told to the client; the daily
job reminds a late expert once per interval and alerts the handler after
the third reminder; the report (PDF only) is filed with its conclusions; a
mission is cancelled. Read-only staff cannot write; another firm gets 404
on every route and its providers cannot be chosen."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pypdf
import pytest
from babel.dates import format_date
from sqlalchemy import select

from app.auth import services as accounts
from app.claims import services as claims
from app.claims.jobs import expert_reminders
from app.claims.models import Claim, ClaimAttachment, ClaimEvent, ClaimMessage, ExpertMission
from app.claims.rules import add_working_days
from app.contracts.models import Contract
from app.crm.models import Client, Task
from app.extensions import db
from app.jobs.queue import enqueue
from app.providers import services as providers
from app.providers.models import Provider
from tests.integration.test_contracts import (make_contract, other_firm_client, portfolio,  # noqa: F401
                                              readonly_client)
from tests.integration.test_providers import EXPERT

TODAY = date.today()
PDF_REPORT = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def claim(app, bound, tenant, portfolio):  # noqa: F811
    """A home water-damage claim in Lyon (69) of Léa Martin, handled by the admin."""
    contract_id = make_contract(bound, tenant, client_id=portfolio["client"], insurer_id=portfolio["insurer"],
                                line="home", policy_number="MRH-7781")
    with bound(tenant) as session, app.test_request_context():
        client = session.get(Client, portfolio["client"])
        client.email, client.address_line1, client.postal_code, client.city = (
            "lea.martin@example.fr", "12 rue des Lilas", "69003", "Lyon")
        found = claims.declare(session, None, session.get(Contract, contract_id), "water_damage", {
            "occurred_on": TODAY - timedelta(days=2), "place": "12 rue des Lilas, 69003 Lyon",
            "circumstances": "Fuite du chauffe-eau, parquet du séjour gonflé.", "police_report": "no",
            "injured": "no"}, [], channel="phone")
        found.handler_id = accounts.find_by_email(session, "admin@example.fr").id
        session.commit()
        return {"id": found.id, "reference": found.reference, "client": client.id}


@pytest.fixture
def experts(bound, tenant):
    """Two experts (the Lyon home expert suits the claim best), a garage and a retired expert."""
    with bound(tenant) as session:
        paris = providers.create(session, None, EXPERT | {"name": "Paris Expertises", "areas": "75",
                                                          "email": "paris@expertises.example"})
        lyon = providers.create(session, None, EXPERT | {"name": "Rhône Habitat Expertise", "areas": "69, 01",
                                                         "email": "lyon@rhone-habitat.example"})
        garage = providers.create(session, None, EXPERT | {"kind": "garage", "name": "Garage du Parc",
                                                           "email": "garage@parc.example"})
        retired = providers.create(session, None, EXPERT | {"name": "Expert Retraité", "areas": "69",
                                                            "email": "old@expert.example"})
        providers.set_active(session, None, retired, False, version=1)
        session.commit()
        return {"paris": paris.id, "lyon": lyon.id, "garage": garage.id, "retired": retired.id}


def dispatch(browser, claim, provider_id, **values):  # noqa: F811
    data = {"provider_id": str(provider_id), "instructions": "Examiner le dégât des eaux du séjour.",
            "report_due_on": (TODAY + timedelta(days=21)).isoformat()} | values
    return browser.post(f"/claims/{claim['id']}/expertise/missions", data=data)


def mission_row(bound, tenant) -> dict:
    with bound(tenant) as session:
        mission = session.scalar(select(ExpertMission).order_by(ExpertMission.id.desc()))
        return {"id": mission.id, "version": mission.version, "status": mission.status, "task": mission.task_id}


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages).split())


def events(bound, tenant, claim, kind: str) -> list[ClaimEvent]:  # noqa: F811
    with bound(tenant) as session:
        return list(session.scalars(select(ClaimEvent).where(ClaimEvent.claim_id == claim["id"],
                                                              ClaimEvent.kind == kind)))


def test_the_handler_sends_an_expert_whose_mission_letter_arrives_by_email(admin_client, claim, experts, bound,
                                                                           tenant, mailbox, jobs):
    page = admin_client.get(f"/claims/{claim['id']}/expertise")
    assert page.status_code == 200 and "No expert sent on this claim yet" in page.text
    assert page.text.index("★ Rhône Habitat Expertise") < page.text.index("Paris Expertises")
    assert "Expert Retraité" not in page.text and "Garage du Parc" not in page.text
    assert "département of the loss (69)" in page.text
    assert add_working_days(TODAY, 15).isoformat() in page.text          # the default due date

    sent = dispatch(admin_client, claim, experts["lyon"])
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/expertise#mission-%d"
                                                                          % mission_row(bound, tenant)["id"])
    due = TODAY + timedelta(days=21)
    with bound(tenant) as session:
        mission = session.scalar(select(ExpertMission))
        assert (mission.status, mission.provider_id, mission.report_due_on) == ("sent", experts["lyon"], due)
        letter = session.get(ClaimAttachment, mission.letter_attachment_id)
        assert (letter.category, letter.visible_to_client, letter.added_by) == ("mission_letter", False, "firm")
        task = session.get(Task, mission.task_id)
        assert (task.source_type, task.source_id, task.due_on, task.done_at) == ("claim", claim["id"], due, None)
        assert task.assignee_id is not None and "Rhône Habitat Expertise" in task.title
        claim_row = session.get(Claim, claim["id"])
        assert letter not in claims.attachments_of(session, claim_row, for_client=True)
        mission_id = mission.id
    assert len(events(bound, tenant, claim, "expert_sent")) == 1

    jobs()
    [email] = mailbox.to("lyon@rhone-habitat.example")
    assert claim["reference"] in email["Subject"]
    assert format_date(due, "long", locale="en") in mailbox.text(email) and "Martin Léa" in mailbox.text(email)
    [attachment] = list(email.iter_attachments())
    assert attachment.get_filename() == f"mission-{claim['reference']}-{mission_id}.pdf"
    content = attachment.get_content()
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    for expected in (claim["reference"], "Mutuelle Alpha", "MRH-7781", "Martin Léa", "12 rue des Lilas",
                     "Fuite du chauffe-eau", "Examiner le dégât des eaux", "cause", "liability"):
        assert expected in text, expected

    page = admin_client.get(f"/claims/{claim['id']}/expertise")
    assert "Mission sent" in page.text and 'data-testid="mission-letter"' in page.text
    assert claim["reference"] in admin_client.get(f"/providers/{experts['lyon']}").text


def test_the_dispatch_form_refuses_bad_choices_and_keeps_what_was_typed(admin_client, claim, experts, bound, tenant):
    for provider_id in (experts["garage"], experts["retired"], 999999, "abc", ""):
        response = dispatch(admin_client, claim, provider_id, instructions="Mes consignes à garder")
        assert response.status_code == 422, provider_id
        assert "Choose an active expert of the firm" in response.text
        assert "Mes consignes à garder" in response.text
    response = dispatch(admin_client, claim, experts["lyon"], instructions=" ",
                        report_due_on=(TODAY - timedelta(days=1)).isoformat())
    assert response.status_code == 422
    assert "This field is required" in response.text and "cannot be due before today" in response.text
    assert dispatch(admin_client, claim, experts["lyon"], report_due_on="31/02/2026").status_code == 422
    assert dispatch(admin_client, claim, experts["lyon"],
                    report_due_on=(TODAY + timedelta(days=400)).isoformat()).status_code == 422
    assert dispatch(admin_client, claim, experts["lyon"], instructions="x" * 5001).status_code == 422
    with bound(tenant) as session:
        assert session.scalar(select(ExpertMission)) is None


def test_a_provider_of_another_firm_cannot_be_chosen(admin_client, claim, experts, make_tenant, bound, tenant):
    other = make_tenant("b")
    with bound(other) as session:
        for number in range(6):
            last = providers.create(session, None, EXPERT | {"name": f"Autre cabinet {number}"})
        session.commit()
        foreign_id = last.id
    with bound(tenant) as session:
        assert session.get(Provider, foreign_id) is None
    response = dispatch(admin_client, claim, foreign_id)
    assert response.status_code == 422 and "Choose an active expert" in response.text
    assert "Autre cabinet" not in response.text


def test_the_appointment_is_told_to_the_client(admin_client, claim, experts, bound, tenant, mailbox, jobs):
    assert dispatch(admin_client, claim, experts["lyon"]).status_code == 303
    mission = mission_row(bound, tenant)
    url = f"/claims/{claim['id']}/expertise/missions/{mission['id']}/appointment"
    before = admin_client.post(url, data={"appointment_at": (TODAY - timedelta(days=1)).isoformat() + "T10:00",
                                          "version": mission["version"]})
    assert before.status_code == 422 and "cannot be before the mission was sent" in before.text
    assert admin_client.post(url, data={"appointment_at": "demain", "version": mission["version"]}).status_code == 422
    visit = (TODAY + timedelta(days=3)).isoformat() + "T14:30"
    assert admin_client.post(url, data={"appointment_at": visit, "version": mission["version"]}).status_code == 303
    stale = admin_client.post(url, data={"appointment_at": visit, "version": mission["version"]})
    assert stale.status_code == 409 and "changed this mission meanwhile" in stale.text
    assert mission_row(bound, tenant)["status"] == "scheduled"
    with bound(tenant) as session:
        [message] = session.scalars(select(ClaimMessage).where(ClaimMessage.claim_id == claim["id"]))
        assert message.author_side == "firm" and "Rhône Habitat Expertise" in message.body and "2:30" in message.body
    assert len(events(bound, tenant, claim, "expert_appointment")) == 1
    jobs()
    [email] = mailbox.to("lea.martin@example.fr")
    assert "expert's visit" in email["Subject"] and "Rhône Habitat Expertise" in mailbox.text(email)
    assert visit in admin_client.get(f"/claims/{claim['id']}/expertise").text


def run_pass(app, tenant, day: date, jobs) -> None:
    with app.app_context():
        enqueue(db.session, expert_reminders, tenant=tenant.slug, day=day.isoformat())
        db.session.commit()
    jobs()


def test_the_daily_job_reminds_a_late_expert_once_per_interval_then_alerts_the_handler(
        admin_client, claim, experts, bound, tenant, mailbox, jobs, app):
    assert dispatch(admin_client, claim, experts["lyon"], report_due_on=TODAY.isoformat()).status_code == 303
    jobs()
    first_task = mission_row(bound, tenant)["task"]

    def reminders() -> list:
        return [m for m in mailbox.to("lyon@rhone-habitat.example") if m["Subject"].startswith("Reminder")]

    run_pass(app, tenant, TODAY, jobs)                                     # due today: not late yet
    assert reminders() == []
    day_one = add_working_days(TODAY, 1)
    run_pass(app, tenant, day_one, jobs)
    run_pass(app, tenant, day_one, jobs)                                   # twice the same day: once
    assert len(reminders()) == 1
    assert [a.get_filename() for a in reminders()[0].iter_attachments()][0].startswith("mission-")
    run_pass(app, tenant, add_working_days(day_one, 4), jobs)              # within the interval
    assert len(reminders()) == 1
    day_two = add_working_days(day_one, 5)
    run_pass(app, tenant, day_two, jobs)
    assert len(reminders()) == 2
    with bound(tenant) as session:
        assert session.scalar(select(Task).where(Task.priority == "high", Task.source_id == claim["id"],
                                                 Task.title.contains("reminders"))) is None
    day_three = add_working_days(day_two, 5)
    run_pass(app, tenant, day_three, jobs)
    assert len(reminders()) == 3
    with bound(tenant) as session:
        mission = session.scalar(select(ExpertMission))
        assert (mission.reminders_sent, mission.last_reminder_on) == (3, day_three)
        alert = session.get(Task, mission.task_id)
        assert (alert.priority, alert.source_type, alert.source_id, alert.due_on) == ("high", "claim", claim["id"],
                                                                                      day_three)
        assert alert.done_at is None and session.get(Task, first_task).done_at is not None
    reminder_events = events(bound, tenant, claim, "expert_reminder")
    assert len(reminder_events) == 3 and {event.side for event in reminder_events} == {"system"}
    page = admin_client.get(f"/claims/{claim['id']}/expertise")
    assert "3 reminders" in page.text


def test_the_handler_reminds_by_hand_once_a_day(admin_client, claim, experts, bound, tenant, mailbox, jobs):
    assert dispatch(admin_client, claim, experts["lyon"]).status_code == 303
    mission = mission_row(bound, tenant)
    url = f"/claims/{claim['id']}/expertise/missions/{mission['id']}/remind"
    assert admin_client.post(url, data={"version": mission["version"]}).status_code == 303
    again = admin_client.post(url, data={"version": mission_row(bound, tenant)["version"]})
    assert again.status_code == 422 and "already reminded today" in again.text
    jobs()
    assert len([m for m in mailbox.to("lyon@rhone-habitat.example") if m["Subject"].startswith("Reminder")]) == 1
    with bound(tenant) as session:
        [event] = session.scalars(select(ClaimEvent).where(ClaimEvent.kind == "expert_reminder"))
        assert event.side == "firm" and event.actor_id is not None
        assert 'data-testid="mission-late"' not in admin_client.get(f"/claims/{claim['id']}/expertise").text
        session.get(ExpertMission, mission["id"]).report_due_on = TODAY - timedelta(days=1)
        session.commit()
    assert 'data-testid="mission-late"' in admin_client.get(f"/claims/{claim['id']}/expertise").text


def report(browser, claim, mission, content=PDF_REPORT, filename="rapport.pdf", **values):  # noqa: F811
    data = {"cause": "Joint du chauffe-eau usé", "assessed_amount": "2 450,50", "liability_opinion": "0",
            "conclusions": "Remplacement du parquet du séjour.", "version": str(mission["version"])} | values
    data["report"] = (io.BytesIO(content), filename)
    return browser.post(f"/claims/{claim['id']}/expertise/missions/{mission['id']}/report", data=data,
                        content_type="multipart/form-data")


def test_the_report_is_filed_with_its_conclusions(admin_client, claim, experts, bound, tenant):
    assert dispatch(admin_client, claim, experts["lyon"]).status_code == 303
    mission = mission_row(bound, tenant)
    not_pdf = report(admin_client, claim, mission, content=b"\x89PNG\r\n\x1a\n" + b"0" * 100, filename="r.pdf")
    assert not_pdf.status_code == 422 and "Upload the report as a PDF document" in not_pdf.text
    text = report(admin_client, claim, mission, content=b"just some text", filename="rapport.txt")
    assert text.status_code == 422 and "Upload the report as a PDF document" in text.text
    bad = report(admin_client, claim, mission, cause=" ", assessed_amount="deux mille", liability_opinion="30")
    assert bad.status_code == 422
    for message in ("This field is required", "Enter an amount in euros", "Choose one of the proposed values"):
        assert message in bad.text
    assert "deux mille" in bad.text and "Remplacement du parquet du séjour." in bad.text
    assert report(admin_client, claim, mission, assessed_amount="-3").status_code == 422
    assert report(admin_client, claim, mission, assessed_amount="1e20").status_code == 422
    assert mission_row(bound, tenant)["status"] == "sent"

    filed = report(admin_client, claim, mission, share_with_client="yes")
    assert filed.status_code == 303
    with bound(tenant) as session:
        row = session.scalar(select(ExpertMission))
        assert (row.status, row.cause, str(row.assessed_amount), row.liability_opinion, row.report_received_on) == (
            "reported", "Joint du chauffe-eau usé", "2450.50", 0, TODAY)
        attachment = session.get(ClaimAttachment, row.report_attachment_id)
        assert (attachment.category, attachment.visible_to_client) == ("expert_report", True)
        assert session.get(Task, row.task_id).done_at is not None
    [event] = events(bound, tenant, claim, "expert_report")
    assert "Joint du chauffe-eau usé" in event.summary and event.details["assessed_amount"] == "2450.50"
    page = admin_client.get(f"/claims/{claim['id']}/expertise")
    assert 'data-testid="mission-conclusions"' in page.text and "Not liable (0 %)" in page.text
    assert 'data-testid="report-form"' not in page.text
    again = report(admin_client, claim, mission_row(bound, tenant))
    assert again.status_code == 422 and "This mission is closed" in again.text


def test_a_report_kept_from_the_client_by_default(admin_client, claim, experts, bound, tenant):
    assert dispatch(admin_client, claim, experts["lyon"]).status_code == 303
    assert report(admin_client, claim, mission_row(bound, tenant)).status_code == 303
    with bound(tenant) as session:
        row = session.scalar(select(ExpertMission))
        assert session.get(ClaimAttachment, row.report_attachment_id).visible_to_client is False


def test_a_mission_is_cancelled_and_the_expert_told(admin_client, claim, experts, bound, tenant, mailbox, jobs):
    assert dispatch(admin_client, claim, experts["lyon"]).status_code == 303
    mission = mission_row(bound, tenant)
    url = f"/claims/{claim['id']}/expertise/missions/{mission['id']}/cancel"
    assert admin_client.post(url, data={"reason": "Le client retire sa déclaration.",
                                        "version": mission["version"]}).status_code == 303
    row = mission_row(bound, tenant)
    assert row["status"] == "cancelled"
    with bound(tenant) as session:
        assert session.get(Task, row["task"]).done_at is not None
    [event] = events(bound, tenant, claim, "mission_cancelled")
    assert "Le client retire sa déclaration." in event.summary
    jobs()
    assert any("cancelled" in m["Subject"] for m in mailbox.to("lyon@rhone-habitat.example"))
    closed = admin_client.post(f"/claims/{claim['id']}/expertise/missions/{mission['id']}/remind",
                               data={"version": row["version"]})
    assert closed.status_code == 422 and "This mission is closed" in closed.text


def test_readonly_staff_see_the_tab_but_cannot_write(readonly_client, admin_client, claim, experts, bound, tenant):
    assert dispatch(admin_client, claim, experts["lyon"]).status_code == 303
    mission = mission_row(bound, tenant)
    page = readonly_client.get(f"/claims/{claim['id']}/expertise")
    assert page.status_code == 200 and 'data-testid="dispatch-form"' not in page.text
    assert 'data-testid="report-form"' not in page.text
    base = f"/claims/{claim['id']}/expertise/missions"
    assert dispatch(readonly_client, claim, experts["lyon"]).status_code == 403
    for action in ("appointment", "remind", "report", "cancel"):
        assert readonly_client.post(f"{base}/{mission['id']}/{action}",
                                    data={"version": mission["version"]}).status_code == 403, action


def test_another_firm_gets_404_on_every_route(other_firm_client, admin_client, claim, experts, bound, tenant):
    assert dispatch(admin_client, claim, experts["lyon"]).status_code == 303
    mission = mission_row(bound, tenant)
    base = f"/claims/{claim['id']}/expertise"
    assert other_firm_client.get(base).status_code == 404
    assert other_firm_client.post(f"{base}/missions", data={"provider_id": experts["lyon"]}).status_code == 404
    for action in ("appointment", "remind", "report", "cancel"):
        assert other_firm_client.post(f"{base}/missions/{mission['id']}/{action}",
                                      data={"version": mission["version"]}).status_code == 404, action


def test_a_mission_of_another_claim_is_out_of_reach(admin_client, claim, experts, bound, tenant, app):
    assert dispatch(admin_client, claim, experts["lyon"]).status_code == 303
    mission = mission_row(bound, tenant)
    with bound(tenant) as session, app.test_request_context():
        first = session.get(Claim, claim["id"])
        other = claims.declare(session, None, session.get(Contract, first.contract_id), "fire", {
            "occurred_on": TODAY, "place": "Lyon", "circumstances": "Feu de cuisine.", "injured": "no"}, [],
            channel="phone")
        session.commit()
        other_id = other.id
    for action in ("appointment", "remind", "report", "cancel"):
        assert admin_client.post(f"/claims/{other_id}/expertise/missions/{mission['id']}/{action}",
                                 data={"version": mission["version"]}).status_code == 404, action
