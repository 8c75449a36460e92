"""The dashboard: the user's own tasks, needs analyses in progress (a
handler's own, everybody's for a supervisor), portfolio figures — and
nothing of another firm."""

from __future__ import annotations

from datetime import date, timedelta

from app.crm.models import Client, Task
from app.quotes.models import NeedsAnalysis
from tests.conftest import add_user, sign_in


def _client(session, name: str, status: str = "prospect") -> Client:
    client = Client(reference=f"CLI-{name[:6].upper()}", kind="business", legal_name=name, display_name=name,
                    sort_name=name.lower(), status=status, held_elsewhere=[])
    session.add(client)
    session.flush()
    return client


def _firm_with_work(app, bound, tenant, handler_email: str) -> None:
    handler_id = add_user(app, tenant, handler_email, "handler")
    with bound(tenant) as session:
        from app.auth.services import find_by_email

        admin = find_by_email(session, "admin@example.fr")
        mine = _client(session, "Boulangerie Lemoine", status="customer")
        other = _client(session, "Garage Perrin")
        session.add_all([
            Task(client_id=mine.id, title="Rappeler pour le Kbis", assignee_id=handler_id,
                 due_on=date.today() - timedelta(days=2)),
            Task(client_id=other.id, title="Tâche de l'administrateur", assignee_id=admin.id),
            Task(client_id=mine.id, title="Tâche terminée", assignee_id=handler_id, done_at=date.today()),
            NeedsAnalysis(client_id=mine.id, line="multirisk", handler_id=handler_id, risk={}, wanted=[]),
            NeedsAnalysis(client_id=other.id, line="cyber", handler_id=admin.id, risk={}, wanted=[],
                          status="recommended"),
            NeedsAnalysis(client_id=other.id, line="rc_pro", handler_id=admin.id, risk={}, wanted=[],
                          status="accepted"),
        ])
        session.commit()


def test_a_handler_sees_own_open_tasks_and_own_needs(app, bound, tenant, client_for):
    _firm_with_work(app, bound, tenant, "handler@example.fr")
    client = client_for(tenant)
    sign_in(client, "handler@example.fr")
    page = client.get("/").text
    assert "Rappeler pour le Kbis" in page
    assert "Tâche de l&#39;administrateur" not in page and "Tâche terminée" not in page
    assert "text-bg-danger" in page, "an overdue task is flagged"
    assert "Boulangerie Lemoine" in page and "/offers/" in page
    assert "Garage Perrin" not in page.split("data-testid=\"figures\"")[1].split("My tasks")[0]


def test_a_supervisor_sees_everybodys_needs_and_the_figures(app, bound, tenant, admin_client):
    _firm_with_work(app, bound, tenant, "handler@example.fr")
    page = admin_client.get("/").text
    figures = page.split('data-testid="figures"')[1].split("My tasks")[0]
    values = [chunk.split("</div>")[0] for chunk in figures.split('app-figure-value">')[1:]]
    assert values == ["2", "1", "1", "2", "1"]  # clients, customers, prospects, in progress, awaiting acceptance
    assert "Boulangerie Lemoine" in page and "Garage Perrin" in page


def test_another_firms_dashboard_shows_none_of_it(app, bound, tenant, make_tenant, client_for):
    _firm_with_work(app, bound, tenant, "handler@example.fr")
    other = make_tenant("b")
    client = client_for(other)
    sign_in(client, "admin@example.fr")
    page = client.get("/").text
    assert "Boulangerie Lemoine" not in page and "Rappeler pour le Kbis" not in page
    assert "No open task" in page and "No needs analysis in progress" in page
