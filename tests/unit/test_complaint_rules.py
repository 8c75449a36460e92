"""Complaint deadlines (ACPR recommendation 2022-R-01): acknowledge within
10 working days of receipt, answer within 2 months of receipt. Working days
are Monday to Friday without French public holidays; the two months end on
the same day, clamped to the month's end."""

from datetime import date

import pytest

from app.complaints import rules


def test_ten_working_days_skip_the_weekends():
    # Monday 2026-11-16: 17-20, 23-27, 30 -> Monday 30 November
    assert rules.acknowledge_by(date(2026, 11, 16)) == date(2026, 11, 30)


def test_a_complaint_received_on_a_saturday_counts_from_the_monday():
    assert rules.acknowledge_by(date(2026, 11, 21)) == date(2026, 12, 4)


def test_french_public_holidays_are_not_working_days():
    # Thursday 2026-04-30: 1 May, 8 May and Ascension (14 May) skipped -> Tuesday 19 May, not 14 May
    assert rules.acknowledge_by(date(2026, 4, 30)) == date(2026, 5, 19)


def test_the_acknowledgement_deadline_crosses_christmas_and_the_new_year():
    # Thursday 2026-12-17: Christmas and 1 January 2027 skipped -> Monday 4 January 2027
    assert rules.acknowledge_by(date(2026, 12, 17)) == date(2027, 1, 4)


@pytest.mark.parametrize(("received", "answer_by"), [
    (date(2026, 11, 16), date(2027, 1, 16)),   # across the new year
    (date(2026, 12, 31), date(2027, 2, 28)),   # month end clamped
    (date(2027, 12, 31), date(2028, 2, 29)),   # clamped to a leap February
    (date(2026, 3, 31), date(2026, 5, 31)),    # 31 exists two months later
    (date(2026, 8, 31), date(2026, 10, 31)),
    (date(2026, 10, 31), date(2026, 12, 31)),
    (date(2026, 4, 30), date(2026, 6, 30)),    # holidays do not move the two months
])
def test_the_answer_is_due_two_months_after_receipt(received, answer_by):
    assert rules.answer_by(received) == answer_by


def test_missed_deadlines_are_reported():
    ack, answer = date(2026, 11, 30), date(2027, 1, 16)

    def late(today, acknowledged_on=None, answered_on=None):
        return rules.late_steps(acknowledge_by=ack, answer_by=answer, acknowledged_on=acknowledged_on,
                                answered_on=answered_on, today=today)

    assert late(date(2026, 11, 30)) == frozenset()
    assert late(date(2026, 12, 1)) == {"acknowledge"}
    assert late(date(2026, 12, 10), acknowledged_on=date(2026, 11, 27)) == frozenset()
    assert late(date(2026, 12, 10), acknowledged_on=date(2026, 12, 2)) == {"acknowledge"}
    assert late(date(2027, 1, 17), acknowledged_on=date(2026, 11, 27)) == {"answer"}
    # an answer within the 10 working days stands for the acknowledgement
    assert late(date(2027, 3, 1), answered_on=date(2026, 11, 25)) == frozenset()
    assert late(date(2027, 3, 1), acknowledged_on=date(2026, 11, 20), answered_on=date(2027, 1, 18)) == {"answer"}


def test_subject_and_description_are_required_and_bounded():
    assert rules.filing_problems("Retard", "Aucune réponse depuis un mois.") == {}
    assert rules.filing_problems("  ", "") == {"subject": "required", "description": "required"}
    assert rules.filing_problems("x" * 201, "y" * 4001) == {"subject": "too_long", "description": "too_long"}


def test_an_acknowledgement_or_answer_date_lies_between_receipt_and_today():
    received, today = date(2026, 11, 16), date(2026, 11, 25)
    assert rules.action_date_problem(date(2026, 11, 16), received, today) is None
    assert rules.action_date_problem(date(2026, 11, 15), received, today) == "before_receipt"
    assert rules.action_date_problem(date(2026, 11, 26), received, today) == "in_future"
    assert rules.action_date_problem(None, received, today) == "date_invalid"
