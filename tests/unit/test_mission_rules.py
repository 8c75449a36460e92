"""Experts' missions: the report due 15 working days after the letter,
reminders on working days once it is late and at most every 5 working
days, the handler alerted after the third; the report's conclusions
(amount rounded half-up to the cent, liability opinion on the IRSA shares)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from app.claims import mission_rules as rules

PARIS = ZoneInfo("Europe/Paris")


def test_the_report_is_due_fifteen_working_days_later():
    assert rules.default_report_due(date(2026, 3, 2)) == date(2026, 3, 23)     # three plain weeks
    # from Thu 30 April 2026: 1 May, 8 May, Ascension (Thu 14 May) and Whit Monday (25 May) are holidays
    assert rules.default_report_due(date(2026, 4, 30)) == date(2026, 5, 27)


def test_the_due_date_is_between_today_and_a_year():
    today = date(2026, 3, 2)
    assert rules.report_due_problem(today, today) is None
    assert rules.report_due_problem(date(2026, 3, 1), today) == "due_past"
    assert rules.report_due_problem(date(2027, 6, 1), today) == "due_too_far"
    assert rules.report_due_problem(None, today) == "date_invalid"


def test_no_reminder_before_the_due_date_has_passed():
    due = date(2026, 3, 23)
    assert not rules.reminder_due("sent", due, None, date(2026, 3, 20))
    assert not rules.reminder_due("sent", due, None, due)
    assert rules.reminder_due("sent", due, None, date(2026, 3, 24))
    assert rules.reminder_due("scheduled", due, None, date(2026, 3, 24))


def test_reminders_wait_five_working_days_and_skip_days_off():
    due = date(2026, 3, 23)
    last = date(2026, 3, 24)                                                   # Tuesday
    assert not rules.reminder_due("sent", due, last, last)                     # once a day at most
    assert not rules.reminder_due("sent", due, last, date(2026, 3, 30))        # four working days later
    assert rules.reminder_due("sent", due, last, date(2026, 3, 31))            # five
    assert not rules.reminder_due("sent", due, None, date(2026, 3, 28))        # a Saturday
    assert not rules.reminder_due("sent", date(2026, 4, 1), None, date(2026, 4, 6))   # Easter Monday


def test_a_closed_mission_is_never_reminded():
    assert not rules.reminder_due("reported", date(2026, 3, 23), None, date(2026, 3, 24))
    assert not rules.reminder_due("cancelled", date(2026, 3, 23), None, date(2026, 3, 24))


def test_the_handler_steps_in_after_the_third_reminder_once():
    assert [rules.escalates(count) for count in (1, 2, 3, 4, 5)] == [False, False, True, False, False]


def test_the_appointment_follows_the_mission():
    sent = date(2026, 3, 2)
    assert rules.appointment_problem(datetime(2026, 3, 5, 14, 30, tzinfo=PARIS), sent) is None
    assert rules.appointment_problem(datetime(2026, 3, 1, 9, 0, tzinfo=PARIS), sent) == "appointment_before_mission"
    assert rules.appointment_problem(datetime(2027, 6, 1, 9, 0, tzinfo=PARIS), sent) == "appointment_too_far"
    assert rules.appointment_problem(None, sent) == "datetime_invalid"


def test_amounts_are_read_the_french_way_and_rounded_half_up():
    assert rules.parse_amount("1 250,505") == (Decimal("1250.51"), None)
    assert rules.parse_amount("1\u202f250.50 €") == (Decimal("1250.50"), None)
    assert rules.parse_amount("") == (None, None)
    assert rules.parse_amount("abc") == (None, "amount_invalid")
    assert rules.parse_amount("NaN") == (None, "amount_invalid")
    assert rules.parse_amount("-5") == (None, "amount_negative")
    assert rules.parse_amount("1e15") == (None, "amount_too_large")


def test_the_liability_opinion_is_one_of_the_grid_shares():
    assert rules.parse_opinion("50") == (50, None)
    assert rules.parse_opinion("100 %") == (100, None)
    assert rules.parse_opinion("") == (None, None)
    assert rules.parse_opinion("30") == (None, "choice_invalid")
    assert rules.parse_opinion("half") == (None, "choice_invalid")


def test_conclusions_need_a_cause():
    cleaned, problems = rules.conclusions({"cause": " Joint de la chaudière usé ", "assessed_amount": "2 400",
                                           "liability_opinion": "0", "conclusions": ""})
    assert problems == {}
    assert cleaned == {"cause": "Joint de la chaudière usé", "assessed_amount": Decimal("2400.00"),
                       "liability_opinion": 0, "conclusions": None}
    _cleaned, problems = rules.conclusions({"cause": "", "assessed_amount": "-1", "liability_opinion": "10",
                                            "conclusions": "x" * 10_001})
    assert problems == {"cause": "required", "assessed_amount": "amount_negative",
                        "liability_opinion": "choice_invalid", "conclusions": "too_long"}
