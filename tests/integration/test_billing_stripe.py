"""Stripe through localstripe, a real fake Stripe started as a process, with
the real ``stripe`` library: a PaymentIntent per call on the firm's own
account (metadata, cents, idempotent), card and SEPA payments confirmed on
Stripe and recorded from the webhook localstripe delivers to the app over
HTTP, a declined card, replayed and out-of-order events (every order of
succeeded / failed / refunded ends the same), two deliveries at once,
signatures refused (bad, another firm's, none), another firm's intent
ignored, and the screens' role and tenant checks."""

from __future__ import annotations

import itertools
import threading
from decimal import Decimal

import pytest
import requests
from sqlalchemy import func, select

from app.billing import firm_settings, stripe_gateway
from app.billing.errors import BillingError
from app.billing.models import Payment, PremiumCall, StripeEvent, StripeIntent
from app.billing.services import generate_for_contract, record_payment
from app.contracts.models import Contract
from app.crm import services as clients
from tests.conftest import add_user, sign_in
from tests.integration.test_billing import START, new_contract
from tests.integration.test_contracts import make_contract, portfolio  # noqa: F401
from tests.stripe_server import WEBHOOK_PATH, event, new_webhook_secret, serve_app, signed, wait_for, webhook_url

DECLINED_CARD = "4000000000000341"      # localstripe: attached fine, charge declined
SEPA_IBAN = "DE89370400440532013000"
SEPA_REFUSED_IBAN = "DE62370400440532013001"  # localstripe: the debit fails later


@pytest.fixture
def stripe_api(app, localstripe):
    """The app talks to localstripe for the test."""
    previous = app.config["STRIPE_API_BASE"]
    app.config["STRIPE_API_BASE"] = localstripe.url
    yield localstripe
    app.config["STRIPE_API_BASE"] = previous


@pytest.fixture(scope="module")
def live_port(app):
    """The app over HTTP, where localstripe delivers webhooks."""
    with serve_app(app) as port:
        yield port


def configure(bound, tenant, *, sepa: bool = False) -> str:
    """The firm's own (test) keys; returns its webhook signing secret."""
    secret = new_webhook_secret()
    with bound(tenant) as session:
        settings = firm_settings.load(session)
        settings.stripe_secret_key = f"sk_test_{tenant.slug.replace('-', '')}"
        settings.stripe_publishable_key = f"pk_test_{tenant.slug.replace('-', '')}"
        settings.stripe_webhook_secret, settings.sepa_debit_enabled = secret, sepa
        session.commit()
    return secret


def calls_for(bound, tenant, portfolio, policy: str, plan: str = "quarterly", premium: str = "1000.00") -> list[int]:
    contract_id = new_contract(bound, tenant, portfolio, plan, premium=premium, fees=Decimal("0.00"),
                               policy_number=policy)
    with bound(tenant) as session:
        calls = generate_for_contract(session, None, session.get(Contract, contract_id), START, today=START)
        session.commit()
        return [call.id for call in calls]


def create(bound, tenant, call_ids: list[int], **options) -> tuple[str, str]:
    """Create the intent through the gateway; returns (intent id, status)."""
    with bound(tenant) as session:
        intent = stripe_gateway.create_intent(session, None, [session.get(PremiumCall, i) for i in call_ids],
                                              **options)
        session.commit()
        return intent.intent_id, intent.status


def pay_on_stripe(localstripe, intent_id: str, payment_method: str = "pm_card_visa") -> dict:
    """What the payer's browser does with Stripe.js: choose a card, confirm."""
    client = localstripe.client()
    client.v1.payment_intents.update(intent_id, params={"payment_method": payment_method})
    return client.v1.payment_intents.confirm(intent_id).to_dict()


def refund_on_stripe(localstripe, paid: dict) -> dict:
    client = localstripe.client()
    client.v1.refunds.create(params={"payment_intent": paid["id"]})
    charge = paid["latest_charge"]
    return client.v1.charges.retrieve(charge["id"] if isinstance(charge, dict) else charge).to_dict()


def state(bound, tenant, call_id: int, intent_id: str) -> dict:
    with bound(tenant) as session:
        call = session.get(PremiumCall, call_id)
        intent = session.scalar(select(StripeIntent).where(StripeIntent.intent_id == intent_id))
        payments = session.scalars(select(Payment).where(Payment.external_id == intent_id)).all()
        return {"call": (call.status, call.paid, call.refunded), "intent": (intent.status, intent.failure_message),
                "payments": [(p.status, p.amount, p.method, p.unallocated) for p in payments],
                "events": session.scalar(select(func.count()).select_from(StripeEvent)
                                         .where(StripeEvent.object_id == intent_id))}


def outcomes(bound, tenant, intent_id: str) -> dict[str, str]:
    with bound(tenant) as session:
        return dict(session.execute(select(StripeEvent.type, StripeEvent.outcome)
                                    .where(StripeEvent.object_id == intent_id)).all())


def post(client, body: dict | bytes, secret: str, **kwargs):
    payload, headers = signed(body, secret, **kwargs)
    return client.post(WEBHOOK_PATH, data=payload, headers=headers)


# --- intents ------------------------------------------------------------------------------

def test_an_intent_per_call_on_the_firms_account_with_its_metadata_and_one_for_a_double_click(
        bound, tenant, portfolio, stripe_api):
    configure(bound, tenant, sepa=True)
    first, second = calls_for(bound, tenant, portfolio, "STR-1")[:2]
    intent_id, status = create(bound, tenant, [first])
    assert status == "requires_payment_method"
    assert create(bound, tenant, [first]) == (intent_id, status)
    on_stripe = stripe_api.client().v1.payment_intents.retrieve(intent_id).to_dict()
    with bound(tenant) as session:
        call = session.get(PremiumCall, first)
        contract = session.get(Contract, call.contract_id)
        assert on_stripe["amount"] == int(call.total * 100) and on_stripe["currency"] == "eur"
        assert on_stripe["metadata"] == {"tenant": tenant.schema_name, "client_id": str(portfolio["client"]),
                                         "contract": contract.reference, "call": call.reference,
                                         "call_ids": str(first)}
        rows = session.scalars(select(StripeIntent)).all()
        assert [(row.intent_id, row.call_ids, row.amount) for row in rows] == [(intent_id, [first], call.total)]
    with bound(tenant) as session:
        browser = stripe_gateway.browser_payment(session, session.scalar(select(StripeIntent)))
    assert browser.client_secret.startswith(f"{intent_id}_secret_") and browser.stripe_account is None
    assert browser.publishable_key == f"pk_test_{tenant.slug.replace('-', '')}"
    both, _ = create(bound, tenant, [first, second])
    assert both != intent_id
    assert stripe_api.client().v1.payment_intents.retrieve(both).to_dict()["metadata"]["call_ids"] \
        == f"{first},{second}"


def test_a_card_payment_on_stripe_is_recorded_from_the_webhook_localstripe_delivers(
        app, bound, tenant, portfolio, stripe_api, live_port):
    secret = configure(bound, tenant)
    stripe_api.register_webhook(tenant.slug, webhook_url(tenant.slug, live_port), secret)
    call_id = calls_for(bound, tenant, portfolio, "STR-2")[0]
    intent_id, _ = create(bound, tenant, [call_id])
    app.config["WTF_CSRF_ENABLED"] = True  # the webhook needs no CSRF token: Stripe's signature is the proof
    try:
        assert pay_on_stripe(stripe_api, intent_id)["status"] == "succeeded"
        wait_for(lambda: outcomes(bound, tenant, intent_id).get("payment_intent.succeeded"), "the webhook")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    with bound(tenant) as session:
        call = session.get(PremiumCall, call_id)
        assert (call.status, call.paid) == ("paid", call.total)
        payment = session.scalar(select(Payment).where(Payment.external_id == intent_id))
        assert (payment.method, payment.amount, payment.unallocated) == ("card", call.total, 0)
        intent = session.scalar(select(StripeIntent).where(StripeIntent.intent_id == intent_id))
        assert (intent.status, intent.payment_id, intent.payment_method_type) == ("succeeded", payment.id, "card")
        kept = session.scalar(select(StripeEvent).where(StripeEvent.object_id == intent_id))
        assert kept.outcome == "recorded" and kept.payload["data"]["object"]["id"] == intent_id
        assert "client_secret" not in kept.payload["data"]["object"]


def test_a_payment_confirmed_by_the_server_with_a_saved_card_and_a_second_one_refused_while_under_way(
        bound, tenant, portfolio, stripe_api, live_port):
    secret = configure(bound, tenant)
    stripe_api.register_webhook(tenant.slug, webhook_url(tenant.slug, live_port), secret)
    call_id = calls_for(bound, tenant, portfolio, "STR-3")[0]
    intent_id, status = create(bound, tenant, [call_id], payment_method="pm_card_visa", confirm=True)
    assert status == "succeeded"
    with pytest.raises(BillingError) as refused:
        create(bound, tenant, [call_id])
    assert refused.value.code in ("stripe_payment_under_way", "call_not_open")
    wait_for(lambda: outcomes(bound, tenant, intent_id).get("payment_intent.succeeded"), "the webhook")
    assert state(bound, tenant, call_id, intent_id)["call"][0] == "paid"
    with pytest.raises(BillingError) as closed:
        create(bound, tenant, [call_id])
    assert closed.value.code == "call_not_open"


def test_a_declined_card_leaves_the_call_owed_and_the_failure_on_the_intent(bound, tenant, portfolio, stripe_api,
                                                                            live_port):
    secret = configure(bound, tenant)
    stripe_api.register_webhook(tenant.slug, webhook_url(tenant.slug, live_port), secret)
    call_id = calls_for(bound, tenant, portfolio, "STR-4")[0]
    card = stripe_api.client().v1.payment_methods.create(params={"type": "card", "card": {
        "number": DECLINED_CARD, "exp_month": 12, "exp_year": 2030, "cvc": "123"}})
    with bound(tenant) as session:
        with pytest.raises(stripe_gateway.StripeDeclined) as declined:
            stripe_gateway.create_intent(session, None, [session.get(PremiumCall, call_id)],
                                         payment_method=card.id, confirm=True)
        session.commit()
        assert declined.value.code == "stripe_card_declined" and declined.value.detail == "Your card was declined."
        intent_id = declined.value.intent.intent_id
    wait_for(lambda: outcomes(bound, tenant, intent_id).get("payment_intent.payment_failed"), "the failure")
    after = state(bound, tenant, call_id, intent_id)
    assert after["intent"] == ("requires_payment_method", "Your card was declined.")
    assert after["call"][1:] == (0, 0) and after["call"][0] in ("due", "overdue") and after["payments"] == []


def test_sepa_direct_debit_is_recorded_as_a_direct_debit_and_a_refused_debit_as_a_failure(
        bound, tenant, portfolio, stripe_api, live_port):
    secret = configure(bound, tenant, sepa=True)
    stripe_api.register_webhook(tenant.slug, webhook_url(tenant.slug, live_port), secret)
    paid_call, refused_call = calls_for(bound, tenant, portfolio, "STR-5")[:2]
    client = stripe_api.client()
    mandate = client.v1.payment_methods.create(params={"type": "sepa_debit", "sepa_debit": {"iban": SEPA_IBAN}})
    paid_id, _ = create(bound, tenant, [paid_call], payment_method=mandate.id, confirm=True)
    refused = client.v1.payment_methods.create(params={"type": "sepa_debit",
                                                       "sepa_debit": {"iban": SEPA_REFUSED_IBAN}})
    refused_id, status = create(bound, tenant, [refused_call], payment_method=refused.id, confirm=True)
    assert status == "processing"  # a debit is not paid at once
    wait_for(lambda: outcomes(bound, tenant, paid_id).get("payment_intent.succeeded"), "the debit")
    wait_for(lambda: outcomes(bound, tenant, refused_id).get("payment_intent.payment_failed"), "the refusal")
    paid = state(bound, tenant, paid_call, paid_id)
    assert paid["call"][0] == "paid" and paid["payments"][0][2] == "direct_debit"
    refused_state = state(bound, tenant, refused_call, refused_id)
    assert refused_state["intent"][0] == "requires_payment_method" and refused_state["payments"] == []


def test_sepa_is_refused_when_the_firm_did_not_enable_it(bound, tenant, portfolio, stripe_api):
    configure(bound, tenant, sepa=False)
    call_id = calls_for(bound, tenant, portfolio, "STR-6")[0]
    with pytest.raises(BillingError) as refused:
        create(bound, tenant, [call_id], method_types=["sepa_debit"])
    assert refused.value.code == "stripe_method_not_enabled"


def test_calls_of_two_payers_are_not_paid_together_and_nothing_happens_without_stripe_set_up(
        bound, tenant, portfolio, stripe_api):
    call_id = calls_for(bound, tenant, portfolio, "STR-7")[0]
    with pytest.raises(BillingError) as unset:
        create(bound, tenant, [call_id])
    assert unset.value.code == "stripe_not_configured"
    configure(bound, tenant)
    with bound(tenant) as session:
        other = clients.create(session, None, {"kind": "individual", "last_name": "Durand", "first_name": "Paul"})
        session.commit()
        other_id = other.id
    contract_id = make_contract(bound, tenant, client_id=other_id, insurer_id=portfolio["insurer"],
                                effective_date=START, policy_number="STR-7B")
    with bound(tenant) as session:
        other_call = generate_for_contract(session, None, session.get(Contract, contract_id), START, today=START)[0]
        session.commit()
        other_call_id = other_call.id
    with pytest.raises(BillingError) as mixed:
        create(bound, tenant, [call_id, other_call_id])
    assert mixed.value.code == "stripe_mixed_payers"


# --- webhook: replays, orders, concurrency -----------------------------------------------

def test_a_replayed_event_is_counted_once(bound, tenant, portfolio, stripe_api, client_for):
    secret = configure(bound, tenant)
    call_id = calls_for(bound, tenant, portfolio, "STR-8")[0]
    intent_id, _ = create(bound, tenant, [call_id])
    succeeded = event("payment_intent.succeeded", pay_on_stripe(stripe_api, intent_id))
    client = client_for(tenant)
    first = post(client, succeeded, secret)
    assert first.status_code == 200 and first.json == {"received": True, "outcome": "recorded"}
    again = post(client, succeeded, secret)
    assert again.status_code == 200 and again.json["outcome"] == "replayed"
    after = state(bound, tenant, call_id, intent_id)
    assert after["call"][0] == "paid" and len(after["payments"]) == 1 and after["events"] == 1


ORDERS = list(itertools.permutations(["succeeded", "failed", "refunded"]))


@pytest.mark.parametrize("order", ORDERS, ids=["-".join(order) for order in ORDERS])
def test_any_order_of_arrival_ends_in_the_same_state(bound, tenant, portfolio, stripe_api, client_for, order):
    secret = configure(bound, tenant)
    call_id = calls_for(bound, tenant, portfolio, "STR-9")[0]
    intent_id, _ = create(bound, tenant, [call_id])
    paid = pay_on_stripe(stripe_api, intent_id)
    declined = paid | {"status": "requires_payment_method",
                       "last_payment_error": {"code": "card_declined", "message": "Your card was declined."}}
    events = {"succeeded": event("payment_intent.succeeded", paid),
              "failed": event("payment_intent.payment_failed", declined),
              "refunded": event("charge.refunded", refund_on_stripe(stripe_api, paid))}
    client = client_for(tenant)
    for name in order:
        assert post(client, events[name], secret).status_code == 200
    for name in order:  # and everything delivered once more changes nothing
        assert post(client, events[name], secret).json["outcome"] == "replayed"
    with bound(tenant) as session:
        total = session.get(PremiumCall, call_id).total
    assert state(bound, tenant, call_id, intent_id) == {
        "call": ("refunded", total, total), "intent": ("succeeded", None),
        "payments": [("refunded", total, "card", 0)], "events": 3}
    assert outcomes(bound, tenant, intent_id)["charge.refunded"] == "refunded"


def test_money_for_a_call_paid_meanwhile_becomes_the_payers_credit(bound, tenant, portfolio, stripe_api,
                                                                   client_for):
    secret = configure(bound, tenant)
    call_id = calls_for(bound, tenant, portfolio, "STR-10")[0]
    intent_id, _ = create(bound, tenant, [call_id])
    with bound(tenant) as session:
        call = session.get(PremiumCall, call_id)
        record_payment(session, None, client_id=call.client_id, amount=call.total, method="cheque",
                       received_on=START, call_ids=[call.id])
        session.commit()
        total = call.total
    assert post(client_for(tenant), event("payment_intent.succeeded", pay_on_stripe(stripe_api, intent_id)),
                secret).json["outcome"] == "recorded"
    after = state(bound, tenant, call_id, intent_id)
    assert after["call"] == ("paid", total, 0)
    assert after["payments"] == [("recorded", total, "card", total)]


def test_two_deliveries_of_one_event_at_once_count_once(bound, tenant, portfolio, stripe_api, live_port):
    secret = configure(bound, tenant)
    call_id = calls_for(bound, tenant, portfolio, "STR-11")[0]
    intent_id, _ = create(bound, tenant, [call_id])
    paid = pay_on_stripe(stripe_api, intent_id)
    succeeded = event("payment_intent.succeeded", paid)
    refunded = event("charge.refunded", refund_on_stripe(stripe_api, paid))
    bodies = [signed(succeeded, secret)] * 4 + [signed(refunded, secret)] * 2
    start, answers = threading.Barrier(len(bodies)), []

    def deliver(payload: bytes, headers: dict) -> None:
        start.wait()
        answers.append(requests.post(f"http://127.0.0.1:{live_port}{WEBHOOK_PATH}", data=payload, timeout=30,
                                     headers=headers | {"Host": f"{tenant.slug}.localhost:{live_port}"}))

    threads = [threading.Thread(target=deliver, args=body) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(answer.status_code for answer in answers) == [200] * 6
    assert sorted(answer.json()["outcome"] for answer in answers).count("replayed") == 4
    with bound(tenant) as session:
        total = session.get(PremiumCall, call_id).total
    assert state(bound, tenant, call_id, intent_id) == {
        "call": ("refunded", total, total), "intent": ("succeeded", None),
        "payments": [("refunded", total, "card", 0)], "events": 2}


# --- webhook: who may call it ------------------------------------------------------------

def test_signatures_that_do_not_prove_stripe_sent_it_are_refused(bound, tenant, make_tenant, portfolio, client_for,
                                                                  stripe_api):
    secret = configure(bound, tenant)
    other = make_tenant("b")
    other_secret = configure(bound, other)
    call_id = calls_for(bound, tenant, portfolio, "STR-12")[0]
    intent_id, _ = create(bound, tenant, [call_id])
    body = event("payment_intent.succeeded", pay_on_stripe(stripe_api, intent_id))
    client = client_for(tenant)
    payload, headers = signed(body, secret)
    assert post(client, body, new_webhook_secret()).status_code == 400
    assert post(client, body, other_secret).status_code == 400
    assert post(client, body, secret, timestamp=1_600_000_000).status_code == 400
    assert client.post(WEBHOOK_PATH, data=payload.replace(b'"amount"', b'"amount" ', 1), headers=headers) \
        .status_code == 400
    assert client.post(WEBHOOK_PATH, data=payload, headers={"Content-Type": "application/json"}).status_code == 400
    assert client.post(WEBHOOK_PATH, data=b"\xff\xfe", headers=signed(b"x", secret)[1]).status_code == 400
    assert post(client, b"not json", secret).json == {"error": "bad_payload"}
    assert client.get(WEBHOOK_PATH).status_code == 405
    unconfigured = make_tenant("c")
    answer = post(client_for(unconfigured), body, secret)
    assert answer.status_code == 400 and answer.json == {"error": "not_configured"}
    assert state(bound, tenant, call_id, intent_id)["payments"] == [] and \
        state(bound, tenant, call_id, intent_id)["events"] == 0


def test_another_firms_intent_changes_nothing_and_is_not_kept(bound, tenant, make_tenant, portfolio, client_for,
                                                              stripe_api):
    secret = configure(bound, tenant)
    call_id = calls_for(bound, tenant, portfolio, "STR-13")[0]
    foreign = stripe_api.client().v1.payment_intents.create(params={
        "amount": 5000, "currency": "eur", "payment_method": "pm_card_visa", "confirm": True,
        "metadata": {"tenant": "tenant_someone_else", "client_id": str(portfolio["client"]),
                     "call_ids": str(call_id)}}).to_dict()
    answer = post(client_for(tenant), event("payment_intent.succeeded", foreign), secret)
    assert answer.status_code == 200 and answer.json["outcome"] == "unknown_intent"
    ignored = post(client_for(tenant), event("customer.created", {"id": "cus_1", "object": "customer"}), secret)
    assert ignored.json["outcome"] == "ignored"
    with bound(tenant) as session:
        assert session.scalar(select(func.count()).select_from(Payment)) == 0
        assert session.scalar(select(func.count()).select_from(StripeIntent)) == 0
        assert session.scalar(select(StripeEvent.payload).where(StripeEvent.object_id == foreign["id"])) == {}
        assert session.get(PremiumCall, call_id).paid == 0


def test_an_intent_of_the_firm_not_stored_yet_is_taken_from_its_metadata(bound, tenant, portfolio, client_for,
                                                                         stripe_api):
    secret = configure(bound, tenant)
    call_id = calls_for(bound, tenant, portfolio, "STR-14")[0]
    with bound(tenant) as session:
        total = session.get(PremiumCall, call_id).total
    lost = stripe_api.client().v1.payment_intents.create(params={
        "amount": int(total * 100), "currency": "eur", "payment_method": "pm_card_visa", "confirm": True,
        "metadata": {"tenant": tenant.schema_name, "client_id": str(portfolio["client"]),
                     "call_ids": str(call_id)}}).to_dict()
    assert post(client_for(tenant), event("payment_intent.succeeded", lost), secret).json["outcome"] == "recorded"
    assert state(bound, tenant, call_id, lost["id"])["call"] == ("paid", total, 0)


# --- the screens --------------------------------------------------------------------------

def test_the_intent_button_creates_one_intent_and_says_so(app, bound, tenant, portfolio, admin_client, client_for,
                                                          make_tenant, stripe_api):
    call_id = calls_for(bound, tenant, portfolio, "STR-15")[0]
    unset = admin_client.post(f"/premiums/calls/{call_id}/stripe-intent", follow_redirects=True)
    assert unset.status_code == 200 and "Stripe is not set up for the firm" in unset.text
    configure(bound, tenant)
    target = f"/premiums/calls/{call_id}/stripe-intent"
    first = admin_client.post(target, data={"next": "/premiums/stripe"})
    assert first.status_code == 303 and first.headers["Location"] == "/premiums/stripe"
    with bound(tenant) as session:
        intent = session.scalar(select(StripeIntent))
        intent_id, reference = intent.intent_id, session.get(PremiumCall, call_id).reference
    shown = admin_client.get("/premiums/stripe").text
    assert f"Stripe payment {intent_id} for {reference}: requires_payment_method." in shown
    again = admin_client.post(target, data={"next": "//evil.example/"})
    assert again.headers["Location"] == f"/premiums/calls/{call_id}"
    with bound(tenant) as session:
        assert session.scalars(select(StripeIntent.intent_id)).all() == [intent_id]
    add_user(app, tenant, "reader@example.fr", "readonly")
    reader = client_for(tenant)
    assert sign_in(reader, "reader@example.fr").status_code == 303
    assert reader.post(target).status_code == 403
    listing = reader.get("/premiums/stripe")
    assert listing.status_code == 200 and intent_id in listing.text
    other = make_tenant("b")
    other_admin = client_for(other)
    assert sign_in(other_admin, "admin@example.fr").status_code == 303
    assert other_admin.post(target).status_code == 404
    assert intent_id not in other_admin.get("/premiums/stripe").text
    app.config["STRIPE_API_BASE"] = "http://127.0.0.1:9"
    second_call = calls_for(bound, tenant, portfolio, "STR-15B")[0]
    down = admin_client.post(f"/premiums/calls/{second_call}/stripe-intent", follow_redirects=True)
    assert down.status_code == 200 and "Stripe could not be reached" in down.text


def test_an_event_that_cannot_be_handled_is_kept_as_an_error_and_never_answers_500(bound, tenant, portfolio,
                                                                                   stripe_api, client_for):
    secret = configure(bound, tenant)
    call_id = calls_for(bound, tenant, portfolio, "STR-16")[0]
    intent_id, _ = create(bound, tenant, [call_id])
    paid = pay_on_stripe(stripe_api, intent_id)
    broken = post(client_for(tenant), event("payment_intent.succeeded", paid | {"amount": 0}), secret)
    assert broken.status_code == 200 and broken.json["outcome"] == "error"
    assert outcomes(bound, tenant, intent_id) == {"payment_intent.succeeded": "error"}
    assert state(bound, tenant, call_id, intent_id)["payments"] == []
    assert post(client_for(tenant), event("payment_intent.succeeded", paid), secret).json["outcome"] == "recorded"
    assert state(bound, tenant, call_id, intent_id)["call"][0] == "paid"


def test_a_connected_account_pays_with_the_platform_key_and_ignores_another_accounts_events(
        app, bound, tenant, portfolio, stripe_api, client_for):
    secret = new_webhook_secret()
    with bound(tenant) as session:
        settings = firm_settings.load(session)
        settings.stripe_account_id, settings.stripe_webhook_secret = "acct_1FirmConnected", secret
        session.commit()
    previous = {key: app.config[key] for key in ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY")}
    app.config.update(STRIPE_SECRET_KEY="sk_test_platform", STRIPE_PUBLISHABLE_KEY="pk_test_platform")
    try:
        call_id = calls_for(bound, tenant, portfolio, "STR-17")[0]
        intent_id, _ = create(bound, tenant, [call_id])
        with bound(tenant) as session:
            browser = stripe_gateway.browser_payment(session, session.scalar(select(StripeIntent)))
        assert (browser.publishable_key, browser.stripe_account) == ("pk_test_platform", "acct_1FirmConnected")
        paid = pay_on_stripe(stripe_api, intent_id)
        elsewhere = event("payment_intent.succeeded", paid, account="acct_1SomeoneElse")
        assert post(client_for(tenant), elsewhere, secret).json["outcome"] == "other_account"
        ours = event("payment_intent.succeeded", paid, account="acct_1FirmConnected")
        assert post(client_for(tenant), ours, secret).json["outcome"] == "recorded"
    finally:
        app.config.update(previous)
    assert state(bound, tenant, call_id, intent_id)["call"][0] == "paid"
