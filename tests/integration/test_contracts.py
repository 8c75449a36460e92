"""Contracts: manual entry (422 keeping the input), the contract page and its
versions, policy edits (stale refused), status changes, documents and
clauses, the client page's list; tenant isolation and roles on every route."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.catalog.models import Insurer
from app.contracts import services
from app.contracts.models import Clause, Contract, ContractEvent, ContractVersion
from app.crm import services as clients
from tests.conftest import add_user, sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_insurer(bound, tenant, name: str = "Mutuelle Alpha", **values) -> int:
    with bound(tenant) as session:
        insurer = Insurer(name=name, placement_channel="email", placement_email="placement@alpha.example",
                          **values)
        session.add(insurer)
        session.commit()
        return insurer.id


def make_contract(bound, tenant, *, client_id: int, insurer_id: int, line: str = "motor",
                  effective_date: date = date(2025, 1, 1), premium: str = "600.00", **values) -> int:
    """A contract in force made through the service, as a manual entry makes it."""
    terms = services.Terms(client_id=client_id, insurer_id=insurer_id, line=line, label=f"{line} policy",
                           effective_date=effective_date, premium_net=Decimal(premium), policy_number=values.pop(
                               "policy_number", f"P-{client_id}-{line}"), guarantees=[
                               {"code": "third_party", "label": "Third-party liability", "included": True,
                                "ceiling": "1000000.00", "deductible": None, "exclusions": None}], **values)
    with bound(tenant) as session:
        contract = services.create(session, None, terms)
        session.commit()
        return contract.id


@pytest.fixture
def portfolio(bound, tenant):
    """A client, an insurer and one motor contract of ``tenant``."""
    with bound(tenant) as session:
        client = clients.create(session, None, {"kind": "individual", "last_name": "Martin", "first_name": "Léa"})
        session.commit()
        client_id, client_reference = client.id, client.reference
    insurer_id = make_insurer(bound, tenant)
    contract_id = make_contract(bound, tenant, client_id=client_id, insurer_id=insurer_id)
    with bound(tenant) as session:
        session.add(Clause(line="motor", code="GAR", title="Garage at night", text="Parked in a locked garage."))
        session.commit()
        clause_id = session.scalar(select(Clause.id))
    return {"client": client_id, "client_reference": client_reference, "insurer": insurer_id,
            "contract": contract_id, "clause": clause_id}


@pytest.fixture
def other_firm_client(make_tenant, client_for):
    other = make_tenant("b")
    client = client_for(other)
    assert sign_in(client, "admin@example.fr").status_code == 303
    return client


@pytest.fixture
def readonly_client(app, tenant, client_for):
    add_user(app, tenant, "reader@example.fr", "readonly")
    client = client_for(tenant)
    assert sign_in(client, "reader@example.fr").status_code == 303
    return client


def entry_data(portfolio, **changes) -> dict:
    data = {
        "client_reference": portfolio["client_reference"], "insurer_id": portfolio["insurer"], "product_id": "",
        "label": "Peugeot 208", "policy_number": "AUTO-77", "payer_reference": "", "insured_name": "",
        "effective_date": "2025-03-15", "renewal_date": "", "term_months": "12", "tacit_renewal": "y",
        "notice_days": "60", "instalment_plan": "monthly", "handler_id": "", "premium_net": "1 200,00",
        "fees": "20", "guarantees-0-code": "third_party", "guarantees-0-included": "y",
        "guarantees-0-ceiling": "1000000", "guarantees-0-deductible": "", "guarantees-0-exclusions": "",
        "guarantees-1-code": "legal", "guarantees-1-included": "", "guarantees-1-ceiling": "",
        "guarantees-1-deductible": "", "guarantees-1-exclusions": "",
        "guarantees-3-code": "theft_fire", "guarantees-3-included": "y", "guarantees-3-ceiling": "15000",
        "guarantees-3-deductible": "300", "guarantees-3-exclusions": "Keys left in the car",
    }
    return data | changes


# --- manual entry ------------------------------------------------------------------

def test_new_asks_for_the_line_first(admin_client, portfolio):
    page = admin_client.get("/contracts/new")
    assert page.status_code == 200 and "/contracts/new?line=motor" in page.text
    form = admin_client.get("/contracts/new?line=motor")
    assert form.status_code == 200 and "Own damage (all risks)" in form.text


def test_bad_input_answers_422_next_to_the_fields_and_keeps_what_was_typed(admin_client, portfolio, bound, tenant):
    response = admin_client.post("/contracts/new?line=motor", data=entry_data(
        portfolio, client_reference="CLI-999999", premium_net="douze", label="Clio du fils"))
    assert response.status_code == 422
    assert "Enter a number, such as 12500.50." in response.text
    assert 'value="Clio du fils"' in response.text and 'value="douze"' in response.text
    unknown = admin_client.post("/contracts/new?line=motor", data=entry_data(portfolio, client_reference="CLI-999999"))
    assert unknown.status_code == 422 and "No client has this reference." in unknown.text
    late = admin_client.post("/contracts/new?line=motor", data=entry_data(portfolio, renewal_date="2025-01-01"))
    assert late.status_code == 422 and "The renewal date must come after the effective date." in late.text
    with bound(tenant) as session:
        assert session.scalar(select(func.count()).select_from(Contract)) == 1


def test_a_manual_entry_creates_the_contract_its_first_version_and_event(admin_client, portfolio, bound, tenant):
    response = admin_client.post("/contracts/new?line=motor", data=entry_data(portfolio))
    assert response.status_code == 303, response.text
    page = admin_client.get(response.headers["Location"])
    assert page.status_code == 200 and "Peugeot 208" in page.text
    with bound(tenant) as session:
        contract = session.scalar(select(Contract).where(Contract.policy_number == "AUTO-77"))
        assert contract.reference == f"CTR-{contract.id:06d}" and contract.status == "active"
        assert contract.renewal_date == date(2026, 3, 15)
        assert (contract.premium_net, contract.fees, contract.tax_rate) == (Decimal("1200.00"), Decimal("20.00"),
                                                                            Decimal("18.00"))
        assert contract.tax == Decimal("219.60") and contract.total == Decimal("1439.60")
        assert [g["code"] for g in contract.guarantees] == ["third_party", "theft_fire"]
        assert contract.guarantees[1]["deductible"] == "300.00"
        version = session.scalar(select(ContractVersion).where(ContractVersion.contract_id == contract.id))
        assert (version.number, version.valid_from, version.valid_to) == (1, date(2025, 3, 15), None)
        assert session.scalar(select(ContractEvent.kind).where(ContractEvent.contract_id == contract.id)) == "created"
    duplicate = admin_client.post("/contracts/new?line=motor", data=entry_data(portfolio))
    assert duplicate.status_code == 422 and "already has a contract with this policy number" in duplicate.text


def test_the_client_search_suggests_references(admin_client, portfolio):
    response = admin_client.get("/contracts/clients?client_reference=mart")
    assert portfolio["client_reference"] in response.text


# --- the contract page, edits, statuses ---------------------------------------------

def test_the_page_shows_policy_guarantees_and_timeline(admin_client, portfolio):
    page = admin_client.get(f"/contracts/{portfolio['contract']}")
    assert page.status_code == 200
    assert "Third-party liability" in page.text and "Contract entered" in page.text
    assert admin_client.get(f"/contracts/{portfolio['contract']}?as_of=2024-06-01").status_code == 200
    assert "had not started" in admin_client.get(f"/contracts/{portfolio['contract']}?as_of=2024-06-01").text
    assert admin_client.get(f"/contracts/{portfolio['contract']}?as_of=yesterday").status_code == 400
    assert admin_client.get("/contracts/987654").status_code == 404


def test_a_stale_edit_is_refused(admin_client, portfolio, bound, tenant):
    path = f"/contracts/{portfolio['contract']}/edit"
    assert admin_client.get(path).status_code == 200
    data = {"label": "Renamed", "policy_number": "P-1", "payer_reference": "", "insured_name": "",
            "effective_date": "2025-01-01", "renewal_date": "2026-01-01", "term_months": "12", "tacit_renewal": "y",
            "notice_days": "30", "instalment_plan": "annual", "handler_id": "", "version": "1"}
    assert admin_client.post(path, data=data).status_code == 303
    stale = admin_client.post(path, data=data | {"label": "Again"})
    assert stale.status_code == 409 and "Someone changed this contract meanwhile" in stale.text
    self_payer = admin_client.post(path, data=data | {"version": "2", "payer_reference": portfolio["client_reference"]})
    assert self_payer.status_code == 422 and "The payer is the client already" in self_payer.text
    with bound(tenant) as session:
        contract = session.get(Contract, portfolio["contract"])
        assert (contract.label, contract.notice_days) == ("Renamed", 30)


def test_status_changes_follow_the_allowed_transitions(admin_client, portfolio, bound, tenant):
    path = f"/contracts/{portfolio['contract']}/status"
    data = {"to_status": "suspended", "reason": "Unpaid premium", "effective_on": "2025-05-01", "version": "1"}
    assert admin_client.post(path, data=data).status_code == 303
    refused = admin_client.post(path, data=data | {"to_status": "pending", "version": "2"})
    assert refused.status_code == 422 and "A contract cannot go from this status to that one." in refused.text
    with bound(tenant) as session:
        contract = session.get(Contract, portfolio["contract"])
        assert (contract.status, contract.status_reason, contract.status_since) == (
            "suspended", "Unpaid premium", date(2025, 5, 1))
        event = session.scalars(select(ContractEvent).where(ContractEvent.kind == "status")).one()
        assert (event.from_status, event.to_status, event.effective_on) == ("active", "suspended", date(2025, 5, 1))


def test_documents_and_clauses_of_the_contract(admin_client, portfolio, bound, tenant):
    contract_id = portfolio["contract"]
    upload = admin_client.post(f"/contracts/{contract_id}/documents", content_type="multipart/form-data",
                               data={"file": (io.BytesIO(PDF), "cp.pdf"), "kind": "specific_conditions"})
    assert upload.status_code == 303
    bad = admin_client.post(f"/contracts/{contract_id}/documents", content_type="multipart/form-data",
                            data={"file": (io.BytesIO(b"MZ\x90"), "x.exe"), "kind": "other"})
    assert bad.status_code == 422
    assert admin_client.post(f"/contracts/{contract_id}/clauses", data={"clause_id": portfolio["clause"]}).status_code == 303
    empty = admin_client.post(f"/contracts/{contract_id}/clauses", data={"clause_id": "", "title": "", "text": ""})
    assert empty.status_code == 422
    page = admin_client.get(f"/contracts/{contract_id}")
    assert "cp.pdf" in page.text and "Garage at night" in page.text
    with bound(tenant) as session:
        clause_id = session.get(Contract, contract_id).clauses[0].id
        stamp = session.get(Contract, contract_id).clauses[0].updated_at.isoformat()
    edit = f"/contracts/{contract_id}/clauses/{clause_id}"
    assert admin_client.post(edit, data={"title": "Garage", "text": "Locked garage.", "stamp": stamp}).status_code == 303
    assert admin_client.post(edit, data={"title": "G", "text": "T", "stamp": stamp}).status_code == 409
    assert admin_client.post(f"{edit}/delete").status_code == 303
    with bound(tenant) as session:
        assert session.get(Contract, contract_id).clauses == []


def test_the_client_page_lists_the_clients_contracts(admin_client, portfolio):
    page = admin_client.get(f"/clients/{portfolio['client']}")
    assert page.status_code == 200 and 'data-testid="client-contracts"' in page.text
    assert f"/contracts/{portfolio['contract']}" in page.text


# --- isolation and roles -------------------------------------------------------------

GETS = ["/contracts/{contract}", "/contracts/{contract}/edit", "/contracts/{contract}/endorsements/new",
        "/contracts/{contract}/cancel", "/contracts/clauses/{clause}"]
POSTS = ["/contracts/{contract}/edit", "/contracts/{contract}/status", "/contracts/{contract}/documents",
         "/contracts/{contract}/clauses", "/contracts/{contract}/endorsements/new", "/contracts/{contract}/cancel",
         "/contracts/clauses/{clause}", "/contracts/clauses/{clause}/delete"]


def test_another_firm_gets_404_on_every_id(other_firm_client, portfolio):
    for path in GETS + POSTS:
        method = other_firm_client.get if path in GETS else other_firm_client.post
        assert method(path.format(**portfolio), data={}).status_code == 404, path
    listing = other_firm_client.get("/contracts")
    assert listing.status_code == 200 and "No contract yet." in listing.text
    assert other_firm_client.get("/contracts/clauses").status_code == 200


def test_readonly_staff_look_but_every_post_is_refused(readonly_client, portfolio):
    for path in ["/contracts", "/contracts/{contract}", "/contracts/clauses", "/contracts/export.csv"]:
        assert readonly_client.get(path.format(**portfolio)).status_code == 200, path
    for path in POSTS + ["/contracts/new?line=motor", "/contracts/import", "/contracts/clauses/new?line=motor"]:
        assert readonly_client.post(path.format(**portfolio), data={}).status_code == 403, path
    assert "New endorsement" not in readonly_client.get(f"/contracts/{portfolio['contract']}").text


def test_the_clause_library_needs_catalog_management(app, tenant, client_for, portfolio, bound):
    add_user(app, tenant, "handler@example.fr", "handler")
    handler = client_for(tenant)
    sign_in(handler, "handler@example.fr")
    assert handler.get("/contracts/clauses?line=motor").status_code == 200
    assert handler.post("/contracts/clauses/new?line=motor", data={}).status_code == 403
    add_user(app, tenant, "manager@example.fr", "manager")
    manager = client_for(tenant)
    sign_in(manager, "manager@example.fr")
    data = {"code": "exp", "title": "Expert driver", "text": "Main driver with 10 years of licence."}
    assert manager.post("/contracts/clauses/new?line=motor", data=data).status_code == 303
    assert manager.post("/contracts/clauses/new?line=motor", data=data).status_code == 422
    assert manager.get("/contracts/clauses/new?line=nope").status_code == 404
    with bound(tenant) as session:
        clause = session.scalar(select(Clause).where(Clause.code == "EXP"))
        stamp = clause.updated_at.isoformat()
    edit = manager.post(f"/contracts/clauses/{clause.id}", data=data | {"title": "Experienced", "stamp": stamp})
    assert edit.status_code == 303
    assert manager.post(f"/contracts/clauses/{clause.id}", data=data | {"stamp": stamp}).status_code == 409
    assert manager.post(f"/contracts/clauses/{clause.id}/delete").status_code == 303
