"""The task list: a handler sees their own open tasks (and, on request, the
unassigned ones) ordered by due date then priority, with the overdue and
due-today counts; a manager anybody's; filters by due bucket, priority,
source and state; done and reopened (htmx and plain forms); due date,
priority and assignee changed with their checks (422 next to the field,
keeping the input); a task added by hand with or without a client; links
to what each task follows up (a claim, a complaint, a placement, a client
request, else the client); CSV export; read-only staff refused every POST,
another firm 404 on every task."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.crm import followup
from app.crm import services as clients
from app.crm.models import Client, Task
from app.tasks import rules
from tests.conftest import add_user, sign_in
from tests.integration.test_contracts import portfolio  # noqa: F401
from tests.integration.test_needs_data import admin, firm  # noqa: F401
from tests.integration.test_placements_data import offer_by_email, placement_of, send_placement  # noqa: F401
from tests.integration.test_portal_access import policyholder  # noqa: F401

TODAY = date.today()
HTMX = {"HX-Request": "true"}


@pytest.fixture
def team(app, tenant, bound):
    """A handler, a manager, a read-only colleague and a client of ``tenant``."""
    ids = {"handler": add_user(app, tenant, "hugo@example.fr", "handler"),
           "manager": add_user(app, tenant, "maud@example.fr", "manager"),
           "reader": add_user(app, tenant, "rita@example.fr", "readonly")}
    with bound(tenant) as session:
        ids["admin"] = session.scalar(select(User.id).where(User.email == "admin@example.fr"))
        client = clients.create(session, None, {"kind": "individual", "last_name": "Martin", "first_name": "Léa"})
        session.commit()
        ids["client"], ids["client_reference"] = client.id, client.reference
    return ids


def browser(client_for, tenant, email: str):
    client = client_for(tenant)
    assert sign_in(client, email).status_code == 303
    return client


def make_task(bound, tenant, title: str, *, assignee: int | None, due: date | None = None, priority: str = "normal",
              client_id: int | None = None, source: tuple[str, int] | None = None, done: bool = False) -> int:
    """A task made by the service every area calls."""
    with bound(tenant) as session:
        client = session.get(Client, client_id) if client_id else None
        task = followup.add_task(session, None, client, title=title, details=None, due_on=due, assignee_id=assignee,
                                 source=source, priority=priority)
        if done:
            followup.complete_task(session, None, client, task)
        session.commit()
        return task.id


def table(response) -> str:
    assert response.status_code == 200, response.text
    return response.text.split('id="task-results"', 1)[1]


def order(text: str, *titles: str) -> bool:
    positions = [text.index(title) for title in titles]
    return positions == sorted(positions)


@pytest.fixture
def hugos_tasks(bound, tenant, team):
    make = lambda title, **values: make_task(bound, tenant, title, assignee=team["handler"],  # noqa: E731
                                             client_id=team["client"], **values)
    return {
        "overdue": make("Relancer l'expert", due=TODAY - timedelta(days=3)),
        "today_low": make("Classer le courrier", due=TODAY, priority="low"),
        "today_urgent": make("Appeler l'assureur", due=TODAY, priority="urgent"),
        "later": make("Préparer l'échéance", due=TODAY + timedelta(days=10), priority="high"),
        "undated": make("Lire la note interne"),
        "done": make("Tâche déjà faite", due=TODAY - timedelta(days=1), done=True),
        "maud": make_task(bound, tenant, "Tâche de Maud", assignee=team["manager"], due=TODAY),
        "nobody": make_task(bound, tenant, "Tâche sans titulaire", assignee=None, due=TODAY),
    }


def test_a_handler_sees_own_open_tasks_by_due_date_then_priority_with_the_counts(client_for, tenant, team,
                                                                                 hugos_tasks):
    hugo = browser(client_for, tenant, "hugo@example.fr")
    page = hugo.get("/tasks")
    text = table(page)
    assert order(text, "Relancer l&#39;expert", "Appeler l&#39;assureur", "Classer le courrier",
                 "Préparer l&#39;échéance", "Lire la note interne")
    assert "Tâche déjà faite" not in text and "Tâche de Maud" not in text and "Tâche sans titulaire" not in text
    assert "1 overdue" in page.text and "2 due today" in page.text
    assert 'data-testid="due-overdue"' in text and 'data-testid="priority-urgent"' in text
    assert "5 tasks" in text


def test_filters_by_due_bucket_priority_source_and_state(client_for, tenant, team, hugos_tasks, bound):
    tomorrow = TODAY + timedelta(days=1)
    make_task(bound, tenant, "Rappeler demain", assignee=team["handler"], due=tomorrow)
    hugo = browser(client_for, tenant, "hugo@example.fr")
    overdue = table(hugo.get("/tasks?due=overdue"))
    assert "Relancer l&#39;expert" in overdue and "Appeler" not in overdue
    today = table(hugo.get("/tasks?due=today"))
    assert "Appeler l&#39;assureur" in today and "Classer le courrier" in today and "Relancer" not in today
    week = table(hugo.get("/tasks?due=week"))
    assert ("Rappeler demain" in week) == (rules.due_bucket(tomorrow, TODAY) == rules.Due.WEEK)
    assert "Appeler" not in week and "Préparer" not in week
    later = table(hugo.get("/tasks?due=later"))
    assert "Préparer l&#39;échéance" in later and "Lire la note" not in later
    assert "Lire la note interne" in table(hugo.get("/tasks?due=none"))
    urgent = table(hugo.get("/tasks?priority=urgent"))
    assert "Appeler l&#39;assureur" in urgent and "Classer" not in urgent
    assert "Tâche déjà faite" in table(hugo.get("/tasks?state=done"))
    assert "Relancer" not in table(hugo.get("/tasks?state=done"))
    every = table(hugo.get("/tasks?state=all"))
    assert "Tâche déjà faite" in every and "Relancer" in every
    assert "No task here" in table(hugo.get("/tasks?source=claim"))
    assert "Relancer" in table(hugo.get("/tasks?source=other"))
    junk = table(hugo.get("/tasks?due=yesterday&priority=extreme&source=x&state=gone&page=abc"))
    assert "6 tasks" in junk and "Relancer" in junk
    assert "Relancer" not in table(hugo.get("/tasks?page=99999999999999999999"))
    partial = hugo.get("/tasks?due=today", headers=HTMX)
    assert partial.text.lstrip().startswith('<span id="task-counts" hx-swap-oob="true"')
    assert "<html" not in partial.text and "Appeler l&#39;assureur" in partial.text


def test_a_manager_picks_anybodys_tasks_a_handler_only_their_own_and_unassigned(client_for, tenant, team,
                                                                                hugos_tasks):
    maud = browser(client_for, tenant, "maud@example.fr")
    assert "Tâche de Maud" in table(maud.get("/tasks")) and "Relancer" not in table(maud.get("/tasks"))
    hugos = table(maud.get(f"/tasks?assignee={team['handler']}"))
    assert "Relancer l&#39;expert" in hugos and "Tâche de Maud" not in hugos
    everybody = table(maud.get("/tasks?assignee=all"))
    assert all(title in everybody for title in ("Relancer", "Tâche de Maud", "Tâche sans titulaire"))
    page = maud.get("/tasks")
    assert "Everybody" in page.text and "Hugo" in page.text.split('id="filter-assignee"')[1].split("</select>")[0]

    hugo = browser(client_for, tenant, "hugo@example.fr")
    assert hugo.get(f"/tasks?assignee={team['manager']}").status_code == 403
    assert hugo.get("/tasks?assignee=all").status_code == 403
    assert hugo.get("/tasks/export.csv?assignee=all").status_code == 403
    assert hugo.get("/tasks/counts?assignee=all").status_code == 403
    assert "1 due today" in maud.get("/tasks/counts?assignee=unassigned").text
    assert hugo.get(f"/tasks?assignee={team['handler']}").status_code == 200
    unassigned = table(hugo.get("/tasks?assignee=unassigned"))
    assert "Tâche sans titulaire" in unassigned and "Relancer" not in unassigned
    assert "Everybody" not in hugo.get("/tasks").text
    assert hugo.get(f"/tasks/{hugos_tasks['maud']}").status_code == 403
    assert hugo.post(f"/tasks/{hugos_tasks['maud']}/done").status_code == 403
    assert hugo.get(f"/tasks/{hugos_tasks['nobody']}").status_code == 200
    assert maud.get(f"/tasks/{hugos_tasks['overdue']}").status_code == 200
    for junk in ("99999999999999999999", "²", "-1", "abc"):
        assert "Tâche de Maud" in table(maud.get(f"/tasks?assignee={junk}")), junk     # her own
    assert maud.get("/tasks/99999999999999999999").status_code == 404
    assert maud.post("/tasks/99999999999999999999/done").status_code == 404


def test_done_and_reopen_by_htmx_and_by_plain_form(client_for, tenant, team, hugos_tasks, bound):
    hugo = browser(client_for, tenant, "hugo@example.fr")
    task_id = hugos_tasks["overdue"]
    row = hugo.post(f"/tasks/{task_id}/done", headers=HTMX, data={"next": "/tasks?due=overdue"})
    assert row.status_code == 200 and row.text.lstrip().startswith(f'<tr id="task-{task_id}"')
    assert "Reopen" in row.text and 'value="/tasks?due=overdue"' in row.text
    assert row.headers["HX-Trigger"] == "tasks-changed"
    counts = hugo.get("/tasks/counts?due=overdue")
    assert "0 overdue" in counts.text and "2 due today" in counts.text and "<html" not in counts.text
    with bound(tenant) as session:
        assert session.get(Task, task_id).done_at is not None
    reopened = hugo.post(f"/tasks/{task_id}/reopen", data={"next": "/tasks?due=overdue"})
    assert reopened.status_code == 303 and reopened.headers["Location"].endswith("/tasks?due=overdue")
    with bound(tenant) as session:
        assert session.get(Task, task_id).done_at is None
    done = hugo.post(f"/tasks/{task_id}/done", data={"next": "//evil.example/"})
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/tasks/{task_id}")
    assert "Task done" in hugo.get(f"/tasks/{task_id}").text
    assert hugo.post(f"/tasks/{task_id}/done").status_code == 303   # twice: still done, once audited
    with bound(tenant) as session:
        from app.audit.models import AuditEntry
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("client.task_%"),
                                                                  AuditEntry.actor_id == team["handler"])).all()
        assert sorted(actions) == ["client.task_done", "client.task_done", "client.task_reopen"]


def test_due_date_priority_and_assignee_are_checked_and_kept(client_for, tenant, team, hugos_tasks, bound, app):
    hugo = browser(client_for, tenant, "hugo@example.fr")
    task_id = hugos_tasks["undated"]
    bad = hugo.post(f"/tasks/{task_id}/due", data={"due_on": "31/02/abc"})
    assert bad.status_code == 422 and 'value="31/02/abc"' in bad.text and "Not a valid date value" in bad.text
    past = hugo.post(f"/tasks/{task_id}/due", data={"due_on": (TODAY - timedelta(days=1)).isoformat()})
    assert past.status_code == 422 and "cannot be in the past" in past.text
    far = hugo.post(f"/tasks/{task_id}/due", data={"due_on": "2999-01-01"})
    assert far.status_code == 422 and "five years" in far.text
    soon = (TODAY + timedelta(days=2)).isoformat()
    assert hugo.post(f"/tasks/{task_id}/due", data={"due_on": soon}).status_code == 303
    assert hugo.post(f"/tasks/{task_id}/priority", data={"priority": "extreme"}).status_code == 422
    assert hugo.post(f"/tasks/{task_id}/priority", data={"priority": "high"}).status_code == 303
    for wrong in ("abc", str(team["reader"]), "999999", ""):
        refused = hugo.post(f"/tasks/{task_id}/assignee", data={"assignee_id": wrong})
        assert refused.status_code == 422, wrong
    with bound(tenant) as session:
        task = session.get(Task, task_id)
        assert (task.due_on.isoformat(), task.priority, task.assignee_id) == (soon, "high", team["handler"])
        session.get(User, team["manager"]).is_active = False
        session.commit()
    assert hugo.post(f"/tasks/{task_id}/assignee", data={"assignee_id": team["manager"]}).status_code == 422
    assert hugo.post(f"/tasks/{task_id}/assignee", data={"assignee_id": team["admin"]}).status_code == 303
    with bound(tenant) as session:
        assert session.get(Task, task_id).assignee_id == team["admin"]
    assert hugo.post(f"/tasks/{task_id}/priority", data={"priority": "low"}).status_code == 403  # no longer his
    assert hugo.post(f"/tasks/{hugos_tasks['nobody']}/assignee",
                     data={"assignee_id": team["handler"]}).status_code == 303               # taking an unassigned one
    assert "Tâche sans titulaire" in table(hugo.get("/tasks"))


def test_a_task_added_by_hand_with_or_without_a_client(client_for, tenant, team, bound):
    hugo = browser(client_for, tenant, "hugo@example.fr")
    form = hugo.get("/tasks/new")
    assert form.status_code == 200 and f'<option selected value="{team["handler"]}">' in form.text
    empty = hugo.post("/tasks/new", data={"title": "", "details": "Garder ce texte", "assignee_id": team["handler"],
                                          "priority": "normal", "due_on": ""})
    assert empty.status_code == 422 and "This field is required" in empty.text and "Garder ce texte" in empty.text
    unknown = hugo.post("/tasks/new", data={"title": "Appeler", "client_reference": "CLI-NOPE",
                                            "assignee_id": team["handler"], "priority": "normal", "due_on": ""})
    assert unknown.status_code == 422 and "No client has this reference" in unknown.text and "CLI-NOPE" in unknown.text
    past = hugo.post("/tasks/new", data={"title": "Appeler", "assignee_id": team["handler"], "priority": "normal",
                                         "due_on": (TODAY - timedelta(days=1)).isoformat()})
    assert past.status_code == 422 and "cannot be in the past" in past.text
    reader = hugo.post("/tasks/new", data={"title": "Appeler", "assignee_id": team["reader"], "priority": "normal"})
    assert reader.status_code == 422
    alone = hugo.post("/tasks/new", data={"title": "Commander des enveloppes", "assignee_id": team["handler"],
                                          "priority": "low", "due_on": ""})
    assert alone.status_code == 303
    about = hugo.post("/tasks/new", data={"title": "Rappeler Léa", "client_reference": team["client_reference"].lower(),
                                          "assignee_id": team["manager"], "priority": "urgent",
                                          "due_on": TODAY.isoformat(), "details": "Au sujet du devis"})
    assert about.status_code == 303
    with bound(tenant) as session:
        made = {task.title: task for task in session.scalars(select(Task))}
        assert made["Commander des enveloppes"].client_id is None and made["Commander des enveloppes"].due_on is None
        assert made["Rappeler Léa"].client_id == team["client"] and made["Rappeler Léa"].priority == "urgent"
        assert made["Rappeler Léa"].assignee_id == team["manager"]
        assert made["Rappeler Léa"].created_by_id == team["handler"]
    mine = table(hugo.get("/tasks"))
    assert "Commander des enveloppes" in mine and "No client" in mine and "Rappeler Léa" not in mine


def test_the_csv_export_follows_the_filters(client_for, tenant, team, hugos_tasks):
    hugo = browser(client_for, tenant, "hugo@example.fr")
    response = hugo.get("/tasks/export.csv?due=today")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Task", "Due on", "Due", "Priority", "Source"]
    assert [row[0] for row in rows[1:]] == ["Appeler l'assureur", "Classer le courrier"]
    assert rows[1][2:5] == ["Due today", "Urgent", "Other"] and rows[1][6] == "Martin Léa"
    assert hugo.get("/tasks/export.xlsx").mimetype.endswith("spreadsheetml.sheet")
    assert hugo.get("/tasks/export.pdf").status_code == 404


def test_readonly_staff_look_but_every_post_is_refused(client_for, tenant, team, hugos_tasks):
    reader = browser(client_for, tenant, "rita@example.fr")
    assert reader.get("/tasks").status_code == 200 and reader.get("/tasks/counts").status_code == 200
    assert reader.get(f"/tasks/{hugos_tasks['nobody']}").status_code == 200
    assert "Mark done" not in reader.get(f"/tasks/{hugos_tasks['nobody']}").text
    assert reader.get("/tasks/new").status_code == 403
    for path in ("/tasks/new", "/tasks/{id}/done", "/tasks/{id}/reopen", "/tasks/{id}/due", "/tasks/{id}/priority",
                 "/tasks/{id}/assignee"):
        assert reader.post(path.format(id=hugos_tasks["nobody"]), data={}).status_code == 403, path


def test_another_firm_gets_404_on_every_task(make_tenant, client_for, tenant, team, hugos_tasks):
    other = make_tenant("b")
    stranger = browser(client_for, other, "admin@example.fr")
    task_id = hugos_tasks["nobody"]
    assert stranger.get(f"/tasks/{task_id}").status_code == 404
    for action in ("done", "reopen", "due", "priority", "assignee"):
        assert stranger.post(f"/tasks/{task_id}/{action}", data={}).status_code == 404, action
    listing = table(stranger.get("/tasks?assignee=all"))
    assert "Tâche sans titulaire" not in listing and "No task here" in listing
    assert "Tâche" not in stranger.get("/tasks/export.csv?assignee=all").data.decode("utf-8-sig")
    assert "0 due today" in stranger.get("/tasks/counts?assignee=all").text


# --- what each task follows up -------------------------------------------------------

def test_each_task_links_to_what_it_follows_up(admin, firm, offer_by_email, portfolio, policyholder, bound, tenant,
                                               app):
    """Real claim, complaint, placement question and client request, made
    by their own flows: each task links to its page, and the source filter
    picks them."""
    from app.claims.models import Claim
    from app.complaints import services as complaints
    from app.placements.models import Placement
    from app.portal.models import ClientRequest
    from tests.integration.test_portal_claims import declare, home
    from tests.integration.test_portal_requests import ask_new_vehicle

    assert declare(policyholder, home(bound, tenant, portfolio)).status_code == 303
    assert ask_new_vehicle(policyholder, portfolio["contract"]).status_code == 303
    assert send_placement(admin, offer_by_email).status_code == 303
    with bound(tenant) as session:
        placement = placement_of(session, offer_by_email)[0]
        placement_id, version = placement.id, placement.version
    asked = admin.post(f"/placements/{placement_id}/information",
                       data={"version": str(version), "message": "Please send the turnover statement."})
    assert asked.status_code == 303
    with bound(tenant) as session, app.test_request_context():
        client = session.get(Client, portfolio["client"])
        complaint = complaints.file(session, None, client, about="firm", subject="Aucune réponse",
                                    description="Trois courriels sans réponse.", channel="phone")
        session.commit()
        ids = {"claim": session.scalar(select(Claim.id)), "complaint": complaint.id,
               "client_request": session.scalar(select(ClientRequest.id)), "placement": placement_id}
        assert session.get(Placement, placement_id).reference
    make_task(bound, tenant, "Note about the client", assignee=None, client_id=portfolio["client"])

    everything = table(admin.get("/tasks?assignee=all"))
    for path in (f"/claims/{ids['claim']}", f"/complaints/{ids['complaint']}", f"/placements/{placement_id}",
                 f"/requests/{ids['client_request']}"):
        assert f'href="{path}" data-testid="source-link"' in everything, path
    assert everything.count('data-testid="source-link"') == 4
    assert f'href="/clients/{portfolio["client"]}" data-testid="client-link"' in everything
    for group, path in (("claim", f"/claims/{ids['claim']}"), ("complaint", f"/complaints/{ids['complaint']}"),
                        ("placement", f"/placements/{placement_id}"),
                        ("client_request", f"/requests/{ids['client_request']}")):
        picked = table(admin.get(f"/tasks?assignee=all&source={group}"))
        assert picked.count('data-testid="source-link"') == 1 and f'href="{path}"' in picked, group
    assert "Note about the client" in table(admin.get("/tasks?assignee=all&source=other"))
    with bound(tenant) as session:
        question = session.scalar(select(Task).where(Task.source_type == "placement"))
        assert question.source_id == placement_id
    page = admin.get(f"/tasks/{question.id}")
    assert page.status_code == 200 and f'href="/placements/{placement_id}"' in page.text
