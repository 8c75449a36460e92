"""The claims queue's filters read from a query string: statuses (open ones
by default), handler, age buckets as declaration days, reserve bounds typed
the French way (bad ones named, not applied), claim numbers typed loosely."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from werkzeug.datastructures import MultiDict

from app.claims.queue import OPEN_STATUSES, QueueFilters, _reference_number, declared_bounds, parse_filters


def test_the_default_is_the_open_claims_newest_first():
    filters = parse_filters(MultiDict())
    assert filters == QueueFilters() and filters.is_default
    assert "closed" not in OPEN_STATUSES and filters.sort == "declared" and filters.descending


def test_statuses_sort_and_handler_keep_only_known_values():
    filters = parse_filters(MultiDict([("status", "closed"), ("status", "bogus"), ("status", "settled"),
                                       ("sort", "reserve"), ("dir", "asc"), ("handler", "drop table")]))
    assert filters.statuses == ("settled", "closed") and filters.sort == "reserve" and not filters.descending
    assert filters.handler == ""
    assert parse_filters(MultiDict({"status": "bogus"})).statuses == OPEN_STATUSES
    assert parse_filters(MultiDict({"handler": "me"})).handler == "me"
    assert parse_filters(MultiDict({"handler": "12"})).handler == "12"
    assert parse_filters(MultiDict({"sort": "name", "age": "1000+"})).sort == "declared"


def test_age_buckets_are_declaration_days():
    today = date(2026, 3, 31)
    assert declared_bounds("0-7", today) == (date(2026, 3, 24), today)
    assert declared_bounds("8-30", today) == (date(2026, 3, 1), date(2026, 3, 23))
    assert declared_bounds("91+", today) == (None, date(2025, 12, 30))
    assert declared_bounds("31+", today) == (None, date(2026, 2, 28))


def test_reserve_bounds_are_read_the_french_way_and_bad_ones_named():
    filters = parse_filters(MultiDict({"reserve_min": "1 500,5", "reserve_max": "2000.00"}))
    assert (filters.reserve_min, filters.reserve_max) == (Decimal("1500.50"), Decimal("2000.00"))
    assert not filters.problems
    for typed, code in (("abc", "number_format"), ("-1", "amount_range"), ("1e30", "number_format"),
                        ("10000000000", "amount_range"), ("NaN", "number_format")):
        bad = parse_filters(MultiDict({"reserve_max": typed}))
        assert bad.reserve_max is None and bad.problems == {"reserve_max": code}, typed


def test_claim_numbers_are_recognised_loosely():
    assert _reference_number("SIN-000123") == 123
    assert _reference_number("sin 123") == 123
    assert _reference_number("123") == 123
    assert _reference_number("martin") is None
    assert _reference_number("9" * 40) is None
