"""Settings › Firm: the firm's identity (name, contact, ORIAS, colour, logo)
set by an admin and shown in the client portal and its emails; validation,
roles, and one firm's logo never served on another firm's host."""

from __future__ import annotations

import io

from PIL import Image

from tests.conftest import add_user, sign_in

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
