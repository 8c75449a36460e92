"""What a tariff or an eligibility list must look like before it is saved. Pure.

Each problem names where it is (``factors[2].bands[0].max``), a stable code
the views translate, and an English message. See ``app.catalog.rules`` for
the format itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.catalog.lines import LINES, AttributeType, Line, LineDefinition, RiskAttribute
from app.catalog.risk_values import UnreadableAnswer, as_decimal

TOP_KEYS = frozenset({"base", "factors", "minimum", "fees"})
FACTOR_KEYS = frozenset({"label", "attribute", "kind"})
KIND_KEYS = {
    "bands": frozenset({"bands"}),
    "table": frozenset({"values", "default"}),
    "coefficient": frozenset(),
    "per_unit": frozenset({"unit", "rate"}),
}
NUMBERS = frozenset({AttributeType.INTEGER, AttributeType.DECIMAL, AttributeType.MONEY})
KIND_TYPES = {
    "bands": NUMBERS | {AttributeType.DATE},
    "table": frozenset({AttributeType.CHOICE, AttributeType.BOOLEAN}),
    "coefficient": frozenset({AttributeType.INTEGER, AttributeType.DECIMAL}),
    "per_unit": NUMBERS,
}
BAND_KEYS = frozenset({"min", "max", "multiplier"})
CONDITION_KEYS = frozenset({"attribute", "op", "value"})
#: eligibility operators (worded for people by app.catalog.messages)
OPS = ("eq", "ne", "gte", "lte", "gt", "lt", "in", "not_in")
ORDER_OPS = frozenset({"gte", "lte", "gt", "lt"})
BOOLEAN_KEYS = ("true", "false")


@dataclass(frozen=True)
class TariffProblem:
    """What is wrong and where; pricing problems also name the risk attribute
    and the answer at fault, for the views to word."""

    path: str
    code: str
    message: str
    attribute: str = ""
    value: object = None


class _Problems(list):
    def add(self, path: str, code: str, message: str) -> None:
        self.append(TariffProblem(path, code, message))


def choice_keys(attribute: RiskAttribute) -> tuple[str, ...]:
    if attribute.type == AttributeType.BOOLEAN:
        return BOOLEAN_KEYS
    return tuple(code for code, _label in attribute.choices)


def _definition(line: str, problems: _Problems) -> LineDefinition | None:
    try:
        return LINES[Line(line)]
    except ValueError:
        problems.add("line", "unknown_line", f"unknown line of business: {line}")
        return None


def validate_tariff(tariff: dict, line: str) -> list[TariffProblem]:
    """Return what is wrong with ``tariff`` for ``line`` (empty list: valid)."""
    problems = _Problems()
    definition = _definition(line, problems)
    if not isinstance(tariff, dict):
        problems.add("", "not_an_object", "the tariff must be an object")
        return problems
    if not tariff:
        problems.add("", "empty_tariff", "the tariff is empty")
        return problems
    _unknown_keys(tariff, TOP_KEYS, "", problems)
    _check_amount(tariff.get("base"), "base", problems, required=True)
    for key in ("minimum", "fees"):
        _check_amount(tariff.get(key), key, problems)
    factors = tariff.get("factors", [])
    if not isinstance(factors, list):
        problems.add("factors", "not_a_list", "factors must be a list")
    elif definition is not None:
        for index, factor in enumerate(factors):
            _check_factor(factor, definition, f"factors[{index}]", problems)
    return problems


def _unknown_keys(data: dict, allowed: frozenset, path: str, problems: _Problems) -> None:
    for key in data:
        if key not in allowed:
            problems.add(f"{path}.{key}" if path else str(key), "unknown_key", f"unknown key: {key}")


def _check_amount(value, path: str, problems: _Problems, *, required: bool = False,
                  positive: bool = False) -> None:
    if value is None:
        if required:
            problems.add(path, "missing", f"{path} is required")
        return
    try:
        amount = as_decimal(value)
    except UnreadableAnswer:
        problems.add(path, "not_decimal", f"{value!r} is not a decimal number")
        return
    if positive and amount <= 0:
        problems.add(path, "not_positive", f"{amount} must be greater than 0")
    elif amount < 0:
        problems.add(path, "negative", f"{amount} must not be negative")


def _check_factor(factor, definition: LineDefinition, path: str, problems: _Problems) -> None:
    if not isinstance(factor, dict):
        problems.add(path, "not_an_object", "a factor must be an object")
        return
    kind = factor.get("kind")
    if kind not in KIND_KEYS:
        problems.add(f"{path}.kind", "unknown_kind", f"unknown factor kind: {kind}")
        return
    _unknown_keys(factor, FACTOR_KEYS | KIND_KEYS[kind], path, problems)
    label = factor.get("label")
    if label is not None and (not isinstance(label, str) or len(label) > 100):
        problems.add(f"{path}.label", "invalid_label", "the label must be text of at most 100 characters")
    attribute = definition.attribute(str(factor.get("attribute", "")))
    if attribute is None:
        problems.add(f"{path}.attribute", "unknown_attribute",
                     f"{factor.get('attribute')} is not an attribute of this line")
        return
    if attribute.type not in KIND_TYPES[kind]:
        problems.add(f"{path}.kind", "kind_mismatch",
                     f"a {kind} factor does not fit {attribute.name} ({attribute.type.value})")
        return
    {"bands": _check_bands, "table": _check_table, "coefficient": _no_parameters,
     "per_unit": _check_per_unit}[kind](factor, attribute, path, problems)


def _no_parameters(factor: dict, attribute: RiskAttribute, path: str, problems: _Problems) -> None:
    """A coefficient takes the answer itself as multiplier: nothing to check."""


def _check_per_unit(factor: dict, attribute: RiskAttribute, path: str, problems: _Problems) -> None:
    _check_amount(factor.get("unit"), f"{path}.unit", problems, required=True, positive=True)
    _check_amount(factor.get("rate"), f"{path}.rate", problems, required=True)


def _check_table(factor: dict, attribute: RiskAttribute, path: str, problems: _Problems) -> None:
    values = factor.get("values")
    if not isinstance(values, dict) or not values:
        problems.add(f"{path}.values", "no_values", "the table needs at least one value")
        return
    allowed = choice_keys(attribute)
    for key, multiplier in values.items():
        if key not in allowed:
            problems.add(f"{path}.values.{key}", "not_a_choice",
                         f"{key} is not a choice of {attribute.name} ({', '.join(allowed)})")
        _check_multiplier(multiplier, f"{path}.values.{key}", problems)
    if factor.get("default") is not None:
        _check_multiplier(factor["default"], f"{path}.default", problems)


def _check_multiplier(value, path: str, problems: _Problems) -> None:
    try:
        multiplier = as_decimal(value)
    except UnreadableAnswer:
        problems.add(path, "not_decimal", f"{value!r} is not a decimal number")
        return
    if multiplier <= 0:
        problems.add(path, "multiplier_not_positive", f"the multiplier {multiplier} must be greater than 0")


def _check_bands(factor: dict, attribute: RiskAttribute, path: str, problems: _Problems) -> None:
    bands = factor.get("bands")
    if not isinstance(bands, list) or not bands:
        problems.add(f"{path}.bands", "no_bands", "the factor needs at least one band")
        return
    previous_max = None
    for index, band in enumerate(bands):
        band_path = f"{path}.bands[{index}]"
        if not isinstance(band, dict):
            problems.add(band_path, "not_an_object", "a band must be an object")
            return
        _unknown_keys(band, BAND_KEYS, band_path, problems)
        _check_multiplier(band.get("multiplier"), f"{band_path}.multiplier", problems)
        low, high = _bound(band, "min", band_path, problems), _bound(band, "max", band_path, problems)
        if low is None or high is False:
            return
        if high is not None and low >= high:
            problems.add(f"{band_path}.max", "min_not_below_max", f"the band's min {low} must be below its max {high}")
        if index and (previous_max is None or previous_max > low):
            problems.add(f"{band_path}.min", "band_overlap", f"the band starting at {low} overlaps the one before")
        elif index and previous_max < low:
            problems.add(f"{band_path}.min", "band_gap", f"gap between {previous_max} and {low}")
        previous_max = high


def _bound(band: dict, key: str, path: str, problems: _Problems):
    """Return the band's bound as a Decimal, None when open (max only), False when invalid."""
    value = band.get(key)
    if value is None:
        if key == "min":
            problems.add(f"{path}.min", "missing", "the band needs a min")
        return None
    try:
        return as_decimal(value)
    except UnreadableAnswer:
        problems.add(f"{path}.{key}", "not_decimal", f"{value!r} is not a number")
        return None if key == "min" else False


def validate_eligibility(conditions: list, line: str) -> list[TariffProblem]:
    """Return what is wrong with eligibility ``conditions`` for ``line`` (empty: valid)."""
    problems = _Problems()
    definition = _definition(line, problems)
    if not isinstance(conditions, list):
        problems.add("", "not_a_list", "the conditions must be a list")
        return problems
    if definition is None:
        return problems
    for index, condition in enumerate(conditions):
        _check_condition(condition, definition, f"[{index}]", problems)
    return problems


def _check_condition(condition, definition: LineDefinition, path: str, problems: _Problems) -> None:
    if not isinstance(condition, dict):
        problems.add(path, "not_an_object", "a condition must be an object")
        return
    _unknown_keys(condition, CONDITION_KEYS, path, problems)
    attribute = definition.attribute(str(condition.get("attribute", "")))
    op, value = condition.get("op"), condition.get("value")
    if attribute is None:
        problems.add(f"{path}.attribute", "unknown_attribute",
                     f"{condition.get('attribute')} is not an attribute of this line")
        return
    if op not in OPS:
        problems.add(f"{path}.op", "unknown_op", f"unknown operator: {op}")
        return
    if op in ("in", "not_in"):
        _check_list_value(value, attribute, f"{path}.value", problems)
    elif op in ORDER_OPS or attribute.type in NUMBERS | {AttributeType.DATE}:
        _check_number_value(op, value, attribute, f"{path}.value", problems)
    elif attribute.type in (AttributeType.CHOICE, AttributeType.BOOLEAN):
        _check_choice(value, attribute, f"{path}.value", problems)
    elif not isinstance(value, str) or not value.strip():
        problems.add(f"{path}.value", "missing", "a value is required")


def _check_list_value(value, attribute: RiskAttribute, path: str, problems: _Problems) -> None:
    if not isinstance(value, list) or not value:
        problems.add(path, "not_a_list", "give at least one value")
        return
    if attribute.type in (AttributeType.CHOICE, AttributeType.BOOLEAN):
        for item in value:
            _check_choice(item, attribute, path, problems)


def _check_number_value(op: str, value, attribute: RiskAttribute, path: str, problems: _Problems) -> None:
    if attribute.type not in NUMBERS | {AttributeType.DATE}:
        problems.add(path, "op_mismatch", f"{op} needs a number attribute, {attribute.name} is not one")
        return
    try:
        as_decimal(value)
    except UnreadableAnswer:
        problems.add(path, "not_decimal", f"{value!r} is not a number")


def _check_choice(value, attribute: RiskAttribute, path: str, problems: _Problems) -> None:
    allowed = choice_keys(attribute)
    key = ("true" if value else "false") if isinstance(value, bool) else str(value)
    if key not in allowed:
        problems.add(path, "not_a_choice", f"{key} is not a choice of {attribute.name} ({', '.join(allowed)})")
