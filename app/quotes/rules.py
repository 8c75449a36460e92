"""Pure rules of needs analyses and comparisons: completeness, guarantee
matching, the fit score, what blocks the client's acceptance. No DB, no Flask.

Advice duty (DDA, Code des assurances L521-4): before a contract is placed the
broker records the client's needs and the reasons the offer fits them, in a
document given to the client — hence acceptance needs an advice document.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Iterable

from app.catalog.rules import insurance_tax, round_cents

if TYPE_CHECKING:
    from app.catalog.lines import LineDefinition


# --- risk answers -----------------------------------------------------------

def to_json_value(attribute_type: str, value):
    """A typed answer as stored in ``NeedsAnalysis.risk``: ints as int,
    decimals and money as ``"1234.50"``, dates ISO, booleans as bool; None
    and blank text stay None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if attribute_type == "integer":
        return int(value)
    if attribute_type == "money":
        return str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    if attribute_type == "decimal":
        return str(Decimal(value))
    if attribute_type == "date":
        return value.isoformat()
    if attribute_type == "boolean":
        return bool(value)
    return str(value).strip()


def from_json_value(attribute_type: str, value):
    """The reverse of :func:`to_json_value`, for editing (None when unreadable)."""
    if value is None:
        return None
    try:
        if attribute_type in ("decimal", "money"):
            return Decimal(str(value))
        if attribute_type == "date":
            return date.fromisoformat(value)
        if attribute_type == "integer":
            return int(value)
    except (ValueError, TypeError, InvalidOperation):
        return None
    return value


def is_answered(value) -> bool:
    """False is an answer (a boolean "no"); None and blank text are not."""
    return value is not None and not (isinstance(value, str) and not value.strip())


# --- completeness -----------------------------------------------------------

@dataclass(frozen=True)
class Completeness:
    """What is missing before insurers can quote, and before a contract is placed."""

    missing_answers: tuple[str, ...]
    missing_to_quote: tuple[str, ...]
    missing_to_place: tuple[str, ...]

    @property
    def is_complete(self) -> bool:
        return not (self.missing_answers or self.missing_to_quote or self.missing_to_place)

    @property
    def missing_documents(self) -> tuple[str, ...]:
        """Every missing document kind once, those needed to quote first."""
        return tuple(dict.fromkeys(self.missing_to_quote + self.missing_to_place))


def missing_answers(definition: LineDefinition, risk: dict) -> tuple[str, ...]:
    """Attributes the line needs to quote (``required_to_quote``) left unanswered."""
    return tuple(a.name for a in definition.attributes
                 if a.required_to_quote and not is_answered((risk or {}).get(a.name)))


def missing_documents(required: Iterable[str], held: Iterable[str]) -> tuple[str, ...]:
    held = set(held)
    return tuple(kind for kind in required if kind not in held)


def completeness(definition: LineDefinition, risk: dict, held_kinds: Iterable[str]) -> Completeness:
    """``held_kinds``: the kinds of the client's documents that are not expired."""
    held = set(held_kinds)
    return Completeness(
        missing_answers=missing_answers(definition, risk),
        missing_to_quote=missing_documents(definition.documents_to_quote, held),
        missing_to_place=missing_documents(definition.documents_to_place, held),
    )


# --- an offer's amounts ----------------------------------------------------

@dataclass(frozen=True)
class OfferAmounts:
    net: Decimal
    fees: Decimal
    tax: Decimal
    total: Decimal
    commission: Decimal


def offer_amounts(net: Decimal, fees: Decimal, tax_rate: Decimal, commission_rate: Decimal) -> OfferAmounts:
    """Insurance tax on net premium + fees (Art. 1001 CGI), the total the
    client pays, and the broker's commission on the net premium alone; each
    rounded half-up to the cent."""
    net, fees = round_cents(net), round_cents(fees)
    tax = insurance_tax(net + fees, tax_rate)
    return OfferAmounts(net=net, fees=fees, tax=tax, total=net + fees + tax,
                        commission=round_cents(net * Decimal(commission_rate) / 100))


# --- guarantees wanted vs offered -------------------------------------------

def _amount(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class GuaranteeMatch:
    """One wanted guarantee against an offer.

    An offered guarantee with no ceiling pays without limit and one with no
    deductible has none, so both then meet any wish.
    """

    code: str
    covered: bool
    ceiling: Decimal | None
    deductible: Decimal | None
    wanted_ceiling: Decimal | None
    wanted_deductible: Decimal | None
    exclusions: str | None = None

    @property
    def ceiling_ok(self) -> bool:
        if not self.covered:
            return False
        return self.wanted_ceiling is None or self.ceiling is None or self.ceiling >= self.wanted_ceiling

    @property
    def deductible_ok(self) -> bool:
        if not self.covered:
            return False
        return (self.wanted_deductible is None or self.deductible is None
                or self.deductible <= self.wanted_deductible)

    @property
    def fits(self) -> bool:
        return self.covered and self.ceiling_ok and self.deductible_ok


def match_guarantee(wanted: dict, offered: list[dict]) -> GuaranteeMatch:
    """Find ``wanted["code"]`` among an offer's guarantees (snapshot dicts);
    an option the client did not take (``included`` false) does not cover."""
    found = next((g for g in offered or () if g.get("code") == wanted["code"]), None)
    covered = found is not None and found.get("included", True)
    return GuaranteeMatch(
        code=wanted["code"], covered=covered,
        ceiling=_amount(found.get("ceiling")) if covered else None,
        deductible=_amount(found.get("deductible")) if covered else None,
        wanted_ceiling=_amount(wanted.get("ceiling")),
        wanted_deductible=_amount(wanted.get("deductible")),
        exclusions=found.get("exclusions") if covered else None,
    )


def match_all(wanted: list[dict], offered: list[dict]) -> list[GuaranteeMatch]:
    return [match_guarantee(item, offered) for item in wanted or ()]


# --- fit score --------------------------------------------------------------

COVERAGE_POINTS = 50
CEILING_POINTS = 15
DEDUCTIBLE_POINTS = 15
PRICE_POINTS = 20


@dataclass(frozen=True)
class FitLine:
    """One component of the fit score: ``code`` names it (labels are
    translated where shown), ``params`` fill the label, ``label`` is the
    English fallback stored with it."""

    code: str
    points: int
    max: int
    label: str
    params: dict

    def as_dict(self) -> dict:
        return {"code": self.code, "label": self.label, "points": self.points, "max": self.max,
                "params": self.params}


def _points(share: Decimal) -> int:
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _share(count: int, out_of: int, maximum: int) -> int:
    return maximum if out_of == 0 else _points(Decimal(maximum) * count / out_of)


def _coverage_line(matches: list[GuaranteeMatch]) -> FitLine:
    covered = [m for m in matches if m.covered]
    missing = [m.code for m in matches if not m.covered]
    label = (f"{len(covered)} of {len(matches)} wanted guarantees covered" if matches
             else "No guarantee wanted")
    return FitLine("coverage", _share(len(covered), len(matches), COVERAGE_POINTS), COVERAGE_POINTS,
                   label, {"covered": len(covered), "wanted": len(matches), "missing": missing})


def _ceiling_line(matches: list[GuaranteeMatch]) -> FitLine:
    asked = [m for m in matches if m.wanted_ceiling is not None]
    met = [m for m in asked if m.ceiling_ok]
    label = f"{len(met)} of {len(asked)} ceilings at least as wanted" if asked else "No ceiling wanted"
    return FitLine("ceilings", _share(len(met), len(asked), CEILING_POINTS), CEILING_POINTS, label,
                   {"met": len(met), "asked": len(asked), "short": [m.code for m in asked if not m.ceiling_ok]})


def _deductible_line(matches: list[GuaranteeMatch]) -> FitLine:
    asked = [m for m in matches if m.wanted_deductible is not None]
    met = [m for m in asked if m.deductible_ok]
    label = f"{len(met)} of {len(asked)} deductibles at most as wanted" if asked else "No deductible wanted"
    return FitLine("deductibles", _share(len(met), len(asked), DEDUCTIBLE_POINTS), DEDUCTIBLE_POINTS, label,
                   {"met": len(met), "asked": len(asked),
                    "over": [m.code for m in asked if not m.deductible_ok]})


def budget_points(total: Decimal, budget: Decimal | None) -> int:
    """Full points within budget; over it, minus the overrun's share of the
    budget (10 % over loses 10 % of the points; twice the budget, all)."""
    if budget is None or total <= budget:
        return PRICE_POINTS
    if budget <= 0:
        return 0
    overrun = (total - budget) / budget
    return max(0, _points(PRICE_POINTS * (1 - overrun)))


def _price_line(total: Decimal, budget: Decimal | None) -> FitLine:
    points = budget_points(total, budget)
    if budget is None:
        label, params = "No budget set", {}
    elif total <= budget:
        label, params = "Within budget", {"budget": str(budget), "total": str(total)}
    else:
        over = (total - budget).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        label, params = f"{over} over budget", {"budget": str(budget), "total": str(total), "over": str(over)}
    return FitLine("price", points, PRICE_POINTS, label, params)


def fit_score(wanted: list[dict], offered: list[dict], total: Decimal,
              budget: Decimal | None) -> tuple[int, list[FitLine]]:
    """How well an offer answers the needs, 0–100, and why, line by line.

    Weights (out of 100):

    - coverage, 50: shared equally among the wanted guarantees; a wanted
      guarantee the offer does not cover loses its whole share (and also
      fails its ceiling and deductible below);
    - ceilings, 15: shared among the wanted guarantees that state a ceiling;
      earned when the offer's ceiling is at least the one wanted;
    - deductibles, 15: shared among those that state a maximum deductible;
      earned when the offer's deductible is at most the one wanted;
    - price, 20: all of it within the budget (or with no budget); over it,
      reduced in proportion to the overrun (see :func:`budget_points`).

    A component with nothing asked of it earns its full points.
    """
    matches = match_all(wanted, offered)
    lines = [_coverage_line(matches), _ceiling_line(matches), _deductible_line(matches),
             _price_line(total, budget)]
    return sum(line.points for line in lines), lines


# --- acceptance -------------------------------------------------------------

def acceptance_problems(*, is_complete: bool, waiver: str | None, has_advice: bool,
                        already_accepted: bool, withdrawn: bool) -> list[str]:
    """Why the client's acceptance of an offer cannot be recorded yet
    (codes, translated by views); empty when it can.

    The file must be complete or its gaps waived with a reason, and the
    advice document must exist (DDA, L521-4: advice before the contract).
    """
    problems = []
    if already_accepted:
        problems.append("already_accepted")
    if withdrawn:
        problems.append("withdrawn")
    if not is_complete and not (waiver or "").strip():
        problems.append("incomplete")
    if not has_advice:
        problems.append("no_advice")
    return problems


# --- sorting and filtering a comparison -------------------------------------

SORT_KEYS = {
    "total": (lambda offer: (offer.total, offer.id), False),
    "fit": (lambda offer: (offer.fit_score, -offer.id), True),
    "commission": (lambda offer: (offer.commission, -offer.id), True),
}


def arrange(offers: list, *, sort: str = "total", within_budget: bool = False,
            budget: Decimal | None = None) -> list:
    """Sort offers (cheapest first, best fit first, or highest commission first)
    and keep only those within the budget when asked."""
    if within_budget and budget is not None:
        offers = [offer for offer in offers if offer.total <= budget]
    key, descending = SORT_KEYS.get(sort, SORT_KEYS["total"])
    return sorted(offers, key=key, reverse=descending)
