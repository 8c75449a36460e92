"""Disputes with insurers over commissions: opened from a statement line paid
less than expected or missing (the shortfall claimed, after a confirmation
page), one per line, shown on the line; listed by insurer and status with
their age; notes only ever added, audited; resolved with the amount
recovered and the day, or abandoned with a reason, after a confirmation
page and checking the version seen; refusals answered 4xx with a clear
message; roles and tenant isolation on every route."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.commissions.models import CommissionDispute, DisputeNote, StatementLine
from tests.conftest import add_user, sign_in
from tests.integration.test_commission_statements import ISSUE_STATEMENT, book, imported, upload  # noqa: F401


@pytest.fixture
def reconciled(admin_client, bound, tenant, book):  # noqa: F811
    """The issue's statement imported: {status: line} and the statement id."""
    assert upload(admin_client, book["alpha"], ISSUE_STATEMENT).status_code == 303
    statement, lines = imported(bound, tenant, book["alpha"])
    return {"statement": statement.id, **{line.status: line.id for line in lines}}


def open_url(reconciled, status: str) -> str:
    return f"/commissions/statements/{reconciled['statement']}/lines/{reconciled[status]}/dispute"


def opened(admin_client, reconciled, status: str = "amount_differs", note: str = "") -> int:
    response = admin_client.post(open_url(reconciled, status), data={"note": note})
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def the_dispute(bound, tenant, dispute_id: int) -> CommissionDispute:
    with bound(tenant) as session:
        dispute = session.get(CommissionDispute, dispute_id)
        session.expunge(dispute)
        return dispute


def test_a_dispute_is_opened_from_an_under_paid_line_followed_and_resolved(admin_client, bound, tenant, book,
                                                                          reconciled):
    confirm = admin_client.get(open_url(reconciled, "amount_differs"))
    assert confirm.status_code == 200 and "Claim from Alpha?" in confirm.text
    assert '<dd class="col-sm-7 fw-semibold" data-testid="claim">€9.50</dd>' in confirm.text
    with bound(tenant) as session:
        assert session.scalar(select(func.count()).select_from(CommissionDispute)) == 0   # nothing before confirming
    dispute_id = opened(admin_client, reconciled, note="Asked Alpha's accountant by email.")
    dispute = the_dispute(bound, tenant, dispute_id)
    assert (dispute.amount, dispute.status, dispute.policy_number, dispute.due_date, dispute.opened_on) == (
        D("9.50"), "open", "AX-1002", date(2026, 1, 15), date.today())
    line_page = admin_client.get(f"/commissions/statements/{reconciled['statement']}?status=amount_differs")
    assert f'href="/commissions/disputes/{dispute_id}">Open</a>' in line_page.text
    again = admin_client.get(open_url(reconciled, "amount_differs"))
    assert again.status_code == 303 and again.headers["Location"].endswith(f"/commissions/disputes/{dispute_id}")
    assert admin_client.post(open_url(reconciled, "amount_differs"), data={}).status_code == 303
    page = admin_client.get(f"/commissions/disputes/{dispute_id}")
    assert "Dispute with Alpha" in page.text and "Asked Alpha&#39;s accountant by email." in page.text
    assert admin_client.post(f"/commissions/disputes/{dispute_id}/notes",
                             data={"text": "Alpha agrees, payment next month."}).status_code == 303
    empty = admin_client.post(f"/commissions/disputes/{dispute_id}/notes", data={"text": "  "})
    assert empty.status_code == 422 and "Write the note." in empty.text
    resolve = admin_client.get(f"/commissions/disputes/{dispute_id}/resolve")
    assert resolve.status_code == 200 and "Resolve the dispute?" in resolve.text
    done = admin_client.post(f"/commissions/disputes/{dispute_id}/resolve",
                             data={"version": str(dispute.version), "recovered": "9,50",
                                   "resolved_on": date.today().isoformat()})
    assert done.status_code == 303
    dispute = the_dispute(bound, tenant, dispute_id)
    assert (dispute.status, dispute.recovered, dispute.resolved_on) == ("resolved", D("9.50"), date.today())
    with bound(tenant) as session:
        notes = session.scalars(select(DisputeNote.text).where(DisputeNote.dispute_id == dispute_id)
                                .order_by(DisputeNote.id)).all()
        assert notes == ["Asked Alpha's accountant by email.", "Alpha agrees, payment next month."]
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "commission_dispute")
                               .order_by(AuditEntry.id)).all() == [
            "commission_dispute.open", "commission_dispute.note", "commission_dispute.note",
            "commission_dispute.resolve"]
    closed = admin_client.get(f"/commissions/disputes/{dispute_id}")
    assert "Resolve…" not in closed.text and "€9.50" in closed.text


def test_a_missing_line_is_claimed_in_full_and_abandoned_with_a_reason(admin_client, bound, tenant, reconciled):
    dispute_id = opened(admin_client, reconciled, "missing_from_statement")
    dispute = the_dispute(bound, tenant, dispute_id)
    assert dispute.amount == D("50.00")
    url = f"/commissions/disputes/{dispute_id}/abandon"
    assert "Abandon the dispute over €50.00?" in admin_client.get(url).text
    no_reason = admin_client.post(url, data={"version": str(dispute.version), "reason": ""})
    assert no_reason.status_code == 422 and "Say why the dispute is abandoned." in no_reason.text
    assert admin_client.post(url, data={"version": str(dispute.version),
                                        "reason": "Contract cancelled by the insurer."}).status_code == 303
    dispute = the_dispute(bound, tenant, dispute_id)
    assert (dispute.status, dispute.resolved_on, dispute.recovered) == ("abandoned", date.today(), None)
    assert "Contract cancelled by the insurer." in admin_client.get(f"/commissions/disputes/{dispute_id}").text
    late = admin_client.post(f"/commissions/disputes/{dispute_id}/resolve",
                             data={"version": str(dispute.version), "recovered": "10",
                                   "resolved_on": date.today().isoformat()})
    assert late.status_code == 409 and "This dispute is already closed." in late.text


def test_closing_checks_the_version_and_the_amounts(admin_client, bound, tenant, reconciled):
    dispute_id = opened(admin_client, reconciled)
    version = the_dispute(bound, tenant, dispute_id).version
    url = f"/commissions/disputes/{dispute_id}/resolve"
    today = date.today()
    cases = [
        ({"recovered": "9.51", "resolved_on": today.isoformat()}, 422, "cannot be more than the amount claimed"),
        ({"recovered": "-1", "resolved_on": today.isoformat()}, 422, "cannot be negative"),
        ({"recovered": "", "resolved_on": today.isoformat()}, 422, "Give the amount recovered (0 if none)."),
        ({"recovered": "abc", "resolved_on": today.isoformat()}, 422, "Enter"),
        ({"recovered": "5", "resolved_on": (today + timedelta(days=1)).isoformat()}, 422, "cannot be in the future"),
        ({"recovered": "5", "resolved_on": (today - timedelta(days=1)).isoformat()}, 422,
         "cannot be before the dispute was opened"),
        ({"recovered": "5", "resolved_on": today.isoformat(), "version": str(version + 7)}, 409,
         "Someone changed this dispute meanwhile"),
    ]
    for changes, status, message in cases:
        response = admin_client.post(url, data={"version": str(version)} | changes)
        assert response.status_code == status and message in response.text, (changes, response.text[-2000:])
    kept = admin_client.post(url, data={"version": str(version), "recovered": "9,51", "resolved_on": "2026-01-02"})
    assert 'value="9,51"' in kept.text and 'value="2026-01-02"' in kept.text        # what was typed is kept
    assert the_dispute(bound, tenant, dispute_id).status == "open"


def test_nothing_is_claimed_on_a_matched_or_unknown_line(admin_client, bound, tenant, reconciled):
    for status in ("matched", "unknown_to_us"):
        page = admin_client.get(open_url(reconciled, status))
        assert page.status_code == 200 and "there is nothing to claim" in page.text
        assert 'data-testid="claim"' not in page.text
        refused = admin_client.post(open_url(reconciled, status), data={})
        assert refused.status_code == 422 and "there is nothing to claim" in refused.text
    with bound(tenant) as session:
        assert session.scalar(select(func.count()).select_from(CommissionDispute)) == 0


def test_the_list_filters_by_insurer_and_status_and_gives_the_age(admin_client, bound, tenant, book, reconciled):
    first = opened(admin_client, reconciled)
    second = opened(admin_client, reconciled, "missing_from_statement")
    with bound(tenant) as session:
        session.get(CommissionDispute, first).opened_on = date.today() - timedelta(days=12)
        session.commit()
    listing = admin_client.get("/commissions/disputes")
    assert "2 disputes · €59.50 claimed" in listing.text and "12 days" in listing.text
    table = listing.text.split('data-testid="dispute-table"')[1]
    assert table.index(f"/commissions/disputes/{first}") < table.index(f"/commissions/disputes/{second}")
    admin_client.post(f"/commissions/disputes/{second}/abandon",
                      data={"version": str(the_dispute(bound, tenant, second).version), "reason": "Too small."})
    open_only = admin_client.get("/commissions/disputes?status=open")
    assert "1 dispute · €9.50 claimed" in open_only.text
    assert "No dispute matches" in admin_client.get(f"/commissions/disputes?insurer={book['beta']}").text
    assert "2 disputes" in admin_client.get("/commissions/disputes?status=bogus").text


def test_a_line_whose_commission_is_gone_after_a_reimport_keeps_its_dispute(admin_client, bound, tenant, reconciled):
    dispute_id = opened(admin_client, reconciled, "missing_from_statement")
    with bound(tenant) as session:
        session.delete(session.get(StatementLine, reconciled["missing_from_statement"]))
        session.commit()
    page = admin_client.get(f"/commissions/disputes/{dispute_id}")
    assert page.status_code == 200 and "imported again without this commission line" in page.text
    assert "AX-1004" in page.text


# --- roles and tenants ----------------------------------------------------------------------------------------

def dispute_routes(admin_client, reconciled) -> tuple[list[str], list[str]]:
    dispute_id = opened(admin_client, reconciled)
    gets = [f"/commissions/disputes/{dispute_id}", f"/commissions/disputes/{dispute_id}/resolve",
            f"/commissions/disputes/{dispute_id}/abandon"]
    posts = [f"/commissions/disputes/{dispute_id}/notes", f"/commissions/disputes/{dispute_id}/resolve",
             f"/commissions/disputes/{dispute_id}/abandon", open_url(reconciled, "missing_from_statement")]
    return gets, posts


def test_readonly_staff_read_disputes_but_change_nothing(app, admin_client, client_for, tenant, reconciled):
    gets, posts = dispute_routes(admin_client, reconciled)
    add_user(app, tenant, "reader@example.fr", "readonly")
    reader = client_for(tenant)
    assert sign_in(reader, "reader@example.fr").status_code == 303
    for path in gets + ["/commissions/disputes"]:
        assert reader.get(path).status_code == 200, path
    for path in posts:
        assert reader.post(path, data={"text": "x", "reason": "x"}).status_code == 403, path
    assert "Add the note" not in reader.get(gets[0]).text


def test_another_firm_gets_404_on_every_dispute_route(admin_client, make_tenant, client_for, reconciled):
    gets, posts = dispute_routes(admin_client, reconciled)
    other = make_tenant("b")
    stranger = client_for(other)
    assert sign_in(stranger, "admin@example.fr").status_code == 303
    for path in gets:
        assert stranger.get(path).status_code == 404, path
    for path in posts:
        assert stranger.post(path, data={"text": "x", "reason": "x"}).status_code == 404, path
    assert "No dispute yet" in stranger.get("/commissions/disputes").text
