"""Complaint rules. Deadlines (ACPR recommendation 2022-R-01): acknowledge within
10 working days of receipt, answer within 2 months of receipt. Working days
are Monday to Friday without French public holidays; the two months end on
the same day, clamped to the month's end. Alerts 2 working days before a
deadline, once per step. An answer that rejects the complaint (or upholds
it only in part) names the firm's mediator, whom the client may refer to
after the answer or 2 months after the complaint, within a year of it
(Code de la consommation L612-2). The register's deadline columns."""

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


# --- working days across French public holidays (holidays package), 2022-R-01's 10 working days ------------

def test_a_complaint_received_before_christmas_is_acknowledged_after_the_new_year():
    # Tuesday 2026-12-22: 23, 24, (25 Christmas), 28-31, (1 January 2027), 4, 5, 6, 7 -> Thursday 7 January 2027
    assert rules.acknowledge_by(date(2026, 12, 22)) == date(2027, 1, 7)


def test_ascension_and_whit_monday_are_skipped():
    # Monday 2026-05-11: 12, 13, (14 Ascension), 15, 18-22, (25 Whit Monday), 26, 27 -> Wednesday 27 May
    assert rules.acknowledge_by(date(2026, 5, 11)) == date(2026, 5, 27)


def test_may_day_on_a_weekday_is_skipped_and_on_a_saturday_changes_nothing():
    # Monday 2026-04-27: 28, 29, 30, (Friday 1 May), 4-7, (Friday 8 May), 11, 12, 13 -> Wednesday 13 May
    assert rules.acknowledge_by(date(2026, 4, 27)) == date(2026, 5, 13)
    # Monday 2027-04-26: 1 May is a Saturday; only Ascension (Thursday 6 May) is skipped -> Tuesday 11 May
    assert rules.acknowledge_by(date(2027, 4, 26)) == date(2027, 5, 11)


def test_working_days_left_to_a_deadline():
    deadline = date(2027, 1, 7)
    assert rules.working_days_until(date(2026, 12, 22), deadline) == 10
    assert rules.working_days_until(date(2027, 1, 4), deadline) == 3
    assert rules.working_days_until(deadline, deadline) == 0
    assert rules.working_days_until(date(2027, 1, 8), deadline) == -1
    assert rules.working_days_until(date(2027, 1, 9), deadline) == -1    # a Saturday: still one day late
    assert rules.working_days_until(date(2027, 1, 11), deadline) == -2


# --- alerts before a deadline passes ---------------------------------------------------------------------

def _alerts(today, status="open", acknowledge_alert_on=None, answer_alert_on=None):
    # received Tuesday 2026-12-22: acknowledge by Thursday 7 January 2027, answer by 22 February 2027
    return rules.alert_steps(status=status, acknowledge_by=date(2027, 1, 7), answer_by=date(2027, 2, 22),
                             acknowledge_alert_on=acknowledge_alert_on, answer_alert_on=answer_alert_on, today=today)


def test_the_handler_is_alerted_two_working_days_before_a_deadline_once_per_step():
    assert _alerts(date(2027, 1, 4)) == ()                       # 3 working days left
    assert _alerts(date(2027, 1, 5)) == ("acknowledge",)         # 2 working days left
    assert _alerts(date(2027, 1, 8)) == ("acknowledge",)         # passed, never alerted: alerted now
    assert _alerts(date(2027, 1, 6), acknowledge_alert_on=date(2027, 1, 5)) == ()
    assert _alerts(date(2027, 2, 18), status="acknowledged") == ("answer",)
    assert _alerts(date(2027, 2, 18), status="acknowledged", answer_alert_on=date(2027, 2, 18)) == ()


def test_no_alert_for_a_step_done():
    assert _alerts(date(2027, 1, 6), status="acknowledged") == ()
    assert _alerts(date(2027, 2, 20), status="answered") == ()
    assert _alerts(date(2027, 2, 20), status="closed") == ()


# --- the answer names the mediator (2022-R-01; Code de la consommation L612-2) -------------------------

def test_a_rejection_or_a_partial_one_names_the_mediator():
    assert rules.names_the_mediator("rejected") and rules.names_the_mediator("partly_upheld")
    assert not rules.names_the_mediator("upheld") and not rules.names_the_mediator(None)


def test_an_answer_needs_an_outcome_a_text_and_for_a_rejection_the_firms_mediator():
    assert rules.answer_problems(outcome="upheld", text="Nous vous remboursons.", mediator_set=False) == {}
    assert rules.answer_problems(outcome="rejected", text="Refus motivé.", mediator_set=True) == {}
    assert rules.answer_problems(outcome="rejected", text="Refus.", mediator_set=False) == {
        "outcome": "mediator_missing"}
    assert rules.answer_problems(outcome="partly_upheld", text="En partie.", mediator_set=False) == {
        "outcome": "mediator_missing"}
    assert rules.answer_problems(outcome=None, text=" ", mediator_set=True) == {"outcome": "required",
                                                                                "answer": "required"}
    assert rules.answer_problems(outcome="maybe", text="x" * 8001, mediator_set=True) == {
        "outcome": "choice_invalid", "answer": "too_long"}


# --- the register ----------------------------------------------------------------------------------------

def test_each_step_is_within_its_deadline_or_not():
    deadline, today = date(2027, 1, 7), date(2027, 1, 20)
    assert rules.within_deadline(deadline, date(2027, 1, 7), today) is True
    assert rules.within_deadline(deadline, date(2027, 1, 8), today) is False
    assert rules.within_deadline(deadline, None, today) is False          # passed, not done
    assert rules.within_deadline(date(2027, 2, 22), None, today) is None  # may still be
    assert rules.days_to_answer(date(2026, 12, 22), date(2027, 1, 21)) == 30
    assert rules.days_to_answer(date(2026, 12, 22), None) is None


def test_the_date_received_is_a_real_day_not_in_the_future():
    today = date(2026, 11, 25)
    assert rules.received_problem(date(2026, 11, 25), today) is None
    assert rules.received_problem(date(2026, 11, 26), today) == "in_future"
    assert rules.received_problem(None, today) == "date_invalid"
    assert rules.received_problem(date(1999, 12, 31), today) == "date_invalid"
