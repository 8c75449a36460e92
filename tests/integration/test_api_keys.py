"""Insurer API keys, managed by the firm's administrators: shown once,
stored hashed, revocable with a confirmation; other roles and other firms
get nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.insurer_api.models import InsurerApiKey
from app.insurer_api.rules import hash_key
from tests.integration.test_catalog_insurers import english_client, make_insurer, role_client

KEY = re.compile(r"ak_[a-z0-9]{8}_[A-Za-z0-9_-]{43}")
BASE = "/api/insurer/v1"


@pytest.fixture
def admin(client_for, tenant):
    return english_client(client_for, tenant, "admin@example.fr")


@pytest.fixture
def insurer_id(bound, tenant):
    return make_insurer(bound, tenant)


def create_key(client, insurer_id: int, label: str = "Production") -> str:
    response = client.post(f"/catalog/insurers/{insurer_id}/api-keys", data={"label": label})
    assert response.status_code == 201, response.text
    return KEY.search(response.text).group(0)


def test_an_admin_creates_a_key_shown_once_and_stored_hashed(admin, bound, tenant, insurer_id):
    empty = admin.get(f"/catalog/insurers/{insurer_id}/api-keys")
    assert empty.status_code == 200 and "No key yet" in empty.text
    response = admin.post(f"/catalog/insurers/{insurer_id}/api-keys", data={"label": "Production"})
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    key = KEY.search(response.text).group(0)
    assert "Copy it now" in response.text
    assert key not in response.headers.get("Set-Cookie", "")
    with bound(tenant) as session:
        row = session.scalars(select(InsurerApiKey)).one()
        assert row.key_hash == hash_key(key) and row.prefix == key[3:11] and row.label == "Production"
        assert row.created_by_id == 1
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "insurer_api_key")).all() \
            == ["insurer_api_key.create"]
    again = admin.get(f"/catalog/insurers/{insurer_id}/api-keys")
    assert key not in again.text and f"ak_{key[3:11]}_…" in again.text and "Never" in again.text
    assert admin.get(f"{BASE}/placements/PLC-000001", headers={"Authorization": f"Bearer {key}"}).status_code == 404


def test_a_key_needs_a_label(admin, bound, tenant, insurer_id):
    response = admin.post(f"/catalog/insurers/{insurer_id}/api-keys", data={"label": "  "})
    assert response.status_code == 422 and "This field is required." in response.text
    too_long = admin.post(f"/catalog/insurers/{insurer_id}/api-keys", data={"label": "x" * 101})
    assert too_long.status_code == 422 and 'value="' + "x" * 101 in too_long.text
    with bound(tenant) as session:
        assert session.scalars(select(InsurerApiKey)).all() == []


def test_revoking_asks_for_confirmation_then_the_key_stops_working(admin, bound, tenant, insurer_id):
    key = create_key(admin, insurer_id)
    with bound(tenant) as session:
        key_id = session.scalars(select(InsurerApiKey.id)).one()
    page = admin.get(f"/catalog/insurers/{insurer_id}/api-keys")
    assert "Yes, revoke" in page.text and "<details" in page.text
    response = admin.post(f"/catalog/insurers/{insurer_id}/api-keys/{key_id}/revoke")
    assert response.status_code == 303
    listing = admin.get(response.headers["Location"])
    assert "is revoked" in listing.text and "Revoked" in listing.text
    assert admin.get(f"{BASE}/placements/PLC-000001", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    with bound(tenant) as session:
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "insurer_api_key")
                               .order_by(AuditEntry.id)).all() == ["insurer_api_key.create", "insurer_api_key.revoke"]


def test_a_key_is_revoked_only_through_its_own_insurer(admin, bound, tenant, insurer_id):
    create_key(admin, insurer_id)
    other_id = make_insurer(bound, tenant, name="Autre Assureur")
    with bound(tenant) as session:
        key_id = session.scalars(select(InsurerApiKey.id)).one()
    assert admin.post(f"/catalog/insurers/{other_id}/api-keys/{key_id}/revoke").status_code == 404
    assert admin.post(f"/catalog/insurers/{insurer_id}/api-keys/999/revoke").status_code == 404
    assert admin.get("/catalog/insurers/999/api-keys").status_code == 404
    with bound(tenant) as session:
        assert session.scalars(select(InsurerApiKey.revoked_at)).one() is None


@pytest.mark.parametrize("role", ["manager", "handler", "readonly"])
def test_only_admins_manage_keys(app, client_for, bound, tenant, insurer_id, role):
    client = role_client(app, tenant, client_for, role)
    assert client.get(f"/catalog/insurers/{insurer_id}/api-keys").status_code == 403
    assert client.post(f"/catalog/insurers/{insurer_id}/api-keys", data={"label": "x"}).status_code == 403
    with bound(tenant) as session:
        assert session.scalars(select(InsurerApiKey)).all() == []


def test_another_firm_cannot_see_or_revoke_this_firms_keys(admin, bound, tenant, insurer_id, make_tenant,
                                                            client_for):
    create_key(admin, insurer_id)
    with bound(tenant) as session:
        key_id = session.scalars(select(InsurerApiKey.id)).one()
    other = english_client(client_for, make_tenant("b"), "admin@example.fr")
    assert other.get(f"/catalog/insurers/{insurer_id}/api-keys").status_code == 404
    assert other.post(f"/catalog/insurers/{insurer_id}/api-keys/{key_id}/revoke").status_code == 404
    assert other.post(f"/catalog/insurers/{insurer_id}/api-keys", data={"label": "x"}).status_code == 404
    with bound(tenant) as session:
        assert session.scalars(select(InsurerApiKey.revoked_at)).one() is None


def test_the_insurer_page_links_to_its_keys_for_admins_only(admin, app, client_for, tenant, insurer_id):
    assert f"/catalog/insurers/{insurer_id}/api-keys" in admin.get(f"/catalog/insurers/{insurer_id}").text
    manager = role_client(app, tenant, client_for, "manager")
    assert f"/catalog/insurers/{insurer_id}/api-keys" not in manager.get(f"/catalog/insurers/{insurer_id}").text


def test_signed_out_visitors_are_sent_to_sign_in(client_for, tenant, insurer_id):
    response = client_for(tenant).get(f"/catalog/insurers/{insurer_id}/api-keys")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
