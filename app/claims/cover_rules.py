"""The cover check (vérification des garanties), pure: is a loss covered by
the contract as it stood on the day it happened, and under which clauses.

What is weighed, in this order, each step able to end the check:

- the dates: a loss before the contract's effective date, or from the day
  its cancellation or expiry took effect, is not covered (the contract did
  not run that day);
- the version in force on the day of the loss: an endorsement changes the
  guarantees from its effective date only, so the earlier version governs
  a loss before it;
- the premium: cover suspended for non-payment (L113-3, al. 2) covers
  nothing from the first day of suspension until it resumes at noon the
  day after payment (L113-3, al. 4) or until the contract is cancelled;
- the guarantee concerned: absent from that version (or not subscribed),
  the loss is not covered;
- an exclusion the handler says applies: to the whole loss, not covered;
  to part of it, partly covered (exclusions are written text: the handler
  reads them, the rule does not);
- the amount known (damages, else the expert's assessment, else the
  client's estimate): no more than the deductible, nothing is payable
  (not covered); above the ceiling, the guarantee pays up to its ceiling
  (partly covered).

The proposal lists the clauses it relied on as structured data (a code and
the contract's own words and figures); the page puts them in words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from zoneinfo import ZoneInfo

from app.billing.bank_formats import parse_amount
from app.catalog.rules import round_cents
from app.claims.models import CoverVerdict

PARIS = ZoneInfo("Europe/Paris")

#: the guarantees a kind of loss falls under, by line, most likely first
#: (codes of the standard guarantees of app.catalog.lines)
KIND_GUARANTEES: dict[str, dict[str, tuple[str, ...]]] = {
    "motor": {"collision": ("all_risks", "third_party"), "theft": ("theft_fire",), "fire": ("theft_fire",),
              "glass": ("glass",), "natural_event": ("all_risks",), "liability": ("third_party",),
              "other": ("all_risks", "assistance")},
    "home": {"water_damage": ("water_damage",), "break_in": ("theft",), "theft": ("theft", "valuables"),
             "fire": ("fire",), "glass": ("glass",), "natural_event": ("natural_disasters",),
             "liability": ("civil_liability",)},
    "rc_pro": {"liability": ("professional_liability", "operating_liability"), "other": ("defence", "legal"),
               "fire": ("operating_liability",), "water_damage": ("operating_liability",),
               "theft": ("data_loss",)},
    "multirisk": {"fire": ("fire",), "water_damage": ("water_damage",), "theft": ("theft",),
                  "liability": ("operating_liability",), "other": ("machinery", "business_interruption")},
    "decennial": {"liability": ("decennial", "good_working_order", "operating_liability"),
                  "fire": ("damage_during_works",), "water_damage": ("damage_during_works",),
                  "theft": ("damage_during_works",), "other": ("good_working_order",)},
    "health": {"illness": ("hospital", "routine_care"), "other": ("routine_care",)},
    "protection": {"illness": ("incapacity", "disability", "death"), "other": ("incapacity",)},
    "cyber": {"liability": ("cyber_liability",), "theft": ("data_restoration", "ransom"),
              "other": ("incident_response", "data_restoration")},
}


class ExclusionScope(StrEnum):
    """Whether an exclusion of the contract applies, as the handler reads it."""

    NONE = "none"
    PART = "part"      # some items of the loss fall under it
    ALL = "all"        # the whole loss falls under it


class ClauseCode(StrEnum):
    """What a proposal relied on (the page says it in the reader's words)."""

    BEFORE_EFFECT = "before_effect"          # day: the contract's effective date
    ENDED = "ended"                          # day: the contract's end
    NO_VERSION = "no_version"                # no version in force on the day
    VERSION = "version"                      # number: the version's; day: in force since
    SUSPENDED = "suspended"                  # day: first day of suspension; at: when it resumed (None: still)
    RESUMED = "resumed"                      # at: when cover resumed, before the loss
    GUARANTEE_MISSING = "guarantee_missing"  # guarantee: the code looked for (None: none fits the loss)
    GUARANTEE = "guarantee"                  # guarantee, label: the guarantee; limit: its ceiling (None: none)
    DEDUCTIBLE = "deductible"                # limit: the deductible
    EXCLUDED = "excluded"                    # guarantee, label; text: which exclusion and why
    EXCLUDED_IN_PART = "excluded_in_part"    # same, for part of the loss
    NO_AMOUNT = "no_amount"                  # the amount of the loss is not known yet
    BELOW_DEDUCTIBLE = "below_deductible"    # amount: the loss; limit: the deductible
    CEILING_EXCEEDED = "ceiling_exceeded"    # amount: the loss; limit: the ceiling


#: the article each clause code rests on, shown beside it
ARTICLES = {ClauseCode.SUSPENDED: "L113-3", ClauseCode.RESUMED: "L113-3"}


@dataclass(frozen=True)
class Guarantee:
    """A guarantee of a contract version, as stored in its JSON."""

    code: str
    label: str
    ceiling: Decimal | None = None
    deductible: Decimal | None = None
    exclusions: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, item: dict) -> Guarantee:
        return cls(code=str(item.get("code") or ""), label=str(item.get("label") or item.get("code") or ""),
                   ceiling=_amount(item.get("ceiling")), deductible=_amount(item.get("deductible")),
                   exclusions=exclusion_items(item.get("exclusions")))


def _amount(value) -> Decimal | None:
    """A stored amount ("50000.00", 150, None) as a Decimal, None when absent or unreadable."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return round_cents(amount) if amount.is_finite() and amount >= 0 else None


def exclusion_items(text) -> tuple[str, ...]:
    """A guarantee's exclusions (free text) as items: one per line or per ';'."""
    return tuple(part.strip(" -•\t") for part in re.split(r"[\n;]", str(text or "")) if part.strip(" -•\t"))


def guarantees_of(items: Iterable[dict]) -> list[Guarantee]:
    """The guarantees a version holds: those subscribed (``included`` not false)."""
    return [Guarantee.from_json(item) for item in items or () if item.get("code") and item.get("included", True)]


def propose_guarantee(line: str, kind: str, codes: Iterable[str]) -> str | None:
    """The guarantee the loss most likely falls under among ``codes`` (the
    version's), from :data:`KIND_GUARANTEES`; None when none of them fits."""
    held = set(codes)
    return next((code for code in KIND_GUARANTEES.get(line, {}).get(kind, ()) if code in held), None)


def estimate(damages: Iterable[tuple[Decimal | None, Decimal | None, Decimal | None]], assessed: Decimal | None,
             declared) -> tuple[Decimal | None, str | None]:
    """The best known amount of the loss and where it comes from: the damage
    items (each its agreed, else expert's, else claimed amount), else the
    expert's assessment, else the client's estimate on the declaration."""
    amounts = [next((value for value in item if value is not None), None) for item in damages]
    known = [amount for amount in amounts if amount is not None]
    if known:
        return round_cents(sum(known, Decimal(0))), "damages"
    if assessed is not None:
        return round_cents(assessed), "expert"
    try:
        amount = parse_amount(str(declared)) if declared not in (None, "") else None
    except ValueError:
        amount = None
    return (amount, "declaration") if amount is not None and amount >= 0 else (None, None)


@dataclass(frozen=True)
class Suspension:
    """A time without cover for non-payment: from ``start`` (included) to
    ``end`` (excluded; None while it lasts)."""

    start: datetime
    end: datetime | None = None

    def holds(self, moment: datetime) -> bool:
        return self.start <= moment and (self.end is None or moment < self.end)


def start_of(day: date) -> datetime:
    """00:00 in Paris on ``day``: when a day's suspension or end takes effect."""
    return datetime.combine(day, datetime.min.time(), tzinfo=PARIS)


@dataclass(frozen=True)
class Facts:
    """What the check weighs. ``loss_at`` is aware; ``guarantee`` is the
    guarantee concerned as the version holds it (None when the version has
    no guarantee of code ``guarantee_code``)."""

    loss_at: datetime
    effective_date: date
    ended_on: date | None = None
    version_number: int | None = None
    version_from: date | None = None
    guarantee_code: str | None = None
    guarantee: Guarantee | None = None
    amount: Decimal | None = None
    suspensions: tuple[Suspension, ...] = ()
    exclusion: ExclusionScope = ExclusionScope.NONE
    exclusion_note: str = ""

    @property
    def loss_day(self) -> date:
        return self.loss_at.astimezone(PARIS).date()


@dataclass(frozen=True)
class Relied:
    """One clause a proposal relied on: its code and the contract's figures
    and words it rests on (``guarantee`` a guarantee's code, ``label`` its
    label as the version holds it)."""

    code: ClauseCode
    guarantee: str | None = None
    label: str = ""
    number: int | None = None
    text: str = ""
    amount: Decimal | None = None
    limit: Decimal | None = None
    day: date | None = None
    at: datetime | None = None

    @property
    def article(self) -> str:
        return ARTICLES.get(self.code, "")

    def to_json(self) -> dict:
        return {"code": self.code.value, "guarantee": self.guarantee, "label": self.label, "number": self.number,
                "text": self.text, "article": self.article,
                "amount": None if self.amount is None else str(self.amount),
                "limit": None if self.limit is None else str(self.limit),
                "day": self.day.isoformat() if self.day else None, "at": self.at.isoformat() if self.at else None}

    @classmethod
    def from_json(cls, item: dict) -> Relied:
        return cls(code=ClauseCode(item["code"]), guarantee=item.get("guarantee"), label=item.get("label") or "",
                   number=item.get("number"), text=item.get("text") or "",
                   amount=_amount(item.get("amount")), limit=_amount(item.get("limit")),
                   day=date.fromisoformat(item["day"]) if item.get("day") else None,
                   at=datetime.fromisoformat(item["at"]) if item.get("at") else None)


@dataclass(frozen=True)
class Proposal:
    verdict: CoverVerdict
    clauses: tuple[Relied, ...] = field(default_factory=tuple)

    def to_json(self) -> dict:
        return {"verdict": self.verdict.value, "clauses": [clause.to_json() for clause in self.clauses]}


def _suspension_at(suspensions: Iterable[Suspension], moment: datetime) -> Suspension | None:
    return next((item for item in sorted(suspensions, key=lambda s: s.start) if item.holds(moment)), None)


def _resumed_before(suspensions: Iterable[Suspension], moment: datetime) -> Suspension | None:
    ended = [item for item in suspensions if item.end is not None and item.end <= moment]
    return max(ended, key=lambda s: s.end, default=None)


def propose(facts: Facts) -> Proposal:
    """Covered, partly covered or not covered, with the clauses relied on
    (see the module's docstring for the order of the checks)."""
    day = facts.loss_day
    if day < facts.effective_date:
        return Proposal(CoverVerdict.NOT_COVERED, (Relied(ClauseCode.BEFORE_EFFECT, day=facts.effective_date),))
    if facts.ended_on is not None and day >= facts.ended_on:
        return Proposal(CoverVerdict.NOT_COVERED, (Relied(ClauseCode.ENDED, day=facts.ended_on),))
    if facts.version_number is None:
        return Proposal(CoverVerdict.NOT_COVERED, (Relied(ClauseCode.NO_VERSION, day=day),))
    relied = [Relied(ClauseCode.VERSION, number=facts.version_number, day=facts.version_from)]
    suspension = _suspension_at(facts.suspensions, facts.loss_at)
    if suspension is not None:
        relied.append(Relied(ClauseCode.SUSPENDED, day=suspension.start.astimezone(PARIS).date(), at=suspension.end))
        return Proposal(CoverVerdict.NOT_COVERED, tuple(relied))
    resumed = _resumed_before(facts.suspensions, facts.loss_at)
    if resumed is not None:
        relied.append(Relied(ClauseCode.RESUMED, day=resumed.start.astimezone(PARIS).date(), at=resumed.end))
    guarantee = facts.guarantee
    if guarantee is None:
        relied.append(Relied(ClauseCode.GUARANTEE_MISSING, guarantee=facts.guarantee_code or None))
        return Proposal(CoverVerdict.NOT_COVERED, tuple(relied))
    named = {"guarantee": guarantee.code, "label": guarantee.label}
    relied.append(Relied(ClauseCode.GUARANTEE, limit=guarantee.ceiling, **named))
    if guarantee.deductible:
        relied.append(Relied(ClauseCode.DEDUCTIBLE, limit=guarantee.deductible, **named))
    note = facts.exclusion_note.strip()
    if facts.exclusion == ExclusionScope.ALL:
        relied.append(Relied(ClauseCode.EXCLUDED, text=note, **named))
        return Proposal(CoverVerdict.NOT_COVERED, tuple(relied))
    verdict = CoverVerdict.COVERED
    if facts.exclusion == ExclusionScope.PART:
        relied.append(Relied(ClauseCode.EXCLUDED_IN_PART, text=note, **named))
        verdict = CoverVerdict.PARTIAL
    amount = facts.amount
    if amount is None:
        relied.append(Relied(ClauseCode.NO_AMOUNT))
    elif guarantee.deductible and amount <= guarantee.deductible:
        relied.append(Relied(ClauseCode.BELOW_DEDUCTIBLE, amount=amount, limit=guarantee.deductible))
        return Proposal(CoverVerdict.NOT_COVERED, tuple(relied))
    elif guarantee.ceiling is not None and amount > guarantee.ceiling:
        relied.append(Relied(ClauseCode.CEILING_EXCEEDED, amount=amount, limit=guarantee.ceiling))
        verdict = CoverVerdict.PARTIAL
    return Proposal(verdict, tuple(relied))
