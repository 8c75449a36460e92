"""The bank import matches each line against an index of the open calls it
may pay (those its label names, two of those owing its amount) instead of
every open call of the firm: the answer of
:func:`app.billing.rules.match_transfer` must be the same."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.billing import rules
from app.billing.bank import Candidate, OpenCallIndex, referenced_numbers

D = Decimal
AMOUNTS = [D("10.00"), D("20.00"), D("35.50"), D("154.32")]


@st.composite
def book_and_transfer(draw):
    numbers = draw(st.lists(st.integers(1, 40), min_size=0, max_size=15, unique=True))
    calls = [Candidate(number, f"QUI-{number:06d}", draw(st.integers(1, 3)), draw(st.sampled_from(AMOUNTS)))
             for number in numbers]
    named = draw(st.lists(st.integers(1, 45), max_size=3))
    styles = [lambda n: f"QUI-{n:06d}", lambda n: f"qui{n}", lambda n: f"Qui {n:04d}"]
    label = " ".join(["VIR SEPA"] + [draw(st.sampled_from(styles))(n) for n in named] + ["MARS"])
    amount = draw(st.sampled_from(AMOUNTS + [D("30.00"), D("45.50"), D("1.00")]))
    return calls, label, amount


@settings(max_examples=400, deadline=None)
@given(book_and_transfer())
def test_the_index_answers_as_matching_against_every_open_call(case):
    calls, label, amount = case
    expected = rules.match_transfer(label, amount, [rules.OpenCall(c.reference, c.outstanding) for c in calls])
    result, matched = OpenCallIndex(calls).match(label, amount)
    assert result == expected
    assert [call.reference for call in matched] == list(expected.references)


def test_a_call_paid_by_a_line_cannot_be_paid_by_the_next():
    call = Candidate(7, "QUI-000007", 1, D("154.32"))
    index = OpenCallIndex([call])
    result, calls = index.match("VIR QUI-000007", D("154.32"))
    assert result.kind is rules.MatchKind.MATCHED and calls == [call]
    index.paid(calls)
    assert index.match("VIR QUI-000007", D("154.32"))[0].kind is rules.MatchKind.UNMATCHED


def test_two_calls_of_the_amount_without_reference_are_not_told_apart():
    index = OpenCallIndex([Candidate(1, "QUI-000001", 1, D("89.90")), Candidate(2, "QUI-000002", 2, D("89.90"))])
    assert index.match("VIR GARAGE COTISATION", D("89.90"))[0].kind is rules.MatchKind.UNMATCHED
    index.paid([Candidate(2, "QUI-000002", 2, D("89.90"))])
    assert index.match("VIR GARAGE COTISATION", D("89.90"))[0] == rules.TransferMatch(
        rules.MatchKind.PROBABLE, ("QUI-000001",))


def test_call_numbers_are_read_from_bank_labels():
    assert referenced_numbers("VIR SEPA RECU /MOTIF qui000102 ET QUI-103, Qui 0104") == [102, 103, 104]
    assert referenced_numbers("COMMISSIONS FEVRIER 2026") == []
