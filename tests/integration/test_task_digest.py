"""The daily digest over real SMTP: the periodic job queues one pass per
firm; each colleague with open tasks overdue or due that day gets one
email listing them by what they follow up, with the count of those due
later in the week and links on the firm's host; nothing for a colleague
with nothing due, nor for an invitation not yet accepted; once a day (a
second pass sends nothing); another firm's colleagues get only their own."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.complaints import services as complaints
from app.crm import followup
from app.crm import services as clients
from app.crm.models import Client
from tests.conftest import add_user

DAY = date(2026, 3, 11)            # a Wednesday, a working day
SATURDAY = date(2026, 3, 14)


def make_task(bound, tenant, title: str, *, assignee: int, due: date | None, client_id: int | None = None,
              source: tuple[str, int] | None = None, priority: str = "normal", done: bool = False) -> int:
    with bound(tenant) as session:
        client = session.get(Client, client_id) if client_id else None
        task = followup.add_task(session, None, client, title=title, details=None, due_on=due, assignee_id=assignee,
                                 source=source, priority=priority)
        if done:
            followup.complete_task(session, None, client, task)
        session.commit()
        return task.id


@pytest.fixture
def firm(app, tenant, bound):
    """Hugo with tasks of every kind of due date; Maud with nothing due;
    Iris invited but not signed up yet, with an overdue task."""
    ids = {"hugo": add_user(app, tenant, "hugo@example.fr", "handler"),
           "maud": add_user(app, tenant, "maud@example.fr", "manager"),
           "iris": add_user(app, tenant, "iris@example.fr", "handler", password=None)}
    with bound(tenant) as session:
        client = clients.create(session, None, {"kind": "individual", "last_name": "Martin", "first_name": "Léa"})
        session.commit()
        ids["client"] = client.id
    hugo = ids["hugo"]
    ids["overdue"] = make_task(bound, tenant, "Relancer l'expert", assignee=hugo, due=DAY - timedelta(days=2),
                               client_id=client.id, priority="urgent")
    ids["today"] = make_task(bound, tenant, "Commander des enveloppes", assignee=hugo, due=DAY)
    make_task(bound, tenant, "Préparer la réunion", assignee=hugo, due=DAY + timedelta(days=2))     # this week
    make_task(bound, tenant, "Bilan trimestriel", assignee=hugo, due=DAY + timedelta(days=9))       # later
    make_task(bound, tenant, "Déjà fait", assignee=hugo, due=DAY - timedelta(days=1), done=True)
    make_task(bound, tenant, "Sans date", assignee=hugo, due=None)
    make_task(bound, tenant, "Plus tard pour Maud", assignee=ids["maud"], due=DAY + timedelta(days=1))
    make_task(bound, tenant, "Tâche d'Iris", assignee=ids["iris"], due=DAY - timedelta(days=1))
    return ids


def run_pass(app, jobs, day: date) -> int:
    from app.tasks.jobs import queue_digest_passes

    with app.app_context():
        queued = queue_digest_passes(day)
    jobs()
    return queued


def test_each_colleague_gets_their_due_tasks_once_a_day(app, tenant, bound, firm, mailbox, jobs, make_tenant):
    other = make_tenant("b", admin_email="other-admin@example.fr")
    with bound(other) as session:
        other_admin = session.scalar(select(User.id))
    make_task(bound, other, "Tâche de l'autre cabinet", assignee=other_admin, due=DAY)
    make_task(bound, tenant, "Suivre la complaint inconnue", assignee=firm["hugo"], due=DAY,
              source=("complaint", 424242), client_id=firm["client"])
    with bound(tenant) as session, app.test_request_context():
        client = session.get(Client, firm["client"])
        client.handler_id = firm["hugo"]
        complaint = complaints.file(session, None, client, about="firm", subject="Aucune réponse",
                                    description="Trois courriels sans réponse.", channel="phone",
                                    received_on=date(2026, 2, 25), today=DAY)     # acknowledge by 11 March
        session.commit()
        complaint_id, complaint_reference = complaint.id, complaint.reference

    assert run_pass(app, jobs, DAY) >= 2
    host = f"http://{tenant.slug}.localhost"
    (message,) = mailbox.to("hugo@example.fr")
    assert message["Subject"] == "Your tasks on March 11, 2026: 1 overdue, 3 due today"
    text = mailbox.text(message)
    assert text.index("Complaints") < text.index(complaint_reference) < text.index("Reminders and tasks")
    assert f"{host}/complaints/{complaint_id}" in text
    assert "Relancer l'expert" in text and "Commander des enveloppes" in text and "Urgent" in text
    assert "Suivre la complaint inconnue" in text and "Overdue since Mar 9, 2026" in text
    for absent in ("Préparer la réunion", "Bilan trimestriel", "Déjà fait", "Sans date", "Plus tard pour Maud",
                   "autre cabinet"):
        assert absent not in text, absent
    assert "1 more is due later this week." in text
    assert "Reminders and tasks written by hand" in text
    assert f"{host}/clients/{firm['client']}" in text          # the client's page when the source has none
    assert f"{host}/tasks/{firm['today']}" in text              # the task's own page: no source, no client
    assert f"Open my tasks: {host}/tasks" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f'href="{host}/clients/{firm["client"]}"' in html and "Relancer l&#39;expert" in html

    assert mailbox.to("maud@example.fr") == [], "nothing due: no digest"
    assert mailbox.to("iris@example.fr") == [], "an invitation not accepted yet: no digest"
    (theirs,) = mailbox.to("other-admin@example.fr")
    assert "Tâche de l'autre cabinet" in mailbox.text(theirs) and "Relancer" not in mailbox.text(theirs)

    run_pass(app, jobs, DAY)
    assert len(mailbox.to("hugo@example.fr")) == 1, "once a day"
    with bound(tenant) as session:
        assert session.get(User, firm["hugo"]).last_digest_on == DAY
        assert session.get(User, firm["maud"]).last_digest_on is None


def test_the_next_working_day_brings_a_new_digest_and_the_weekend_none(app, tenant, bound, firm, mailbox, jobs):
    from app.tasks.jobs import digest_pass

    run_pass(app, jobs, DAY)
    digest_pass(tenant=tenant.slug, day=SATURDAY.isoformat())
    assert len(mailbox.to("hugo@example.fr")) == 1
    digest_pass(tenant=tenant.slug, day=(DAY + timedelta(days=1)).isoformat())
    jobs()
    second = mailbox.to("hugo@example.fr")[-1]
    assert len(mailbox.to("hugo@example.fr")) == 2
    assert "March 12, 2026: 2 overdue, 0 due today" in second["Subject"]


def test_the_digest_follows_the_colleagues_language(app, tenant, bound, firm, mailbox, jobs):
    make_task(bound, tenant, "Appeler le client", assignee=firm["maud"], due=DAY)
    with bound(tenant) as session:
        session.get(User, firm["maud"]).locale = "fr"
        session.commit()
    run_pass(app, jobs, DAY)
    (message,) = mailbox.to("maud@example.fr")
    assert "11 mars 2026" in message["Subject"] and "Appeler le client" in mailbox.text(message)


def test_completing_every_due_task_means_no_digest(app, tenant, bound, firm, mailbox, jobs, client_for):
    from tests.conftest import sign_in

    hugo = client_for(tenant)
    assert sign_in(hugo, "hugo@example.fr").status_code == 303
    for task_id in (firm["overdue"], firm["today"]):
        assert hugo.post(f"/tasks/{task_id}/done").status_code == 303
    run_pass(app, jobs, DAY)
    assert mailbox.to("hugo@example.fr") == []
