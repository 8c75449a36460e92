"""Registration of a claim by the handler (a call, a letter, an email): the
contract found by a search or given by the contract's page, the portal's
fields, the procedure and deadlines emailed to the client; 422 by field
keeping what was typed; contracts not in force refused with the reason;
another client's contract, another firm and read-only staff."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.claims.models import Claim, ClaimAttachment, ClaimEvent
from app.contracts.models import Contract
from app.crm import services as clients
from app.crm.models import Client, Task
from tests.integration.test_contracts import make_contract, other_firm_client, portfolio, readonly_client  # noqa: F401
from tests.integration.test_portal_claims import photo

YESTERDAY = (date.today() - timedelta(days=1)).isoformat()


def register(browser, contract_id, files=(), **values):
    data = {"contract_id": contract_id, "channel": "phone", "kind": "collision", "occurred_on": YESTERDAY,
            "occurred_time": "08:15", "place": "Rond-point de la Part-Dieu, Lyon",
            "circumstances": "Accrochage avec une camionnette qui refusait la priorité.", "third_party_name": "Roux",
            "third_party_registration": "AB-123-CD", "police_report": "no", "injured": "no",
            "vehicle_registration": "GH-456-JK", "vehicle_drivable": "yes"} | values
    data = {name: value for name, value in data.items() if value is not None}
    data["attachments"] = [(io.BytesIO(content), name) for name, content in files]
    return browser.post("/claims/new", data=data, content_type="multipart/form-data")


@pytest.fixture
def lea(bound, tenant, portfolio):  # noqa: F811
    with bound(tenant) as session:
        session.get(Client, portfolio["client"]).email = "lea.martin@example.fr"
        session.commit()
    return portfolio


def test_the_handler_finds_the_contract_then_registers_a_phone_call(admin_client, lea, bound, tenant, mailbox, jobs):
    search = admin_client.get("/claims/new?q=martin")
    assert search.status_code == 200 and f'contract_id={lea["contract"]}' in search.text
    form = admin_client.get(f"/claims/new?contract_id={lea['contract']}")
    assert form.status_code == 200 and "Your vehicle" in form.text and "Damaged goods" not in form.text
    assert "lea.martin@example.fr" in form.text
    response = register(admin_client, lea["contract"], files=[("choc.jpg", photo())])
    assert response.status_code == 303
    with bound(tenant) as session:
        claim = session.scalar(select(Claim))
        assert response.headers["Location"].endswith(f"/claims/{claim.id}")
        assert claim.channel == "phone" and claim.declared_by_user_id and claim.declared_by_account_id is None
        assert claim.details["third_party_registration"] == "AB-123-CD" and claim.details["vehicle_drivable"] == "yes"
        attachment = session.scalar(select(ClaimAttachment))
        assert attachment.added_by == "firm" and attachment.thumbnail_document_id
        assert session.scalar(select(ClaimEvent.kind).where(ClaimEvent.claim_id == claim.id)) == "declared"
        assert session.scalar(select(Task.source_id).where(Task.source_type == "claim")) == claim.id
        reference = claim.reference
    jobs()
    sent = [m for m in mailbox.to("lea.martin@example.fr") if reference in m["Subject"]]
    # no client space, so no language of theirs: the firm's French
    assert sent and reference in mailbox.text(sent[-1]) and "Bonjour" in mailbox.text(sent[-1])
    page = admin_client.get(response.headers["Location"])
    assert "Phone" in page.text and "priorité" in page.text


def test_a_client_without_email_is_told_by_the_handler(admin_client, portfolio, bound, tenant):  # noqa: F811
    response = register(admin_client, portfolio["contract"], channel="letter")
    assert response.status_code == 303
    assert "no email address" in admin_client.get(response.headers["Location"]).text
    with bound(tenant) as session:
        assert session.scalar(select(Claim.channel)) == "letter"


@pytest.mark.parametrize(("values", "message"), [
    ({"channel": None}, "phone, letter or email"),
    ({"channel": "portal"}, "phone, letter or email"),
    ({"kind": "water_damage"}, "Choose one of the proposed values"),
    ({"occurred_on": ""}, "This field is required"),
    ({"occurred_on": "hier"}, "Enter a date"),
    ({"occurred_on": (date.today() + timedelta(days=2)).isoformat()}, "in the future"),
    ({"known_on": (date.today() - timedelta(days=5)).isoformat()}, "before it happened"),
    ({"place": "  "}, "This field is required"),
    ({"circumstances": "x" * 4001}, "too long"),
    ({"kind": "theft"}, "reported to the police"),
    ({"police_report": "yes", "police_station": ""}, "This field is required"),
    ({"injured": "yes", "injured_details": ""}, "This field is required"),
    ({"third_party_registration": "123"}, "French registration number"),
])
def test_each_problem_answers_422_next_to_its_field_keeping_the_input(admin_client, portfolio, bound, tenant,  # noqa: F811
                                                                      values, message):
    response = register(admin_client, portfolio["contract"], **values)
    assert response.status_code == 422 and message in response.text
    assert "Roux" in response.text and "GH-456-JK" in response.text
    with bound(tenant) as session:
        assert session.scalar(select(Claim)) is None


def test_attachments_are_checked(admin_client, portfolio):  # noqa: F811
    too_many = register(admin_client, portfolio["contract"], files=[(f"p{i}.pdf", b"%PDF-1.4 x") for i in range(11)])
    assert too_many.status_code == 422 and "10 files at most" in too_many.text
    renamed = register(admin_client, portfolio["contract"], files=[("photo.jpg", b"MZ\x90\x00 program")])
    assert renamed.status_code == 422 and "JPEG, PNG, WebP" in renamed.text


def test_contracts_not_in_force_are_refused_with_the_reason(admin_client, portfolio, bound, tenant):  # noqa: F811
    with bound(tenant) as session:
        session.get(Contract, portfolio["contract"]).status = "cancelled"
        session.commit()
    assert "Not in force" in admin_client.get("/claims/new?q=martin").text
    page = admin_client.get(f"/claims/new?contract_id={portfolio['contract']}")
    assert page.status_code == 422 and "ended after the loss: this one is cancelled" in page.text
    assert register(admin_client, portfolio["contract"]).status_code == 422
    with bound(tenant) as session:
        session.get(Contract, portfolio["contract"]).status = "suspended"
        session.commit()
    assert register(admin_client, portfolio["contract"]).status_code == 303


def test_a_loss_before_a_contract_ended_is_registered_after_its_end(admin_client, portfolio, bound,  # noqa: F811
                                                                    tenant):
    """The cover ran when the loss happened: the claim is declared on the ended contract (L113-2's deadline
    runs from when the insured learned of it); a loss on or after the end is refused next to its date."""
    ended_on = date.today() - timedelta(days=3)
    with bound(tenant) as session:
        contract = session.get(Contract, portfolio["contract"])
        contract.status, contract.ended_on = "cancelled", ended_on
        session.commit()
    assert admin_client.get(f"/claims/new?contract_id={portfolio['contract']}").status_code == 200
    late = register(admin_client, portfolio["contract"], occurred_on=ended_on.isoformat())
    assert late.status_code == 422 and "The contract had ended before this date" in late.text
    before = register(admin_client, portfolio["contract"], occurred_on=(ended_on - timedelta(days=2)).isoformat())
    assert before.status_code == 303


def test_a_contract_is_required_and_must_be_the_clients(admin_client, portfolio, bound, tenant):  # noqa: F811
    missing = admin_client.post("/claims/new", data={"channel": "phone"})
    assert missing.status_code == 422 and "Choose the client" in missing.text
    with bound(tenant) as session:
        other = clients.create(session, None, {"kind": "individual", "last_name": "Vidal", "first_name": "Paul"})
        session.commit()
        other_id = other.id
    theirs = make_contract(bound, tenant, client_id=other_id, insurer_id=portfolio["insurer"], line="home",
                           policy_number="MRH-V")
    listed = admin_client.get(f"/claims/new?client_id={portfolio['client']}")
    assert f"contract_id={portfolio['contract']}" in listed.text and f"contract_id={theirs}" not in listed.text
    refused = register(admin_client, theirs, client_id=portfolio["client"], kind="fire")
    assert refused.status_code == 422 and "not the client" in refused.text
    assert admin_client.get(f"/claims/new?client_id={portfolio['client']}&contract_id={theirs}").status_code == 422
    assert admin_client.get("/claims/new?client_id=999999").status_code == 404
    assert admin_client.get("/claims/new?contract_id=999999").status_code == 404
    huge = 2**64
    assert admin_client.get(f"/claims/new?contract_id={huge}").status_code == 200
    assert admin_client.get(f"/claims/new?client_id={huge}&q=x").status_code == 200
    assert admin_client.post("/claims/new", data={"contract_id": huge, "channel": "phone"}).status_code == 422
    with bound(tenant) as session:
        assert session.scalar(select(Claim)) is None


def test_the_contract_page_links_to_the_registration(admin_client, portfolio):  # noqa: F811
    page = admin_client.get(f"/contracts/{portfolio['contract']}")
    assert f"/claims/new?contract_id={portfolio['contract']}" in page.text


def test_another_firm_and_read_only_staff_cannot_register(other_firm_client, readonly_client, portfolio,  # noqa: F811
                                                          bound, tenant):
    assert other_firm_client.get(f"/claims/new?contract_id={portfolio['contract']}").status_code == 404
    assert register(other_firm_client, portfolio["contract"]).status_code == 404
    assert readonly_client.get("/claims/new").status_code == 403
    assert readonly_client.get(f"/claims/new?contract_id={portfolio['contract']}").status_code == 403
    assert register(readonly_client, portfolio["contract"]).status_code == 403
    with bound(tenant) as session:
        assert session.scalar(select(Claim)) is None
