"""Paying a premium on the portal, end to end in Chromium: the app served over
HTTP (CSRF on), localstripe with its Stripe.js stand-in (Card Element,
confirmCardSetup), webhooks delivered by localstripe to the firm's host, the
real job worker and a real SMTP server.

The client signs in with a one-time link read from the mailbox -> My
premiums -> saves the test card 4242 4242 4242 4242 in the Card Element ->
pays one premium call -> the processing page, polled by htmx, turns to paid
when the webhook recorded the payment -> the payment and its receipt in the
history; the receipt is emailed. Screenshots at phone and desktop widths go
to tests/e2e/screenshots/ (git-ignored) or ``$E2E_SCREENSHOTS``."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.billing.models import Payment, PremiumCall
from app.crm import services as clients
from app.portal import services as portal
from tests.e2e.test_portal_flows import EMAIL, shoot, sign_in_with_a_link
from tests.e2e.test_signup_invite import assert_clean
from tests.integration.test_billing_stripe import calls_for, configure
from tests.integration.test_contracts import make_insurer
from tests.stripe_server import WEBHOOK_PATH

pytestmark = pytest.mark.e2e


@pytest.fixture
def pay_screenshots() -> Path:
    target = Path(os.environ.get("E2E_SCREENSHOTS") or Path(__file__).parent / "screenshots")
    target.mkdir(parents=True, exist_ok=True)
    return target


@pytest.fixture
def stripe_firm(app, tenant, bound, localstripe, live_server):
    """The firm's own Stripe test keys on localstripe, whose webhooks reach the
    firm's host on the live server; Léa Martin with four quarterly premium
    calls and a portal account (invited)."""
    previous = {key: app.config[key] for key in ("STRIPE_API_BASE", "STRIPE_JS_URL")}
    app.config.update(STRIPE_API_BASE=localstripe.url, STRIPE_JS_URL=f"{localstripe.url}/js.stripe.com/v3/")
    secret = configure(bound, tenant)
    localstripe.register_webhook(tenant.slug, live_server.tenant_url(tenant.slug, WEBHOOK_PATH), secret)
    with bound(tenant) as session:
        client = clients.create(session, None, {"kind": "individual", "first_name": "Léa", "last_name": "Martin",
                                                "email": EMAIL})
        portal.invite(session, None, client)
        session.commit()
        client_id = client.id
    calls = calls_for(bound, tenant, {"client": client_id, "insurer": make_insurer(bound, tenant)}, "AUTO-E2E-PAY")
    with bound(tenant) as session:
        references = [session.get(PremiumCall, call_id).reference for call_id in calls]
    yield {"client": client_id, "calls": calls, "references": references}
    app.config.update(previous)


def save_test_card(page, screenshots: Path) -> None:
    """Type the test card into localstripe's Card Element and confirm the SetupIntent."""
    page.get_by_test_id("add-card").click()
    page.wait_for_url("**/portal/premiums/method/new?kind=card")
    card = page.get_by_test_id("card-element")
    expect(card.locator("input")).to_have_count(5)  # Stripe.js mounted its fields
    card.locator("input[placeholder=number]").fill("4242424242424242")
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("30")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("69003")
    shoot(page, screenshots, "pay-card")
    page.get_by_test_id("setup-submit").click()
    page.wait_for_url("**/portal/premiums")
    expect(page.locator(".alert-success")).to_contain_text("Your card ending in 4242 is saved.")


def test_a_client_saves_a_card_pays_a_premium_and_sees_it_paid(
        live_server, open_page, tenant, bound, stripe_firm, mailbox, worker, pay_screenshots):
    slug, shots = tenant.slug, pay_screenshots
    page, problems = open_page()
    sign_in_with_a_link(page, live_server, slug, mailbox, worker)

    page.get_by_role("link", name="My premiums").click()
    page.wait_for_url(live_server.tenant_url(slug, "/portal/premiums"))
    expect(page.get_by_test_id("premium-call")).to_have_count(4)
    shoot(page, shots, "premiums")

    save_test_card(page, shots)
    expect(page.get_by_test_id("payment-method")).to_contain_text("Visa •••• 4242")
    first = stripe_firm["references"][0]
    page.locator(f"[data-testid=premium-call][data-reference='{first}'] input[name=call]").check()
    shoot(page, shots, "premiums-card-saved")
    page.get_by_test_id("pay-button").click()
    page.wait_for_url("**/portal/premiums/payments/*")
    status = page.get_by_test_id("pay-status")
    expect(status).to_have_attribute("data-state", "paid", timeout=30_000)  # htmx asks every 2 s
    expect(status).to_contain_text("Paid. Thank you!")
    shoot(page, shots, "pay-paid")

    with bound(tenant) as session:
        call = session.get(PremiumCall, stripe_firm["calls"][0])
        payment = session.scalar(select(Payment))
        assert call.status == "paid" and payment.amount == call.total and payment.method == "card"
        assert [session.get(PremiumCall, call_id).status for call_id in stripe_firm["calls"][1:]] == ["due"] * 3

    page.get_by_role("link", name="Back to my premiums").click()
    page.wait_for_url(live_server.tenant_url(slug, "/portal/premiums"))
    expect(page.get_by_test_id("premium-call")).to_have_count(3)
    history = page.get_by_test_id("payment-history")
    expect(history).to_contain_text(first)
    shoot(page, shots, "premiums-paid")
    with page.expect_download() as download:
        history.get_by_test_id("receipt-link").first.click()
    problems.http_errors[:] = [error for error in problems.http_errors
                               if error != f"failed GET {download.value.url}: net::ERR_ABORTED"]
    receipt = pypdf.PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert first in " ".join(pdf_page.extract_text() for pdf_page in receipt.pages)

    worker()
    worker()
    assert any("receipt" in message["Subject"] for message in mailbox.to(EMAIL))
    assert_clean(problems, "the premiums pages")
