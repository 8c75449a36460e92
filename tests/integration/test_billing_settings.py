"""The firm's billing settings screen: administrators only; the reminder
delay, notices by email and the Stripe account (a connected account or the
firm's own keys), validated with clear messages; secrets never shown back in
full and kept when left blank; a stale form refused; every change audited
without the secrets; the connection test against localstripe."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.billing import firm_settings
from app.billing.models import BillingSettings
from tests.conftest import add_user, sign_in

SECRET = "sk_test_51FirmSecretKeyABCDEFGH"
WEBHOOK_SECRET = "whsec_0123456789abcdef0123456789ab"


def form(**values) -> dict:
    base = {"reminder_days": "5", "email_notices": "y", "stripe_mode": "own_keys", "stripe_account_id": "",
            "stripe_secret_key": SECRET, "stripe_publishable_key": "pk_test_51FirmPublishable",
            "stripe_webhook_secret": WEBHOOK_SECRET, "version": "1"}
    return {key: value for key, value in (base | values).items() if value is not None}


def stored(bound, tenant) -> BillingSettings:
    with bound(tenant) as session:
        settings = firm_settings.load(session)
        session.commit()
        session.refresh(settings)
        session.expunge(settings)
        return settings


@pytest.fixture
def platform_stripe(app):
    """The platform's own Stripe key, which connected accounts need."""
    previous = {key: app.config.get(key) for key in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET")}
    app.config.update(STRIPE_SECRET_KEY="sk_test_platform_key", STRIPE_WEBHOOK_SECRET="whsec_platform_secret")
    yield
    app.config.update(previous)


@pytest.fixture
def stripe_at(app):
    """Point the app at a Stripe address for the test."""
    previous = app.config["STRIPE_API_BASE"]
    yield lambda url: app.config.update(STRIPE_API_BASE=url)
    app.config["STRIPE_API_BASE"] = previous


def test_only_administrators_see_and_change_the_billing_settings(app, tenant, client_for, admin_client):
    page = admin_client.get("/premiums/settings")
    assert page.status_code == 200 and 'data-testid="billing-settings-form"' in page.text
    assert f"http://{tenant.slug}.localhost/premiums/stripe/webhook" in page.text
    for email, role in (("manager@example.fr", "manager"), ("handler@example.fr", "handler"),
                        ("reader@example.fr", "readonly")):
        add_user(app, tenant, email, role)
        client = client_for(tenant)
        assert sign_in(client, email).status_code == 303
        assert client.get("/premiums/settings").status_code == 403
        assert client.post("/premiums/settings", data=form()).status_code == 403
        assert client.post("/premiums/settings/stripe-test").status_code == 403
    anonymous = client_for(tenant)
    assert anonymous.get("/premiums/settings").status_code == 302


def test_own_keys_are_saved_masked_kept_when_blank_and_audited_without_the_secrets(bound, tenant, admin_client):
    response = admin_client.post("/premiums/settings", data=form(reminder_days="7", email_notices=None,
                                                                 sepa_debit_enabled="y"))
    assert response.status_code == 303, response.text
    settings = stored(bound, tenant)
    assert (settings.reminder_days, settings.email_notices, settings.sepa_debit_enabled) == (7, False, True)
    assert (settings.stripe_secret_key, settings.stripe_webhook_secret) == (SECRET, WEBHOOK_SECRET)
    page = admin_client.get("/premiums/settings").text
    assert SECRET not in page and WEBHOOK_SECRET not in page
    assert "sk_test_••••EFGH" in page and "whsec_••••89ab" in page
    assert admin_client.post("/premiums/settings", data=form(
        version=str(settings.version), stripe_secret_key="", stripe_webhook_secret="",
        reminder_days="10")).status_code == 303
    kept = stored(bound, tenant)
    assert (kept.stripe_secret_key, kept.stripe_webhook_secret, kept.reminder_days) == (SECRET, WEBHOOK_SECRET, 10)
    with bound(tenant) as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "billing_settings.update")
                                  .order_by(AuditEntry.id)).all()
        assert len(entries) == 2
        logged = repr([(entry.before, entry.after) for entry in entries])
        assert SECRET not in logged and WEBHOOK_SECRET not in logged
        assert entries[0].after["secret_key_changed"] is True and entries[1].after["secret_key_changed"] is False
        assert entries[1].after["reminder_days"] == 10


@pytest.mark.parametrize("values, field, message", [
    ({"stripe_secret_key": "pk_test_oops"}, "stripe_secret_key", "This is the publishable key"),
    ({"stripe_secret_key": "sk_oops"}, "stripe_secret_key", "A secret key starts with sk_test_ or sk_live_"),
    ({"stripe_publishable_key": "sk_test_oops"}, "stripe_publishable_key", "This is a secret key"),
    ({"stripe_publishable_key": "pk_live_51Other"}, "stripe_publishable_key", "both be test keys or both live"),
    ({"stripe_webhook_secret": "secret"}, "stripe_webhook_secret", "starts with whsec_"),
    ({"stripe_webhook_secret": ""}, "stripe_webhook_secret", "webhook signing secret (whsec_…)"),
    ({"stripe_mode": "connected", "stripe_account_id": "acc_123"}, "stripe_account_id", "starts with acct_"),
    ({"stripe_mode": "connected", "stripe_account_id": "acct_123abc"}, "stripe_account_id",
     "no Stripe platform key"),
    ({"reminder_days": "0"}, "reminder_days", "between 1 and 60"),
    ({"reminder_days": "61"}, "reminder_days", "between 1 and 60"),
    ({"reminder_days": "soon"}, "reminder_days", "between 1 and 60"),
    ({"stripe_mode": "paypal"}, "stripe_mode", "Choose how the firm takes payments with Stripe."),
])
def test_wrong_values_are_refused_next_to_the_field_and_nothing_is_saved(bound, tenant, admin_client, values,
                                                                          field, message):
    response = admin_client.post("/premiums/settings", data=form(**values))
    assert response.status_code == 422
    assert message in response.text and "is-invalid" in response.text
    assert 'value="pk_test_51FirmPublishable"' in response.text or "stripe_publishable_key" in values
    assert stored(bound, tenant).stripe_secret_key is None


def test_one_submission_names_every_wrong_field(admin_client):
    response = admin_client.post("/premiums/settings", data=form(reminder_days="99", stripe_secret_key="pk_test_x"))
    assert response.status_code == 422
    assert "between 1 and 60" in response.text and "This is the publishable key" in response.text


def test_a_connected_account_uses_the_platform_key_and_forgets_the_firms_own_keys(bound, tenant, admin_client,
                                                                                   platform_stripe):
    assert admin_client.post("/premiums/settings", data=form()).status_code == 303
    response = admin_client.post("/premiums/settings", data=form(
        version="2", stripe_mode="connected", stripe_account_id="acct_1FirmConnected", stripe_secret_key="",
        stripe_publishable_key="", stripe_webhook_secret=""))
    assert response.status_code == 303, response.text
    settings = stored(bound, tenant)
    assert settings.stripe_account_id == "acct_1FirmConnected"
    assert settings.stripe_secret_key is None and settings.stripe_publishable_key is None
    assert settings.stripe_webhook_secret == WEBHOOK_SECRET
    assert admin_client.post("/premiums/settings", data=form(version="3", stripe_mode="none")).status_code == 303
    cleared = stored(bound, tenant)
    assert (cleared.stripe_account_id, cleared.stripe_secret_key, cleared.stripe_webhook_secret) == (None, None, None)


def test_a_stale_form_is_refused_with_a_clear_message(bound, tenant, admin_client):
    assert admin_client.get("/premiums/settings").status_code == 200
    assert admin_client.post("/premiums/settings", data=form(reminder_days="8")).status_code == 303
    response = admin_client.post("/premiums/settings", data=form(reminder_days="9", version="1"))
    assert response.status_code == 409 and "Someone changed this meanwhile" in response.text
    assert stored(bound, tenant).reminder_days == 8


def test_each_firm_sees_only_its_own_settings(bound, tenant, make_tenant, client_for, admin_client):
    assert admin_client.post("/premiums/settings", data=form(reminder_days="12")).status_code == 303
    other = make_tenant("b")
    other_client = client_for(other)
    assert sign_in(other_client, "admin@example.fr").status_code == 303
    page = other_client.get("/premiums/settings").text
    assert "sk_test_••••" not in page and 'value="12"' not in page and 'value="5"' in page
    assert stored(bound, other).stripe_secret_key is None


def test_the_connection_test_asks_stripe_and_says_clearly_when_it_fails(admin_client, localstripe, stripe_at):
    stripe_at(localstripe.url)
    answer = admin_client.post("/premiums/settings/stripe-test", follow_redirects=True)
    assert "Stripe is not set up for the firm" in answer.text
    assert admin_client.post("/premiums/settings", data=form()).status_code == 303
    answer = admin_client.post("/premiums/settings/stripe-test", follow_redirects=True)
    assert answer.status_code == 200 and "Stripe answered (test mode). Available balance: €20.00." in answer.text
    assert admin_client.post("/premiums/settings", data=form(
        version="2", stripe_secret_key="rk_test_51RestrictedKey", stripe_webhook_secret="")).status_code == 303
    refused = admin_client.post("/premiums/settings/stripe-test", follow_redirects=True)
    assert "The connection to Stripe failed. Stripe refused the firm&#39;s keys" in refused.text
    stripe_at("http://127.0.0.1:9")
    unreachable = admin_client.post("/premiums/settings/stripe-test", follow_redirects=True)
    assert unreachable.status_code == 200 and "Stripe could not be reached" in unreachable.text
