"""Damages and settlement of a claim, pure: amounts typed by a person, the
damage totals, the proposed reserve, the indemnity with its line-by-line
explanation, and when a claim counts as paid in full.

The indemnity (:func:`compute_indemnity`) follows the contract's terms for
the guarantee concerned, in this order:

1. **Agreed damages.** Only the agreed amount of each item counts (what the
   insured, the insurer and the expert settled on); items without one are
   left out. By the indemnity principle (Code des assurances L121-1) the
   insurer pays the loss, never more.
2. **Liability share** (``claim.liability_share``: the insured's share of
   fault, 0/25/50/75/100 %, set on the Liability tab from an IRSA-like grid).
   How it applies is the guarantee's ``liability_basis`` (see
   :class:`LiabilityBasis`):

   - ``third_party_fault`` — the insured's **own damage** in a third-party
     fault context (a motor collision without "dommages tous accidents"):
     the insured is indemnified for the third party's part only,
     **indemnity = damage × (100 − insured's share) %** (0 % at fault: all of
     it; 100 % at fault: nothing). The insurer then claims it back from the
     third party's insurer (recourse, subrogation L121-12).
   - ``insured_liability`` — a **liability cover** (responsabilité civile):
     the damages are the victim's, and the insurer pays the part the insured
     answers for, **indemnity = damage × insured's share %** (L124-3, the
     victim's direct action, to the extent of the insured's liability).
   - ``none`` — a first-party cover that pays whatever the fault (water
     damage, fire, theft, glass, "dommages tous accidents"): the share is
     not applied.

   When the guarantee's terms do not say, :func:`default_liability_basis`
   decides from the guarantee and the kind of claim.
3. **Deductible and ceiling** (franchise, plafond) of the guarantee, as the
   contract's particular conditions state them. The guarantee's
   ``deductible_basis`` says in which order (see :class:`DeductibleBasis`):

   - ``before_ceiling`` (the default): the deductible comes off the damage,
     then the ceiling caps what is left — min(damage − deductible, ceiling).
   - ``after_ceiling``: the damage is capped at the ceiling first, then the
     deductible comes off — min(damage, ceiling) − deductible; the insured
     bears the deductible even on a loss above the ceiling.

   A deductible larger than the amount leaves nothing owed (never below 0).
4. **Payments already made** come off the indemnity: what remains to pay.

Every step is one line (a code, the amount it adds or takes off, the running
total, the values it used). Money is rounded half-up to the cent by
:func:`cent`, the only rounding of this module, at each step that
multiplies."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: the largest amount a ``Numeric(12, 2)`` column holds: 10 digits before the decimal point
MAX_AMOUNT = Decimal("9999999999.99")
LIABILITY_SHARES = (0, 25, 50, 75, 100)
#: the damage categories, in the order the explanation lists them (``app.claims.settlement_models.DamageCategory``)
CATEGORIES = ("bodily", "material", "consequential")


class DeductibleBasis(StrEnum):
    """The guarantee dict's ``deductible_basis``: when the deductible comes off."""

    BEFORE_CEILING = "before_ceiling"
    AFTER_CEILING = "after_ceiling"


class LiabilityBasis(StrEnum):
    """The guarantee dict's ``liability_basis``: how the insured's share of
    liability changes the indemnity (module docstring, step 2)."""

    NONE = "none"
    THIRD_PARTY_FAULT = "third_party_fault"
    INSURED_LIABILITY = "insured_liability"


#: guarantees that pay the victims of the insured (responsabilité civile)
LIABILITY_GUARANTEES = frozenset({"third_party", "civil_liability", "operating_liability",
                                  "professional_liability"})
#: own-damage covers that pay whatever the fault ("dommages tous accidents")
ALL_ACCIDENTS_GUARANTEES = frozenset({"all_risks"})


class AmountError(ValueError):
    """An amount a person typed that cannot be kept; ``code`` says why:
    ``amount_invalid`` (not a number, or more than 2 decimals), ``negative``,
    ``not_positive``, ``too_large`` (more than 10 digits before the point)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class IndemnityError(ValueError):
    """The indemnity cannot be computed: ``no_agreed_damages``,
    ``liability_required`` (the guarantee applies the share, none is set)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def cent(value: Decimal) -> Decimal:
    """Round to the cent, half-up: the one rounding of money here."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(text: str | None, *, positive: bool = False) -> Decimal | None:
    """An amount typed the French or English way (``1 234,50``,
    ``1234.5``); None when blank. Raises :class:`AmountError`."""
    raw = (text or "").strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    if not raw:
        return None
    try:
        amount = Decimal(raw)
    except InvalidOperation as exc:
        raise AmountError("amount_invalid") from exc
    if not amount.is_finite() or amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise AmountError("amount_invalid")
    if amount < 0:
        raise AmountError("negative")
    if positive and amount == 0:
        raise AmountError("not_positive")
    if amount > MAX_AMOUNT:
        raise AmountError("too_large")
    return cent(amount)


def contract_amount(value) -> Decimal | None:
    """A ceiling or deductible of a guarantee dict (a string, a number or
    None); None when the contract gives none or it is not a number."""
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None
    return cent(amount) if amount.is_finite() and amount >= 0 else None


@dataclass(frozen=True)
class DamageAmounts:
    category: str
    claimed: Decimal | None = None
    expert: Decimal | None = None
    agreed: Decimal | None = None

    @property
    def best_known(self) -> Decimal | None:
        """The agreed amount, else the expert's, else the claimed one."""
        return next((amount for amount in (self.agreed, self.expert, self.claimed) if amount is not None), None)


def damage_totals(items: list[DamageAmounts]) -> dict[str, dict[str, Decimal]]:
    """Totals per category (and ``"all"``) of each column: claimed, expert, agreed."""
    totals = {key: {"claimed": ZERO, "expert": ZERO, "agreed": ZERO} for key in (*CATEGORIES, "all")}
    for item in items:
        for column in ("claimed", "expert", "agreed"):
            amount = getattr(item, column) or ZERO
            totals.setdefault(item.category, {"claimed": ZERO, "expert": ZERO, "agreed": ZERO})[column] += amount
            totals["all"][column] += amount
    return totals


def proposed_reserve(items: list[DamageAmounts], paid: Decimal, indemnity: Decimal | None = None) -> Decimal:
    """The reserve to propose: what the claim is still likely to cost —
    each damage item's agreed amount, else the expert's, else the claimed
    one, less what is already paid; once the indemnity is computed, what
    remains of it (the deductible, ceiling and liability share applied).
    Never below 0."""
    expected = indemnity if indemnity is not None else sum((item.best_known or ZERO for item in items), ZERO)
    return max(cent(expected - (paid or ZERO)), ZERO)


@dataclass(frozen=True)
class GuaranteeTerms:
    """What the contract says of the guarantee concerned, read from its dict
    in the contract version on the date of loss."""

    code: str | None = None
    deductible: Decimal | None = None
    ceiling: Decimal | None = None
    deductible_basis: DeductibleBasis = DeductibleBasis.BEFORE_CEILING
    liability_basis: LiabilityBasis = LiabilityBasis.NONE


def default_liability_basis(guarantee_code: str | None, claim_kind: str | None) -> LiabilityBasis:
    """How the liability share applies when the guarantee does not say:
    "dommages tous accidents" pays whatever the fault; damage caused to
    someone else, or any claim under a liability guarantee other than a
    motor collision, is paid for the insured's share; the insured's own
    damage in a motor collision is paid for the third party's share."""
    if guarantee_code in ALL_ACCIDENTS_GUARANTEES:
        return LiabilityBasis.NONE
    if claim_kind == "collision":
        return LiabilityBasis.THIRD_PARTY_FAULT
    if claim_kind == "liability" or guarantee_code in LIABILITY_GUARANTEES:
        return LiabilityBasis.INSURED_LIABILITY
    return LiabilityBasis.NONE


def terms_of(guarantee: dict | None, claim_kind: str | None = None) -> GuaranteeTerms:
    """The terms of a guarantee dict (``code``, ``ceiling``, ``deductible``,
    optional ``deductible_basis`` and ``liability_basis``); an unknown basis
    falls back to the default."""
    guarantee = guarantee or {}
    code = guarantee.get("code")
    deductible_basis = guarantee.get("deductible_basis")
    liability_basis = guarantee.get("liability_basis")
    return GuaranteeTerms(
        code=code, deductible=contract_amount(guarantee.get("deductible")),
        ceiling=contract_amount(guarantee.get("ceiling")),
        deductible_basis=DeductibleBasis(deductible_basis) if deductible_basis in set(DeductibleBasis)
        else DeductibleBasis.BEFORE_CEILING,
        liability_basis=LiabilityBasis(liability_basis) if liability_basis in set(LiabilityBasis)
        else default_liability_basis(code, claim_kind))


@dataclass(frozen=True)
class Line:
    """One step: ``amount`` what it adds or takes off (None for a line that
    only states a figure), ``total`` the running total after it."""

    code: str
    amount: Decimal | None
    total: Decimal
    params: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"code": self.code, "amount": None if self.amount is None else str(self.amount),
                "total": str(self.total), "params": {key: str(value) for key, value in self.params.items()}}


#: the codes of the lines about payments (after the indemnity itself)
PAYMENT_LINES = frozenset({"paid", "remaining"})


@dataclass(frozen=True)
class Indemnity:
    amount: Decimal
    paid: Decimal
    remaining: Decimal
    lines: tuple[Line, ...]

    def as_json(self) -> list[dict]:
        return [line.as_json() for line in self.lines]


def _deductible(total: Decimal, terms: GuaranteeTerms, code: str) -> Line:
    if not terms.deductible:
        return Line("no_deductible", None, total)
    taken = min(terms.deductible, total)
    return Line(code if taken == terms.deductible else "deductible_absorbs", -taken, total - taken,
                {"deductible": terms.deductible})


def _ceiling(total: Decimal, terms: GuaranteeTerms) -> Line:
    if terms.ceiling is None:
        return Line("no_ceiling", None, total)
    if total > terms.ceiling:
        return Line("ceiling", terms.ceiling - total, terms.ceiling, {"ceiling": terms.ceiling})
    return Line("ceiling_not_reached", None, total, {"ceiling": terms.ceiling})


def _liability(total: Decimal, terms: GuaranteeTerms, share: int | None) -> Line | None:
    if terms.liability_basis == LiabilityBasis.NONE:
        return None if share is None else Line("liability_not_applied", None, total, {"share": share})
    if share is None:
        raise IndemnityError("liability_required")
    if share not in LIABILITY_SHARES:
        raise ValueError(f"liability share {share} is not one of {LIABILITY_SHARES}")
    if terms.liability_basis == LiabilityBasis.THIRD_PARTY_FAULT:
        kept = cent(total * (100 - share) / 100)
        return Line("liability_third_party_fault", kept - total, kept, {"share": share, "kept": 100 - share})
    kept = cent(total * share / 100)
    return Line("liability_insured", kept - total, kept, {"share": share})


def compute_indemnity(damages: list[DamageAmounts], terms: GuaranteeTerms, *, liability_share: int | None,
                      paid: Decimal = ZERO, payments: int = 0, covered: bool = True) -> Indemnity:
    """The indemnity owed under ``terms`` and what remains to pay after
    ``paid`` (``payments`` of them), explained line by line (module
    docstring). ``covered`` False (the cover check said not covered) makes
    it 0. Raises :class:`IndemnityError`."""
    agreed = [item for item in damages if item.agreed is not None]
    if not agreed:
        raise IndemnityError("no_agreed_damages")
    lines: list[Line] = []
    total = ZERO
    for category in (*CATEGORIES, *sorted({item.category for item in agreed} - set(CATEGORIES))):
        items = [item.agreed for item in agreed if item.category == category]
        if items:
            total += sum(items, ZERO)
            lines.append(Line("damages", sum(items, ZERO), total, {"category": category, "count": len(items)}))
    lines.append(Line("damages_total", None, total))
    if not covered:
        lines.append(Line("not_covered", -total, ZERO))
        total = ZERO
    else:
        liability = _liability(total, terms, liability_share)
        if liability is not None:
            lines.append(liability)
            total = liability.total
        if terms.deductible_basis == DeductibleBasis.AFTER_CEILING:
            steps = (lambda t: _ceiling(t, terms), lambda t: _deductible(t, terms, "deductible_after_ceiling"))
        else:
            steps = (lambda t: _deductible(t, terms, "deductible"), lambda t: _ceiling(t, terms))
        for step in steps:
            line = step(total)
            lines.append(line)
            total = line.total
    indemnity = total
    lines.append(Line("indemnity", None, indemnity))
    paid = paid or ZERO
    lines.append(Line("paid", -paid, indemnity - paid, {"count": payments}))
    lines.append(Line("remaining", None, indemnity - paid))
    return Indemnity(amount=indemnity, paid=paid, remaining=indemnity - paid, lines=tuple(lines))


def is_paid_in_full(indemnity: Decimal | None, paid: Decimal) -> bool:
    """A claim is settled when an indemnity above 0 has been computed and
    the payments made reach it (an indemnity of 0 is closed, not settled)."""
    return indemnity is not None and indemnity > 0 and (paid or ZERO) >= indemnity
