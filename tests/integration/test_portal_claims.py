"""Claims declared on the portal: a form that follows the contract's line,
photos checked by content and size (a renamed executable and an oversized
file refused), thumbnails, the claim number with the procedure and the
deadlines on screen and by email, the claim in the workspace, messages both
ways; another client's contract or claim and another firm see nothing."""

from __future__ import annotations

import io
from datetime import date, timedelta

from PIL import Image
from sqlalchemy import select

from app.claims.models import Claim, ClaimAttachment
from app.claims.services import MAX_ATTACHMENT_BYTES
from tests.integration.test_contracts import make_contract, other_firm_client, portfolio, readonly_client  # noqa: F401
from tests.integration.test_portal_access import new_client, policyholder  # noqa: F401

YESTERDAY = (date.today() - timedelta(days=1)).isoformat()


def photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (40, 90, 160)).save(buffer, format="JPEG")
    return buffer.getvalue()


def home(bound, tenant, portfolio, client_id=None, number="MRH-C"):  # noqa: F811
    return make_contract(bound, tenant, client_id=client_id or portfolio["client"], insurer_id=portfolio["insurer"],
                         line="home", policy_number=number)


def declare(browser, contract_id, files=(), **values):
    data = {"kind": "water_damage", "occurred_on": YESTERDAY, "occurred_time": "21:30",
            "place": "12 rue des Lilas, Lyon", "circumstances": "Fuite du chauffe-eau, parquet du séjour gonflé.",
            "police_report": "no", "injured": "no", "damaged_goods": "Parquet, meuble TV",
            "estimated_amount": "2400"} | values
    data["attachments"] = [(io.BytesIO(content), name) for name, content in files]
    return browser.post(f"/portal/contracts/{contract_id}/claims/new", data=data, content_type="multipart/form-data")


def test_a_client_declares_a_water_damage_with_a_photo_and_follows_it(policyholder, bound, tenant, portfolio,
                                                                      admin_client, mailbox, jobs):
    contract_id = home(bound, tenant, portfolio)
    form = policyholder.get(f"/portal/contracts/{contract_id}/claims/new")
    assert form.status_code == 200 and "Damaged goods" in form.text and "Your vehicle" not in form.text
    response = declare(policyholder, contract_id, files=[("salon.jpg", photo()), ("devis.pdf", b"%PDF-1.4 devis")])
    assert response.status_code == 303
    page = policyholder.get(response.headers["Location"])
    with bound(tenant) as session:
        claim = session.scalar(select(Claim))
        attachments = list(session.scalars(select(ClaimAttachment).order_by(ClaimAttachment.id)))
        assert claim.reference == f"SIN-{claim.id:06d}" and claim.channel == "portal" and not claim.declared_late
        assert claim.details["damaged_goods"] == "Parquet, meuble TV" and claim.details["estimated_amount"] == "2400"
        assert attachments[0].thumbnail_document_id and attachments[1].thumbnail_document_id is None
        claim_id, photo_id = claim.id, attachments[0].id
    assert claim.reference in page.text and "What to do now" in page.text
    thumbnail = policyholder.get(f"/portal/claims/{claim_id}/attachments/{photo_id}?size=thumbnail")
    assert thumbnail.mimetype == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumbnail.data)).size) <= 480
    jobs()
    receipt = [m for m in mailbox.to("lea.martin@example.fr") if claim.reference in m["Subject"]]
    assert receipt and "Declaration deadline" in mailbox.text(receipt[-1])
    workspace = admin_client.get(f"/claims/{claim_id}")
    assert workspace.status_code == 200 and "Fuite du chauffe-eau" in workspace.text
    assert admin_client.get("/claims").text.count(claim.reference) == 1
    assert admin_client.post(f"/claims/{claim_id}/messages", data={"body": "Un expert passera jeudi."}).status_code == 303
    assert "Un expert passera jeudi." in policyholder.get(f"/portal/claims/{claim_id}").text
    assert policyholder.post(f"/portal/claims/{claim_id}/messages", data={"body": "Merci, je serai là."}).status_code == 303
    assert "Merci, je serai là." in admin_client.get(f"/claims/{claim_id}").text


def test_a_renamed_executable_and_an_oversized_file_are_refused(policyholder, bound, tenant, portfolio):
    contract_id = home(bound, tenant, portfolio)
    renamed = declare(policyholder, contract_id, files=[("photo.jpg", b"MZ\x90\x00\x03 this is a program")])
    assert renamed.status_code == 422 and "JPEG, PNG, WebP" in renamed.text
    big = declare(policyholder, contract_id, files=[("big.jpg", b"\xff\xd8\xff" + b"0" * MAX_ATTACHMENT_BYTES)])
    assert big.status_code == 422 and "8 MB" in big.text
    assert "Fuite du chauffe-eau" in big.text
    with bound(tenant) as session:
        assert session.scalar(select(Claim)) is None


def test_the_form_checks_dates_and_the_theft_report(policyholder, bound, tenant, portfolio):
    contract_id = home(bound, tenant, portfolio)
    future = declare(policyholder, contract_id, occurred_on=(date.today() + timedelta(days=1)).isoformat())
    assert future.status_code == 422 and "in the future" in future.text
    theft = declare(policyholder, contract_id, kind="theft")
    assert theft.status_code == 422 and "reported to the police" in theft.text
    garbage = declare(policyholder, contract_id, occurred_on="hier")
    assert garbage.status_code == 422 and "Enter a date" in garbage.text


def test_another_clients_contract_and_claim_are_out_of_reach(policyholder, bound, tenant, portfolio, admin_client):
    other = new_client(bound, tenant, "v@example.fr", last_name="Vidal")
    other_contract = home(bound, tenant, portfolio, client_id=other, number="MRH-V")
    assert policyholder.get(f"/portal/contracts/{other_contract}/claims/new").status_code == 404
    assert declare(policyholder, other_contract).status_code == 404
    with bound(tenant) as session:
        from app.claims import services as claims
        from app.contracts.models import Contract
        claim = claims.declare(session, None, session.get(Contract, other_contract), "fire", {
            "occurred_on": date.today(), "place": "Lyon", "circumstances": "Feu de cuisine."}, [], channel="phone")
        session.commit()
        claim_id = claim.id
    assert policyholder.get(f"/portal/claims/{claim_id}").status_code == 404
    assert policyholder.post(f"/portal/claims/{claim_id}/messages", data={"body": "x"}).status_code == 404
    assert policyholder.get(f"/portal/claims/{claim_id}/attachments/1").status_code == 404
    assert "SIN-" not in policyholder.get("/portal/claims").text


def test_workspace_claim_routes_check_roles_and_tenants(policyholder, bound, tenant, portfolio, readonly_client,
                                                       other_firm_client, admin_client):
    contract_id = home(bound, tenant, portfolio)
    declare(policyholder, contract_id)
    with bound(tenant) as session:
        claim = session.scalar(select(Claim))
        claim_id, version = claim.id, claim.version
    assert readonly_client.get(f"/claims/{claim_id}").status_code == 200
    assert readonly_client.post(f"/claims/{claim_id}/messages", data={"body": "x"}).status_code == 403
    assert readonly_client.post(f"/claims/{claim_id}/status", data={"status": "closed"}).status_code == 403
    assert other_firm_client.get(f"/claims/{claim_id}").status_code == 404
    assert other_firm_client.post(f"/claims/{claim_id}/messages", data={"body": "x"}).status_code == 404
    assert policyholder.get(f"/claims/{claim_id}").status_code == 302
    moved = admin_client.post(f"/claims/{claim_id}/status", data={"status": "with_insurer", "version": version})
    assert moved.status_code == 303
    assert admin_client.post(f"/claims/{claim_id}/status", data={"status": "settled", "version": version + 1}
                             ).status_code == 422
    with bound(tenant) as session:
        session.get(Claim, claim_id).insurer_reference = "AX-2026-889"
        session.commit()
    stale = admin_client.post(f"/claims/{claim_id}/status", data={"status": "closed", "version": version})
    assert stale.status_code == 409 and "changed this claim meanwhile" in stale.text
    page = policyholder.get(f"/portal/claims/{claim_id}")
    assert "With the insurer" in page.text and "AX-2026-889" in page.text
