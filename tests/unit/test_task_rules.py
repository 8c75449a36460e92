"""Tasks' rules: due buckets relative to a day with weeks starting on
Monday (ISO 8601), priority ranks, source groups, who may act on a task,
who may be given one, and when a colleague's daily digest is due (working
days only: no weekend, no French public holiday, Code du travail L3133-1)."""

from datetime import date, timedelta

import pytest

from app.tasks import rules
from app.tasks.rules import Due, DueRange, Priority, SourceGroup

WEDNESDAY = date(2026, 3, 11)


@pytest.mark.parametrize("due_on, bucket", [
    (None, Due.NONE),
    (date(2026, 3, 10), Due.OVERDUE),
    (date(2025, 12, 31), Due.OVERDUE),
    (WEDNESDAY, Due.TODAY),
    (date(2026, 3, 12), Due.WEEK),
    (date(2026, 3, 15), Due.WEEK),      # Sunday closes the week
    (date(2026, 3, 16), Due.LATER),     # next Monday opens the next one
])
def test_due_buckets_relative_to_a_wednesday(due_on, bucket):
    assert rules.due_bucket(due_on, WEDNESDAY) == bucket


def test_the_week_starts_on_monday_and_ends_on_sunday():
    monday, sunday = date(2026, 3, 9), date(2026, 3, 15)
    assert {rules.week_end(monday + timedelta(days=n)) for n in range(7)} == {sunday}
    assert rules.week_end(sunday + timedelta(days=1)) == date(2026, 3, 22)


def test_on_a_sunday_nothing_is_left_this_week():
    sunday = date(2026, 3, 15)
    assert rules.due_bucket(date(2026, 3, 16), sunday) == Due.LATER
    week = rules.due_range(Due.WEEK, sunday)
    assert week.start > week.end


def test_ranges_agree_with_the_buckets():
    for offset in range(-10, 20):
        day = WEDNESDAY + timedelta(days=offset)
        bucket_range = rules.due_range(rules.due_bucket(day, WEDNESDAY), WEDNESDAY)
        assert (bucket_range.start or date.min) <= day <= (bucket_range.end or date.max), day
    assert rules.due_range(Due.NONE, WEDNESDAY) == DueRange(undated=True)


def test_priorities_rank_urgent_first_and_unknown_as_normal():
    ranked = sorted(Priority, key=rules.priority_rank, reverse=True)
    assert ranked == [Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW]
    assert rules.priority_rank("whatever") == rules.priority_rank(None) == rules.priority_rank("normal")


@pytest.mark.parametrize("source_type, group", [
    ("claim", SourceGroup.CLAIM), ("dispute", SourceGroup.CLAIM), ("expert_mission", SourceGroup.CLAIM),
    ("complaint", SourceGroup.COMPLAINT), ("placement", SourceGroup.PLACEMENT),
    ("client_request", SourceGroup.CLIENT_REQUEST), (None, SourceGroup.OTHER), ("renewal", SourceGroup.OTHER),
])
def test_source_groups(source_type, group):
    assert rules.source_group(source_type) == group


def test_a_new_due_date_is_not_in_the_past_nor_years_away():
    assert rules.due_on_problem(None, WEDNESDAY) is None
    assert rules.due_on_problem(WEDNESDAY, WEDNESDAY) is None
    assert rules.due_on_problem(WEDNESDAY - timedelta(days=1), WEDNESDAY) == "due_past"
    assert rules.due_on_problem(WEDNESDAY + timedelta(days=365), WEDNESDAY) is None
    assert rules.due_on_problem(date(2040, 1, 1), WEDNESDAY) == "due_too_far"


def test_handlers_act_on_their_own_and_unassigned_tasks_managers_on_any():
    assert rules.may_act_on(7, False, 7) and rules.may_act_on(7, False, None)
    assert not rules.may_act_on(7, False, 8)
    assert rules.may_act_on(7, True, 8)


def test_tasks_go_to_active_colleagues_who_may_write():
    assert rules.may_be_assigned("handler", True) and rules.may_be_assigned("manager", True)
    assert rules.may_be_assigned("admin", True)
    assert not rules.may_be_assigned("readonly", True)
    assert not rules.may_be_assigned("handler", False)


def test_a_digest_once_a_working_day_with_something_due():
    assert rules.digest_due(WEDNESDAY, None, 1)
    assert rules.digest_due(WEDNESDAY, WEDNESDAY - timedelta(days=1), 3)
    assert not rules.digest_due(WEDNESDAY, WEDNESDAY, 3), "already sent today"
    assert not rules.digest_due(WEDNESDAY, None, 0), "nothing due"


def test_no_digest_on_a_weekend_or_a_public_holiday():
    assert not rules.digest_due(date(2026, 3, 14), None, 5)    # Saturday
    assert not rules.digest_due(date(2026, 3, 15), None, 5)    # Sunday
    assert not rules.digest_due(date(2026, 5, 1), None, 5)     # Friday 1 May, fête du Travail
    assert not rules.digest_due(date(2026, 7, 14), None, 5)    # Tuesday 14 July
    assert rules.digest_due(date(2026, 7, 15), None, 5)
