"""The client list and file: search, filters, sort, pages, create with duplicate
warning, edit with stale-version refusal, the 360 page, roles and tenants."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.crm import services
from app.crm.models import Client
from tests.conftest import add_user, sign_in

VALID_SIREN = "732829320"
VALID_SIRET = "73282932000074"


@pytest.fixture
def admin_client(admin_client):
    """The firm's admin, reading English (the messages checked here)."""
    assert admin_client.post("/language", data={"language": "en"}).status_code == 303
    return admin_client


def make_client(bound, tenant, **values) -> int:
    """Create a client in ``tenant`` through the service; return its id."""
    values = {"kind": "individual", "last_name": "Dupont", "first_name": "Jean"} | values
    with bound(tenant) as session:
        client = services.create(session, None, values)
        session.commit()
        return client.id


def individual_form(**values) -> dict:
    return {"kind": "individual", "status": "prospect", "last_name": "Durand", "first_name": "Léa",
            "country": "FR", "handler_id": ""} | values


def business_form(**values) -> dict:
    return {"kind": "business", "status": "prospect", "legal_name": "Boulangerie du Port", "country": "FR",
            "handler_id": ""} | values


def client_names(response) -> list[str]:
    return re.findall(r'<a href="/clients/\d+">([^<]+)</a>', response.text)


def signed_in_as(client_for, tenant, app, role: str):
    email = f"{role}@example.fr"
    add_user(app, tenant, email, role)
    client = client_for(tenant)
    assert sign_in(client, email).status_code == 303
    client.post("/language", data={"language": "en"})
    return client


# --- list ---------------------------------------------------------------------

def test_empty_list_says_so(admin_client):
    response = admin_client.get("/clients")
    assert response.status_code == 200
    assert 'data-testid="client-empty"' in response.text


def test_search_ignores_accents_and_case_and_matches_prefixes(admin_client, bound, tenant):
    make_client(bound, tenant, first_name="Éléonore", last_name="Dupont-Lefèvre")
    make_client(bound, tenant, first_name="Marc", last_name="Martin", city="Lyon")
    for typed in ("eleonore", "LEFEV", "dupont lef", "ÉLÉO"):
        assert client_names(admin_client.get("/clients", query_string={"q": typed})) == ["Dupont-Lefèvre Éléonore"], typed
    assert client_names(admin_client.get("/clients", query_string={"q": "lyo"})) == ["Martin Marc"]
    assert client_names(admin_client.get("/clients", query_string={"q": "a'|&!:*("})) == []


def test_search_finds_by_phone_email_siren_and_reference(admin_client, bound, tenant):
    client_id = make_client(bound, tenant, kind="business", legal_name="ACME", siren=VALID_SIREN,
                            phone="01 23 45 67 89", email="contact@acme.fr")
    with bound(tenant) as session:
        reference = session.get(Client, client_id).reference
    for typed in ("01 23 45", "contact@acme", VALID_SIREN[:6], reference, reference[-3:].lstrip("0") or reference):
        assert client_names(admin_client.get("/clients", query_string={"q": typed})) == ["ACME"], typed


def test_htmx_search_answers_only_the_results_partial(admin_client, bound, tenant):
    make_client(bound, tenant)
    response = admin_client.get("/clients?q=dup", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="client-results">')
    assert "<html" not in response.text
    assert "<html" in admin_client.get("/clients?q=dup").text


def test_filters_by_kind_status_handler_and_city(app, admin_client, bound, tenant):
    handler_id = add_user(app, tenant, "handler@example.fr", "handler")
    make_client(bound, tenant, last_name="Alpha", city="Lyon")
    make_client(bound, tenant, kind="business", legal_name="Beta SAS", city="Paris", status="customer")
    with bound(tenant) as session:
        services.create(session, None, {"kind": "individual", "last_name": "Gamma", "city": "lyon"},
                        handler_id=handler_id)
        session.commit()
    assert client_names(admin_client.get("/clients?kind=business")) == ["Beta SAS"]
    assert client_names(admin_client.get("/clients?status=customer")) == ["Beta SAS"]
    assert client_names(admin_client.get(f"/clients?handler={handler_id}")) == ["Gamma"]
    assert client_names(admin_client.get("/clients?city=Lyon")) == ["Alpha Jean", "Gamma"]
    assert admin_client.get("/clients?kind=nonsense&handler=x&page=-3").status_code == 200


def test_sorts_by_name_city_and_creation_both_ways(admin_client, bound, tenant):
    make_client(bound, tenant, last_name="Zola", first_name="Émile", city="Aix")
    make_client(bound, tenant, last_name="Éluard", first_name="Paul", city="Saint-Denis")
    make_client(bound, tenant, last_name="Camus", first_name="Albert", city="Mondovi")
    assert client_names(admin_client.get("/clients")) == ["Camus Albert", "Éluard Paul", "Zola Émile"]
    assert client_names(admin_client.get("/clients?sort=name&dir=desc")) == ["Zola Émile", "Éluard Paul", "Camus Albert"]
    assert client_names(admin_client.get("/clients?sort=city")) == ["Zola Émile", "Camus Albert", "Éluard Paul"]
    assert client_names(admin_client.get("/clients?sort=created&dir=desc"))[0] == "Camus Albert"


def test_pages_of_fifty_keep_the_filters(admin_client, bound, tenant):
    with bound(tenant) as session:
        for number in range(55):
            services.create(session, None, {"kind": "individual", "last_name": f"Nom{number:02d}", "city": "Nice"})
        services.create(session, None, {"kind": "individual", "last_name": "Ailleurs", "city": "Brest"})
        session.commit()
    first = admin_client.get("/clients?city=Nice")
    assert len(client_names(first)) == 50
    assert "city=Nice&amp;page=2" in first.text
    second = admin_client.get("/clients?city=Nice&page=2")
    assert client_names(second) == [f"Nom{number}" for number in range(50, 55)]


# --- create and edit -------------------------------------------------------------

def test_create_an_individual_and_a_business(admin_client, bound, tenant):
    response = admin_client.post("/clients/new", data=individual_form(birth_date="1985-04-12", email="lea@ex.fr"))
    assert response.status_code == 303
    response = admin_client.post("/clients/new", data=business_form(
        siren="732 829 320", siret=VALID_SIRET, naf_code="1071c", turnover="125 000,50", headcount="4"))
    assert response.status_code == 303
    with bound(tenant) as session:
        person, company = session.scalars(select(Client).order_by(Client.id)).all()
        assert person.display_name == "Durand Léa" and person.reference == f"CLI-{person.id:06d}"
        assert (company.siren, company.naf_code, str(company.turnover)) == (VALID_SIREN, "10.71C", "125000.50")
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "client.create")) is not None


@pytest.mark.parametrize("values, message", [
    (individual_form(last_name=""), "This field is required."),
    (individual_form(email="lea@"), "This email address is not valid."),
    (individual_form(postal_code="750"), "A French postal code has 5 digits."),
    (individual_form(birth_date="2999-01-01"), "The birth date must be in the past."),
    (business_form(siren="123456789"), "This SIREN number is not valid"),
    (business_form(siren=VALID_SIREN, siret="55210055400013"), "The SIRET must start with the SIREN."),
    (business_form(naf_code="62-01"), "A NAF code looks like 62.01Z."),
    (business_form(turnover="-5"), "Enter a number of 0 or more."),
    (business_form(turnover="lots"), "Enter a number, such as 12500.50."),
    (business_form(headcount="-1"), "Enter a number of 0 or more."),
    (individual_form(payer_reference="CLI-999999"), "This payer does not exist."),
])
def test_a_wrong_field_is_refused_next_to_it_keeping_what_was_typed(admin_client, values, message):
    response = admin_client.post("/clients/new", data=values | {"city": "Quimper"})
    assert response.status_code == 422
    assert message in response.text
    assert 'value="Quimper"' in response.text


def test_a_probable_duplicate_asks_for_confirmation(admin_client, bound, tenant):
    existing = make_client(bound, tenant, last_name="Lefèvre", first_name="Éric", birth_date=date(1980, 1, 2))
    form = individual_form(last_name="LEFEVRE", first_name="eric", birth_date="1980-01-02")
    response = admin_client.post("/clients/new", data=form)
    assert response.status_code == 422
    assert 'data-testid="duplicates"' in response.text and f'href="/clients/{existing}"' in response.text
    assert admin_client.post("/clients/new", data=form | {"confirm_duplicate": "y"}).status_code == 303
    with bound(tenant) as session:
        assert len(session.scalars(select(Client)).all()) == 2


def test_a_business_with_a_known_siren_is_a_probable_duplicate(admin_client, bound, tenant):
    make_client(bound, tenant, kind="business", legal_name="ACME", siren=VALID_SIREN)
    response = admin_client.post("/clients/new", data=business_form(siren=VALID_SIREN))
    assert response.status_code == 422 and "ACME" in response.text


def test_edit_changes_the_file_and_refuses_a_stale_version(admin_client, bound, tenant):
    payer = make_client(bound, tenant, last_name="Parent")
    client_id = make_client(bound, tenant)
    with bound(tenant) as session:
        payer_reference = session.get(Client, payer).reference
    page = admin_client.get(f"/clients/{client_id}/edit")
    assert page.status_code == 200 and 'name="version" type="hidden" value="1"' in page.text
    form = individual_form(last_name="Dupond", version="1", payer_reference=payer_reference.lower())
    assert admin_client.post(f"/clients/{client_id}/edit", data=form).status_code == 303
    stale = admin_client.post(f"/clients/{client_id}/edit", data=form | {"last_name": "Other"})
    assert stale.status_code == 409
    assert "Someone changed this client meanwhile" in stale.text
    with bound(tenant) as session:
        client = session.get(Client, client_id)
        assert (client.last_name, client.payer_id, client.version) == ("Dupond", payer, 2)
        assert client_names_found(session, "dupond") == [client_id]
    page = admin_client.get(f"/clients/{client_id}")
    assert "Parent Jean" in page.text


def client_names_found(session, typed):
    return [client.id for client in session.scalars(services.filtered(services.ClientFilters(q=typed)))]


def test_a_client_cannot_pay_for_itself(admin_client, bound, tenant):
    client_id = make_client(bound, tenant)
    with bound(tenant) as session:
        reference = session.get(Client, client_id).reference
    response = admin_client.post(f"/clients/{client_id}/edit", data=individual_form(version="1", payer_reference=reference))
    assert response.status_code == 422 and "A client cannot be its own payer." in response.text


# --- the 360 page ------------------------------------------------------------------

def test_the_client_page_shows_every_section(admin_client, bound, tenant):
    client_id = make_client(bound, tenant, kind="business", legal_name="ACME", headcount=3)
    page = admin_client.get(f"/clients/{client_id}")
    assert page.status_code == 200
    for section in ('id="identity"', 'id="contacts"', 'id="aml"', 'id="suggestions"', 'id="consent"',
                    'id="documents"', 'id="tasks"', 'id="timeline"'):
        assert section in page.text, section
    assert admin_client.get("/clients/999999").status_code == 404


# --- roles and tenants -----------------------------------------------------------

def client_routes(client_id: int) -> list[tuple[str, str]]:
    base = f"/clients/{client_id}"
    return [
        ("GET", base), ("GET", f"{base}/edit"), ("POST", f"{base}/edit"), ("POST", f"{base}/contacts"),
        ("POST", f"{base}/interactions"), ("POST", f"{base}/tasks"), ("POST", f"{base}/aml"),
        ("POST", f"{base}/consent"), ("POST", f"{base}/held-elsewhere"),
        ("POST", f"{base}/suggestions/individual_health/dismiss"), ("GET", f"{base}/documents"),
        ("POST", f"{base}/documents"),
    ]


def test_another_firms_admin_gets_404_on_this_firms_client(make_tenant, bound, client_for):
    alpha, bravo = make_tenant("a"), make_tenant("b")
    alpha_client = make_client(bound, alpha, last_name="Secret")
    make_client(bound, bravo, last_name="Other")
    bravo_admin = client_for(bravo)
    assert sign_in(bravo_admin, "admin@example.fr").status_code == 303
    for method, path in client_routes(alpha_client + 1000):
        assert bravo_admin.open(path, method=method).status_code == 404, (method, path)
    listing = bravo_admin.get("/clients?q=secret")
    assert "Secret" not in listing.text


def test_a_read_only_colleague_reads_but_cannot_change_anything(app, client_for, bound, tenant):
    client_id = make_client(bound, tenant)
    reader = signed_in_as(client_for, tenant, app, "readonly")
    assert reader.get("/clients").status_code == 200
    assert reader.get(f"/clients/{client_id}").status_code == 200
    assert "Edit the file" not in reader.get(f"/clients/{client_id}").text
    posts = [path for method, path in client_routes(client_id) if method == "POST"]
    posts += ["/clients/new", "/clients/import", f"/clients/{client_id}/tasks/1/done",
              f"/clients/{client_id}/contacts/1", f"/clients/{client_id}/contacts/1/remove", "/documents/1/delete",
              "/clients/import/some-token"]
    for path in posts:
        assert reader.post(path, data={}).status_code == 403, path
