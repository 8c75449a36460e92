"""Words of damages and settlement: categories, payees, recourse statuses,
closure reasons, the indemnity explanation's lines and the problems the
settlement services raise. Lazy, so they follow the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from app.claims.settlement_rules import PAYMENT_LINES
from app.web.templating import money

CATEGORY_LABELS = {"bodily": _l("Bodily injury"), "material": _l("Material damage"),
                   "consequential": _l("Consequential and moral damage")}
PAYEE_LABELS = {"insured": _l("The insured"), "provider": _l("A provider (paid directly)"),
                "third_party": _l("A third party")}
METHOD_LABELS = {"transfer": _l("Bank transfer"), "cheque": _l("Cheque"), "other": _l("Other")}
RECOURSE_LABELS = {"open": _l("Open"), "partial": _l("Partly recovered"), "recovered": _l("Recovered"),
                   "abandoned": _l("Abandoned")}
RECOURSE_BADGES = {"open": "text-bg-primary", "partial": "text-bg-warning", "recovered": "text-bg-success",
                   "abandoned": "text-bg-secondary"}
CLOSURE_LABELS = {"settled": _l("Settled: indemnity paid in full"), "no_cover": _l("Not covered by the contract"),
                  "withdrawn": _l("Withdrawn by the client"), "below_deductible": _l("Below the deductible"),
                  "no_follow_up": _l("The client never sent what was needed"), "other": _l("Other reason")}
DEDUCTIBLE_BASIS_LABELS = {"before_ceiling": _l("deductible taken off before the ceiling"),
                           "after_ceiling": _l("deductible taken off after the ceiling")}
LIABILITY_BASIS_LABELS = {
    "none": _l("pays whatever the fault"),
    "third_party_fault": _l("own damage paid for the third party's share"),
    "insured_liability": _l("liability cover: pays the insured's share"),
}
LINE_LABELS = {
    "damages": _l("Agreed damages: %(category)s"),
    "damages_total": _l("Total of the agreed damages"),
    "not_covered": _l("Not covered by the contract"),
    "liability_third_party_fault": _l("Insured %(share)s%% liable: own damage paid for the third party's "
                                      "%(kept)s%%"),
    "liability_insured": _l("Liability cover: the insured's %(share)s%% share is paid"),
    "liability_not_applied": _l("Liability share (%(share)s%%) not applied: this guarantee pays whatever the "
                                "fault"),
    "deductible": _l("Deductible of %(deductible)s, before the ceiling"),
    "deductible_after_ceiling": _l("Deductible of %(deductible)s, after the ceiling as the contract says"),
    "deductible_absorbs": _l("Deductible of %(deductible)s: more than the amount, nothing is owed"),
    "no_deductible": _l("No deductible for this guarantee"),
    "ceiling": _l("Capped at the guarantee's ceiling of %(ceiling)s"),
    "ceiling_not_reached": _l("Ceiling of %(ceiling)s not reached"),
    "no_ceiling": _l("No ceiling for this guarantee"),
    "indemnity": _l("Indemnity"),
    "paid": _l("Already paid when computed"),
    "remaining": _l("Left to pay when computed"),
}
PROBLEMS = {
    "required": _l("This field is required."), "choice_invalid": _l("Choose one of the proposed values."),
    "too_long": _l("This text is too long."),
    "amount_invalid": _l("Enter an amount in euros, such as 1 250,50."),
    "negative": _l("The amount cannot be negative."), "not_positive": _l("Enter an amount above 0."),
    "too_large": _l("This amount is too large: 10 digits at most before the decimal point."),
    "date_invalid": _l("Enter a date."), "in_future": _l("This date is in the future."),
    "in_past": _l("This date is in the past."),
    "stale": _l("Someone changed this claim meanwhile: reload the page and try again."),
    "claim_closed": _l("This claim is closed: reopen it first."),
    "not_closed": _l("This claim is not closed."),
    "unchanged": _l("This is already the reserve."),
    "no_agreed_damages": _l("Enter the agreed amount of at least one damage item first."),
    "liability_required": _l("This guarantee depends on the insured's share of liability: set it on the Liability "
                             "tab first."),
    "guarantee_required": _l("Choose the guarantee concerned on the Cover tab first."),
    "no_version": _l("The contract was not in force on the date of loss."),
    "guarantee_missing": _l("The contract had no such guarantee on the date of loss: check the cover first."),
    "recovered_needs_amount": _l("Enter the amount recovered first."),
    "recourse_closed": _l("This recourse is closed."),
}
#: payments' problems (app.claims.payments.problems_of), worded for the payment form
PAYMENT_PROBLEMS = PROBLEMS | {
    "amount_invalid": _l("Enter an amount above 0 in euros, with 2 decimals and 10 digits at most before the "
                         "decimal point."),
}


def problem(code: str) -> str:
    return str(PROBLEMS.get(code, code))


def payment_problem(code: str) -> str:
    return str(PAYMENT_PROBLEMS.get(code, code))


def _param(name: str, value: str):
    if name in ("deductible", "ceiling"):
        return money(Decimal(value))
    if name == "category":
        return str(CATEGORY_LABELS.get(value, value)).lower()
    return value


def line_text(line: dict) -> str:
    """The words of one line of an indemnity explanation (``settlement_rules.Line.as_json``)."""
    label = LINE_LABELS.get(line["code"])
    if label is None:
        return line["code"]
    params = {name: _param(name, value) for name, value in (line.get("params") or {}).items()}
    return str(label) % params if "%" in str(label) else str(label)


@dataclass(frozen=True)
class ExplainedLine:
    code: str
    text: str
    amount: Decimal | None
    total: Decimal


def explained(lines: list[dict] | None, *, for_client: bool = False) -> list[ExplainedLine]:
    """The stored explanation, worded; for the client, without the lines
    about payments as they stood when it was computed (the client sees the
    payments themselves)."""
    return [ExplainedLine(line["code"], line_text(line),
                          None if line.get("amount") is None else Decimal(line["amount"]), Decimal(line["total"]))
            for line in lines or [] if not (for_client and line["code"] in PAYMENT_LINES)]
