"""The premium call page's actions and the Premiums area's links: a payment
recorded from the call (the form pre-filled), a card payment requested on
Stripe (only for a call still owed, a firm with Stripe set up, and staff who
may write; the button's POST creates the intent on localstripe), and the
links to the Stripe payments and, for administrators, the billing settings."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.billing import firm_settings, payments
from app.billing import services as billing
from app.billing.models import PremiumCall, StripeIntent
from app.billing.services import record_payment
from app.contracts.models import Contract
from app.crm import services as clients
from tests.conftest import add_user, sign_in
from tests.integration.test_billing import new_contract
from tests.integration.test_billing_stripe import calls_for, configure, stripe_api  # noqa: F401  (fixture)
from tests.integration.test_contracts import make_insurer, portfolio  # noqa: F401  (fixture)

BUTTON = 'data-testid="stripe-intent"'


def signed_in(app, tenant, client_for, email: str, role: str):
    add_user(app, tenant, email, role)
    client = client_for(tenant)
    assert sign_in(client, email).status_code == 303
    return client


def stripe_form(page_text: str) -> str:
    """The Stripe button's form, whose action and CSRF field the test checks."""
    found = re.search(r'<form[^>]*data-testid="stripe-intent-form".*?</form>', page_text, re.S)
    assert found, "no Stripe button on the page"
    return found.group(0)


def test_the_premium_calls_link_to_stripe_payments_and_administrators_to_the_settings(
        app, tenant, client_for, admin_client):
    page = admin_client.get("/premiums/")
    assert page.status_code == 200
    assert 'href="/premiums/stripe"' in page.text and 'href="/premiums/settings"' in page.text
    assert admin_client.get("/premiums/stripe").status_code == 200
    assert admin_client.get("/premiums/settings").status_code == 200
    for email, role in (("handler@example.fr", "handler"), ("reader@example.fr", "readonly")):
        staff = signed_in(app, tenant, client_for, email, role)
        shown = staff.get("/premiums/").text
        assert 'href="/premiums/stripe"' in shown and 'href="/premiums/settings"' not in shown, role
        assert staff.get("/premiums/settings").status_code == 403, role


def test_an_owed_call_offers_a_payment_pre_filled_from_it(bound, tenant, portfolio, admin_client):  # noqa: F811
    call_id = calls_for(bound, tenant, portfolio, "LNK-1")[0]
    page = admin_client.get(f"/premiums/calls/{call_id}")
    assert f'href="/premiums/payments/new?call_id={call_id}"' in page.text
    form = admin_client.get(f"/premiums/payments/new?call_id={call_id}")
    with bound(tenant) as session:
        call = session.get(PremiumCall, call_id)
        total = call.total
    assert form.status_code == 200
    assert f'value="{portfolio["client_reference"]}"' in form.text
    assert f'value="{call_id}" id="call-{call_id}" checked' in form.text
    assert f'value="{total}"' in form.text


def test_no_stripe_button_until_the_firm_sets_stripe_up(bound, tenant, portfolio, admin_client):  # noqa: F811
    call_id = calls_for(bound, tenant, portfolio, "LNK-2")[0]
    page = admin_client.get(f"/premiums/calls/{call_id}")
    assert page.status_code == 200 and BUTTON not in page.text
    configure(bound, tenant)
    form = stripe_form(admin_client.get(f"/premiums/calls/{call_id}").text)
    assert f'action="/premiums/calls/{call_id}/stripe-intent"' in form and 'method="post"' in form
    assert 'name="csrf_token"' in form and "Request a card payment (Stripe)" in form


def test_a_connected_account_needs_the_platforms_key_for_the_button(app, bound, tenant, portfolio,  # noqa: F811
                                                                     admin_client):
    call_id = calls_for(bound, tenant, portfolio, "LNK-3")[0]
    with bound(tenant) as session:
        firm_settings.load(session).stripe_account_id = "acct_1FirmConnected"
        session.commit()
    previous = app.config.get("STRIPE_SECRET_KEY")
    app.config["STRIPE_SECRET_KEY"] = ""
    try:
        assert BUTTON not in admin_client.get(f"/premiums/calls/{call_id}").text
        app.config["STRIPE_SECRET_KEY"] = "sk_test_platform_key"
        assert BUTTON in admin_client.get(f"/premiums/calls/{call_id}").text
    finally:
        app.config["STRIPE_SECRET_KEY"] = previous


def test_the_button_creates_the_intent_on_stripe_and_the_call_page_says_so(bound, tenant, portfolio,  # noqa: F811
                                                                          admin_client, stripe_api):  # noqa: F811
    configure(bound, tenant)
    call_id = calls_for(bound, tenant, portfolio, "LNK-4")[0]
    stripe_form(admin_client.get(f"/premiums/calls/{call_id}").text)
    response = admin_client.post(f"/premiums/calls/{call_id}/stripe-intent")
    assert response.status_code == 303 and response.headers["Location"] == f"/premiums/calls/{call_id}"
    with bound(tenant) as session:
        intent = session.scalar(select(StripeIntent))
        reference = session.get(PremiumCall, call_id).reference
        assert intent.call_ids == [call_id]
    shown = admin_client.get(f"/premiums/calls/{call_id}").text
    assert f"Stripe payment {intent.intent_id} for {reference}" in shown
    on_stripe = stripe_api.client().v1.payment_intents.retrieve(intent.intent_id).to_dict()
    assert on_stripe["metadata"]["call"] == reference and on_stripe["metadata"]["call_ids"] == str(call_id)


def test_a_paid_call_offers_neither_a_payment_nor_stripe(bound, tenant, portfolio, admin_client):  # noqa: F811
    configure(bound, tenant)
    call_id = calls_for(bound, tenant, portfolio, "LNK-5")[0]
    with bound(tenant) as session:
        call = session.get(PremiumCall, call_id)
        record_payment(session, None, client_id=call.client_id, amount=call.total, method="transfer",
                       received_on=date.today(), reference=call.reference, call_ids=[call.id])
        session.commit()
    page = admin_client.get(f"/premiums/calls/{call_id}")
    assert page.status_code == 200 and "Paid" in page.text
    assert BUTTON not in page.text and "payments/new?call_id=" not in page.text


def test_staff_who_only_read_see_no_action_and_cannot_post(app, bound, tenant, portfolio, client_for):  # noqa: F811
    configure(bound, tenant)
    call_id = calls_for(bound, tenant, portfolio, "LNK-6")[0]
    reader = signed_in(app, tenant, client_for, "reader@example.fr", "readonly")
    page = reader.get(f"/premiums/calls/{call_id}")
    assert page.status_code == 200 and BUTTON not in page.text and "payments/new?call_id=" not in page.text
    assert reader.post(f"/premiums/calls/{call_id}/stripe-intent").status_code == 403
    with bound(tenant) as session:
        assert session.scalar(select(StripeIntent)) is None


def test_another_firms_call_is_not_found(bound, tenant, make_tenant, portfolio, client_for):  # noqa: F811
    configure(bound, tenant)
    call_id = calls_for(bound, tenant, portfolio, "LNK-7")[0]
    other = client_for(make_tenant("b"))
    assert sign_in(other, "admin@example.fr").status_code == 303
    assert other.get(f"/premiums/calls/{call_id}").status_code == 404
    assert other.post(f"/premiums/calls/{call_id}/stripe-intent").status_code == 404
    assert other.get(f"/premiums/payments/new?call_id={call_id}").status_code == 404


def test_the_client_premiums_summary_offers_to_record_a_payment_and_to_use_credit(admin_client, bound, tenant):
    """A payer with credit and an open call: the summary's button uses the credit on it."""
    with bound(tenant) as session:
        client = clients.create(session, None, {"kind": "individual", "last_name": "Crédit", "first_name": "Ana"})
        session.commit()
        client_id = client.id
    portfolio = {"client": client_id, "insurer": make_insurer(bound, tenant)}
    contract_id = new_contract(bound, tenant, portfolio, "quarterly")
    with bound(tenant) as session:
        contract = session.get(Contract, contract_id)
        calls = billing.generate_for_contract(session, None, contract, contract.effective_date)
        payments.record_payment(session, None, client_id=client_id, amount=calls[0].total + Decimal("50.00"),
                                method="transfer", received_on=contract.effective_date, call_ids=[calls[0].id])
        session.commit()
        second_id = calls[1].id
    section = admin_client.get(f"/premiums/clients/{client_id}/premiums", headers={"HX-Request": "true"})
    assert f"/premiums/payments/new?client_id={client_id}" in section.text
    assert 'data-testid="use-credit"' in section.text
    used = admin_client.post(f"/premiums/clients/{client_id}/use-credit", data={"next": f"/clients/{client_id}"})
    assert used.status_code == 303 and used.headers["Location"].endswith(f"/clients/{client_id}")
    with bound(tenant) as session:
        second = session.get(PremiumCall, second_id)
        assert second.paid == Decimal("50.00")
