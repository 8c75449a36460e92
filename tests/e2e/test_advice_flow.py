"""A handler creates a business client (through the CRM's pages), fills an
RC Pro needs analysis, compares the catalog's offers, recommends one and
downloads the advice document, whose text names the client, the offers and
the reason: in Chromium, against the app served over HTTP, CSRF on."""

from __future__ import annotations

import io
import re

import pypdf
import pytest

from tests.conftest import TenantFactory
from tests.e2e.test_signup_invite import assert_clean
from tests.integration.test_needs_data import make_rc_pro_catalog

pytestmark = pytest.mark.e2e

REASON = "Couvre les trois garanties voulues au meilleur prix, dans le budget de 700 euros."


@pytest.fixture
def firm_with_catalog(make_tenant, bound):
    tenant = make_tenant("e2e")
    with bound(tenant) as session:
        make_rc_pro_catalog(session)
        session.commit()
    return tenant


def test_needs_comparison_recommendation_and_advice_pdf(live_server, open_page, firm_with_catalog, screenshots):
    slug = firm_with_catalog.slug
    page, problems = open_page()

    page.goto(live_server.tenant_url(slug, "/login"))
    page.fill("#email", "admin@example.fr")
    page.fill("#password", TenantFactory.PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.tenant_url(slug, "/"))

    # 1. A business client, through the CRM's own form.
    page.goto(live_server.tenant_url(slug, "/clients/new?kind=business"))
    page.fill("#legal_name", "Atelier Moreau Architectes")
    page.fill("#siren", "732829320")
    page.fill("#email", "contact@moreau.example")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/clients/\d+$"))

    # 2. From the client's page: a new RC Pro needs analysis.
    needs_card = page.get_by_test_id("client-needs")
    needs_card.locator("select[name=line]").select_option("rc_pro")
    needs_card.locator("button[type=submit]").click()
    form = page.get_by_test_id("needs-form")
    page.fill("#risk_activity", "Architecte")
    page.fill("#risk_turnover", "450 000")
    page.fill("#risk_headcount", "5")
    page.select_option("#risk_premises", "office")
    page.fill("#risk_claims_3y", "0")
    for code in ("operating_liability", "professional_liability", "legal"):
        page.check(f"#want_{code}")
    page.fill("#ceiling_operating_liability", "3000000")
    page.fill("#deductible_operating_liability", "1000")
    page.fill("#ceiling_professional_liability", "2000000")
    page.fill("#budget", "700")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/offers/\d+$"))
    assert page.get_by_test_id("completeness").is_visible()
    page.screenshot(path=screenshots / "needs-analysis.png", full_page=True, caret="initial")

    # 3. Compare: two products quoted, one not eligible.
    page.get_by_test_id("needs-actions").locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/offers/\d+/comparison$"))
    table = page.get_by_test_id("comparison-table")
    assert table.get_by_test_id("offer-column").count() == 2
    assert "RC Pro Solo" in page.get_by_test_id("not-eligible").inner_text()
    page.screenshot(path=screenshots / "comparison.png", full_page=True, caret="initial")

    # 4. Recommend the cheapest, with the reasons.
    recommend = page.get_by_test_id("recommend")
    recommend.locator("select[name=offer_id]").select_option(label="Mutuelle des Architectes — RC Pro Essentiel")
    recommend.locator("textarea[name=reasons]").fill(REASON)
    recommend.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/offers/\d+/comparison$"))
    page.get_by_test_id("generate-advice").click()
    page.wait_for_url(re.compile(r".*/offers/\d+$"))

    # 5. Download the advice document and read it.
    with page.expect_download() as download_info:
        page.get_by_test_id("advice-download").first.click()
    pdf = download_info.value.path().read_bytes()
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Atelier Moreau Architectes" in text
    assert "RC Pro Essentiel" in text and "RC Pro Premium" in text
    assert REASON in text
    (screenshots / "advice.pdf").write_bytes(pdf)
    page.screenshot(path=screenshots / "needs-after-advice.png", full_page=True, caret="initial")
    # A link answered as an attachment becomes a download: Chromium reports
    # the abandoned navigation as "aborted", which is no error of the app.
    problems.http_errors[:] = [e for e in problems.http_errors if not ("/advice/" in e and "ERR_ABORTED" in e)]
    assert_clean(problems, "the needs, comparison and advice pages")
