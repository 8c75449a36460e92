"""The claims queue: each filter (status, line, handler, age, reserve, text),
sorting, pages, the htmx partial, CSV and XLSX exports, badges; assigning
one claim (stale version refused) or several, the open tasks following the
claim and the new handler told by email; the managers' workload view;
another firm and read-only staff on every route."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.auth.models import User
from app.claims.dispute_models import ClaimDispute
from app.claims.models import Claim, ClaimEvent
from app.crm import followup
from app.crm import services as clients
from app.crm.models import Client, Task
from tests.conftest import add_user, sign_in
from tests.integration.test_contracts import make_contract, other_firm_client, portfolio, readonly_client  # noqa: F401

TODAY = date.today()


def add_claim(session, contract_id: int, number: int, **values) -> int:
    """A claim row as ``claims.declare`` leaves it, with ``values`` changed."""
    from app.contracts.models import Contract

    contract = session.get(Contract, contract_id)
    declared_on = values.pop("declared_on", TODAY)
    claim = Claim(reference=f"SIN-{number:06d}", contract_id=contract.id, client_id=contract.client_id,
                  line=contract.line, kind=values.pop("kind", "collision" if contract.line == "motor" else "fire"),
                  occurred_at=datetime.combine(declared_on, datetime.min.time(), tzinfo=timezone.utc),
                  known_on=declared_on, declared_on=declared_on, deadline=declared_on + timedelta(days=7),
                  place="Lyon", circumstances="Choc arrière au feu rouge.", details={}, channel="phone",
                  status=values.pop("status", "declared"), **values)
    session.add(claim)
    session.flush()
    return claim.id


@pytest.fixture
def desk(bound, tenant, portfolio, app):  # noqa: F811
    """Two handlers and a few claims on a motor and a home contract of two clients."""
    anna = add_user(app, tenant, "anna@example.fr", "handler")
    bruno = add_user(app, tenant, "bruno@example.fr", "handler")
    with bound(tenant) as session:
        other = clients.create(session, None, {"kind": "individual", "last_name": "Zidane", "first_name": "Yves"})
        session.commit()
        other_id = other.id
    home = make_contract(bound, tenant, client_id=other_id, insurer_id=portfolio["insurer"], line="home",
                         policy_number="MRH-1")
    with bound(tenant) as session:
        admin_id = session.scalar(select(User.id).where(User.email == "admin@example.fr"))
        ids = {
            "fresh": add_claim(session, portfolio["contract"], 1, handler_id=anna, reserve=Decimal("500.00")),
            "month": add_claim(session, portfolio["contract"], 2, handler_id=bruno, status="in_progress",
                               declared_on=TODAY - timedelta(days=20), reserve=Decimal("4000.00"),
                               insurer_reference="AXA-778899", declared_late=True),
            "old": add_claim(session, home, 3, status="with_insurer", declared_on=TODAY - timedelta(days=120),
                             reserve=Decimal("12000.00")),
            "mine": add_claim(session, home, 4, handler_id=admin_id, status="settled",
                              declared_on=TODAY - timedelta(days=45), reserve=Decimal("800.00")),
            "closed": add_claim(session, portfolio["contract"], 5, handler_id=anna, status="closed",
                                declared_on=TODAY - timedelta(days=200)),
        }
        session.add(ClaimDispute(claim_id=ids["old"], origin="client_contests", summary="Le client conteste.",
                                 opened_on=TODAY))
        session.commit()
    return {"ids": ids, "anna": anna, "bruno": bruno, "admin": admin_id, "home": home, "client_b": other_id}


def listed(response) -> set[str]:
    assert response.status_code == 200, response.text
    return {f"SIN-{n:06d}" for n in range(1, 100) if f"SIN-{n:06d}" in response.text}


def test_the_queue_shows_open_claims_by_default_and_filters_by_status(admin_client, desk):
    page = admin_client.get("/claims")
    assert listed(page) == {"SIN-000001", "SIN-000002", "SIN-000003", "SIN-000004"}
    assert "4 claims" in page.text
    assert listed(admin_client.get("/claims?status=closed&status=settled")) == {"SIN-000004", "SIN-000005"}
    assert listed(admin_client.get("/claims?status=nonsense")) == listed(page)


def test_line_handler_and_age_filters(admin_client, desk):
    assert listed(admin_client.get("/claims?line=home")) == {"SIN-000003", "SIN-000004"}
    assert listed(admin_client.get(f"/claims?handler={desk['anna']}")) == {"SIN-000001"}
    assert listed(admin_client.get("/claims?handler=none")) == {"SIN-000003"}
    assert listed(admin_client.get("/claims?handler=me")) == {"SIN-000004"}
    assert listed(admin_client.get("/claims?age=0-7")) == {"SIN-000001"}
    assert listed(admin_client.get("/claims?age=8-30")) == {"SIN-000002"}
    assert listed(admin_client.get("/claims?age=31-90")) == {"SIN-000004"}
    assert listed(admin_client.get("/claims?age=91%2B")) == {"SIN-000003"}
    assert listed(admin_client.get("/claims?age=31%2B")) == {"SIN-000003", "SIN-000004"}


def test_reserve_bounds_and_bad_amounts(admin_client, desk):
    assert listed(admin_client.get("/claims?reserve_min=800")) == {"SIN-000002", "SIN-000003", "SIN-000004"}
    assert listed(admin_client.get("/claims?reserve_min=600&reserve_max=4+000,00")) == {"SIN-000002",
                                                                                          "SIN-000004"}
    for bad in ("abc", "-5", "1e30", "99999999999999"):
        page = admin_client.get("/claims", query_string={"reserve_max": bad})
        assert page.status_code == 200 and "Enter an amount" in page.text
        assert len(listed(page)) == 4


def test_text_search_on_reference_client_and_insurer_number(admin_client, desk):
    assert listed(admin_client.get("/claims?q=SIN-000002")) == {"SIN-000002"}
    assert listed(admin_client.get("/claims?q=3")) == {"SIN-000003"}
    assert listed(admin_client.get("/claims?q=zidane")) == {"SIN-000003", "SIN-000004"}
    assert listed(admin_client.get("/claims?q=mart")) == {"SIN-000001", "SIN-000002"}
    assert listed(admin_client.get("/claims?q=axa-77")) == {"SIN-000002"}
    assert listed(admin_client.get("/claims?q=%25_%5C")) == set()


def test_sorting_badges_and_the_htmx_partial(admin_client, desk):
    by_reserve = admin_client.get("/claims?sort=reserve").text
    assert by_reserve.index("SIN-000003") < by_reserve.index("SIN-000002") < by_reserve.index("SIN-000001")
    smallest = admin_client.get("/claims?sort=reserve&dir=asc").text
    assert smallest.index("SIN-000001") < smallest.index("SIN-000003")
    oldest = admin_client.get("/claims?sort=age").text
    assert oldest.index("SIN-000003") < oldest.index("SIN-000004") < oldest.index("SIN-000001")
    newest = admin_client.get("/claims").text
    assert newest.index("SIN-000001") < newest.index("SIN-000002") < newest.index("SIN-000003")
    assert "In dispute" in newest and "Late" in newest and "120" in newest
    partial = admin_client.get("/claims?line=home", headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "<html" not in partial.text and 'id="claim-results"' in partial.text
    assert listed(partial) == {"SIN-000003", "SIN-000004"}


def test_pages_keep_the_filters(admin_client, desk, bound, tenant, portfolio):
    with bound(tenant) as session:
        for number in range(10, 65):
            add_claim(session, portfolio["contract"], number, declared_on=TODAY - timedelta(days=number))
        session.commit()
    first = admin_client.get("/claims?line=motor&sort=age")
    assert "57 claims" in first.text and "Page 1 of 2" in first.text
    assert "page=2" in first.text and "line=motor" in first.text
    second = admin_client.get("/claims?line=motor&sort=age&page=2")
    assert listed(second) == {"SIN-000001"} | {f"SIN-{n:06d}" for n in range(10, 16)}
    assert "SIN-000064" in first.text and "SIN-000064" not in second.text
    assert admin_client.get("/claims?page=99999999999999999999").status_code == 200


def test_exports_follow_the_filters(admin_client, desk):
    csv = admin_client.get("/claims/export.csv?line=home")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    text = csv.data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Claim;Declared;Client")
    assert "SIN-000003" in text and "SIN-000004" in text and "SIN-000001" not in text
    assert "12000,00" in text
    xlsx = admin_client.get("/claims/export.xlsx?status=closed")
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["SIN-000005"] and rows[0][0] == "Claim"
    assert admin_client.get("/claims/export.pdf").status_code == 404


def test_assigning_one_claim_moves_its_tasks_and_tells_the_new_handler(admin_client, desk, bound, tenant, mailbox,
                                                                       jobs):
    claim_id = desk["ids"]["month"]
    with bound(tenant) as session:
        claim = session.get(Claim, claim_id)
        client = session.get(Client, claim.client_id)
        open_task = followup.add_task(session, None, client, title="Appeler l'expert", details=None, due_on=TODAY,
                                      assignee_id=desk["bruno"], source=("claim", claim_id))
        done_task = followup.add_task(session, None, client, title="Accusé", details=None, due_on=TODAY,
                                      assignee_id=desk["bruno"], source=("claim", claim_id))
        done_task.done_at = datetime.now(timezone.utc)
        session.commit()
        version, open_id, done_id = claim.version, open_task.id, done_task.id
    page = admin_client.get(f"/claims/{claim_id}")
    assert 'name="handler_id"' in page.text and "Bruno" in page.text
    response = admin_client.post(f"/claims/{claim_id}/assign", data={"handler_id": desk["anna"], "version": version})
    assert response.status_code == 303
    with bound(tenant) as session:
        assert session.get(Claim, claim_id).handler_id == desk["anna"]
        assert session.get(Task, open_id).assignee_id == desk["anna"]
        assert session.get(Task, done_id).assignee_id == desk["bruno"]
        event = session.scalar(select(ClaimEvent).where(ClaimEvent.claim_id == claim_id,
                                                        ClaimEvent.kind == "assigned"))
        assert "Bruno" in event.summary and "Anna" in event.summary and event.details["tasks"] == [open_id]
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "claim.assign")) == 1
    jobs()
    sent = mailbox.to("anna@example.fr")
    assert sent and "SIN-000002" in sent[-1]["Subject"] and "/claims?handler=me" in mailbox.text(sent[-1])
    stale = admin_client.post(f"/claims/{claim_id}/assign", data={"handler_id": desk["bruno"], "version": version})
    assert stale.status_code == 409 and "changed this claim meanwhile" in stale.text
    with bound(tenant) as session:
        assert session.get(Claim, claim_id).handler_id == desk["anna"]


def test_a_claim_goes_only_to_an_active_member_who_may_work(admin_client, desk, bound, tenant, app):
    reader = add_user(app, tenant, "lecteur@example.fr", "readonly")
    with bound(tenant) as session:
        session.get(User, desk["bruno"]).is_active = False
        session.commit()
        version = session.get(Claim, desk["ids"]["fresh"]).version
    for handler_id in (reader, desk["bruno"], 999999, "x", ""):
        refused = admin_client.post(f"/claims/{desk['ids']['fresh']}/assign",
                                    data={"handler_id": handler_id, "version": version})
        assert refused.status_code == 422 and "active member of the staff" in refused.text
    assert admin_client.post("/claims/999999/assign", data={"handler_id": desk["anna"], "version": 1}
                             ).status_code == 404
    huge = str(2**64)
    assert admin_client.post(f"/claims/{desk['ids']['fresh']}/assign", data={"handler_id": huge, "version": version}
                             ).status_code == 422
    assert admin_client.post("/claims/assign", data={"claim_id": [huge], "handler_id": desk["anna"]}).status_code == 404
    assert admin_client.post("/claims/assign", data={"claim_id": [desk["ids"]["fresh"]], "handler_id": huge}
                             ).status_code == 422
    assert listed(admin_client.get(f"/claims?handler={huge}")) == listed(admin_client.get("/claims"))


def test_assigning_several_claims_from_the_queue(admin_client, desk, bound, tenant):
    ids = desk["ids"]
    response = admin_client.post("/claims/assign?line=home", data={"claim_id": [ids["old"], ids["mine"]],
                                                                  "handler_id": desk["bruno"]})
    assert response.status_code == 303 and response.headers["Location"].endswith("/claims?line=home")
    with bound(tenant) as session:
        assert {session.get(Claim, ids["old"]).handler_id, session.get(Claim, ids["mine"]).handler_id} == {
            desk["bruno"]}
        assert session.scalar(select(func.count()).select_from(ClaimEvent).where(ClaimEvent.kind == "assigned")) == 2
    nothing = admin_client.post("/claims/assign", data={"handler_id": desk["bruno"]})
    assert nothing.status_code == 422 and "Tick the claims" in nothing.text
    too_many = admin_client.post("/claims/assign", data={"claim_id": list(range(1, 202)), "handler_id": desk["anna"]})
    assert too_many.status_code == 422 and "200 claims at most" in too_many.text
    unknown = admin_client.post("/claims/assign", data={"claim_id": [ids["old"], 999999], "handler_id": desk["anna"]})
    assert unknown.status_code == 404
    with bound(tenant) as session:
        assert session.get(Claim, ids["old"]).handler_id == desk["bruno"]


def test_the_workload_view_is_for_managers(admin_client, desk, bound, tenant, app, client_for):
    with bound(tenant) as session:
        claim = session.get(Claim, desk["ids"]["month"])
        followup.add_task(session, None, session.get(Client, claim.client_id), title="Relancer", details=None,
                          due_on=TODAY - timedelta(days=3), assignee_id=desk["bruno"], source=("claim", claim.id))
        session.commit()
    page = admin_client.get("/claims/workload")
    assert page.status_code == 200
    bruno_row = page.text.split(f'data-testid="workload-{desk["bruno"]}"')[1].split("</tr>")[0]
    assert "4 000,00" in bruno_row or "4,000.00" in bruno_row
    assert f"handler={desk['bruno']}" in bruno_row and ">1</span>" in bruno_row
    unassigned = page.text.split('data-testid="workload-none"')[1].split("</tr>")[0]
    assert "handler=none" in unassigned and "age=31%2B" in unassigned
    add_user(app, tenant, "chef@example.fr", "manager")
    manager = client_for(tenant)
    assert sign_in(manager, "chef@example.fr").status_code == 303
    assert manager.get("/claims/workload").status_code == 200
    handler = client_for(tenant)
    assert sign_in(handler, "anna@example.fr").status_code == 303
    assert handler.get("/claims/workload").status_code == 403
    assert "Workload" not in handler.get("/claims").text


def test_another_firm_sees_and_assigns_nothing_of_ours(other_firm_client, desk, bound, tenant):
    ids = desk["ids"]
    assert listed(other_firm_client.get("/claims?status=closed&status=declared&status=in_progress")) == set()
    assert "SIN-0000" not in other_firm_client.get("/claims/export.csv").data.decode("utf-8-sig")
    assert other_firm_client.get(f"/claims/{ids['fresh']}").status_code == 404
    assert other_firm_client.post(f"/claims/{ids['fresh']}/assign", data={"handler_id": 1, "version": 1}
                                  ).status_code == 404
    assert other_firm_client.post("/claims/assign", data={"claim_id": [ids["fresh"]], "handler_id": 1}
                                  ).status_code in (404, 422)
    assert "Anna" not in other_firm_client.get("/claims/workload").text
    with bound(tenant) as session:
        assert session.get(Claim, ids["fresh"]).handler_id == desk["anna"]


def test_read_only_staff_look_but_cannot_assign(readonly_client, desk, bound, tenant):  # noqa: F811
    ids = desk["ids"]
    page = readonly_client.get("/claims")
    assert page.status_code == 200 and 'name="claim_id"' not in page.text and "Register a claim" not in page.text
    assert readonly_client.get("/claims/export.xlsx").status_code == 200
    assert readonly_client.post(f"/claims/{ids['fresh']}/assign", data={"handler_id": desk["bruno"],
                                                                        "version": 1}).status_code == 403
    assert readonly_client.post("/claims/assign", data={"claim_id": [ids["fresh"]],
                                                        "handler_id": desk["bruno"]}).status_code == 403
    assert readonly_client.get("/claims/workload").status_code == 403
    with bound(tenant) as session:
        assert session.get(Claim, ids["fresh"]).handler_id == desk["anna"]
