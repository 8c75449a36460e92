"""Liability (responsabilité) on a claim, pure: the insured's share of
fault, in quarters, and the case that supports it.

For an accident between two vehicles the firm's grid of standard cases,
in the manner of the IRSA convention between French motor insurers, gives
each vehicle's share (A and B, adding up to 100 %); the insured is one of
the two vehicles, and their share is that vehicle's. The handler may set
another share than the case's (an expert's finding, a court), saying why.
For other claims there is no grid: a share and the note supporting it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

#: the shares the IRSA manner of sharing fault knows: nothing, a quarter, half, three quarters, all
SHARES = (0, 25, 50, 75, 100)
MAX_NOTE = 2000
MAX_TITLE = 200
MAX_CODE = 10


class Side(StrEnum):
    """Which vehicle of the case is the insured's."""

    A = "A"
    B = "B"


def grid_applies(line: str, kind: str) -> bool:
    """The grid is for motor claims between vehicles: a collision on a motor contract."""
    return line == "motor" and kind == "collision"


def share_of(side: str, share_a: int, share_b: int) -> int:
    """The insured's share in a case where they drive vehicle ``side``."""
    return share_a if Side(side) == Side.A else share_b


def parse_share(value) -> int | None:
    """A share as typed ("50", "50 %"), None when it is not one of :data:`SHARES`."""
    text = ("" if value is None else str(value)).replace("%", "").strip()
    return int(text) if text.isdigit() and int(text) in SHARES else None


@dataclass(frozen=True)
class Decision:
    share: int
    note: str


def decide(*, case_shares: tuple[int, int] | None, side: str, share: str, note: str) -> tuple[Decision | None,
                                                                                            dict[str, str]]:
    """The insured's share from what the handler chose, or the problems by
    field. With a case: the side is required and the share defaults to the
    case's share for that side; a different share needs a note. Without a
    case: the share and the note are both required."""
    problems: dict[str, str] = {}
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        problems["note"] = "too_long"
    chosen = parse_share(share)
    if str(share or "").strip() and chosen is None:
        problems["share"] = "share_invalid"
    if case_shares is not None:
        if side not in {item.value for item in Side}:
            problems["side"] = "required"
            return None, problems
        grid_share = share_of(side, *case_shares)
        if chosen is not None and chosen != grid_share and not note:
            problems["note"] = "note_for_other_share"
        if problems:
            return None, problems
        return Decision(grid_share if chosen is None else chosen, note), {}
    if chosen is None and "share" not in problems:
        problems["share"] = "required"
    if not note:
        problems["note"] = "required"
    return (None, problems) if problems else (Decision(chosen, note), {})


def differs_from_expert(share: int | None, opinion: int | None) -> bool:
    """Whether the share set departs from the expert's opinion (shown beside it)."""
    return share is not None and opinion is not None and share != opinion


def case_problems(code: str, title: str, share_a, share_b, description: str = "") -> dict[str, str]:
    """Problems of a case of the grid by field: a short code and a title are
    required; both shares are quarters and add up to 100 % (between two
    vehicles, the whole of the fault is shared)."""
    problems: dict[str, str] = {}
    if not (code or "").strip():
        problems["code"] = "required"
    elif len(code.strip()) > MAX_CODE:
        problems["code"] = "too_long"
    if not (title or "").strip():
        problems["title"] = "required"
    elif len(title.strip()) > MAX_TITLE:
        problems["title"] = "too_long"
    if len(description or "") > MAX_NOTE:
        problems["description"] = "too_long"
    a, b = parse_share(share_a), parse_share(share_b)
    for name, typed, share in (("share_a", share_a, a), ("share_b", share_b, b)):
        if share is None:
            problems[name] = "required" if typed is None or not str(typed).strip() else "share_invalid"
    if a is not None and b is not None and a + b != 100:
        problems["share_b"] = "shares_not_100"
    return problems
