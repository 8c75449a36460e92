"""User-facing texts of the catalog: error codes, and the words for what the
pure rules return as codes and plain values (eligibility problems, pricing
problems, pricing steps' details), in the reader's language: attribute and
choice labels from ``app.catalog.lines``, numbers, amounts and dates by Babel."""

from __future__ import annotations

from babel.numbers import get_decimal_symbol
from flask_babel import format_currency, format_date, format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.catalog.lines import AttributeType, LineDefinition, RiskAttribute
from app.catalog.risk_values import UnreadableAnswer, as_date, as_decimal, as_key
from app.catalog.rules import BASE_STEP, FEES_STEP, MINIMUM_STEP, EligibilityProblem, TariffProblem

CATALOG_ERRORS = {
    "not_found": _l("This record does not exist any more."),
    "stale": _l("Someone changed this record meanwhile: reload the page and try again."),
    "name_required": _l("A name is required."),
    "name_taken": _l("Another insurer of the panel has this name."),
    "siren_invalid": _l("This SIREN is not valid (9 digits, checksum)."),
    "placement_email_required": _l("Placements by email need the insurer's placement address."),
    "api_endpoint_required": _l("Placements by API need the insurer's endpoint."),
    "api_endpoint_invalid": _l("Give a full address, such as https://api.insurer.fr/placements."),
    "api_endpoint_not_https": _l("The endpoint must use https (http only for localhost)."),
    "placement_channel_invalid": _l("Choose email or API."),
    "insurer_has_products": _l("This insurer has products: delete them first, or deactivate the insurer."),
    "insurer_quoted": _l("Offers were made with this insurer: deactivate it instead."),
    "insurer_in_use": _l("This insurer is still in use: deactivate it instead."),
    "product_quoted": _l("Offers were made from this product: deactivate it instead."),
    "rate_required": _l("A rate is required."),
    "rate_out_of_range": _l("Give a percentage between 0 and 100."),
    "start_required": _l("A start date is required."),
    "end_before_start": _l("The end date must be after the start date."),
    "agreement_overlap": _l("Another agreement of this insurer covers this line over these dates."),
    "code_required": _l("A code is required."),
    "code_taken": _l("This insurer already has a product with this code."),
    "payment_options_required": _l("Tick at least one payment option."),
    "insurer_required": _l("Choose an insurer."),
    "guarantee_code_invalid": _l("Choose one of the line's guarantees."),
    "guarantee_code_taken": _l("The product already has this guarantee."),
    "amount_negative": _l("The amount cannot be negative."),
    "option_premium_required": _l("An option needs its premium."),
    "invalid_tariff": _l("The tariff has problems: see each factor."),
    "invalid_eligibility": _l("The conditions have problems: see each row."),
}

#: tariff and eligibility validation codes (app.catalog.tariff_validation)
PROBLEM_MESSAGES = {
    "empty_tariff": _l("The tariff is empty: give at least a base premium."),
    "not_an_object": _l("This part of the tariff is malformed."),
    "unknown_key": _l("This setting is not part of the tariff format."),
    "missing": _l("This value is required."),
    "not_decimal": _l("This is not a number."),
    "negative": _l("The amount cannot be negative."),
    "not_positive": _l("The value must be greater than 0."),
    "multiplier_not_positive": _l("A multiplier must be greater than 0."),
    "not_a_list": _l("Give at least one value."),
    "unknown_kind": _l("Unknown kind of factor."),
    "invalid_label": _l("The label is too long."),
    "unknown_attribute": _l("This attribute is not asked for this line."),
    "kind_mismatch": _l("This kind of factor does not fit the attribute's type."),
    "not_a_choice": _l("This value is not one of the attribute's choices."),
    "no_values": _l("Give at least one row, such as private: 1.00."),
    "no_bands": _l("Give at least one band, such as 18-25: 1.80."),
    "min_not_below_max": _l("The band's start must be below its end."),
    "band_overlap": _l("This band overlaps the one before."),
    "band_gap": _l("There is a gap between this band and the one before."),
    "unknown_line": _l("Unknown line of business."),
    "unknown_op": _l("Unknown comparison."),
    "op_mismatch": _l("This comparison needs a number attribute."),
    "row_unreadable": _l("This row cannot be read."),
}

#: why a risk fails an eligibility condition, by operator
CONDITION_FAILURES = {
    "eq": _l("%(label)s %(value)s is not equal to %(expected)s"),
    "ne": _l("%(label)s must not be %(expected)s"),
    "gte": _l("%(label)s %(value)s is not at least %(expected)s"),
    "lte": _l("%(label)s %(value)s is not at most %(expected)s"),
    "gt": _l("%(label)s %(value)s is not more than %(expected)s"),
    "lt": _l("%(label)s %(value)s is not less than %(expected)s"),
    "in": _l("%(label)s %(value)s is not one of %(expected)s"),
    "not_in": _l("%(label)s %(value)s is one of the excluded answers: %(expected)s"),
}

#: an eligibility condition as the product page shows it
CONDITIONS = {
    "eq": "%(label)s = %(expected)s", "ne": "%(label)s ≠ %(expected)s",
    "gte": "%(label)s ≥ %(expected)s", "lte": "%(label)s ≤ %(expected)s",
    "gt": "%(label)s > %(expected)s", "lt": "%(label)s < %(expected)s",
    "in": _l("%(label)s: one of %(expected)s"), "not_in": _l("%(label)s: none of %(expected)s"),
}

#: why the engine could not price a risk (app.catalog.rules.price)
PRICING_FAILURES = {
    "out_of_bands": _l("%(label)s %(value)s is outside the tariff's bands"),
    "not_in_table": _l("%(label)s %(value)s is not in the tariff's table"),
}

#: a factor's step in a price's breakdown
STEP_DETAILS = {
    "bands": _l("%(label)s %(value)s, from %(min)s to under %(max)s: × %(multiplier)s"),
    "open_band": _l("%(label)s %(value)s, from %(min)s: × %(multiplier)s"),
    "table": _l("%(label)s %(value)s: × %(multiplier)s"),
    "table_default": _l("%(label)s %(value)s, not in the table: × %(multiplier)s"),
    "coefficient": _l("%(label)s %(value)s: × %(multiplier)s"),
    "per_unit": _l("%(label)s %(value)s: %(units)s × %(rate)s per %(unit)s = + %(added)s"),
}

STEP_LABELS = {BASE_STEP: _l("Base premium"), MINIMUM_STEP: _l("Minimum premium"), FEES_STEP: _l("Fees")}


def catalog_error_message(code: str) -> str:
    return str(CATALOG_ERRORS.get(code, code))


def problem_message(problem) -> str:
    return str(PROBLEM_MESSAGES.get(problem.code, problem.message))


def step_label(label: str) -> str:
    return str(STEP_LABELS.get(label, label))


def number_text(value: object) -> str:
    """A number in the reader's format (``1 234,5`` in French); as given when it is none."""
    try:
        return format_decimal(as_decimal(value), format="#,##0.######")
    except UnreadableAnswer:
        return str(value)


def multiplier_text(value: object) -> str:
    """A multiplier with at least two decimals: ``1,80``, ``1,0005``."""
    try:
        return format_decimal(as_decimal(value), format="#,##0.00####")
    except UnreadableAnswer:
        return str(value)


def typed_number(value: object) -> str:
    """A stored number as the reader types it in a form ("448,40" in French),
    without grouping, which the editors' parsers would refuse; blank for none."""
    if value is None or value == "":
        return ""
    try:
        number = as_decimal(value)
    except UnreadableAnswer:
        return str(value)
    return format(number, "f").replace(".", get_decimal_symbol(get_locale()))


def money_text(value: object) -> str:
    try:
        return format_currency(as_decimal(value), "EUR")
    except UnreadableAnswer:
        return str(value)


def years_text(value: object) -> str:
    try:
        years = as_decimal(value)
    except UnreadableAnswer:
        return str(value)
    return ngettext("%(count)s year", "%(count)s years", int(years), count=number_text(years))


def answer_text(attribute: RiskAttribute | None, value: object) -> str:
    """An answer as people read it: a choice's label, yes / no, a date, an amount, a number."""
    kind = attribute.type if attribute is not None else None
    if kind == AttributeType.CHOICE:
        return str(dict(attribute.choices).get(as_key(value), value))
    if kind == AttributeType.BOOLEAN:
        return {"true": _("Yes"), "false": _("No")}.get(as_key(value), str(value))
    if kind == AttributeType.DATE:
        return _date_text(value)
    if kind == AttributeType.MONEY:
        return money_text(value)
    if kind in (AttributeType.INTEGER, AttributeType.DECIMAL):
        return number_text(value)
    return str(value)


def measure_text(attribute: RiskAttribute | None, value: object) -> str:
    """A number the rules compared or priced: whole years for a date attribute."""
    if attribute is not None and attribute.type == AttributeType.DATE:
        return years_text(value)
    return answer_text(attribute, value)


def _date_text(value: object) -> str:
    try:
        when = as_date(value)
    except UnreadableAnswer:
        when = None
    return str(value) if when is None else format_date(when)


def _attribute(definition: LineDefinition | None, name: str) -> RiskAttribute | None:
    return definition.attribute(name) if definition is not None else None


def _label(attribute: RiskAttribute | None, name: str) -> str:
    return str(attribute.label) if attribute is not None else name


def _expected_text(attribute: RiskAttribute | None, expected: object) -> str:
    if isinstance(expected, (list, tuple)):
        return ", ".join(answer_text(attribute, item) for item in expected)
    return measure_text(attribute, expected)


def eligibility_reason(problem: EligibilityProblem, definition: LineDefinition | None) -> str:
    """Why the risk fails one condition, e.g. "Main driver's age 19 is not at least 21"."""
    attribute = _attribute(definition, problem.attribute)
    label = _label(attribute, problem.attribute)
    if problem.code == "missing_answer":
        return _("Answer missing: %(label)s", label=label)
    if problem.code == "invalid_answer":
        return _("Answer not understood: %(label)s (%(value)s)", label=label, value=problem.given)
    value = answer_text(attribute, problem.given)
    if problem.years is not None:
        value = f"{value} ({years_text(problem.years)})"
    template = CONDITION_FAILURES.get(problem.op)
    if template is None:
        return _("%(label)s: the condition cannot be read", label=label)
    return str(template) % {"label": label, "value": value, "expected": _expected_text(attribute, problem.expected)}


def condition_text(condition: dict, definition: LineDefinition | None) -> str:
    """An eligibility condition as a short sentence: "Main driver's age ≥ 21"."""
    name = str(condition.get("attribute", ""))
    attribute = _attribute(definition, name)
    template = CONDITIONS.get(condition.get("op"), "%(label)s ? %(expected)s")
    return str(template) % {"label": _label(attribute, name),
                            "expected": _expected_text(attribute, condition.get("value"))}


def pricing_reason(problem: TariffProblem, definition: LineDefinition | None) -> str:
    """Why the tariff cannot price the risk, naming the answer at fault."""
    attribute = _attribute(definition, problem.attribute)
    label = _label(attribute, problem.attribute)
    if problem.code == "missing_answer":
        return _("Answer missing: %(label)s", label=label)
    if problem.code == "invalid_answer":
        return _("Answer not understood: %(label)s (%(value)s)", label=label, value=problem.value)
    template = PRICING_FAILURES.get(problem.code)
    if template is None:
        return _("The tariff is malformed: correct it in the catalog.")
    return str(template) % {"label": label, "value": measure_text(attribute, problem.value)}


def step_detail(detail: dict | str | None, definition: LineDefinition | None) -> str:
    """How a pricing step was computed, in the reader's language. An offer
    priced before details were structured keeps its sentence as it was."""
    if not detail or isinstance(detail, str):
        return detail or ""
    kind = detail.get("kind")
    if kind == "option":
        return f"+ {money_text(detail['premium'])}"
    if kind == "minimum":
        return _("%(premium)s, below the minimum", premium=money_text(detail["premium"]))
    if kind not in STEP_DETAILS:
        return ""
    attribute = _attribute(definition, str(detail.get("attribute", "")))
    return str(STEP_DETAILS[_detail_template(detail)]) % _factor_values(attribute, detail)


def _detail_template(detail: dict) -> str:
    kind = detail["kind"]
    if kind == "bands" and detail.get("max") is None:
        return "open_band"
    if kind == "table" and detail.get("default"):
        return "table_default"
    return kind


def _factor_values(attribute: RiskAttribute | None, detail: dict) -> dict[str, str]:
    value = detail.get("value")
    shown = answer_text(attribute, value) if detail["kind"] == "table" else measure_text(attribute, value)
    if detail.get("since"):
        shown = f"{_date_text(detail['since'])} ({shown})"
    return {
        "label": _label(attribute, str(detail.get("attribute", ""))), "value": shown,
        "min": measure_text(attribute, detail.get("min")), "max": measure_text(attribute, detail.get("max")),
        "multiplier": multiplier_text(value if detail["kind"] == "coefficient" else detail.get("multiplier")),
        "unit": measure_text(attribute, detail.get("unit")), "units": number_text(detail.get("units")),
        "rate": money_text(detail.get("rate")), "added": money_text(detail.get("added")),
    }
