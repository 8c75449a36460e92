"""The contract's path end to end, in Chromium against the app served over
HTTP (CSRF on), with a real local HTTP server playing the insurer:

place an accepted offer with an API insurer -> the outbox job delivers it,
signed -> the insurer accepts through the insurer API -> the contract is
active -> an endorsement -> an attestation downloaded and verified on its
public page."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import httpx
import pypdf
import pytest

from tests.conftest import TenantFactory
from tests.e2e.test_signup_invite import assert_clean
from tests.insurer_server import insurer_server  # noqa: F401  (fixture)
from tests.integration.test_needs_data import firm  # noqa: F401  (fixture)
from tests.integration.test_placements_data import make_accepted_offer, set_channel

pytestmark = pytest.mark.e2e


@pytest.fixture
def api_firm(firm, bound, insurer_server):  # noqa: F811
    """The RC Pro firm, its insurer answering by API, an offer the client
    accepted with its advice document, and an API key for the insurer."""
    from app.catalog.models import Insurer
    from app.insurer_api.services import create_key

    with bound(firm["tenant"]) as session:
        set_channel(session, firm["insurer"], "api", insurer_server.url)
        offer_id = make_accepted_offer(session, firm)
        _key, token = create_key(session, None, session.get(Insurer, firm["insurer"]), label="e2e")
        session.commit()
    return firm | {"offer_id": offer_id, "token": token}


def _sign_in(page, live_server, slug: str) -> None:
    page.goto(live_server.tenant_url(slug, "/login"))
    page.fill("#email", "admin@example.fr")
    page.fill("#password", TenantFactory.PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.tenant_url(slug, "/"))


def test_offer_to_active_contract_endorsement_and_verified_attestation(
        live_server, open_page, api_firm, insurer_server, worker, screenshots):  # noqa: F811
    slug = api_firm["tenant"].slug
    page, problems = open_page()
    _sign_in(page, live_server, slug)

    # 1. The handler reviews the accepted offer and sends the placement (API channel).
    page.goto(live_server.tenant_url(slug, f"/placements/new/{api_firm['offer_id']}"))
    assert insurer_server.url in page.get_by_test_id("channel").inner_text()
    page.get_by_test_id("placement-form").locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/placements/\d+$"))
    placement_url = page.url
    reference = re.search(r"PLC-\d+", page.content()).group(0)

    # 2. The outbox job delivers it: one signed POST with an idempotency key.
    worker()
    [received] = insurer_server.received
    assert received.signature_valid and received.idempotency_key
    assert received.json()["reference"] == reference
    page.goto(placement_url)
    assert "delivered" in page.get_by_test_id("message-status").inner_text().lower()

    # 3. The insurer accepts through the API, with the policy's conditions as a PDF.
    answer = httpx.post(  # to 127.0.0.1 with the firm's host name: *.localhost is the browser's convenience
        f"http://127.0.0.1:{live_server.port}/api/insurer/v1/placements/{reference}/accept",
        headers={"Host": f"{slug}.localhost:{live_server.port}", "Authorization": f"Bearer {api_firm['token']}",
                 "Idempotency-Key": "e2e-accept-1"},
        data={"policy_number": "RCP-2026-000777", "effective_date": (date.today() + timedelta(days=30)).isoformat(),
              "final_premium": "540.00"},
        files={"documents": ("conditions.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "application/pdf")},
        timeout=30,
    )
    assert answer.status_code in (200, 201), answer.text

    # 4. The contract is active, reached from the placement.
    page.goto(placement_url)
    page.get_by_test_id("contract-link").click()
    page.wait_for_url(re.compile(r".*/contracts/\d+$"))
    contract_url = page.url
    assert "RCP-2026-000777" in page.get_by_test_id("contract-policy").inner_text()
    status = page.get_by_test_id("contract-status").inner_text().lower()
    assert "active" in status, status
    page.screenshot(path=screenshots / "contract.png", full_page=True, caret="initial")

    # 5. An endorsement: a higher premium from a date within the period.
    page.goto(contract_url + "/endorsements/new")
    form = page.get_by_test_id("endorsement-form")
    endorsed_on = date.today() + timedelta(days=60)
    page.fill("#effective_date", endorsed_on.isoformat())
    page.fill("#premium_net", "640.00")
    page.fill("#description", "Effectif porté à 8 salariés.")
    form.locator("button[type=submit]:not([name=preview])").click()
    page.wait_for_url(re.compile(re.escape(contract_url) + r"(#.*)?$"))
    endorsements = page.get_by_test_id("contract-endorsements").inner_text()
    assert "Effectif porté à 8 salariés." in endorsements
    page.goto(f"{contract_url}?as_of={endorsed_on.isoformat()}")  # the contract as it will stand then
    assert "640" in page.get_by_test_id("shown-net").inner_text()
    page.goto(f"{contract_url}?as_of={(endorsed_on - timedelta(days=1)).isoformat()}")
    assert "540" in page.get_by_test_id("shown-net").inner_text()

    # 6. A certificate of insurance: the PDF carries the code; the public page says it is valid.
    page.goto(contract_url + "/attestations")
    page.get_by_test_id("attestation-form").locator("button[type=submit]").click()
    page.wait_for_load_state()
    listing = page.get_by_test_id("attestations")
    href = listing.locator("a[href$='/pdf']").first.get_attribute("href")
    fetched = page.evaluate(  # fetched by the page itself, with the handler's session
        """async (url) => { const r = await fetch(url);
             return {type: r.headers.get("content-type"), bytes: Array.from(new Uint8Array(await r.arrayBuffer()))}; }""",
        href)
    assert fetched["type"] == "application/pdf"
    pdf = bytes(fetched["bytes"])
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    code = re.search(r"/verify/([A-Z0-9-]+)", text.replace("\n", "")) or re.search(r"\b([A-Z0-9]{4}(?:-[A-Z0-9]{4}){3,})\b", text)
    assert code, text[:500]

    visitor, visitor_problems = open_page()  # a stranger: no session
    visitor.goto(live_server.tenant_url(slug, f"/verify/{code.group(1)}"))
    verification = visitor.get_by_test_id("verification").inner_text()
    assert "valid" in visitor.get_by_test_id("status").inner_text().lower()
    assert "Atelier" in verification or "Dupont" in verification
    assert "540" not in verification and "@" not in verification  # no premium, no contact details
    visitor.screenshot(path=screenshots / "verification.png", full_page=True, caret="initial")
    assert_clean(problems, "the handler's pages")
    assert_clean(visitor_problems, "the public verification page")
