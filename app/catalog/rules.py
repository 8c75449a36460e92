"""The tariff engine, eligibility and insurance tax. Pure: no DB, no Flask.

A product's tariff is declarative JSON, validated on save
(:func:`validate_tariff`) and never evaluated as code::

    {"base": "420.00",
     "factors": [
       {"label": "Driver's age", "attribute": "driver_age", "kind": "bands",
        "bands": [{"min": 18, "max": 25, "multiplier": "1.80"},
                  {"min": 25, "max": null, "multiplier": "1.00"}]},
       {"label": "Use", "attribute": "use", "kind": "table",
        "values": {"private": "1.00", "business": "1.25"}, "default": "1.10"},
       {"label": "Bonus-malus", "attribute": "bonus_malus", "kind": "coefficient"},
       {"label": "Contents", "attribute": "contents_value", "kind": "per_unit",
        "unit": "1000", "rate": "2.10"}
     ],
     "minimum": "250.00",
     "fees": "15.00"}

Factor kinds, applied in order to the running premium:

- ``bands``: intervals [min, max) on a number attribute (``max`` null: no
  upper bound, last band only); a date attribute is measured in whole years
  elapsed at the pricing date (licence date -> years of licence, first
  registration -> vehicle age). Bands follow each other without overlap or gap;
  an answer outside all bands cannot be priced (``out_of_bands``).
- ``table``: a multiplier per choice of the attribute; an answer not in the
  table cannot be priced unless ``default`` is given (``not_in_table``).
- ``coefficient``: multiply by the answer itself (bonus-malus 0.50-3.50).
- ``per_unit``: ADD ``rate`` x ceil(answer / ``unit``), e.g. 2.10 per started
  1,000 EUR of contents.

Rounding rule: the running premium is rounded half-up to the cent after every
step, so each line of the breakdown is an amount the client can check.

Steps: base premium, each factor, each selected option's premium added, the
minimum premium when the premium is below it. ``Pricing.net`` is the premium
after the minimum; ``fees`` (frais de dossier / d'accessoires) are kept apart:
the caller computes the insurance tax on net + fees with :func:`insurance_tax`.
Every step's ``amount`` is the running net premium after it, except the last
step, "Fees", whose amount is the fees themselves (not added to ``net``).

Each step carries a structured ``detail`` (plain JSON values: numbers as
strings) rather than a sentence, so that the reader's language words it
(``app.catalog.messages.step_detail``) and an offer can store it::

    {"kind": "bands", "attribute": "driver_age", "value": "30", "min": "25",
     "max": "70", "multiplier": "1.00"}

Kinds: ``bands`` (with ``since``, the ISO date, when the answer is a date),
``table`` (``default`` true when the answer fell to the default), ``coefficient``,
``per_unit`` (``unit``, ``units``, ``rate``, ``added``), ``option``
(``premium``), ``minimum`` (``premium`` before it, ``minimum``); base premium
and fees have an empty detail.

Eligibility conditions use the same vocabulary: a list of
``{"attribute": "driver_age", "op": "gte", "value": 21}`` with ops eq, ne,
gte, lte, gt, lt, in, not_in (value a list for in / not_in). A risk that fails
conditions gets one :class:`EligibilityProblem` per condition, worded by the
views.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from app.catalog.risk_values import UnreadableAnswer, as_date, as_decimal, as_key, is_missing, measure
from app.catalog.tariff_validation import OPS, TariffProblem, validate_eligibility, validate_tariff

__all__ = [
    "ROUNDING", "round_cents", "PricingStep", "Pricing", "TariffError", "TariffProblem", "EligibilityProblem",
    "validate_tariff", "price", "insurance_tax", "eligibility_problems", "validate_eligibility", "OPS",
]

CENT = Decimal("0.01")
#: quantum and rounding mode of every amount: ``amount.quantize(*ROUNDING)``
ROUNDING = (CENT, ROUND_HALF_UP)
BASE_STEP = "Base premium"
MINIMUM_STEP = "Minimum premium"
FEES_STEP = "Fees"


def round_cents(amount: Decimal) -> Decimal:
    """Round ``amount`` half-up to the cent."""
    return Decimal(amount).quantize(*ROUNDING)


@dataclass(frozen=True)
class PricingStep:
    label: str
    #: how the step was computed, as plain JSON values (see the module's docstring)
    detail: dict
    amount: Decimal


@dataclass(frozen=True)
class Pricing:
    net: Decimal
    fees: Decimal
    steps: tuple[PricingStep, ...]


class TariffError(ValueError):
    """The risk lacks what the tariff needs, or an answer falls outside it."""

    def __init__(self, problems: list[TariffProblem]) -> None:
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in problems))
        self.problems = problems


def insurance_tax(amount: Decimal, rate_percent: Decimal) -> Decimal:
    """Return the insurance tax (Art. 1001 CGI) on ``amount``, half-up to the cent."""
    return round_cents(Decimal(amount) * Decimal(rate_percent) / 100)


def price(tariff: dict, risk: dict, *, options: Sequence[tuple[str, Decimal]] = (), as_of: date) -> Pricing:
    """Price ``risk`` with ``tariff``; ``options`` are (label, premium) of the chosen options.

    Raises TariffError listing every answer the tariff cannot use.
    """
    base = _amount(tariff, "base")
    steps = [PricingStep(BASE_STEP, {}, base)]
    running = base
    problems: list[TariffProblem] = []
    for index, factor in enumerate(tariff.get("factors") or []):
        path = f"factors[{index}]"
        try:
            running, detail = _apply_factor(factor, risk, running, as_of, path)
        except TariffError as exc:
            problems.extend(exc.problems)
            continue
        steps.append(PricingStep(str(factor.get("label") or factor.get("attribute")), detail, running))
    if problems:
        raise TariffError(problems)
    for label, premium in options:
        added = round_cents(Decimal(premium))
        running = round_cents(running + added)
        steps.append(PricingStep(label, {"kind": "option", "premium": str(added)}, running))
    minimum = _amount(tariff, "minimum")
    if running < minimum:
        steps.append(PricingStep(MINIMUM_STEP, {"kind": "minimum", "premium": str(running), "minimum": str(minimum)},
                                 minimum))
        running = minimum
    fees = _amount(tariff, "fees")
    steps.append(PricingStep(FEES_STEP, {}, fees))
    return Pricing(net=running, fees=fees, steps=tuple(steps))


def _amount(tariff: dict, key: str) -> Decimal:
    value = tariff.get(key)
    if value is None and key != "base":
        return Decimal("0.00")
    try:
        return round_cents(as_decimal(value))
    except UnreadableAnswer:
        raise TariffError([TariffProblem(key, "invalid_tariff", f"{key} is not an amount")]) from None


def _apply_factor(factor: dict, risk: dict, running: Decimal, as_of: date, path: str) -> tuple[Decimal, dict]:
    """Return the running premium after ``factor`` and the step's detail."""
    attribute = factor.get("attribute", "")
    value = risk.get(attribute)
    if is_missing(value):
        raise _problem(path, "missing_answer", f"answer missing: {attribute}", attribute)
    kind = factor.get("kind")
    try:
        if kind == "table":
            multiplier, detail = _table_multiplier(factor, as_key(value), path)
            return round_cents(running * multiplier), detail
        number = measure(value, as_of)
    except UnreadableAnswer:
        raise _problem(path, "invalid_answer", f"answer not understood for {attribute}: {value}",
                       attribute, value) from None
    measured = {"attribute": attribute, "value": str(number), **_since(value)}
    if kind == "bands":
        multiplier, band = _band_multiplier(factor, number, path)
        return round_cents(running * multiplier), {"kind": "bands", **measured, **band}
    if kind == "coefficient":
        return round_cents(running * number), {"kind": "coefficient", **measured}
    if kind == "per_unit":
        unit, rate = as_decimal(factor["unit"]), as_decimal(factor["rate"])
        units = math.ceil(number / unit)
        added = round_cents(rate * units)
        return round_cents(running + added), {"kind": "per_unit", **measured, "unit": str(unit), "units": str(units),
                                              "rate": str(rate), "added": str(added)}
    raise _problem(path, "invalid_tariff", f"unknown factor kind: {kind}", attribute)


def _since(value: object) -> dict:
    """The answer's date when a date was measured in years, for the step's detail."""
    when = as_date(value)
    return {} if when is None else {"since": when.isoformat()}


def _band_multiplier(factor: dict, number: Decimal, path: str) -> tuple[Decimal, dict]:
    for band in factor.get("bands") or []:
        low, high = as_decimal(band["min"]), band.get("max")
        if number >= low and (high is None or number < as_decimal(high)):
            multiplier = as_decimal(band["multiplier"])
            upper = None if high is None else str(as_decimal(high))
            return multiplier, {"min": str(low), "max": upper, "multiplier": str(multiplier)}
    attribute = factor.get("attribute", "")
    raise _problem(path, "out_of_bands", f"{attribute} {number} is outside the tariff's bands", attribute, number)


def _table_multiplier(factor: dict, key: str, path: str) -> tuple[Decimal, dict]:
    attribute = factor.get("attribute", "")
    values = factor.get("values") or {}
    if key in values:
        multiplier, default = as_decimal(values[key]), False
    elif factor.get("default") is not None:
        multiplier, default = as_decimal(factor["default"]), True
    else:
        raise _problem(path, "not_in_table", f"{attribute} {key} is not in the tariff's table", attribute, key)
    return multiplier, {"kind": "table", "attribute": attribute, "value": key, "multiplier": str(multiplier),
                        "default": default}


def _problem(path: str, code: str, message: str, attribute: str = "", value: object = None) -> TariffError:
    return TariffError([TariffProblem(path, code, message, attribute, value)])


@dataclass(frozen=True)
class EligibilityProblem:
    """Why a risk fails one eligibility condition; the views word it.

    ``code`` is ``missing_answer``, ``invalid_answer`` or ``not_met``;
    ``given`` is the answer as stored, ``expected`` the condition's value;
    ``years`` is what a date answer counts for (whole years), else None.
    """

    code: str
    attribute: str
    op: str | None
    given: object
    expected: object
    years: Decimal | None = None


def eligibility_problems(conditions: list[dict], risk: dict, *, as_of: date) -> list[EligibilityProblem]:
    """Return why ``risk`` does not meet ``conditions`` (empty: eligible)."""
    problems = []
    for condition in conditions:
        attribute, op, expected = condition.get("attribute", ""), condition.get("op"), condition.get("value")
        value = risk.get(attribute)
        if is_missing(value):
            problems.append(EligibilityProblem("missing_answer", attribute, op, value, expected))
            continue
        try:
            met = _condition_met(op, value, expected, as_of)
        except UnreadableAnswer:
            problems.append(EligibilityProblem("invalid_answer", attribute, op, value, expected))
            continue
        if not met:
            problems.append(EligibilityProblem("not_met", attribute, op, value, expected, _years(value, as_of)))
    return problems


def _condition_met(op: str | None, value: object, expected: object, as_of: date) -> bool:
    if op in ("in", "not_in"):
        keys = {as_key(item) for item in (expected or [])}
        return (as_key(value) in keys) == (op == "in")
    if op in ("gte", "lte", "gt", "lt"):
        actual, bound = measure(value, as_of), as_decimal(expected)
        return {"gte": actual >= bound, "lte": actual <= bound, "gt": actual > bound, "lt": actual < bound}[op]
    if op in ("eq", "ne"):
        return _equal(value, expected, as_of) == (op == "eq")
    raise UnreadableAnswer(op)


def _equal(value: object, expected: object, as_of: date) -> bool:
    try:
        return measure(value, as_of) == as_decimal(expected)
    except UnreadableAnswer:
        return as_key(value) == as_key(expected)


def _years(value: object, as_of: date) -> Decimal | None:
    try:
        return None if as_date(value) is None else measure(value, as_of)
    except UnreadableAnswer:
        return None
