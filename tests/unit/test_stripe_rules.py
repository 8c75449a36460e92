"""Stripe rules: the key formats Stripe documents (sk_/rk_ secret keys,
pk_ publishable keys, whsec_ webhook signing secrets, acct_ connected
accounts; test and live keys not mixed), amounts in the currency's smallest
unit (cents), metadata values of at most 500 characters, the idempotency key
of a PaymentIntent, and what the webhook reads from an event."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.billing import stripe_rules
from app.billing.stripe_rules import CallToPay, StripeSettingsInput

D = Decimal


def given(**values) -> StripeSettingsInput:
    base = {"mode": "own_keys", "account_id": "", "secret_key": "sk_test_abc123", "publishable_key": "pk_test_abc123",
            "webhook_secret": "whsec_abc123", "stored_secret_key": None, "stored_webhook_secret": None,
            "platform_has_key": False, "platform_has_webhook_secret": False}
    return StripeSettingsInput(**(base | values))


@pytest.mark.parametrize("value, problem", [
    ("sk_test_51Habc", None), ("sk_live_51Habc", None), ("rk_live_51Habc", None),
    ("pk_test_51Habc", "stripe_secret_key_is_publishable"), ("sk_test_", "stripe_secret_key_invalid"),
    ("sk_51Habc", "stripe_secret_key_invalid"), ("sk_test_ab cd", "stripe_secret_key_invalid"),
    ("whsec_abc", "stripe_secret_key_invalid"), ("", "stripe_secret_key_invalid"),
])
def test_a_secret_key_starts_with_sk_or_rk_and_its_mode(value, problem):
    assert stripe_rules.secret_key_problem(value) == problem


@pytest.mark.parametrize("value, problem", [
    ("pk_test_51Habc", None), ("pk_live_51Habc", None), ("sk_test_51Habc", "stripe_publishable_key_is_secret"),
    ("pk_51Habc", "stripe_publishable_key_invalid"), ("pk_test_é", "stripe_publishable_key_invalid"),
])
def test_a_publishable_key_starts_with_pk(value, problem):
    assert stripe_rules.publishable_key_problem(value) == problem


@pytest.mark.parametrize("value, ok", [("whsec_5f1a", True), ("whsec_", False), ("sk_test_1", False),
                                       ("whsec_a-b", False)])
def test_a_webhook_secret_starts_with_whsec(value, ok):
    assert (stripe_rules.webhook_secret_problem(value) is None) is ok


@pytest.mark.parametrize("value, ok", [("acct_1Nv0FGQ9RKHgCVdK", True), ("acct_", False), ("acc_1N", False),
                                       ("acct_1N; DROP", False)])
def test_a_connected_account_id_starts_with_acct(value, ok):
    assert (stripe_rules.account_id_problem(value) is None) is ok


def test_own_keys_need_both_keys_of_the_same_mode_and_a_webhook_secret():
    assert stripe_rules.settings_problems(given()) == {}
    assert stripe_rules.settings_problems(given(publishable_key="pk_live_abc")) == {
        "stripe_publishable_key": "stripe_keys_mode_mismatch"}
    assert stripe_rules.settings_problems(given(secret_key=None, publishable_key="", webhook_secret=None)) == {
        "stripe_secret_key": "stripe_secret_key_required",
        "stripe_publishable_key": "stripe_publishable_key_required",
        "stripe_webhook_secret": "stripe_webhook_secret_required"}


def test_blank_secrets_keep_the_stored_ones():
    stored = given(secret_key=None, webhook_secret=None, stored_secret_key="sk_live_old1",
                   stored_webhook_secret="whsec_old1", publishable_key="pk_live_abc")
    assert stripe_rules.settings_problems(stored) == {}
    assert stripe_rules.settings_problems(stored.__class__(**(stored.__dict__ | {"publishable_key": "pk_test_a"}))) \
        == {"stripe_publishable_key": "stripe_keys_mode_mismatch"}


def test_a_connected_account_needs_the_platform_key_and_a_signing_secret_from_the_firm_or_the_platform():
    connected = given(mode="connected", account_id="acct_123abc", secret_key=None, publishable_key="",
                      webhook_secret=None)
    assert stripe_rules.settings_problems(connected) == {
        "stripe_account_id": "stripe_platform_key_missing", "stripe_webhook_secret": "stripe_webhook_secret_required"}
    with_platform = connected.__class__(**(connected.__dict__ | {"platform_has_key": True,
                                                                 "platform_has_webhook_secret": True}))
    assert stripe_rules.settings_problems(with_platform) == {}
    assert stripe_rules.settings_problems(given(mode="connected", account_id="")) == {
        "stripe_account_id": "stripe_account_required"}
    assert stripe_rules.settings_problems(given(mode="none", secret_key="nonsense")) == {}
    assert stripe_rules.settings_problems(given(mode="paypal")) == {"stripe_mode": "stripe_mode_invalid"}


def test_a_secret_is_shown_by_its_kind_and_last_four_characters_only():
    assert stripe_rules.mask("sk_live_51HabcdefWXYZ") == "sk_live_••••WXYZ"
    assert stripe_rules.mask("whsec_0123456789abcdef0123456789") == "whsec_••••6789"
    assert stripe_rules.mask("whsec_short") == "whsec_••••"
    assert stripe_rules.mask(None) == ""


@pytest.mark.parametrize("euros, cents", [(D("120.50"), 12050), (D("0.01"), 1), (D("1234567.89"), 123456789)])
def test_amounts_go_to_stripe_in_cents_and_back(euros, cents):
    assert stripe_rules.to_cents(euros) == cents
    assert stripe_rules.from_cents(cents) == euros


def test_a_fraction_of_a_cent_is_refused():
    with pytest.raises(ValueError):
        stripe_rules.to_cents(D("1.005"))


def call(id_: int, version: int = 1, outstanding: str = "100.00") -> CallToPay:
    return CallToPay(id_, version, f"QUI-{id_:06d}", "CTR-000001", D(outstanding))


def test_the_idempotency_key_is_the_same_for_the_same_calls_and_changes_with_them():
    key = stripe_rules.idempotency_key("tenant_a", [call(1), call(2)])
    assert key == stripe_rules.idempotency_key("tenant_a", [call(2), call(1)])
    assert key.startswith("assurdesk-pi-") and len(key) <= 255
    assert len({key, stripe_rules.idempotency_key("tenant_b", [call(1), call(2)]),
                stripe_rules.idempotency_key("tenant_a", [call(1, version=2), call(2)]),
                stripe_rules.idempotency_key("tenant_a", [call(1, outstanding="50.00"), call(2)]),
                stripe_rules.idempotency_key("tenant_a", [call(1), call(2)], payment_method="pm_1", confirm=True)}) == 5


def test_metadata_names_the_firm_the_client_the_contracts_and_the_calls_within_stripes_limits():
    metadata = stripe_rules.intent_metadata("tenant_a", 42, [call(2), call(1)])
    assert metadata == {"tenant": "tenant_a", "client_id": "42", "contract": "CTR-000001",
                        "call": "QUI-000001,QUI-000002", "call_ids": "1,2"}
    many = stripe_rules.intent_metadata("tenant_a", 42, [call(i) for i in range(1, 200)])
    assert all(len(value) <= stripe_rules.METADATA_VALUE_MAX for value in many.values())
    assert stripe_rules.call_ids_of(metadata) == [1, 2]
    assert stripe_rules.call_ids_of({"call_ids": "1,x"}) is None
    assert stripe_rules.call_ids_of({}) is None


def test_sepa_debit_is_offered_only_when_enabled():
    assert stripe_rules.method_types(False) == ["card"]
    assert stripe_rules.method_types(True) == ["card", "sepa_debit"]
    assert stripe_rules.method_types(True, ["sepa_debit"]) == ["sepa_debit"]
    assert stripe_rules.method_types(False, ["sepa_debit"]) is None


def test_what_the_webhook_reads_from_an_event():
    assert stripe_rules.intent_id_of("payment_intent.succeeded", {"id": "pi_1"}) == "pi_1"
    assert stripe_rules.intent_id_of("charge.refunded", {"id": "ch_1", "payment_intent": "pi_1"}) == "pi_1"
    assert stripe_rules.intent_id_of("charge.refunded", {"id": "ch_1", "payment_intent": {"id": "pi_2"}}) == "pi_2"
    assert stripe_rules.intent_id_of("customer.created", {"id": "cus_1"}) is None
    assert stripe_rules.received_cents({"amount": 1000, "amount_received": 990}) == 990
    assert stripe_rules.received_cents({"amount": 1000}) == 1000
    assert stripe_rules.is_full_refund({"refunded": True})
    assert stripe_rules.is_full_refund({"refunded": False, "amount": 500, "amount_refunded": 500})
    assert not stripe_rules.is_full_refund({"refunded": False, "amount": 500, "amount_refunded": 200})
    assert stripe_rules.failure_message({"last_payment_error": {"message": "Your card was declined."}}) \
        == "Your card was declined."
    sepa = {"latest_charge": {"payment_method_details": {"type": "sepa_debit"}}}
    assert stripe_rules.payment_method_type(sepa, None) == "sepa_debit"
    assert stripe_rules.payment_method_type({"latest_charge": "ch_1"}, "sepa_debit") == "sepa_debit"
    assert stripe_rules.payment_method_type({}, None, ["sepa_debit"]) == "sepa_debit"
    assert stripe_rules.payment_method_type({}, None) == "card"


def test_the_kept_event_has_no_client_secret():
    event = {"id": "evt_1", "data": {"object": {"id": "pi_1", "client_secret": "pi_1_secret_x",
                                                "charges": {"data": [{"client_secret": "y", "id": "ch_1"}]}}}}
    assert stripe_rules.stored_payload(event) == {"id": "evt_1", "data": {"object": {
        "id": "pi_1", "charges": {"data": [{"id": "ch_1"}]}}}}
