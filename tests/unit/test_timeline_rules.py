"""How a claim's timeline entry's details are read (app.claims.timeline_rules)."""

from __future__ import annotations

from decimal import Decimal

from app.claims.timeline_rules import readable


def test_a_changes_nested_before_and_after_are_left_out_and_the_rest_read():
    details = {"before": {"label": "Parquet", "agreed_amount": None},
               "after": {"label": "Parquet", "agreed_amount": "4740.00"}, "closed": True, "amount": "12.50",
               "damage_id": 4}
    assert readable(details) == [("closed", True), ("amount", Decimal("12.50"))]
