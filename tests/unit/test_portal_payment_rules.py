"""Paying premiums on the portal: card expiry (valid to the last day of the
month printed on it), which calls automatic payment pays (due from the day it
was turned on, on or after their due date), and what the client sees of a
Stripe PaymentIntent (paid only once the webhook recorded it)."""

from __future__ import annotations

from datetime import date

import pytest

from app.portal.payment_rules import PaymentState, autopay_due, card_expired, is_settled, payment_state


@pytest.mark.parametrize("today,expired", [
    (date(2027, 3, 1), False), (date(2027, 3, 31), False), (date(2027, 4, 1), True), (date(2028, 1, 1), True),
    (date(2026, 12, 31), False)])
def test_a_card_is_valid_to_the_end_of_its_expiry_month(today, expired):
    assert card_expired(3, 2027, today) is expired


def test_a_mandate_has_no_expiry():
    assert card_expired(None, None, date(2099, 1, 1)) is False


@pytest.mark.parametrize("due,expected", [
    (date(2026, 3, 9), False),   # due before autopay was turned on: the client pays it
    (date(2026, 3, 10), True),   # due the day it was turned on
    (date(2026, 4, 2), True),    # due today
    (date(2026, 4, 1), True),    # a missed pass: paid at the next one
    (date(2026, 4, 3), False),   # not due yet
])
def test_automatic_payment_pays_calls_falling_due_since_it_was_turned_on(due, expected):
    assert autopay_due(due, date(2026, 3, 10), date(2026, 4, 2)) is expected


def test_automatic_payment_never_turned_on_pays_nothing():
    assert autopay_due(date(2026, 4, 2), None, date(2026, 4, 2)) is False


@pytest.mark.parametrize("status,recorded,failure,refunded,state", [
    ("succeeded", True, None, False, PaymentState.PAID),
    ("succeeded", True, None, True, PaymentState.REFUNDED),
    ("succeeded", False, None, False, PaymentState.PROCESSING),      # Stripe says paid, the webhook has not come
    ("processing", False, None, False, PaymentState.PROCESSING),     # a SEPA debit on its way
    ("requires_action", False, None, False, PaymentState.ACTION_REQUIRED),
    ("requires_action", False, "authentication failed", False, PaymentState.FAILED),
    ("requires_payment_method", False, "Your card was declined.", False, PaymentState.FAILED),
    ("requires_payment_method", False, None, False, PaymentState.FAILED),
    ("canceled", False, None, False, PaymentState.FAILED),
    (None, False, "unreachable", False, PaymentState.FAILED),
])
def test_what_the_client_sees_of_a_payment(status, recorded, failure, refunded, state):
    assert payment_state(status, recorded, failure, refunded=refunded) is state


def test_the_page_stops_asking_once_paid_failed_or_refunded():
    assert [is_settled(state) for state in PaymentState] == [True, False, False, True, True]
