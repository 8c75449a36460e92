"""Paying premiums on the portal, against localstripe (a real fake Stripe
process) and the app served over HTTP so that webhooks arrive as Stripe
sends them: a card saved through a SetupIntent (confirmed the way Stripe.js
confirms it, with the publishable key and the client secret), calls paid and
recorded by the webhook only (success, a declined card, a replayed event,
the webhook before or after the processing page), receipts as PDF and by
email, SEPA, automatic payment by the daily job; another client's ids and
another firm's session find nothing."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
import requests
from pypdf import PdfReader
from sqlalchemy import func, select

from app.billing.models import Payment, PremiumCall, StripeEvent, StripeIntent
from app.jobs.queue import enqueue
from app.portal.jobs import autopay_pass
from app.portal.payment_models import PortalPayment, SavedPaymentMethod
from tests.conftest import host_client
from tests.integration.test_billing import START
from tests.integration.test_billing_stripe import (DECLINED_CARD, SEPA_IBAN, calls_for, configure, outcomes,
                                                   post)
from tests.integration.test_contracts import make_contract, portfolio  # noqa: F401
from tests.integration.test_portal_access import PASSWORD, new_client, policyholder  # noqa: F401
from tests.stripe_server import event, serve_app, wait_for, webhook_url

VISA = "4242424242424242"
THREE_D_SECURE_CARD = "4000002500003155"


@pytest.fixture
def stripe_api(app, localstripe):
    """The app (and the pages' Stripe.js) talk to localstripe for the test."""
    previous = {key: app.config[key] for key in ("STRIPE_API_BASE", "STRIPE_JS_URL")}
    app.config.update(STRIPE_API_BASE=localstripe.url, STRIPE_JS_URL=f"{localstripe.url}/js.stripe.com/v3/")
    yield localstripe
    app.config.update(previous)


@pytest.fixture(scope="module")
def live_port(app):
    with serve_app(app) as port:
        yield port


def attribute(html: str, name: str) -> str:
    found = re.search(rf'{name}="([^"]*)"', html)
    assert found, f"no {name} in the page"
    return found.group(1)


def confirm_setup(stripe_api, page_html: str, payment_method_data: dict) -> str:
    """What Stripe.js does in the browser: confirm the page's SetupIntent with the publishable key."""
    secret, key = attribute(page_html, "data-client-secret"), attribute(page_html, "data-publishable-key")
    setup_id = secret.split("_secret_")[0]
    answer = requests.post(f"{stripe_api.url}/v1/setup_intents/{setup_id}/confirm", timeout=10, json={
        "key": key, "use_stripe_sdk": True, "client_secret": secret, "payment_method_data": payment_method_data})
    assert answer.status_code == 200, answer.text
    return setup_id


def save_card(browser, stripe_api, number: str = VISA):
    page = browser.get("/portal/premiums/method/new?kind=card")
    assert page.status_code == 200, page.text
    setup_id = confirm_setup(stripe_api, page.text, {"type": "card", "card": {
        "number": number, "exp_month": "12", "exp_year": "2030", "cvc": "123"}})
    return browser.post("/portal/premiums/method", data={"setup_intent": setup_id})


def pay(browser, *call_ids: int):
    return browser.post("/portal/premiums/pay", data={"call": [str(call_id) for call_id in call_ids]})


def payment_path(response) -> str:
    assert response.status_code == 303, response.text
    assert re.fullmatch(r"/portal/premiums/payments/\d+", response.headers["Location"])
    return response.headers["Location"]


def intent_of(bound, tenant, call_id: int) -> str:
    with bound(tenant) as session:
        return session.scalar(select(StripeIntent.intent_id).where(StripeIntent.call_ids.contains([call_id]))
                              .order_by(StripeIntent.id.desc()).limit(1))


def call_state(bound, tenant, call_id: int) -> tuple:
    with bound(tenant) as session:
        call = session.get(PremiumCall, call_id)
        payments = session.scalar(select(func.count()).select_from(Payment).where(Payment.payer_client_id
                                                                                  == call.client_id))
        return call.status, call.paid, payments


def receipt_mails(mailbox):
    return [message for message in mailbox.to("lea.martin@example.fr") if "receipt" in message["Subject"]]


# --- success, receipts ------------------------------------------------------------------------

def test_a_client_saves_a_card_pays_two_calls_and_the_webhook_records_them_once(
        bound, tenant, portfolio, policyholder, stripe_api, live_port, mailbox, jobs):
    secret = configure(bound, tenant)
    stripe_api.register_webhook(tenant.slug, webhook_url(tenant.slug, live_port), secret)
    first, second, third = calls_for(bound, tenant, portfolio, "PAY-1")[:3]
    page = policyholder.get("/portal/premiums")
    assert page.status_code == 200 and "My premiums" in page.text and "Save a card" in page.text
    assert page.text.count('data-testid="premium-call"') == 4 and 'name="call"' in page.text
    saved = save_card(policyholder, stripe_api)
    assert saved.status_code == 303
    page = policyholder.get(saved.headers["Location"])
    assert "Your card ending in 4242 is saved." in page.text and "Visa •••• 4242" in page.text
    assert "Expires 12/2030" in page.text and 'data-testid="pay-button"' in page.text

    path = payment_path(pay(policyholder, first, second))
    wait_for(lambda: outcomes(bound, tenant, intent_of(bound, tenant, first)).get("payment_intent.succeeded"),
             "the webhook")
    shown = policyholder.get(path)
    assert shown.status_code == 200 and 'data-state="paid"' in shown.text and "Paid. Thank you!" in shown.text
    with bound(tenant) as session:
        calls = [session.get(PremiumCall, call_id) for call_id in (first, second, third)]
        assert [call.status for call in calls] == ["paid", "paid", "due"]
        payment = session.scalar(select(Payment))
        assert (payment.method, payment.amount, payment.unallocated) == ("card", calls[0].total + calls[1].total, 0)
        intent = session.scalar(select(StripeIntent))
        assert intent.call_ids == [first, second] and intent.payment_id == payment.id
        customer = session.scalar(select(SavedPaymentMethod.stripe_customer_id))
        reference, payment_id = calls[0].reference, payment.id
    on_stripe = stripe_api.client().v1.payment_intents.retrieve(intent.intent_id).to_dict()
    assert on_stripe["customer"] == customer and on_stripe["amount"] == int(payment.amount * 100)

    listing = policyholder.get("/portal/premiums")
    assert listing.text.count('data-testid="premium-call"') == 2
    assert f"/portal/premiums/receipts/{payment_id}" in listing.text and reference in listing.text
    receipt = policyholder.get(f"/portal/premiums/receipts/{payment_id}")
    assert receipt.status_code == 200 and receipt.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(receipt.data)).pages)
    assert f"REC-{payment_id:06d}" in text and reference in text and "Card" in text and "Martin Léa" in text

    jobs()
    jobs()
    mails = receipt_mails(mailbox)
    assert len(mails) == 1
    attachment = next(mails[0].iter_attachments())
    assert attachment.get_filename() == f"receipt-REC-{payment_id:06d}.pdf"
    assert reference in "".join(page.extract_text() for page in PdfReader(io.BytesIO(attachment.get_content())).pages)
    assert "We received your payment" in mailbox.text(mails[0])


def test_the_payment_pages_allow_stripe_js_and_nothing_inline(policyholder, bound, tenant, stripe_api):
    configure(bound, tenant)
    page = policyholder.get("/portal/premiums/method/new?kind=card")
    policy = page.headers["Content-Security-Policy"]
    assert f"script-src 'self' {stripe_api.url}" in policy and f"frame-src 'self' {stripe_api.url}" in policy
    assert f"connect-src 'self' {stripe_api.url}" in policy and "unsafe-inline" not in policy
    assert f'src="{stripe_api.url}/js.stripe.com/v3/"' in page.text and "<script>" not in page.text
    assert attribute(page.text, "data-publishable-key") == f"pk_test_{tenant.slug.replace('-', '')}"


# --- failure ----------------------------------------------------------------------------------

def test_a_declined_card_says_so_and_leaves_the_calls_to_pay(bound, tenant, portfolio, policyholder, stripe_api,
                                                              live_port, mailbox, jobs):
    secret = configure(bound, tenant)
    stripe_api.register_webhook(tenant.slug, webhook_url(tenant.slug, live_port), secret)
    call_id = calls_for(bound, tenant, portfolio, "PAY-2")[0]
    assert save_card(policyholder, stripe_api, DECLINED_CARD).status_code == 303
    refused = pay(policyholder, call_id)
    assert refused.status_code == 422
    assert "Your payment was declined: nothing was charged" in refused.text and "Your card was declined." in refused.text
    wait_for(lambda: outcomes(bound, tenant, intent_of(bound, tenant, call_id)).get("payment_intent.payment_failed"),
             "the failure")
    assert call_state(bound, tenant, call_id)[1:] == (0, 0)
    with bound(tenant) as session:
        attempt = session.scalar(select(PortalPayment))
        assert attempt.outcome == "declined" and attempt.failure_message == "Your card was declined."
        attempt_id = attempt.id
    shown = policyholder.get(f"/portal/premiums/payments/{attempt_id}")
    assert 'data-state="failed"' in shown.text and "The payment did not go through." in shown.text
    page = policyholder.get("/portal/premiums")
    assert page.text.count('name="call"') == 4  # still payable, nothing under way
    jobs()
    assert receipt_mails(mailbox) == []


# --- the webhook, replayed and before or after the processing page ----------------------------

def _succeeded_event(stripe_api, intent_id: str) -> dict:
    return event("payment_intent.succeeded", stripe_api.client().v1.payment_intents.retrieve(intent_id).to_dict())


def test_the_processing_page_polls_until_the_webhook_records_and_a_replay_records_nothing(
        bound, tenant, portfolio, policyholder, stripe_api, client_for, mailbox, jobs):
    secret = configure(bound, tenant)  # no webhook registered: the test delivers the events itself
    call_id = calls_for(bound, tenant, portfolio, "PAY-3")[0]
    save_card(policyholder, stripe_api)
    path = payment_path(pay(policyholder, call_id))
    processing = policyholder.get(path)
    assert 'data-state="processing"' in processing.text and "Your payment is being processed." in processing.text
    assert 'hx-trigger="every 2s"' in processing.text and f'hx-get="{path}"' in processing.text
    assert 'data-testid="pay-refresh"' in processing.text
    assert call_state(bound, tenant, call_id) == ("due", 0, 0)  # the redirect recorded nothing
    assert "Payment processing" in policyholder.get("/portal/premiums").text
    again = pay(policyholder, call_id)  # a second click while the money is on its way
    assert payment_path(again) == path

    succeeded = _succeeded_event(stripe_api, intent_of(bound, tenant, call_id))
    assert post(client_for(tenant), succeeded, secret).json["outcome"] == "recorded"
    fragment = policyholder.get(path, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert 'data-state="paid"' in fragment.text and "hx-trigger" not in fragment.text
    assert post(client_for(tenant), succeeded, secret).json["outcome"] == "replayed"
    status, paid, payments = call_state(bound, tenant, call_id)
    assert (status, payments) == ("paid", 1) and paid > 0
    jobs()
    jobs()
    assert len(receipt_mails(mailbox)) == 1


def test_a_webhook_arriving_before_the_redirect_is_followed_shows_paid_at_once(
        bound, tenant, portfolio, policyholder, stripe_api, client_for):
    secret = configure(bound, tenant)
    call_id = calls_for(bound, tenant, portfolio, "PAY-4")[0]
    save_card(policyholder, stripe_api)
    response = pay(policyholder, call_id)
    succeeded = _succeeded_event(stripe_api, intent_of(bound, tenant, call_id))
    assert post(client_for(tenant), succeeded, secret).json["outcome"] == "recorded"
    shown = policyholder.get(payment_path(response))
    assert 'data-state="paid"' in shown.text and "hx-trigger" not in shown.text
    assert call_state(bound, tenant, call_id)[::2] == ("paid", 1)


def test_3d_secure_hands_the_client_secret_to_the_page_and_follows_stripe_after(
        bound, tenant, portfolio, policyholder, stripe_api, client_for):
    configure(bound, tenant)
    call_id = calls_for(bound, tenant, portfolio, "PAY-5")[0]
    save = policyholder.get("/portal/premiums/method/new?kind=card")
    setup_id = confirm_setup(stripe_api, save.text, {"type": "card", "card": {
        "number": THREE_D_SECURE_CARD, "exp_month": "12", "exp_year": "2030", "cvc": "123"}})
    requests.post(f"{stripe_api.url}/v1/setup_intents/{setup_id}/confirm", timeout=10, json={
        "key": attribute(save.text, "data-publishable-key"), "client_secret": attribute(save.text,
                                                                                         "data-client-secret")})
    assert policyholder.post("/portal/premiums/method", data={"setup_intent": setup_id}).status_code == 303
    path = payment_path(pay(policyholder, call_id))
    page = policyholder.get(path)
    assert 'data-state="action_required"' in page.text and 'data-testid="pay-confirm"' in page.text
    secret = attribute(page.text, "data-client-secret")
    intent_id = intent_of(bound, tenant, call_id)
    assert secret.startswith(f"{intent_id}_secret_") and "data-autorun" in page.text
    assert "Waiting for your bank" in policyholder.get("/portal/premiums").text
    answer = requests.post(f"{stripe_api.url}/v1/payment_intents/{intent_id}/_authenticate?success=true",
                           json={"key": attribute(page.text, "data-publishable-key"), "client_secret": secret},
                           timeout=10)
    assert answer.json()["status"] == "succeeded"
    after = policyholder.get(f"{path}?after=1")
    assert 'data-state="processing"' in after.text
    assert call_state(bound, tenant, call_id)[::2] == ("due", 0)


# --- who may pay what -------------------------------------------------------------------------

def test_another_clients_calls_receipts_and_payments_are_not_found(bound, tenant, portfolio, policyholder,
                                                                    stripe_api, client_for):
    secret = configure(bound, tenant)
    own = calls_for(bound, tenant, portfolio, "PAY-6")[0]
    other_id = new_client(bound, tenant, "autre@example.fr", last_name="Autre")
    contract_id = make_contract(bound, tenant, client_id=other_id, insurer_id=portfolio["insurer"],
                                effective_date=START, policy_number="PAY-6B")
    with bound(tenant) as session:
        from app.billing.services import generate_for_contract, record_payment
        from app.contracts.models import Contract
        other_call = generate_for_contract(session, None, session.get(Contract, contract_id), START, today=START)[0]
        other_payment = record_payment(session, None, client_id=other_id, amount=other_call.total, method="cheque",
                                       received_on=START, call_ids=[other_call.id])
        session.commit()
        other_call_id, other_payment_id = other_call.id, other_payment.id
    save_card(policyholder, stripe_api)
    second_call = calls_for(bound, tenant, portfolio, "PAY-6C")[0]
    assert pay(policyholder, other_call_id).status_code == 404
    assert pay(policyholder, own, other_call_id).status_code == 404
    assert policyholder.post("/portal/premiums/pay", data={"call": ["1x"]}).status_code == 404
    empty = policyholder.post("/portal/premiums/pay", data={})
    assert empty.status_code == 422 and "Choose at least one premium to pay." in empty.text
    assert policyholder.get(f"/portal/premiums/receipts/{other_payment_id}").status_code == 404
    assert "PAY-6B" not in policyholder.get("/portal/premiums").text
    with bound(tenant) as session:
        assert session.scalar(select(func.count()).select_from(StripeIntent)) == 0

    path = payment_path(pay(policyholder, own))
    post(client_for(tenant), _succeeded_event(stripe_api, intent_of(bound, tenant, own)), secret)
    paid_again = pay(policyholder, own)
    assert paid_again.status_code == 422 and "already paid or cancelled" in paid_again.text
    other_browser = other_account(bound, tenant, client_for)
    assert other_browser.get(path).status_code == 404
    assert other_browser.get("/portal/premiums").status_code == 200
    assert pay(other_browser, second_call).status_code == 404


def other_account(bound, tenant, client_for):
    """Paul Autre's own portal account, signed in (made by the service: no mailbox needed)."""
    from werkzeug.security import generate_password_hash

    from app.portal.models import PortalAccount

    client_id = new_client(bound, tenant, "paul.autre@example.fr", last_name="Autre2")
    with bound(tenant) as session:
        account = PortalAccount(client_id=client_id, email="paul.autre@example.fr", display_name="Paul Autre",
                                is_active=True)
        session.add(account)
        session.flush()
        account.password_hash = generate_password_hash(PASSWORD)
        session.commit()
    browser = client_for(tenant)
    assert browser.post("/portal/login", data={"email": "paul.autre@example.fr", "password": PASSWORD}) \
        .status_code == 303
    return browser


def test_another_firms_host_refuses_the_portal_session(policyholder, make_tenant, app, tenant, bound, portfolio,
                                                       stripe_api):
    configure(bound, tenant)
    call_id = calls_for(bound, tenant, portfolio, "PAY-7")[0]
    other = make_tenant("autre")
    configure(bound, other)
    foreign = host_client(app, f"{other.slug}.localhost")
    foreign.set_cookie("session", policyholder.get_cookie("session", domain=f"{tenant.slug}.localhost").value,
                       domain=f"{other.slug}.localhost")
    assert foreign.get("/portal/premiums").status_code == 302
    assert foreign.post("/portal/premiums/pay", data={"call": [str(call_id)]}).status_code == 302
    assert foreign.get("/portal/premiums/method/new").status_code == 302
    assert foreign.get("/portal/premiums/receipts/1").status_code == 302
    with bound(other) as session:
        assert session.scalar(select(func.count()).select_from(SavedPaymentMethod)) == 0


def test_a_staff_session_does_not_open_the_clients_premiums(admin_client):
    response = admin_client.get("/portal/premiums")
    assert response.status_code == 302 and "/portal/login" in response.headers["Location"]


# --- saving, removing, settings ---------------------------------------------------------------

def test_a_setup_intent_of_another_customer_or_not_confirmed_is_refused(bound, tenant, policyholder, stripe_api):
    configure(bound, tenant)
    policyholder.get("/portal/premiums/method/new?kind=card")
    stranger = stripe_api.client().v1.customers.create(params={"name": "Someone else"})
    theirs = stripe_api.client().v1.setup_intents.create(params={"customer": stranger.id})
    stripe_api.client().v1.setup_intents.confirm(theirs.id, params={"payment_method": "pm_card_visa"})
    refused = policyholder.post("/portal/premiums/method", data={"setup_intent": theirs.id})
    assert refused.status_code == 422 and "could not be found" in refused.text
    with bound(tenant) as session:
        customer = session.scalar(select(SavedPaymentMethod.stripe_customer_id))
    pending = stripe_api.client().v1.setup_intents.create(params={"customer": customer})
    unconfirmed = policyholder.post("/portal/premiums/method", data={"setup_intent": pending.id})
    assert unconfirmed.status_code == 422 and "was not confirmed" in unconfirmed.text
    assert policyholder.post("/portal/premiums/method", data={"setup_intent": "../x"}).status_code == 422
    with bound(tenant) as session:
        assert session.scalar(select(SavedPaymentMethod.payment_method_id)) is None


def test_sepa_is_offered_only_when_the_firm_enables_it_and_a_mandate_pays_by_direct_debit(
        bound, tenant, portfolio, policyholder, stripe_api, live_port):
    configure(bound, tenant, sepa=False)
    assert "Set up a SEPA Direct Debit" not in policyholder.get("/portal/premiums").text
    refused = policyholder.get("/portal/premiums/method/new?kind=sepa_debit")
    assert refused.status_code == 422 and "not offered by your broker" in refused.text
    assert policyholder.get("/portal/premiums/method/new?kind=bitcoin").status_code == 422
    secret = configure(bound, tenant, sepa=True)
    stripe_api.register_webhook(tenant.slug, webhook_url(tenant.slug, live_port), secret)
    call_id = calls_for(bound, tenant, portfolio, "PAY-8")[0]
    page = policyholder.get("/portal/premiums/method/new?kind=sepa_debit")
    assert page.status_code == 200 and 'data-testid="sepa-mandate"' in page.text and 'id="iban"' in page.text
    assert 'name="iban"' not in page.text  # the IBAN goes to Stripe only
    setup_id = confirm_setup(stripe_api, page.text, {"type": "sepa_debit", "sepa_debit": {"iban": SEPA_IBAN},
                                                     "billing_details": {"name": "Léa Martin"}})
    saved = policyholder.post("/portal/premiums/method", data={"setup_intent": setup_id})
    assert "SEPA mandate for the account ending in 3000 is saved" in policyholder.get(saved.headers["Location"]).text
    path = payment_path(pay(policyholder, call_id))
    assert 'data-state="processing"' in policyholder.get(path).text
    wait_for(lambda: outcomes(bound, tenant, intent_of(bound, tenant, call_id)).get("payment_intent.succeeded"),
             "the debit")
    assert 'data-state="paid"' in policyholder.get(path).text
    with bound(tenant) as session:
        assert session.scalar(select(Payment.method)) == "direct_debit"


def test_autopay_is_switched_with_a_version_and_the_method_removed(bound, tenant, policyholder, stripe_api):
    configure(bound, tenant)
    no_method = policyholder.post("/portal/premiums/autopay", data={"enabled": "on", "version": "1"})
    assert no_method.status_code == 422 and "Save a card or a SEPA mandate first." in no_method.text
    save_card(policyholder, stripe_api)
    with bound(tenant) as session:
        version = session.scalar(select(SavedPaymentMethod.version))
    stale = policyholder.post("/portal/premiums/autopay", data={"enabled": "on", "version": str(version - 1)})
    assert stale.status_code == 409 and "changed meanwhile" in stale.text
    on = policyholder.post("/portal/premiums/autopay", data={"enabled": "on", "version": str(version)})
    assert on.status_code == 303
    assert "Automatic payment is on" in policyholder.get(on.headers["Location"]).text
    with bound(tenant) as session:
        row = session.scalar(select(SavedPaymentMethod))
        assert (row.autopay, row.autopay_since) == (True, date.today())
        version = row.version
    removed = policyholder.post("/portal/premiums/method/remove", data={"version": str(version)})
    assert removed.status_code == 303
    with bound(tenant) as session:
        row = session.scalar(select(SavedPaymentMethod))
        assert (row.payment_method_id, row.autopay, row.last4) == (None, False, None)
    assert "Save a card" in policyholder.get("/portal/premiums").text


def test_without_stripe_the_page_says_how_to_pay_and_paying_is_refused(bound, tenant, portfolio, policyholder):
    call_id = calls_for(bound, tenant, portfolio, "PAY-9")[0]
    page = policyholder.get("/portal/premiums")
    assert page.status_code == 200 and "Online payment is not available" in page.text and 'name="call"' not in page.text
    assert pay(policyholder, call_id).status_code == 422
    assert policyholder.get("/portal/premiums/method/new").status_code == 422


# --- automatic payment ------------------------------------------------------------------------

def _turn_autopay_on(bound, tenant, since: date) -> None:
    with bound(tenant) as session:
        row = session.scalar(select(SavedPaymentMethod))
        row.autopay, row.autopay_since = True, since
        session.commit()


def _run_autopay(bound, tenant, jobs, day: date) -> None:
    with bound(tenant) as session:
        enqueue(session, autopay_pass, tenant=tenant.slug, day=day.isoformat())
        session.commit()
    jobs()


def test_the_daily_job_pays_calls_falling_due_off_session_once(bound, tenant, portfolio, policyholder, stripe_api,
                                                               live_port, mailbox, jobs):
    secret = configure(bound, tenant)
    stripe_api.register_webhook(tenant.slug, webhook_url(tenant.slug, live_port), secret)
    calls = calls_for(bound, tenant, portfolio, "PAY-10")  # quarterly from START
    save_card(policyholder, stripe_api)
    _turn_autopay_on(bound, tenant, since=START + timedelta(days=1))
    day = START + timedelta(days=100)  # the second instalment is due, the first came before autopay
    _run_autopay(bound, tenant, jobs, day)
    _run_autopay(bound, tenant, jobs, day)  # the same day again: nothing more
    wait_for(lambda: outcomes(bound, tenant, intent_of(bound, tenant, calls[1])).get("payment_intent.succeeded"),
             "the webhook")
    with bound(tenant) as session:
        statuses = [session.get(PremiumCall, call_id).status for call_id in calls]
        intents = session.scalars(select(StripeIntent)).all()
        attempts = session.scalars(select(PortalPayment)).all()
    assert statuses[1] == "paid" and statuses[0] != "paid" and statuses[2:] == ["due", "due"]
    assert [intent.call_ids for intent in intents] == [[calls[1]]]
    assert [(a.autopay_call_id, a.outcome) for a in attempts] == [(calls[1], "started")]
    on_stripe = stripe_api.client().v1.payment_intents.retrieve(intents[0].intent_id).to_dict()
    assert on_stripe["payment_method"] is not None and on_stripe["customer"] is not None
    jobs()
    assert len(receipt_mails(mailbox)) == 1


def test_a_declined_automatic_payment_is_kept_and_the_client_emailed_once(bound, tenant, portfolio, policyholder,
                                                                         stripe_api, mailbox, jobs):
    configure(bound, tenant)
    calls = calls_for(bound, tenant, portfolio, "PAY-11")
    save_card(policyholder, stripe_api, DECLINED_CARD)
    _turn_autopay_on(bound, tenant, since=START)
    _run_autopay(bound, tenant, jobs, START)
    _run_autopay(bound, tenant, jobs, START + timedelta(days=1))
    jobs()
    with bound(tenant) as session:
        attempts = session.scalars(select(PortalPayment)).all()
        assert [(a.autopay_call_id, a.outcome) for a in attempts] == [(calls[0], "declined")]
        assert attempts[0].notified_at is not None
        assert session.scalar(select(func.count()).select_from(StripeIntent)) == 1
        assert session.scalar(select(func.count()).select_from(StripeEvent)) == 0
    mails = [m for m in mailbox.to("lea.martin@example.fr") if "did not go through" in m["Subject"]]
    assert len(mails) == 1
    body = mailbox.text(mails[0])
    assert "Your card was declined." in body and "/portal/premiums" in body
