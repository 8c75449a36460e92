"""The insurer panel: insurers, placement channel and API secret, contacts,
commission agreements, tax rates; roles and tenant isolation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.catalog import insurers as panel
from app.catalog import products as offer
from app.catalog import services as catalog
from app.catalog.models import Insurer, LineSetting
from tests.conftest import add_user, sign_in

INSURER = {"name": "Mutuelle Alpha", "legal_name": "Mutuelle Alpha SA", "siren": "542 110 291",
           "placement_channel": "email", "placement_email": "placements@alpha.fr", "is_active": "y"}


def make_insurer(bound, tenant, **fields) -> int:
    with bound(tenant) as session:
        insurer = panel.create_insurer(session, None, **{"name": "Assur Bêta", "placement_channel": "email",
                                                         "placement_email": "p@beta.fr", **fields})
        session.commit()
        return insurer.id


def make_product(bound, tenant, insurer_id: int, **fields) -> int:
    with bound(tenant) as session:
        product = offer.create_product(session, None, insurer_id=insurer_id, line=fields.pop("line", "motor"),
                                       **{"code": "AUTO1", "name": "Auto Confort", "commission_rate": Decimal("12"),
                                          "payment_options": ["annual", "monthly"], **fields})
        session.commit()
        return product.id


def english_client(client_for, tenant, email: str):
    """A client signed in as ``email``, reading the English UI."""
    client = client_for(tenant)
    assert sign_in(client, email).status_code == 303
    assert client.post("/language", data={"language": "en"}).status_code == 303
    return client


def role_client(app, tenant, client_for, role: str):
    add_user(app, tenant, f"{role}@example.fr", role)
    return english_client(client_for, tenant, f"{role}@example.fr")


@pytest.fixture
def admin_client(client_for, tenant):
    return english_client(client_for, tenant, "admin@example.fr")


@pytest.fixture
def manager_client(app, tenant, client_for):
    return role_client(app, tenant, client_for, "manager")


def test_a_manager_adds_an_insurer_and_sees_it_listed(manager_client, bound, tenant):
    response = manager_client.post("/catalog/insurers/new", data=INSURER)
    assert response.status_code == 303
    page = manager_client.get(response.headers["Location"])
    assert page.status_code == 200 and "Mutuelle Alpha SA" in page.text and "542110291" in page.text
    listing = manager_client.get("/catalog/insurers")
    assert "Mutuelle Alpha" in listing.text
    with bound(tenant) as session:
        insurer = session.scalars(select(Insurer)).one()
        assert insurer.siren == "542110291"
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "insurer")).all() == [
            "insurer.create"]


def test_the_list_shows_product_counts_and_channel(admin_client, bound, tenant):
    insurer_id = make_insurer(bound, tenant)
    make_product(bound, tenant, insurer_id)
    make_product(bound, tenant, insurer_id, code="AUTO2", name="Auto Essentielle")
    page = admin_client.get("/catalog/insurers")
    assert 'class="text-end">2</td>' in page.text
    assert "Email" in page.text


def test_the_empty_panel_says_so(admin_client):
    assert "No insurer in the panel yet." in admin_client.get("/catalog/insurers").text


@pytest.mark.parametrize("changes, field_message", [
    ({"name": ""}, "This field is required."),
    ({"siren": "542110292"}, "This SIREN is not valid"),
    ({"placement_email": ""}, "Placements by email need the insurer&#39;s placement address."),
    ({"placement_channel": "api", "api_endpoint": "http://insurer.example/api"}, "must use https"),
    ({"placement_channel": "api", "api_endpoint": ""}, "Placements by API need the insurer&#39;s endpoint."),
    ({"website": "not a url"}, "Give a full address"),
])
def test_invalid_insurers_are_refused_next_to_the_field_keeping_the_input(admin_client, bound, tenant, changes,
                                                                         field_message):
    response = admin_client.post("/catalog/insurers/new", data={**INSURER, **changes})
    assert response.status_code == 422
    assert field_message in response.text
    assert "Mutuelle Alpha SA" in response.text, "what was typed is kept"
    with bound(tenant) as session:
        assert session.scalars(select(Insurer)).all() == []


def test_a_duplicate_name_is_refused(admin_client, bound, tenant):
    make_insurer(bound, tenant, name="Mutuelle Alpha")
    response = admin_client.post("/catalog/insurers/new", data=INSURER)
    assert response.status_code == 422 and "Another insurer of the panel has this name." in response.text


def test_api_channel_gets_a_secret_shown_masked_and_regenerable(admin_client, bound, tenant):
    data = {**INSURER, "placement_channel": "api", "api_endpoint": "https://api.alpha.fr/placements"}
    location = admin_client.post("/catalog/insurers/new", data=data).headers["Location"]
    with bound(tenant) as session:
        secret = session.scalars(select(Insurer.api_secret)).one()
    assert secret and len(secret) >= 32
    page = admin_client.get(location).text
    assert secret not in page and "••••••••" + secret[-4:] in page
    assert secret in admin_client.get(location + "/secret").text
    assert admin_client.post(location + "/secret").status_code == 303
    with bound(tenant) as session:
        assert session.scalars(select(Insurer.api_secret)).one() != secret


def test_http_endpoint_is_allowed_for_localhost_only(admin_client):
    data = {**INSURER, "placement_channel": "api", "api_endpoint": "http://localhost:8055/placements"}
    assert admin_client.post("/catalog/insurers/new", data=data).status_code == 303


def test_edit_keeps_the_secret_unless_one_is_typed(admin_client, bound, tenant):
    insurer_id = make_insurer(bound, tenant, placement_channel="api", api_endpoint="https://api.beta.fr")
    with bound(tenant) as session:
        insurer = session.get(Insurer, insurer_id)
        secret, version = insurer.api_secret, insurer.version
    form = admin_client.get(f"/catalog/insurers/{insurer_id}/edit")
    assert form.status_code == 200 and secret not in form.text
    data = {"name": "Assur Bêta", "placement_channel": "api", "api_endpoint": "https://api.beta.fr/v2",
            "version": version, "api_secret": ""}
    assert admin_client.post(f"/catalog/insurers/{insurer_id}/edit", data=data).status_code == 303
    with bound(tenant) as session:
        insurer = session.get(Insurer, insurer_id)
        assert (insurer.api_endpoint, insurer.api_secret) == ("https://api.beta.fr/v2", secret)


def test_a_stale_edit_is_refused(admin_client, bound, tenant):
    insurer_id = make_insurer(bound, tenant)
    data = {**INSURER, "name": "Assur Bêta", "version": 1}
    assert admin_client.post(f"/catalog/insurers/{insurer_id}/edit", data={**data, "city": "Lyon"}).status_code == 303
    response = admin_client.post(f"/catalog/insurers/{insurer_id}/edit", data={**data, "city": "Nantes"})
    assert response.status_code == 409
    assert "Someone changed this record meanwhile" in response.text
    with bound(tenant) as session:
        assert session.get(Insurer, insurer_id).city == "Lyon"


def test_contacts_are_added_and_removed(admin_client, bound, tenant):
    insurer_id = make_insurer(bound, tenant)
    url = f"/catalog/insurers/{insurer_id}"
    assert admin_client.post(url + "/contacts", data={"name": "Jeanne Dupuis", "role": "Underwriter",
                                                      "email": "jd@beta.fr"}).status_code == 303
    assert admin_client.post(url + "/contacts", data={"name": "Paul Roche", "role": "Claims"}).status_code == 303
    bad = admin_client.post(url + "/contacts", data={"name": "", "email": "nope"})
    assert bad.status_code == 422 and "Invalid email address." in bad.text
    page = admin_client.get(url).text
    assert "Jeanne Dupuis" in page and "Paul Roche" in page
    with bound(tenant) as session:
        contact_id = session.get(Insurer, insurer_id).contacts[0].id
    assert admin_client.post(f"{url}/contacts/{contact_id}/delete").status_code == 303
    assert "Jeanne Dupuis" not in admin_client.get(url).text


AGREEMENT = {"line": "motor", "new_business_rate": "15,5", "renewal_rate": "10", "starts_on": "2025-01-01",
             "ends_on": "2025-12-31"}


def test_agreements_must_not_overlap_for_the_same_line(admin_client, bound, tenant):
    insurer_id = make_insurer(bound, tenant)
    url = f"/catalog/insurers/{insurer_id}/agreements"
    assert admin_client.post(url, data=AGREEMENT).status_code == 303
    overlap = admin_client.post(url, data={**AGREEMENT, "starts_on": "2025-12-31", "ends_on": ""})
    assert overlap.status_code == 422 and "Another agreement of this insurer covers this line" in overlap.text
    assert admin_client.post(url, data={**AGREEMENT, "starts_on": "2026-01-01", "ends_on": ""}).status_code == 303
    assert admin_client.post(url, data={**AGREEMENT, "line": "home"}).status_code == 303
    assert admin_client.post(url, data={**AGREEMENT, "line": ""}).status_code == 303


@pytest.mark.parametrize("changes, message", [
    ({"new_business_rate": "101"}, "Give a percentage between 0 and 100."),
    ({"renewal_rate": "-1"}, "Give a percentage between 0 and 100."),
    ({"renewal_rate": "ten"}, "Not a valid decimal value."),
    ({"ends_on": "2024-12-31"}, "The end date must be after the start date."),
    ({"starts_on": "31/31/2025"}, "Not a valid date value."),
])
def test_invalid_agreements_are_refused(admin_client, bound, tenant, changes, message):
    insurer_id = make_insurer(bound, tenant)
    response = admin_client.post(f"/catalog/insurers/{insurer_id}/agreements", data={**AGREEMENT, **changes})
    assert response.status_code == 422 and message in response.text


def test_commission_rate_prefers_the_line_agreement_then_all_lines_then_the_product(app, bound, tenant):
    insurer_id = make_insurer(bound, tenant)
    product_id = make_product(bound, tenant, insurer_id)
    with bound(tenant) as session:
        product = catalog.get_product(session, product_id)
        assert catalog.commission_rate(session, product, date(2025, 3, 1)) == Decimal("12.00")
        panel.add_agreement(session, None, insurer_id, line=None, new_business_rate=Decimal("14"),
                            renewal_rate=Decimal("8"), starts_on=date(2025, 1, 1))
        assert catalog.commission_rate(session, product, date(2025, 3, 1)) == Decimal("14")
        panel.add_agreement(session, None, insurer_id, line="motor", new_business_rate=Decimal("16"),
                            renewal_rate=Decimal("9"), starts_on=date(2025, 1, 1), ends_on=date(2025, 6, 30))
        assert catalog.commission_rate(session, product, date(2025, 6, 30)) == Decimal("16")
        assert catalog.commission_rate(session, product, date(2025, 7, 1)) == Decimal("14")
        assert catalog.commission_rate(session, product, date(2024, 7, 1)) == Decimal("12.00")


def test_an_insurer_with_products_cannot_be_deleted(admin_client, bound, tenant):
    insurer_id = make_insurer(bound, tenant)
    product_id = make_product(bound, tenant, insurer_id)
    confirm = admin_client.get(f"/catalog/insurers/{insurer_id}/delete")
    assert confirm.status_code == 200 and "Delete Assur Bêta?" in confirm.text
    response = admin_client.post(f"/catalog/insurers/{insurer_id}/delete", follow_redirects=True)
    assert "This insurer has products" in response.text
    assert admin_client.post(f"/catalog/products/{product_id}/delete").status_code == 303
    assert admin_client.post(f"/catalog/insurers/{insurer_id}/delete").status_code == 303
    assert admin_client.get(f"/catalog/insurers/{insurer_id}").status_code == 404


def test_tax_rates_default_to_article_1001_and_the_firm_may_change_them(admin_client, bound, tenant):
    page = admin_client.get("/catalog/taxes")
    assert page.status_code == 200 and "Art. 1001 CGI" in page.text
    rates = {f"rate_{line}": "" for line in ("motor", "home", "rc_pro", "multirisk", "decennial", "health",
                                                   "protection", "cyber")}
    assert admin_client.post("/catalog/taxes", data={**rates, "rate_health": "14,5"}).status_code == 303
    with bound(tenant) as session:
        assert catalog.tax_rate(session, "health") == Decimal("14.50")
        assert catalog.tax_rate(session, "motor") == Decimal("18.00")
    bad = admin_client.post("/catalog/taxes", data={**rates, "rate_motor": "120"})
    assert bad.status_code == 422 and "Give a percentage between 0 and 100." in bad.text
    assert admin_client.post("/catalog/taxes", data={**rates, "rate_health": "14,5", "reset": "health"}).status_code == 303
    with bound(tenant) as session:
        assert catalog.tax_rate(session, "health") == Decimal("13.27")
        assert [s.tax_rate for s in session.scalars(select(LineSetting))] == [Decimal("13.27")]


@pytest.mark.parametrize("role", ["handler", "readonly"])
def test_handlers_and_readers_see_the_catalog_but_cannot_change_it(app, bound, tenant, client_for, role):
    insurer_id = make_insurer(bound, tenant)
    client = role_client(app, tenant, client_for, role)
    assert client.get("/catalog/insurers").status_code == 200
    page = client.get(f"/catalog/insurers/{insurer_id}")
    assert page.status_code == 200 and "Add a contact" not in page.text
    assert client.get("/catalog/taxes").status_code == 200
    for url, data in [("/catalog/insurers/new", INSURER), (f"/catalog/insurers/{insurer_id}/edit", INSURER),
                      (f"/catalog/insurers/{insurer_id}/delete", {}), (f"/catalog/insurers/{insurer_id}/secret", {}),
                      (f"/catalog/insurers/{insurer_id}/contacts", {"name": "X"}),
                      (f"/catalog/insurers/{insurer_id}/agreements", AGREEMENT),
                      ("/catalog/taxes", {"rate_motor": "10"})]:
        assert client.post(url, data=data).status_code == 403, url
    assert client.get("/catalog/insurers/new").status_code == 403
    assert client.get(f"/catalog/insurers/{insurer_id}/secret").status_code == 403


def test_another_tenant_cannot_read_or_change_this_tenant_s_insurers(app, bound, make_tenant, client_for):
    alpha, bravo = make_tenant("a"), make_tenant("b")
    make_insurer(bound, alpha, name="Un")
    make_insurer(bound, alpha, name="Deux")
    insurer_id = make_insurer(bound, alpha, name="Seulement Alpha")
    make_insurer(bound, bravo, name="Seulement Bravo")
    with bound(alpha) as session:
        contact = panel.add_contact(session, None, insurer_id, name="Jeanne")
        agreement = panel.add_agreement(session, None, insurer_id, line=None, new_business_rate=Decimal(10),
                                        renewal_rate=Decimal(5), starts_on=date(2025, 1, 1))
        session.commit()
        contact_id, agreement_id = contact.id, agreement.id
    client_b = client_for(bravo)
    assert sign_in(client_b, "admin@example.fr").status_code == 303
    assert "Seulement Alpha" not in client_b.get("/catalog/insurers").text
    for url in [f"/catalog/insurers/{insurer_id}", f"/catalog/insurers/{insurer_id}/edit",
                f"/catalog/insurers/{insurer_id}/secret", f"/catalog/insurers/{insurer_id}/delete"]:
        assert client_b.get(url).status_code == 404, url
    with bound(bravo) as session:
        bravo_id = session.scalars(select(Insurer.id)).one()
    for url in [f"/catalog/insurers/{bravo_id}/contacts/{contact_id}/delete",
                f"/catalog/insurers/{bravo_id}/agreements/{agreement_id}/delete",
                f"/catalog/insurers/{insurer_id}/delete", f"/catalog/insurers/{insurer_id}/contacts",
                f"/catalog/insurers/{insurer_id}/edit", f"/catalog/insurers/{insurer_id}/secret",
                f"/catalog/insurers/{insurer_id}/agreements"]:
        assert client_b.post(url, data={"name": "X"}).status_code == 404, url
    with bound(alpha) as session:
        insurer = session.get(Insurer, insurer_id)
        assert [c.id for c in insurer.contacts] == [contact_id] and [a.id for a in insurer.agreements] == [agreement_id]
