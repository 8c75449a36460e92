"""Sections of the client page: contacts, timeline, tasks, AML, consent,
lines held elsewhere and cross-selling; htmx answers and plain POSTs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.catalog.models import Insurer
from app.crm.models import Client, Contact, CrossSellDismissal, Interaction, Task
from app.quotes.models import NeedsAnalysis, Offer
from tests.integration.test_clients import admin_client, make_client  # noqa: F401  (fixture reused)

HTMX = {"HX-Request": "true"}


def actions(session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_contacts_of_a_business_are_added_edited_and_removed(admin_client, bound, tenant):
    client_id = make_client(bound, tenant, kind="business", legal_name="ACME")
    response = admin_client.post(f"/clients/{client_id}/contacts", data={
        "last_name": "Martin", "first_name": "Sophie", "role": "Accountant", "email": "s@acme.fr", "is_primary": "y"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#contacts")
    admin_client.post(f"/clients/{client_id}/contacts", data={"last_name": "Petit", "is_primary": "y"})
    with bound(tenant) as session:
        first, second = session.scalars(select(Contact).order_by(Contact.id)).all()
        assert (first.is_primary, second.is_primary) == (False, True), "one main contact"
    assert admin_client.post(f"/clients/{client_id}/contacts", data={"last_name": "", "email": "bad"}).status_code == 422
    page = admin_client.get(f"/clients/{client_id}/contacts/{first.id}")
    assert page.status_code == 200 and 'value="Accountant"' in page.text
    assert admin_client.post(f"/clients/{client_id}/contacts/{first.id}",
                             data={"last_name": "Martin", "role": "CFO"}).status_code == 303
    assert admin_client.post(f"/clients/{client_id}/contacts/{first.id}", data={"last_name": ""}).status_code == 422
    assert admin_client.post(f"/clients/{client_id}/contacts/{second.id}/remove").status_code == 303
    with bound(tenant) as session:
        assert [(c.last_name, c.role) for c in session.scalars(select(Contact))] == [("Martin", "CFO")]
        assert {"client.contact_add", "client.contact_update", "client.contact_remove"} <= set(actions(session))


def test_a_contact_of_another_client_is_not_found(admin_client, bound, tenant):
    one = make_client(bound, tenant, kind="business", legal_name="One")
    other = make_client(bound, tenant, kind="business", legal_name="Other")
    admin_client.post(f"/clients/{one}/contacts", data={"last_name": "Martin"})
    with bound(tenant) as session:
        contact_id = session.scalar(select(Contact.id))
    assert admin_client.get(f"/clients/{other}/contacts/{contact_id}").status_code == 404
    assert admin_client.post(f"/clients/{other}/contacts/{contact_id}/remove").status_code == 404


def test_the_timeline_logs_exchanges_newest_first(admin_client, bound, tenant):
    client_id = make_client(bound, tenant)
    admin_client.post(f"/clients/{client_id}/interactions", data={
        "kind": "call", "direction": "in", "occurred_at": "2024-03-01T09:30", "subject": "Car quote",
        "asked": "Price for a Clio", "answered": "Sent on Monday"})
    response = admin_client.post(f"/clients/{client_id}/interactions", data={"kind": "note", "subject": "Met at fair"})
    assert response.status_code == 303
    page = admin_client.get(f"/clients/{client_id}").text
    assert page.index("Met at fair") < page.index("Car quote")
    assert "Price for a Clio" in page and "Anne Admin" in page
    with bound(tenant) as session:
        logged = session.scalar(select(Interaction).where(Interaction.subject == "Car quote"))
        assert logged.occurred_at == datetime(2024, 3, 1, 8, 30, tzinfo=UTC), "Paris time stored as UTC"


def test_htmx_logging_answers_the_timeline_and_keeps_errors_in_it(admin_client, bound, tenant):
    client_id = make_client(bound, tenant)
    response = admin_client.post(f"/clients/{client_id}/interactions", data={"kind": "email", "subject": "Hello"},
                                 headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section class="card" id="timeline">') and "Hello" in response.text
    failed = admin_client.post(f"/clients/{client_id}/interactions",
                               data={"kind": "email", "subject": "", "asked": "kept"}, headers=HTMX)
    assert failed.status_code == 422 and "kept" in failed.text and 'id="timeline"' in failed.text
    assert admin_client.post(f"/clients/{client_id}/interactions", data={"kind": "fax", "subject": "x"}).status_code == 422


def test_tasks_are_added_flagged_overdue_and_marked_done(app, admin_client, bound, tenant):
    client_id = make_client(bound, tenant)
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    response = admin_client.post(f"/clients/{client_id}/tasks",
                                 data={"title": "Call back", "due_on": yesterday, "assignee_id": "1"}, headers=HTMX)
    assert response.status_code == 200 and "data-overdue" in response.text and "Overdue" in response.text
    assert admin_client.post(f"/clients/{client_id}/tasks", data={"title": "", "assignee_id": ""}).status_code == 422
    assert admin_client.post(f"/clients/{client_id}/tasks", data={"title": "x", "assignee_id": "999"}).status_code == 422
    with bound(tenant) as session:
        task_id = session.scalar(select(Task.id))
    assert admin_client.post(f"/clients/{client_id}/tasks/{task_id}/done").status_code == 303
    with bound(tenant) as session:
        assert session.get(Task, task_id).done_at is not None
    assert "data-overdue" not in admin_client.get(f"/clients/{client_id}").text
    other = make_client(bound, tenant, last_name="Other")
    assert admin_client.post(f"/clients/{other}/tasks/{task_id}/done").status_code == 404


def test_the_aml_record_is_edited_audited_and_refused_when_stale(admin_client, bound, tenant):
    client_id = make_client(bound, tenant)
    form = {"aml_risk": "high", "aml_reason": "Cash payments", "aml_checks": "ID seen", "aml_checked_on": "2025-01-10",
            "version": "1"}
    assert admin_client.post(f"/clients/{client_id}/aml", data=form).status_code == 303
    assert admin_client.post(f"/clients/{client_id}/aml", data=form).status_code == 409
    assert admin_client.post(f"/clients/{client_id}/aml", data=form | {"aml_reason": "", "version": "2"}).status_code == 422
    assert admin_client.post(f"/clients/{client_id}/aml", data=form | {"aml_risk": "huge", "version": "2"}).status_code == 422
    assert admin_client.post(f"/clients/{client_id}/aml",
                             data=form | {"aml_checked_on": "2999-01-01", "version": "2"}).status_code == 422
    with bound(tenant) as session:
        client = session.get(Client, client_id)
        assert (client.aml_risk, client.aml_reason, client.aml_checked_on) == ("high", "Cash payments", date(2025, 1, 10))
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "client.aml_update"))
        assert entry.before["aml_risk"] is None and entry.after["aml_risk"] == "high"
    assert 'data-testid="aml-risk"' in admin_client.get(f"/clients/{client_id}").text


def test_marketing_consent_is_recorded_with_its_date(admin_client, bound, tenant):
    client_id = make_client(bound, tenant)
    assert admin_client.post(f"/clients/{client_id}/consent",
                             data={"marketing_consent": "yes", "version": "1"}).status_code == 303
    with bound(tenant) as session:
        client = session.get(Client, client_id)
        assert client.marketing_consent is True and client.marketing_consent_on == date.today()
    assert admin_client.post(f"/clients/{client_id}/consent",
                             data={"marketing_consent": "maybe", "version": "2"}).status_code == 422


def accept_offer(session, client_id: int, line: str) -> None:
    needs = NeedsAnalysis(client_id=client_id, line=line, risk={}, wanted=[])
    session.add(needs)
    session.flush()
    insurer = Insurer(name="Test insurer")
    session.add(insurer)
    session.flush()
    session.add(Offer(needs_id=needs.id, source="manual", insurer_id=insurer.id, label="Test", premium_net=100,
                      tax_rate=18, tax=18, total=118, commission_rate=10, commission=10,
                      accepted_at=datetime.now(UTC)))
    session.commit()


def suggested(admin_client, client_id: int) -> str:
    return admin_client.get(f"/clients/{client_id}").text.split('<section class="card" id="suggestions">')[1].split("</section>")[0]


def test_cross_selling_follows_held_lines_and_dismissals(admin_client, bound, tenant):
    client_id = make_client(bound, tenant)
    assert 'data-rule="individual_health"' in suggested(admin_client, client_id)
    with bound(tenant) as session:
        accept_offer(session, client_id, "motor")
    assert 'data-rule="individual_home"' in suggested(admin_client, client_id), "motor with us, no home"
    response = admin_client.post(f"/clients/{client_id}/held-elsewhere", data={"held_elsewhere": ["home"], "version": "1"})
    assert response.status_code == 303
    assert 'data-rule="individual_home"' not in suggested(admin_client, client_id)
    assert admin_client.post(f"/clients/{client_id}/suggestions/individual_health/dismiss",
                             data={"reason": ""}).status_code == 422
    assert admin_client.post(f"/clients/{client_id}/suggestions/individual_health/dismiss",
                             data={"reason": "Covered by the spouse's employer"}).status_code == 303
    assert 'data-rule="individual_health"' not in suggested(admin_client, client_id)
    assert admin_client.post(f"/clients/{client_id}/suggestions/individual_health/dismiss",
                             data={"reason": "again"}).status_code == 404
    with bound(tenant) as session:
        assert session.scalar(select(CrossSellDismissal.reason)) == "Covered by the spouse's employer"
        assert "client.cross_sell_dismiss" in actions(session)


def test_a_business_with_staff_and_premises_gets_its_suggestions(admin_client, bound, tenant):
    client_id = make_client(bound, tenant, kind="business", legal_name="ACME", headcount=5)
    with bound(tenant) as session:
        session.add(NeedsAnalysis(client_id=client_id, line="rc_pro", risk={"premises": "shop"}, wanted=[]))
        session.commit()
    section = suggested(admin_client, client_id)
    for rule in ("business_rc_pro", "business_cyber", "business_protection", "business_multirisk"):
        assert f'data-rule="{rule}"' in section, rule


def test_the_file_history_lists_audited_changes(admin_client, bound, tenant):
    client_id = make_client(bound, tenant)
    admin_client.post(f"/clients/{client_id}/consent", data={"marketing_consent": "yes", "version": "1"})
    history = admin_client.get(f"/clients/{client_id}").text.split('data-testid="history"')[1]
    assert "Marketing consent updated" in history
