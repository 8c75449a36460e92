"""A broker firm signs up on the bare domain and lands in its own workspace."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.models import User
from tests.conftest import unique_slug

VALID = {
    "firm_name": "Cabinet Durand Assurances",
    "siren": "732 829 320",
    "orias": "07 000 123",
    "admin_name": "Hélène Durand",
    "email": "helene@durand-assurances.fr",
    "password": "un long mot de passe",
    "confirm": "un long mot de passe",
}


@pytest.fixture
def signup(app, platform_client, make_tenant):
    def submit(**changes):
        data = {**VALID, "slug": unique_slug("firm"), **changes}
        response = platform_client.post("/signup", data=data)
        if response.status_code == 303:
            make_tenant.created.append(data["slug"])
        return data, response

    return submit


def test_sign_up_creates_the_firm_and_signs_the_founder_in(app, signup, client_for, mailbox, jobs, bound):
    from app.extensions import db
    from tenants.provisioning import get_tenant

    data, response = signup()
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith(f"http://{data['slug']}.localhost/welcome/")

    with app.app_context():
        tenant = get_tenant(db.engine, data["slug"])
    assert tenant.name == "Cabinet Durand Assurances"
    assert tenant.settings == {"siren": "732829320", "orias": "07000123"}

    client = client_for(tenant)
    welcome_path = location.split(".localhost", 1)[1]
    assert client.get(welcome_path).status_code == 303
    dashboard = client.get("/")
    assert dashboard.status_code == 200 and "Hélène Durand" in dashboard.text
    assert client_for(tenant).get(welcome_path).status_code == 410, "the hand-off link works once"

    with bound(tenant) as session:
        admin = session.scalars(select(User)).one()
        assert (admin.email, admin.role) == ("helene@durand-assurances.fr", "admin")
    jobs()
    assert "Cabinet Durand Assurances" in mailbox.text(mailbox.to("helene@durand-assurances.fr")[0])


@pytest.mark.parametrize(
    "field, value",
    [
        ("slug", "Bad Slug"),
        ("slug", "www"),
        ("slug", "-edge"),
        ("siren", "123456789"),
        ("orias", "1234"),
        ("email", "not-an-email"),
        ("password", "short"),
        ("confirm", "something else entirely"),
        ("firm_name", ""),
    ],
)
def test_invalid_sign_up_is_refused_next_to_the_field_and_keeps_what_was_typed(signup, field, value):
    data, response = signup(**{field: value})
    assert response.status_code == 200
    assert "is-invalid" in response.text
    assert "Hélène Durand" in response.text, "what was typed is kept"


def test_a_taken_slug_is_refused(signup):
    data, first = signup()
    assert first.status_code == 303
    _, second = signup(slug=data["slug"])
    assert second.status_code == 200
    assert "is-invalid" in second.text


def test_a_too_weak_password_creates_nothing(app, signup):
    from app.extensions import db
    from tenants.provisioning import list_tenants

    with app.app_context():
        before = len(list_tenants(db.engine))
    _, response = signup(password="aaaaaaaaaaaa", confirm="aaaaaaaaaaaa")
    assert response.status_code == 200
    with app.app_context():
        assert len(list_tenants(db.engine)) == before
