"""The providers' directory: creating, editing (a stale edit refused),
deactivating and reactivating (managers and admins only) providers; the
list's filters, pages and CSV/XLSX export; bad input shown next to its
field and kept; read-only staff look, never write; another firm gets 404
on every id."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.providers import services
from app.providers.models import Provider
from tests.conftest import add_user, sign_in
from tests.integration.test_contracts import other_firm_client, readonly_client  # noqa: F401

EXPERT = {"kind": "expert", "name": "Cabinet Delorme Expertises", "contact_name": "Thierry Delorme",
          "email": "missions@delorme.example", "phone": "01 45 22 18 90", "address": "27 rue de Rome\n75008 Paris",
          "siren": "812345676", "specialties": ["home", "multirisk"], "areas": "75, 92, 2a", "notes": ""}


def make_provider(bound, tenant, **values) -> int:
    with bound(tenant) as session:
        provider = services.create(session, None, EXPERT | values)
        session.commit()
        return provider.id


@pytest.fixture
def handler_client(app, tenant, client_for):
    add_user(app, tenant, "handler@example.fr", "handler")
    client = client_for(tenant)
    assert sign_in(client, "handler@example.fr").status_code == 303
    return client


def test_a_handler_adds_a_provider_then_edits_it(handler_client, bound, tenant):
    assert handler_client.get("/providers/new?kind=garage").status_code == 200
    created = handler_client.post("/providers/new", data=EXPERT)
    assert created.status_code == 303
    with bound(tenant) as session:
        provider = session.scalar(select(Provider))
        assert (provider.siren, provider.areas, provider.specialties) == ("812345676", ["2A", "75", "92"],
                                                                          ["home", "multirisk"])
        assert provider.is_active and provider.notes is None
        provider_id, version = provider.id, provider.version
    assert created.headers["Location"].endswith(f"/providers/{provider_id}")
    page = handler_client.get(f"/providers/{provider_id}")
    assert page.status_code == 200 and "Cabinet Delorme Expertises" in page.text and "2A, 75, 92" in page.text
    assert "No mission yet" in page.text and "No payment to this provider" in page.text
    form = handler_client.get(f"/providers/{provider_id}/edit")
    assert form.status_code == 200 and 'value="2A, 75, 92"' in form.text
    edited = handler_client.post(f"/providers/{provider_id}/edit",
                                 data=EXPERT | {"name": "Delorme & Associés", "areas": "69", "version": version})
    assert edited.status_code == 303
    stale = handler_client.post(f"/providers/{provider_id}/edit",
                                data=EXPERT | {"name": "Delorme Expertises SAS", "version": version})
    assert stale.status_code == 409 and "changed this provider meanwhile" in stale.text
    assert "Delorme Expertises SAS" in stale.text                       # what was typed is kept
    with bound(tenant) as session:
        provider = session.get(Provider, provider_id)
        assert (provider.name, provider.areas, provider.version) == ("Delorme & Associés", ["69"], version + 1)


def test_bad_input_is_shown_next_to_its_field_and_kept(admin_client, bound, tenant):
    response = admin_client.post("/providers/new", data=EXPERT | {
        "siren": "812345677", "areas": "75, 20, 99", "email": "delorme-at-example", "phone": "call me",
        "kind": "wizard", "specialties": ["home", "magic"]})
    assert response.status_code == 422
    for message in ("This SIREN is not valid", "Enter French département codes", "Enter a valid email address",
                    "Enter a phone number", "Choose one of the proposed values"):
        assert message in response.text
    assert 'value="75, 20, 99"' in response.text and 'value="delorme-at-example"' in response.text
    assert 'value="812345677"' in response.text
    blank = admin_client.post("/providers/new", data=EXPERT | {"name": " ", "email": ""})
    assert blank.status_code == 422 and "This field is required" in blank.text
    assert "An expert needs an email address" in blank.text
    too_long = admin_client.post("/providers/new", data=EXPERT | {"name": "x" * 201})
    assert too_long.status_code == 422
    with bound(tenant) as session:
        assert session.scalar(select(Provider)) is None


def test_the_list_filters_pages_and_searches(admin_client, bound, tenant):
    make_provider(bound, tenant)
    make_provider(bound, tenant, kind="garage", name="Garage du Parc", email="", specialties=["bodywork"],
                  areas="92", siren="833071525")
    make_provider(bound, tenant, kind="lawyer", name="Maître Carpentier", email="cabinet@carpentier.example",
                  specialties=["insurance_law"], areas="75", siren="")
    retired = make_provider(bound, tenant, name="Expert Retraité", email="old@expert.example", areas="69")
    with bound(tenant) as session:
        services.set_active(session, None, session.get(Provider, retired), False, version=1)
        session.commit()

    def names(query: str) -> list[str]:
        response = admin_client.get("/providers" + query)
        assert response.status_code == 200
        return [name for name in ("Cabinet Delorme", "Garage du Parc", "Maître Carpentier", "Expert Retraité")
                if name in response.text]

    assert names("") == ["Cabinet Delorme", "Garage du Parc", "Maître Carpentier"]
    assert names("?kind=garage") == ["Garage du Parc"]
    assert names("?specialty=home") == ["Cabinet Delorme"]
    assert names("?area=2a") == ["Cabinet Delorme"]
    assert names("?area=92") == ["Cabinet Delorme", "Garage du Parc"]
    assert names("?active=inactive") == ["Expert Retraité"]
    assert names("?active=all&area=69") == ["Expert Retraité"]
    assert names("?q=carpentier") == ["Maître Carpentier"]
    assert names("?q=812345676") == ["Cabinet Delorme"]
    assert names("?q=100%25") == []
    empty = admin_client.get("/providers?kind=expert&area=2B")
    assert "No provider matches these criteria" in empty.text
    fragment = admin_client.get("/providers?kind=garage", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text and "Garage du Parc" in fragment.text
    assert admin_client.get("/providers?kind=nope&area=zz&active=maybe&page=-3").status_code == 200


def test_the_list_has_pages(admin_client, bound, tenant):
    with bound(tenant) as session:
        for number in range(55):
            services.create(session, None, EXPERT | {"name": f"Expert {number:02d}"})
        session.commit()
    first = admin_client.get("/providers")
    assert "55 providers" in first.text and "Expert 49" in first.text and "Expert 50" not in first.text
    assert "Page 1 of 2" in first.text
    second = admin_client.get("/providers?page=2")
    assert "Expert 50" in second.text and "Expert 49" not in second.text


def test_the_filtered_list_exports_to_csv_and_xlsx(admin_client, bound, tenant):
    make_provider(bound, tenant)
    make_provider(bound, tenant, kind="garage", name="Garage du Parc", email="", specialties=["bodywork"], areas="92")
    csv = admin_client.get("/providers/export.csv?kind=expert")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    text = csv.data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("kind;name;contact_name;email")
    assert "Cabinet Delorme Expertises" in text and "2A, 75, 92" in text and "Garage du Parc" not in text
    xlsx = admin_client.get("/providers/export.xlsx")
    assert xlsx.status_code == 200
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    assert len(rows) == 3 and {row[1] for row in rows[1:]} == {"Cabinet Delorme Expertises", "Garage du Parc"}
    assert admin_client.get("/providers/export.pdf").status_code == 404


def test_only_managers_and_admins_deactivate_with_a_current_version(admin_client, handler_client, bound, tenant):
    provider_id = make_provider(bound, tenant)
    assert handler_client.post(f"/providers/{provider_id}/deactivate", data={"version": 1}).status_code == 403
    assert 'data-testid="toggle-active"' not in handler_client.get(f"/providers/{provider_id}").text
    assert 'data-testid="toggle-active"' in admin_client.get(f"/providers/{provider_id}").text
    assert admin_client.post(f"/providers/{provider_id}/deactivate", data={"version": 1}).status_code == 303
    assert "0 providers" in admin_client.get("/providers").text
    stale = admin_client.post(f"/providers/{provider_id}/reactivate", data={"version": 1})
    assert stale.status_code == 409 and "changed this provider meanwhile" in stale.text
    assert admin_client.post(f"/providers/{provider_id}/reactivate", data={"version": 2}).status_code == 303
    with bound(tenant) as session:
        assert session.get(Provider, provider_id).is_active


def test_readonly_staff_look_but_cannot_write(readonly_client, bound, tenant):
    provider_id = make_provider(bound, tenant)
    assert readonly_client.get("/providers").status_code == 200
    assert readonly_client.get(f"/providers/{provider_id}").status_code == 200
    assert readonly_client.get("/providers/export.csv").status_code == 200
    assert readonly_client.get("/providers/new").status_code == 403
    assert readonly_client.get(f"/providers/{provider_id}/edit").status_code == 403
    assert readonly_client.post("/providers/new", data=EXPERT).status_code == 403
    assert readonly_client.post(f"/providers/{provider_id}/edit", data=EXPERT | {"version": 1}).status_code == 403
    assert readonly_client.post(f"/providers/{provider_id}/deactivate", data={"version": 1}).status_code == 403
    assert readonly_client.post(f"/providers/{provider_id}/reactivate", data={"version": 1}).status_code == 403
    assert "New provider" not in readonly_client.get("/providers").text


def test_another_firm_gets_404_on_every_id(other_firm_client, bound, tenant):
    provider_id = make_provider(bound, tenant)
    assert other_firm_client.get(f"/providers/{provider_id}").status_code == 404
    assert other_firm_client.get(f"/providers/{provider_id}/edit").status_code == 404
    assert other_firm_client.post(f"/providers/{provider_id}/edit", data=EXPERT | {"version": 1}).status_code == 404
    assert other_firm_client.post(f"/providers/{provider_id}/deactivate", data={"version": 1}).status_code == 404
    assert other_firm_client.post(f"/providers/{provider_id}/reactivate", data={"version": 1}).status_code == 404
    assert "Cabinet Delorme" not in other_firm_client.get("/providers?active=all").text
