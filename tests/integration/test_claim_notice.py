"""The claim notice to the insurer and the claim's insurer panel: on
registration (by the handler or on the portal) the notice goes by the
insurer's channel, over real SMTP (a PDF and the same data as JSON) or to a
local HTTP insurer (signed, retried by the outbox, resent from the panel);
without a usable channel the claim stands, with a task and a timeline entry.
The insurer's answers recorded by hand: validation, stale version, roles,
another firm."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pypdf
import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth.models import User
from app.catalog.models import Insurer
from app.claims.models import Claim, ClaimAttachment, ClaimEvent
from app.crm.models import Task
from app.outbox.models import OutboxMessage
from tests.insurer_server import insurer_server  # noqa: F401
from tests.integration.test_contracts import make_contract, other_firm_client, portfolio, readonly_client  # noqa: F401
from tests.integration.test_placements_data import make_due_now, set_channel, sweep
from tests.integration.test_portal_access import policyholder  # noqa: F401
from tests.integration.test_portal_claims import declare as declare_on_portal

TODAY = date.today()
YESTERDAY = (TODAY - timedelta(days=1)).isoformat()
INSURER_EMAIL = "placement@alpha.example"
POLICY = "MRH-2026-0042"


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages).split())


@pytest.fixture
def home(bound, tenant, portfolio):  # noqa: F811
    """A home contract of Léa Martin (12 rue des Lilas, Lyon) with Mutuelle Alpha, handled by the admin."""
    with bound(tenant) as session:
        admin_id = session.scalar(select(User.id).where(User.email == "admin@example.fr"))
        from app.crm.models import Client
        client = session.get(Client, portfolio["client"])
        client.address_line1, client.postal_code, client.city = "12 rue des Lilas", "69003", "Lyon"
        session.commit()
    return make_contract(bound, tenant, client_id=portfolio["client"], insurer_id=portfolio["insurer"], line="home",
                         policy_number=POLICY, handler_id=admin_id)


def register(admin_client, contract_id: int, **values):
    """The handler registers a claim taken by phone."""
    data = {"contract_id": contract_id, "channel": "phone", "kind": "water_damage", "occurred_on": YESTERDAY,
            "occurred_time": "21:30", "place": "12 rue des Lilas, Lyon",
            "circumstances": "Fuite du chauffe-eau, parquet du séjour gonflé.", "police_report": "no",
            "injured": "no", "damaged_goods": "Parquet, meuble TV", "estimated_amount": "2400"} | values
    return admin_client.post("/claims/new", data=data)


def only_claim(bound, tenant) -> Claim:
    with bound(tenant) as session:
        claim = session.scalars(select(Claim)).one()
        session.expunge(claim)
        return claim


def notice_message(bound, tenant) -> OutboxMessage:
    with bound(tenant) as session:
        claim = session.scalars(select(Claim)).one()
        message = session.get(OutboxMessage, claim.notice_message_id)
        message.attempt_log  # noqa: B018  (loaded before leaving the session)
        session.expunge_all()
        return message


def timeline(bound, tenant, kind: str) -> list[ClaimEvent]:
    with bound(tenant) as session:
        rows = list(session.scalars(select(ClaimEvent).where(ClaimEvent.kind == kind).order_by(ClaimEvent.id)))
        session.expunge_all()
        return rows


# --- the notice ----------------------------------------------------------------------

def test_a_claim_registered_by_the_handler_reaches_the_insurer_by_email_with_the_pdf_and_the_json(
        admin_client, bound, tenant, home, mailbox, jobs):
    response = register(admin_client, home)
    assert response.status_code == 303, response.text
    claim = only_claim(bound, tenant)
    assert claim.notice_message_id is not None
    jobs()
    (email,) = mailbox.to(INSURER_EMAIL)
    assert claim.reference in email["Subject"] and POLICY in email["Subject"] and "Léa" in email["Subject"]
    assert email["Reply-To"] == "admin@example.fr"
    assert claim.reference in mailbox.text(email)
    attachments = {part.get_filename(): part for part in email.iter_attachments()}
    assert set(attachments) == {f"{claim.reference}-notice.pdf", f"{claim.reference}.json"}
    text = pdf_text(attachments[f"{claim.reference}-notice.pdf"].get_content())
    for expected in (tenant.name, "Mutuelle Alpha", claim.reference, POLICY, "Léa", "Martin",
                     "12 rue des Lilas, Lyon", "Fuite du chauffe-eau", "Parquet, meuble TV", "Anne Admin",
                     "admin@example.fr", "Water damage"):
        assert expected in text, expected
    notice = json.loads(attachments[f"{claim.reference}.json"].get_content())
    assert notice["kind"] == "claim_notice" and notice["schema_version"] == "1.0"
    assert notice["claim"]["reference"] == claim.reference and notice["claim"]["contract"]["policy_number"] == POLICY
    assert notice["claim"]["insured"]["name"] == "Martin Léa"
    assert notice["claim"]["insured"]["address"]["city"] == "Lyon"
    assert notice["claim"]["occurred_at"].startswith(YESTERDAY) and notice["claim"]["received_by"] == "phone"
    assert {"code": "damaged_goods", "label": "What was damaged", "value": "Parquet, meuble TV"} \
        in notice["claim"]["details"]
    assert notice["broker"]["name"] == tenant.name
    assert notice["broker"]["contact"] == {"name": "Anne Admin", "email": "admin@example.fr", "phone": None}
    assert notice["answer_urls"]["decision"] == \
        f"http://{tenant.slug}.localhost/api/insurer/v1/claims/{claim.reference}/decision"
    message = notice_message(bound, tenant)
    assert message.status == "delivered" and message.subject_type == "claim" and message.kind == "claim_notice"
    (sent,) = timeline(bound, tenant, "notice_sent")
    assert sent.side == "firm" and sent.details["channel"] == "email" and INSURER_EMAIL in sent.summary
    with bound(tenant) as session:
        pdf = session.scalars(select(ClaimAttachment).where(ClaimAttachment.category == "letter")).one()
        assert pdf.visible_to_client is False and pdf.added_by == "firm"
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "claim.notice")) is not None
    page = admin_client.get(f"/claims/{claim.id}")
    assert page.status_code == 200 and "Delivered" in page.text and "PDF sent" in page.text
    assert f"/claims/{claim.id}/attachments/{pdf.id}" in page.text


def test_a_claim_declared_on_the_portal_is_notified_too(policyholder, bound, tenant, home):  # noqa: F811
    assert declare_on_portal(policyholder, home).status_code == 303
    claim = only_claim(bound, tenant)
    assert claim.notice_message_id is not None
    (sent,) = timeline(bound, tenant, "notice_sent")
    assert sent.side == "system" and sent.actor_id is None
    assert notice_message(bound, tenant).status == "pending"


def test_an_api_insurer_gets_the_notice_signed_and_retried_with_one_idempotency_key(
        app, admin_client, bound, tenant, portfolio, home, jobs, insurer_server):  # noqa: F811
    insurer_server.script(503, 200)
    with bound(tenant) as session:
        set_channel(session, portfolio["insurer"], "api", insurer_server.url)
        session.commit()
    assert register(admin_client, home).status_code == 303
    claim = only_claim(bound, tenant)
    jobs()
    message = notice_message(bound, tenant)
    assert message.status == "pending" and message.last_error and message.channel == "api"
    assert "Waiting for delivery" in admin_client.get(f"/claims/{claim.id}").text
    with bound(tenant) as session:
        make_due_now(session, message.id)
    assert sweep(app) >= 1
    jobs()
    message = notice_message(bound, tenant)
    assert message.status == "delivered" and [(a.outcome, a.status_code) for a in message.attempt_log] == [
        ("retry", 503), ("delivered", 200)]
    assert len(insurer_server.received) == 2 and len({r.body for r in insurer_server.received}) == 1
    assert {r.idempotency_key for r in insurer_server.received} == {message.idempotency_key}
    assert all(r.signature_valid for r in insurer_server.received)
    posted = insurer_server.received[0].json()
    assert posted["kind"] == "claim_notice" and posted["claim"]["reference"] == claim.reference
    assert posted["claim"]["circumstances"] == "Fuite du chauffe-eau, parquet du séjour gonflé."
    with bound(tenant) as session:
        assert session.scalars(select(ClaimAttachment)).all() == []  # no PDF for the API


def test_a_rejected_notice_shows_the_insurers_answer_and_is_resent_from_the_panel(
        admin_client, bound, tenant, portfolio, home, jobs, insurer_server):  # noqa: F811
    insurer_server.script((422, {"error": {"message": "Unknown policy MRH-2026-0042"}}))
    with bound(tenant) as session:
        set_channel(session, portfolio["insurer"], "api", insurer_server.url)
        session.commit()
    register(admin_client, home)
    claim = only_claim(bound, tenant)
    jobs()
    assert notice_message(bound, tenant).status == "rejected"
    page = admin_client.get(f"/claims/{claim.id}")
    assert "Rejected by the insurer" in page.text and "Unknown policy MRH-2026-0042" in page.text
    assert "Resend the notice" in page.text and "Send a new notice" in page.text
    assert admin_client.post(f"/claims/{claim.id}/notice/resend").status_code == 303
    jobs()
    message = notice_message(bound, tenant)
    assert message.status == "delivered" and message.id == claim.notice_message_id
    assert [r.idempotency_key for r in insurer_server.received] == [message.idempotency_key] * 2
    assert [e.details.get("resend") for e in timeline(bound, tenant, "notice_sent")] == [None, True]
    again = admin_client.post(f"/claims/{claim.id}/notice")
    assert again.status_code == 409 and "already received" in again.text


def test_without_a_channel_the_claim_stands_with_a_task_and_the_notice_is_sent_once_fixed(
        admin_client, bound, tenant, portfolio, home, mailbox, jobs):  # noqa: F811
    with bound(tenant) as session:
        session.get(Insurer, portfolio["insurer"]).placement_email = None
        session.commit()
    assert register(admin_client, home).status_code == 303
    claim = only_claim(bound, tenant)
    assert claim.notice_message_id is None and claim.reference.startswith("SIN-")
    (failed,) = timeline(bound, tenant, "notice_failed")
    assert failed.details["problem"] == "no_placement_email" and failed.summary
    with bound(tenant) as session:
        (task,) = session.scalars(select(Task).where(Task.source_type == "claim", Task.source_id == claim.id,
                                                     Task.title.startswith("Envoyer manuellement")))
        assert task.priority == "high" and task.assignee_id is not None and claim.reference in task.title
    page = admin_client.get(f"/claims/{claim.id}")
    assert "Not sent" in page.text and "no email address" in page.text
    refused = admin_client.post(f"/claims/{claim.id}/notice")
    assert refused.status_code == 422 and "no email address" in refused.text
    assert admin_client.post(f"/claims/{claim.id}/notice/resend").status_code == 409
    with bound(tenant) as session:
        session.get(Insurer, portfolio["insurer"]).placement_email = INSURER_EMAIL
        session.commit()
    assert admin_client.post(f"/claims/{claim.id}/notice").status_code == 303
    jobs()
    assert len(mailbox.to(INSURER_EMAIL)) == 1 and notice_message(bound, tenant).status == "delivered"


# --- the insurer's answers by hand ---------------------------------------------------

def answers(claim: Claim, **values) -> dict:
    return {"version": str(claim.version), "acknowledged_on": TODAY.isoformat(), "insurer_reference": "SX-2026-0042",
            "decision": "refused", "decision_note": "Infiltration lente, exclue au contrat."} | values


def test_the_handler_records_the_insurers_answers(admin_client, bound, tenant, home):
    register(admin_client, home)
    claim = only_claim(bound, tenant)
    response = admin_client.post(f"/claims/{claim.id}/insurer-answers", data=answers(claim))
    assert response.status_code == 303
    saved = only_claim(bound, tenant)
    assert saved.insurer_reference == "SX-2026-0042" and saved.insurer_decision == "refused"
    assert saved.insurer_decision_note == "Infiltration lente, exclue au contrat."
    assert saved.insurer_acknowledged_at is not None and saved.status == "in_progress"
    for kind in ("insurer_acknowledged", "insurer_reference", "insurer_decision"):
        (event,) = timeline(bound, tenant, kind)
        assert event.side == "firm" and event.actor_id is not None
    assert [e.details["to"] for e in timeline(bound, tenant, "status_changed")] == ["with_insurer", "in_progress"]
    with bound(tenant) as session:
        actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == str(claim.id))))
        assert {"claim.insurer_acknowledge", "claim.insurer_reference", "claim.insurer_decision"} <= actions
    page = admin_client.get(f"/claims/{claim.id}")
    assert "SX-2026-0042" in page.text and "Refused" in page.text and "Infiltration lente" in page.text
    cleared = admin_client.post(f"/claims/{claim.id}/insurer-answers", data=answers(
        saved, insurer_reference="", decision="", decision_note=""))
    assert cleared.status_code == 303
    assert only_claim(bound, tenant).insurer_reference is None and only_claim(bound, tenant).insurer_decision is None


@pytest.mark.parametrize("values, field, message", [
    ({"acknowledged_on": "hier"}, "acknowledged_on", "Enter a date."),
    ({"acknowledged_on": (TODAY + timedelta(days=1)).isoformat()}, "acknowledged_on", "in the future"),
    ({"acknowledged_on": (TODAY - timedelta(days=30)).isoformat()}, "acknowledged_on", "before it was declared"),
    ({"decision": "maybe"}, "decision", "Choose one of the proposed values."),
    ({"decision_note": ""}, "decision_note", "the client must be told why"),
    ({"decision": "", "decision_note": "Pourquoi pas."}, "decision", "Choose the decision this note explains."),
    ({"insurer_reference": "X" * 61}, "insurer_reference", "too long"),
])
def test_bad_answers_are_422_next_to_the_field_keeping_what_was_typed(admin_client, bound, tenant, home, values,
                                                                      field, message):
    register(admin_client, home)
    claim = only_claim(bound, tenant)
    typed = answers(claim, **values)
    response = admin_client.post(f"/claims/{claim.id}/insurer-answers", data=typed)
    assert response.status_code == 422 and message in response.text
    assert f'name="{field}"' in response.text and "is-invalid" in response.text
    assert f'value="{typed["insurer_reference"]}"' in response.text and typed["decision_note"] in response.text
    assert f'value="{typed["acknowledged_on"]}"' in response.text
    unchanged = only_claim(bound, tenant)
    assert unchanged.insurer_reference is None and unchanged.insurer_decision is None
    assert timeline(bound, tenant, "insurer_decision") == []


def test_a_stale_form_is_refused_with_409(admin_client, bound, tenant, home):
    register(admin_client, home)
    claim = only_claim(bound, tenant)
    stale = answers(claim)
    assert admin_client.post(f"/claims/{claim.id}/insurer-answers", data=answers(
        claim, decision="accepted", decision_note="")).status_code == 303
    response = admin_client.post(f"/claims/{claim.id}/insurer-answers", data=stale)
    assert response.status_code == 409 and "Someone changed this claim meanwhile" in response.text
    assert only_claim(bound, tenant).insurer_decision == "accepted"


def test_panel_routes_refuse_the_readonly_role_and_another_firm(admin_client, readonly_client,  # noqa: F811
                                                                other_firm_client, bound, tenant, home):  # noqa: F811
    register(admin_client, home)
    claim = only_claim(bound, tenant)
    routes = [(f"/claims/{claim.id}/notice", {}), (f"/claims/{claim.id}/notice/resend", {}),
              (f"/claims/{claim.id}/insurer-answers", answers(claim))]
    for url, data in routes:
        assert readonly_client.post(url, data=data).status_code == 403, url
        assert other_firm_client.post(url, data=data).status_code == 404, url
    page = readonly_client.get(f"/claims/{claim.id}")
    assert page.status_code == 200 and "claim-insurer" in page.text
    assert "Resend the notice" not in page.text and "insurer-answers-form" not in page.text
    assert other_firm_client.get(f"/claims/{claim.id}").status_code == 404
    assert only_claim(bound, tenant).insurer_decision is None
