"""Settings › Firm: the firm's identity (name, contact, ORIAS, colour, logo)
set by an admin and shown in the client portal and its emails; validation,
roles, and one firm's logo never served on another firm's host; the PDFs
handed to clients (certificate, premium notice, payment receipt) carry the
logo and contact details."""

from __future__ import annotations

import io
from datetime import date, timedelta

from PIL import Image
from pypdf import PdfReader

from app.billing import services as billing
from app.billing.models import PremiumCall
from app.settings import branding
from tests.conftest import add_user, sign_in
from tests.integration.test_billing_calls import book, calls_where, issued  # noqa: F401
from tests.integration.test_billing_stripe import calls_for
from tests.integration.test_contracts import make_contract, portfolio  # noqa: F401
from tests.integration.test_portal_access import policyholder  # noqa: F401

FIRM = {"name": "Cabinet Lumière", "address": "12 rue des Lilas, 69003 Lyon", "phone": "04 72 00 00 00",
        "email": "contact@lumiere.fr", "website": "https://lumiere.fr", "orias": "07 000 123",
        "brand_colour": "#7A1F5C"}


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (122, 31, 92)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_admin_sets_the_firm_identity_and_the_portal_shows_it(admin_client, client_for, tenant):
    response = admin_client.post("/settings/firm", data=FIRM | {"logo": (io.BytesIO(png()), "logo.png")},
                                 content_type="multipart/form-data")
    assert response.status_code == 303
    visitor = client_for(tenant)
    page = visitor.get("/portal/login")
    assert "Cabinet Lumière" in page.text and "/portal/brand/logo" in page.text
    assert "ORIAS 07000123" in page.text and "contact@lumiere.fr" in page.text
    css = visitor.get("/portal/brand.css")
    assert css.mimetype == "text/css" and "#7a1f5c" in css.text and "--bs-btn-color: #ffffff" in css.text
    logo = visitor.get("/portal/brand/logo")
    assert logo.status_code == 200 and logo.mimetype == "image/png"


def test_bad_values_are_refused_next_to_their_field_and_kept(admin_client):
    response = admin_client.post("/settings/firm", data=FIRM | {"brand_colour": "violet", "orias": "123"})
    assert response.status_code == 422
    assert "#RRGGBB" in response.text and "8 digits" in response.text and "12 rue des Lilas" in response.text
    fake = admin_client.post("/settings/firm", data=FIRM | {"logo": (io.BytesIO(b"MZ\x90\x00 not an image"),
                                                                      "logo.png")},
                             content_type="multipart/form-data")
    assert fake.status_code == 422 and "PNG or JPEG" in fake.text


def test_only_admins_change_the_firm(app, client_for, tenant):
    add_user(app, tenant, "manager@example.fr", "manager")
    manager = client_for(tenant)
    assert sign_in(manager, "manager@example.fr").status_code == 303
    assert manager.get("/settings/firm").status_code == 403
    assert manager.post("/settings/firm", data=FIRM).status_code == 403


def test_a_firms_logo_is_never_served_on_another_firms_host(admin_client, make_tenant, client_for):
    admin_client.post("/settings/firm", data=FIRM | {"logo": (io.BytesIO(png()), "logo.png")},
                      content_type="multipart/form-data")
    other = make_tenant("autre")
    assert client_for(other).get("/portal/brand/logo").status_code == 404
    assert "#7a1f5c" not in client_for(other).get("/portal/brand.css").text


# --- the PDFs handed to clients -------------------------------------------------------------------

def set_firm(admin_client, **changes) -> None:
    response = admin_client.post("/settings/firm", data=FIRM | changes | {"logo": (io.BytesIO(png()), "logo.png")},
                                 content_type="multipart/form-data")
    assert response.status_code == 303, response.text


def images_and_text(content: bytes) -> tuple[int, str]:
    pages = PdfReader(io.BytesIO(content)).pages
    return sum(len(page.images) for page in pages), " ".join(" ".join(page.extract_text() for page in pages).split())


def assert_branded(content: bytes) -> str:
    images, text = images_and_text(content)
    assert images >= 1
    for expected in ("Cabinet Lumière", "12 rue des Lilas, 69003 Lyon", "04 72 00 00 00", "contact@lumiere.fr",
                     "ORIAS no. 07000123"):
        assert expected in text, expected
    return text


def test_the_certificate_from_the_portal_carries_the_firms_logo_and_contact(  # noqa: F811
        admin_client, policyholder, portfolio, bound, tenant):
    set_firm(admin_client)
    contract_id = make_contract(bound, tenant, client_id=portfolio["client"], insurer_id=portfolio["insurer"],
                                policy_number="AUTO-78", effective_date=date.today() - timedelta(days=30),
                                risk={"vehicle": "Peugeot 208", "registration": "GH-124-JK"})
    response = policyholder.get(f"/portal/contracts/{contract_id}/attestation")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "GH-124-JK" in assert_branded(response.data)


def test_the_premium_notice_carries_the_firms_logo_and_contact(admin_client, bound, tenant, book,  # noqa: F811
                                                                 issued):  # noqa: F811
    set_firm(admin_client)
    call = calls_where(bound, tenant, PremiumCall.id == issued["quarterly"][1])[0]
    response = admin_client.get(f"/premiums/calls/{call.id}/notice.pdf")
    assert response.status_code == 200
    assert f"Premium notice {call.reference}" in assert_branded(response.data)


def test_the_payment_receipt_carries_the_firms_logo_and_contact(admin_client, policyholder, portfolio,  # noqa: F811
                                                                  bound, tenant):
    set_firm(admin_client)
    call_id = calls_for(bound, tenant, portfolio, "REC-1")[0]
    with bound(tenant) as session:
        call = session.get(PremiumCall, call_id)
        payment = billing.record_payment(session, None, client_id=portfolio["client"], amount=call.total,
                                         method="cheque", received_on=date.today(), call_ids=[call_id])
        session.commit()
        payment_id = payment.id
    response = policyholder.get(f"/portal/premiums/receipts/{payment_id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"REC-{payment_id:06d}" in assert_branded(response.data)


def test_without_a_logo_the_pdfs_keep_their_text_header_and_a_pale_colour_gives_way(
        admin_client, bound, tenant, book, issued):  # noqa: F811
    response = admin_client.post("/settings/firm", data=FIRM | {"brand_colour": "#ffe066"})
    assert response.status_code == 303
    call = calls_where(bound, tenant, PremiumCall.id == issued["quarterly"][1])[0]
    images, text = images_and_text(admin_client.get(f"/premiums/calls/{call.id}/notice.pdf").data)
    assert images == 0 and "04 72 00 00 00" in text
    with bound(tenant) as session:
        from tenants.models import Tenant
        row = session.get(Tenant, tenant.id)
        header = branding.document_header(session, row)
        assert header.logo is None and header.accent == "#0b3d91"
        row.settings = dict(row.settings) | {"brand_colour": "#7a1f5c"}
        assert branding.document_header(session, row).accent == "#7a1f5c"
        session.rollback()


def test_the_logo_is_a_data_uri_of_its_stored_type(admin_client, bound, tenant):
    set_firm(admin_client)
    with bound(tenant) as session:
        from tenants.models import Tenant
        uri = branding.logo_data_uri(session, session.get(Tenant, tenant.id))
    assert uri is not None and uri.startswith("data:image/png;base64,iVBORw0KGgo")
