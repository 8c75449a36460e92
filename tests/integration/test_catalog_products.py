"""Products and guarantees, the tariff and eligibility editors, trying a
tariff; deletion refused once quoted; roles and tenant isolation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.catalog import services as catalog
from app.catalog.models import Guarantee, Product
from app.crm.models import Client
from app.quotes.models import NeedsAnalysis, Offer
from tests.integration.test_catalog_insurers import (admin_client, english_client, make_insurer,  # noqa: F401
                                                     make_product, role_client)

PRODUCT = {"code": "AUTO1", "name": "Auto Confort", "line": "motor", "commission_rate": "12,5",
           "payment_options": ["annual", "monthly"], "is_active": "y"}
TARIFF_FORM = {
    "base": "420,00", "minimum": "250", "fees": "15",
    "factors-0-label": "Driver's age", "factors-0-attribute": "driver_age", "factors-0-kind": "bands",
    "factors-0-rows": "18-25: 1.80\n25-: 1.00",
    "factors-1-label": "Use", "factors-1-attribute": "use", "factors-1-kind": "table",
    "factors-1-rows": "private: 1.00\nbusiness: 1.25",
    "factors-2-label": "Bonus-malus", "factors-2-attribute": "bonus_malus",
    "factors-2-kind": "coefficient",
}


@pytest.fixture
def insurer_id(bound, tenant):
    return make_insurer(bound, tenant)


@pytest.fixture
def product_id(bound, tenant, insurer_id):
    return make_product(bound, tenant, insurer_id)


def version_of(bound, tenant, product_id):
    with bound(tenant) as session:
        return session.get(Product, product_id).version


def test_a_product_is_created_for_an_insurer_and_a_line(admin_client, bound, tenant, insurer_id):
    assert admin_client.get(f"/catalog/products/new?insurer={insurer_id}").status_code == 200
    response = admin_client.post("/catalog/products/new", data={**PRODUCT, "insurer_id": insurer_id})
    assert response.status_code == 303
    page = admin_client.get(response.headers["Location"])
    assert "Auto Confort" in page.text and "No tariff yet" in page.text
    with bound(tenant) as session:
        product = session.scalars(select(Product)).one()
        assert (product.line, product.commission_rate, product.payment_options) == (
            "motor", Decimal("12.50"), ["annual", "monthly"])


@pytest.mark.parametrize("changes, message", [
    ({"code": ""}, "This field is required."),
    ({"commission_rate": "150"}, "Give a percentage between 0 and 100."),
    ({"payment_options": []}, "Tick at least one payment option."),
    ({"line": "boats"}, "Not a valid choice."),
])
def test_invalid_products_are_refused(admin_client, bound, tenant, insurer_id, changes, message):
    response = admin_client.post("/catalog/products/new", data={**PRODUCT, "insurer_id": insurer_id, **changes})
    assert response.status_code == 422 and message in response.text
    with bound(tenant) as session:
        assert session.scalars(select(Product)).all() == []


def test_a_duplicate_code_for_the_insurer_is_refused(admin_client, insurer_id, product_id):
    response = admin_client.post("/catalog/products/new", data={**PRODUCT, "insurer_id": insurer_id})
    assert response.status_code == 422 and "already has a product with this code" in response.text


def test_products_are_filtered_by_line_and_insurer(admin_client, bound, tenant, insurer_id, product_id):
    other = make_insurer(bound, tenant, name="Gamma Assurances")
    make_product(bound, tenant, other, code="MRH1", name="Habitation Sereine", line="home")
    everything = admin_client.get("/catalog/products").text
    assert "Auto Confort" in everything and "Habitation Sereine" in everything
    homes = admin_client.get("/catalog/products?line=home").text
    assert "Auto Confort" not in homes and "Habitation Sereine" in homes
    by_insurer = admin_client.get(f"/catalog/products?insurer={insurer_id}").text
    assert "Auto Confort" in by_insurer and "Habitation Sereine" not in by_insurer
    fragment = admin_client.get("/catalog/products?line=motor", headers={"HX-Request": "true",
                                                                         "HX-Target": "product-list"})
    assert "<html" not in fragment.text and "Auto Confort" in fragment.text
    assert admin_client.get("/catalog/products?line=boats&insurer=abc").status_code == 200


def test_editing_a_product_is_refused_when_stale(admin_client, bound, tenant, product_id):
    data = {**PRODUCT, "version": 1}
    assert admin_client.post(f"/catalog/products/{product_id}/edit", data={**data, "name": "Auto+"}).status_code == 303
    stale = admin_client.post(f"/catalog/products/{product_id}/edit", data={**data, "name": "Auto++"})
    assert stale.status_code == 409 and "Someone changed this record meanwhile" in stale.text
    with bound(tenant) as session:
        assert session.get(Product, product_id).name == "Auto+"


def guarantee(**fields):
    return {"code": "glass", "label": "", "ceiling": "", "deductible": "60", "exclusions": "", **fields}


def test_guarantees_are_added_with_standard_labels_ordered_edited_and_removed(admin_client, bound, tenant,
                                                                              product_id):
    url = f"/catalog/products/{product_id}/guarantees"
    assert admin_client.post(url, data=guarantee(version=1)).status_code == 303
    version = version_of(bound, tenant, product_id)
    assert admin_client.post(url, data=guarantee(code="third_party", label="RC", ceiling="1 000 000",
                                                 version=version)).status_code == 303
    with bound(tenant) as session:
        rows = session.scalars(select(Guarantee).order_by(Guarantee.position)).all()
        assert [(g.code, g.label, g.ceiling) for g in rows] == [("glass", "Glass breakage", None),
                                                               ("third_party", "RC", Decimal("1000000.00"))]
        second = rows[1].id
    version = version_of(bound, tenant, product_id)
    assert admin_client.post(f"{url}/{second}/move", data={"direction": "up", "version": version}).status_code == 303
    with bound(tenant) as session:
        assert [g.code for g in catalog.get_product(session, product_id).guarantees] == ["third_party", "glass"]
    assert admin_client.get(f"{url}/{second}").status_code == 200
    version = version_of(bound, tenant, product_id)
    edited = admin_client.post(f"{url}/{second}", data=guarantee(code="third_party", label="Civil liability",
                                                                 version=version))
    assert edited.status_code == 303
    version = version_of(bound, tenant, product_id)
    assert admin_client.post(f"{url}/{second}/delete", data={"version": version}).status_code == 303
    with bound(tenant) as session:
        assert [g.code for g in catalog.get_product(session, product_id).guarantees] == ["glass"]


@pytest.mark.parametrize("changes, message", [
    ({"code": "jetpack"}, "Not a valid choice."),
    ({"is_option": "y", "option_premium": ""}, "An option needs its premium."),
    ({"deductible": "-5"}, "The amount cannot be negative."),
    ({"ceiling": "lots"}, "Not a valid decimal value."),
])
def test_invalid_guarantees_are_refused(admin_client, bound, tenant, product_id, changes, message):
    response = admin_client.post(f"/catalog/products/{product_id}/guarantees", data=guarantee(version=1, **changes))
    assert response.status_code == 422 and message in response.text
    with bound(tenant) as session:
        assert session.scalars(select(Guarantee)).all() == []


def test_the_same_guarantee_twice_is_refused(admin_client, bound, tenant, product_id):
    url = f"/catalog/products/{product_id}/guarantees"
    admin_client.post(url, data=guarantee(version=1))
    again = admin_client.post(url, data=guarantee(version=version_of(bound, tenant, product_id)))
    assert again.status_code == 422 and "The product already has this guarantee." in again.text


def test_the_tariff_editor_saves_a_valid_tariff(admin_client, bound, tenant, product_id):
    page = admin_client.get(f"/catalog/products/{product_id}/tariff")
    assert page.status_code == 200 and "driver_age" in page.text
    response = admin_client.post(f"/catalog/products/{product_id}/tariff", data={**TARIFF_FORM, "version": 1})
    assert response.status_code == 303, response.text
    with bound(tenant) as session:
        tariff = session.get(Product, product_id).tariff
    assert tariff == {"base": "420.00", "minimum": "250", "fees": "15", "factors": [
        {"label": "Driver's age", "attribute": "driver_age", "kind": "bands",
         "bands": [{"min": 18, "max": 25, "multiplier": "1.80"}, {"min": 25, "max": None, "multiplier": "1.00"}]},
        {"label": "Use", "attribute": "use", "kind": "table", "values": {"private": "1.00", "business": "1.25"}},
        {"label": "Bonus-malus", "attribute": "bonus_malus", "kind": "coefficient"}]}
    editor = admin_client.get(f"/catalog/products/{product_id}/tariff").text
    assert "18-25: 1.80" in editor and "25-: 1.00" in editor and "private: 1.00" in editor


def test_invalid_tariff_rows_are_shown_next_to_their_factor_and_nothing_is_saved(admin_client, bound, tenant,
                                                                                 product_id):
    data = {**TARIFF_FORM, "version": 1, "base": "-3",
            "factors-0-rows": "18-30: 1.80\n25-: 1.00\nyoung: 2",
            "factors-1-rows": "private: 1.00\nracing: 0"}
    response = admin_client.post(f"/catalog/products/{product_id}/tariff", data=data)
    assert response.status_code == 422
    assert "Row 3: This row cannot be read." in response.text
    data["factors-0-rows"] = "18-30: 1.80\n25-: 1.00"
    response = admin_client.post(f"/catalog/products/{product_id}/tariff", data=data)
    assert response.status_code == 422
    assert "The amount cannot be negative." in response.text
    assert "Row 2: This band overlaps the one before." in response.text
    assert "Row 2: This value is not one of the attribute&#39;s choices." in response.text
    assert "Row 2: A multiplier must be greater than 0." in response.text
    assert "racing: 0" in response.text, "what was typed is kept"
    with bound(tenant) as session:
        assert session.get(Product, product_id).tariff == {}


def test_a_factor_kind_that_does_not_fit_the_attribute_is_refused(admin_client, bound, tenant, product_id):
    data = {"base": "100", "version": 1, "factors-0-label": "Use", "factors-0-attribute": "use",
            "factors-0-kind": "bands", "factors-0-rows": "0-: 1"}
    response = admin_client.post(f"/catalog/products/{product_id}/tariff", data=data)
    assert response.status_code == 422
    assert "This kind of factor does not fit the attribute&#39;s type." in response.text


def test_factors_are_added_and_removed_without_saving(admin_client, bound, tenant, product_id):
    url = f"/catalog/products/{product_id}/tariff"
    added = admin_client.post(url, data={**TARIFF_FORM, "version": 1, "add_factor": "1"})
    assert added.status_code == 200 and added.text.count('data-testid="factor"') == 4
    removed = admin_client.post(url, data={**TARIFF_FORM, "version": 1, "remove_factor": "0"})
    assert removed.status_code == 200 and removed.text.count('data-testid="factor"') == 2
    assert 'value="Driver&#39;s age"' not in removed.text and 'value="Use"' in removed.text
    with bound(tenant) as session:
        assert session.get(Product, product_id).tariff == {}


def test_a_stale_tariff_save_is_refused(admin_client, bound, tenant, product_id):
    url = f"/catalog/products/{product_id}/tariff"
    assert admin_client.post(url, data={**TARIFF_FORM, "version": 1}).status_code == 303
    stale = admin_client.post(url, data={**TARIFF_FORM, "version": 1, "base": "999"})
    assert stale.status_code == 409 and "Someone changed this record meanwhile" in stale.text


def test_eligibility_rows_are_validated_and_saved(admin_client, bound, tenant, product_id):
    url = f"/catalog/products/{product_id}/eligibility"
    bad = admin_client.post(url, data={"version": 1, "rows": "driver_age >= 21\nuse in private, racing\nshoe_size = 4"})
    assert bad.status_code == 422
    assert "Row 2: This value is not one of the attribute&#39;s choices." in bad.text
    assert "Row 3: This attribute is not asked for this line." in bad.text
    unreadable = admin_client.post(url, data={"version": 1, "rows": "driver age is old"})
    assert unreadable.status_code == 422 and "Row 1: This row cannot be read." in unreadable.text
    with bound(tenant) as session:
        assert session.get(Product, product_id).eligibility == []
    good = admin_client.post(url, data={"version": 1, "rows": "driver_age >= 21\nuse in private, commute"})
    assert good.status_code == 303
    with bound(tenant) as session:
        assert session.get(Product, product_id).eligibility == [
            {"attribute": "driver_age", "op": "gte", "value": 21},
            {"attribute": "use", "op": "in", "value": ["private", "commute"]}]
    assert "use in private, commute" in admin_client.get(url).text


def save_tariff(admin_client, product_id, version=1):
    assert admin_client.post(f"/catalog/products/{product_id}/tariff",
                             data={**TARIFF_FORM, "version": version}).status_code == 303


def test_try_the_tariff_shows_each_step_the_tax_and_the_total(admin_client, bound, tenant, product_id):
    save_tariff(admin_client, product_id)
    version = version_of(bound, tenant, product_id)
    admin_client.post(f"/catalog/products/{product_id}/guarantees",
                      data=guarantee(is_option="y", option_premium="30", version=version))
    admin_client.post(f"/catalog/products/{product_id}/eligibility",
                      data={"version": version_of(bound, tenant, product_id), "rows": "driver_age >= 21"})
    url = (f"/catalog/products/{product_id}/try?priced=1&risk_driver_age=22&risk_use=business"
           "&risk_bonus_malus=0,5&option=glass&as_of=2025-06-01")
    page = admin_client.get(url)
    assert page.status_code == 200
    # 420 x 1.80 = 756.00, x 1.25 = 945.00, x 0.5 = 472.50, + 30 = 502.50; fees 15; tax 18 % of 517.50 = 93.15
    for amount in ("756.00", "945.00", "472.50", "502.50", "93.15", "610.65"):
        assert amount in page.text, amount
    for detail in ("Main driver&#39;s age 22, from 18 to under 25: × 1.80", "Use Business: × 1.25",
                   "Bonus-malus coefficient 0.5: × 0.50", "+ €30.00"):
        assert detail in page.text, detail
    young = admin_client.get(url.replace("driver_age=22", "driver_age=19"), headers={"HX-Request": "true",
                                                                                      "HX-Target": "try-result"})
    assert "<html" not in young.text
    assert "Not eligible" in young.text and "Main driver&#39;s age 19 is not at least 21" in young.text
    missing = admin_client.get(f"/catalog/products/{product_id}/try?priced=1&risk_driver_age=17")
    assert "Main driver&#39;s age 17 is outside the tariff&#39;s bands" in missing.text
    assert "Answer missing: Use" in missing.text


def test_try_works_for_every_role_and_without_a_tariff(app, bound, tenant, client_for, product_id):
    client = role_client(app, tenant, client_for, "readonly")
    page = client.get(f"/catalog/products/{product_id}/try?priced=1&as_of=not-a-date")
    assert page.status_code == 200 and "The product has no tariff yet." in page.text


def quote(bound, tenant, product_id, insurer_id):
    with bound(tenant) as session:
        client = Client(reference="C-0001", kind="individual", display_name="Jean Test", sort_name="test jean")
        session.add(client)
        session.flush()
        needs = NeedsAnalysis(client_id=client.id, line="motor", risk={})
        session.add(needs)
        session.flush()
        session.add(Offer(needs_id=needs.id, source="tariff", product_id=product_id, insurer_id=insurer_id,
                          label="Auto", premium_net=Decimal("100"), tax_rate=Decimal("18"), tax=Decimal("18"),
                          total=Decimal("118"), commission_rate=Decimal("10"), commission=Decimal("10")))
        session.commit()


def test_a_quoted_product_or_insurer_cannot_be_deleted(admin_client, bound, tenant, insurer_id, product_id):
    quote(bound, tenant, product_id, insurer_id)
    confirm = admin_client.get(f"/catalog/products/{product_id}/delete")
    assert confirm.status_code == 200 and "Delete" in confirm.text
    refused = admin_client.post(f"/catalog/products/{product_id}/delete", follow_redirects=True)
    assert "Offers were made from this product: deactivate it instead." in refused.text
    with bound(tenant) as session:
        assert session.get(Product, product_id) is not None


def test_eligible_products_are_the_active_ones_of_active_insurers(app, bound, tenant, insurer_id, product_id):
    make_product(bound, tenant, insurer_id, code="OLD", name="Ancienne", is_active=False)
    make_product(bound, tenant, insurer_id, code="MRH", name="Maison", line="home")
    closed = make_insurer(bound, tenant, name="Fermée", is_active=False)
    make_product(bound, tenant, closed, code="AUTO9", name="Auto fermée")
    with bound(tenant) as session:
        assert [p.name for p in catalog.eligible_products(session, "motor")] == ["Auto Confort"]


@pytest.mark.parametrize("role", ["handler", "readonly"])
def test_handlers_and_readers_cannot_change_products(app, bound, tenant, client_for, product_id, role):
    client = role_client(app, tenant, client_for, role)
    assert client.get("/catalog/products").status_code == 200
    page = client.get(f"/catalog/products/{product_id}")
    assert page.status_code == 200 and "Edit the tariff" not in page.text
    base = f"/catalog/products/{product_id}"
    for url in ["/catalog/products/new", f"{base}/edit", f"{base}/delete", f"{base}/tariff", f"{base}/eligibility",
                f"{base}/guarantees", f"{base}/guarantees/1", f"{base}/guarantees/1/delete",
                f"{base}/guarantees/1/move"]:
        assert client.post(url, data={"version": 1}).status_code == 403, url
    for url in ["/catalog/products/new", f"{base}/edit", f"{base}/tariff", f"{base}/eligibility"]:
        assert client.get(url).status_code == 403, url


def test_another_tenant_cannot_read_or_change_this_tenant_s_products(app, bound, make_tenant, client_for):
    alpha, bravo = make_tenant("a"), make_tenant("b")
    alpha_insurer = make_insurer(bound, alpha)
    make_product(bound, alpha, alpha_insurer, code="A1")
    product_id = make_product(bound, alpha, alpha_insurer, code="A2", name="Seulement Alpha")
    with bound(alpha) as session:
        from app.catalog import products as offer
        guarantee_id = offer.add_guarantee(session, None, product_id, version=1, code="glass").id
        session.commit()
    make_product(bound, bravo, make_insurer(bound, bravo))
    client_b = english_client(client_for, bravo, "admin@example.fr")
    assert "Seulement Alpha" not in client_b.get("/catalog/products").text
    base = f"/catalog/products/{product_id}"
    for url in [base, f"{base}/edit", f"{base}/delete", f"{base}/tariff", f"{base}/eligibility", f"{base}/try",
                f"{base}/guarantees/{guarantee_id}"]:
        assert client_b.get(url).status_code == 404, url
    for url in [f"{base}/edit", f"{base}/delete", f"{base}/tariff", f"{base}/eligibility", f"{base}/guarantees",
                f"{base}/guarantees/{guarantee_id}", f"{base}/guarantees/{guarantee_id}/delete",
                f"{base}/guarantees/{guarantee_id}/move", "/catalog/products/1/guarantees/1/delete"]:
        assert client_b.post(url, data={**PRODUCT, "version": 1}).status_code == 404, url
    with bound(alpha) as session:
        assert [g.id for g in catalog.get_product(session, product_id).guarantees] == [guarantee_id]
    assert client_b.post("/catalog/products/new", data={**PRODUCT, "insurer_id": alpha_insurer + 5,
                                                        "version": ""}).status_code == 422
