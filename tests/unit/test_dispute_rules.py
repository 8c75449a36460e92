"""Rules of a claim's dispute and of its timeline's reading."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.claims import dispute_rules as rules
from app.claims import timeline_rules

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(("stage", "action", "allowed"), [
    ("mediation", "propose", True), ("mediation", "answer", True), ("mediation", "litigate", True),
    ("mediation", "schedule", True), ("mediation", "close", True),
    ("litigation", "propose", False), ("litigation", "litigate", False), ("litigation", "schedule", True),
    ("litigation", "close", True), ("closed", "close", False), ("closed", "schedule", False),
    ("nonsense", "propose", False),
])
def test_what_each_stage_allows(stage, action, allowed):
    assert rules.allows(stage, action) is allowed


def test_court_steps_wait_for_litigation():
    assert rules.HearingKind.HEARING not in rules.kinds_for("mediation")
    assert rules.HearingKind.EXPERT_MEETING in rules.kinds_for("mediation")
    assert set(rules.kinds_for("litigation")) == set(rules.HearingKind)
    assert rules.kinds_for("closed") == ()


@pytest.mark.parametrize(("text", "expected"), [
    ("1 200,50", (Decimal("1200.50"), None)), ("1200.5", (Decimal("1200.50"), None)),
    ("\u202f3\u202f000,00 €", (Decimal("3000.00"), None)), ("10.005", (Decimal("10.01"), None)),
    ("10.004", (Decimal("10.00"), None)), ("", (None, "required")), (None, (None, "required")),
    ("abc", (None, "amount_invalid")), ("NaN", (None, "amount_invalid")), ("Infinity", (None, "amount_invalid")),
    ("-5", (None, "amount_not_positive")), ("0", (None, "amount_not_positive")),
    ("0.004", (None, "amount_not_positive")), ("10000000000", (None, "amount_too_large")),
    ("9999999999.99", (Decimal("9999999999.99"), None)),
])
def test_amounts_are_rounded_half_up_to_the_cent_and_bounded(text, expected):
    assert rules.parse_amount(text) == expected


def test_an_award_may_be_nil():
    assert rules.parse_amount("0", allow_zero=True) == (Decimal("0.00"), None)
    assert rules.parse_amount("-1", allow_zero=True) == (None, "amount_not_positive")


def test_dates_of_past_steps():
    assert rules.day_problem(None, not_before=None, today=TODAY) == "date_invalid"
    assert rules.day_problem(date(2026, 3, 11), not_before=None, today=TODAY) == "in_future"
    assert rules.day_problem(date(2026, 3, 1), not_before=date(2026, 3, 2), today=TODAY) == "too_early"
    assert rules.day_problem(date(2026, 3, 2), not_before=date(2026, 3, 2), today=TODAY) is None
    assert rules.parse_day("2026-02-30") is None and rules.parse_day("hier") is None


def test_hearings_are_ahead_and_within_ten_years():
    now = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    assert rules.schedule_problem(None, now=now) == "date_invalid"
    assert rules.schedule_problem(datetime(2026, 3, 10, 8, 59, tzinfo=UTC), now=now) == "in_past"
    assert rules.schedule_problem(datetime(2036, 12, 31, 9, 0, tzinfo=UTC), now=now) is None
    assert rules.schedule_problem(datetime(2037, 1, 1, 9, 0, tzinfo=UTC), now=now) == "too_far"


def test_a_new_proposal_supersedes_the_open_one_only():
    assert rules.after_new_proposal(["superseded", "refused", "open"]) == ["superseded", "refused", "superseded"]
    assert rules.after_new_proposal([]) == []


def test_the_compromise_is_the_accepted_amount_on_the_day_of_acceptance():
    """Code civil art. 2044: the parties end the dispute on the terms accepted."""
    assert rules.compromise(Decimal("2000"), date(2026, 3, 1), date(2026, 3, 5)) == (Decimal("2000.00"),
                                                                                   date(2026, 3, 5))
    with pytest.raises(ValueError):
        rules.compromise(Decimal("2000"), date(2026, 3, 5), date(2026, 3, 1))


def test_texts():
    assert rules.text_problem("  ", required=True, limit=10) == "required"
    assert rules.text_problem("x" * 11, required=False, limit=10) == "too_long"
    assert rules.text_problem(None, required=False, limit=10) is None


def test_timeline_groups_cover_the_dispute_kinds():
    assert timeline_rules.group_of("hearing_scheduled") == "dispute"
    assert timeline_rules.group_of("letter_sent") == "correspondence"
    assert timeline_rules.group_of("unknown") is None
    assert timeline_rules.kinds_of("nothing") is None and timeline_rules.kinds_of(None) is None


def test_details_are_made_readable():
    shown = timeline_rules.readable({"dispute_id": 4, "attachment_ids": [1, 2], "amount": "1200.00",
                                     "made_on": "2026-03-01", "at": "2026-04-01T14:30:00+02:00", "mediator": None,
                                     "court": "TJ Lyon", "files": ["a.pdf", "b.pdf"], "declared_late": False})
    assert shown == [("amount", Decimal("1200.00")), ("made_on", date(2026, 3, 1)),
                     ("at", datetime.fromisoformat("2026-04-01T14:30:00+02:00")), ("court", "TJ Lyon"),
                     ("files", "a.pdf, b.pdf"), ("declared_late", False)]
    assert timeline_rules.readable(None) == []
