"""Between the tariff and eligibility editors' text rows and the JSON the
engine reads. Pure: no DB, no Flask.

Bands are typed one per line as ``18-25: 1.80`` ([18, 25) x 1.80) and
``25-: 1.00`` (25 and over); a table as ``private: 1.00``. Eligibility
conditions read ``driver_age >= 21``, ``use in private, commute``,
``parking != street``. A row that cannot be read becomes a TariffProblem
at the path the row would have had, so the editor shows it beside the row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.catalog.risk_values import UnreadableAnswer, as_decimal
from app.catalog.tariff_validation import TariffProblem

NUMBER = r"\d+(?:[.,]\d+)?"
BAND_ROW = re.compile(rf"^({NUMBER})\s*-\s*({NUMBER})?$")
CONDITION_ROW = re.compile(r"^([a-z_0-9]+)\s*(>=|<=|!=|==|=|>|<|not\s+in\b|in\b)\s*(.*)$")
SYMBOLS = {">=": "gte", "<=": "lte", "!=": "ne", "==": "eq", "=": "eq", ">": "gt", "<": "lt",
           "in": "in", "not in": "not_in"}
OP_SYMBOLS = {"eq": "=", "ne": "!=", "gte": ">=", "lte": "<=", "gt": ">", "lt": "<", "in": "in", "not_in": "not in"}


@dataclass
class FactorInput:
    """One factor as the editor shows it."""

    label: str = ""
    attribute: str = ""
    kind: str = "bands"
    rows: str = ""
    default: str = ""
    unit: str = ""
    rate: str = ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _number(text: str) -> int | str:
    """Keep a whole number as int, any other as its decimal string."""
    value = as_decimal(text)
    return int(value) if value == value.to_integral_value() and "." not in text and "," not in text else str(value)


def _amount(text: str | None) -> str | None:
    """A typed amount ("1 234,50") as a decimal string; kept as typed when unreadable
    so validation reports it."""
    if text is None or not str(text).strip():
        return None
    try:
        return str(as_decimal(text))
    except UnreadableAnswer:
        return str(text).strip()


def _split_row(row: str) -> tuple[str, str] | None:
    left, colon, right = row.rpartition(":")
    if not colon or not left.strip() or not right.strip():
        return None
    return left.strip(), right.strip()


def parse_bands(text: str, path: str, problems: list[TariffProblem]) -> list[dict]:
    bands = []
    for index, row in enumerate(_lines(text)):
        parts = _split_row(row)
        match = BAND_ROW.match(parts[0].replace(" ", "")) if parts else None
        if match is None:
            problems.append(TariffProblem(f"{path}.bands[{index}]", "row_unreadable",
                                          f"write a band as 18-25: 1.80 (read: {row})"))
            continue
        low, high = match.groups()
        bands.append({"min": _number(low), "max": _number(high) if high else None,
                      "multiplier": _amount(parts[1])})
    return bands


def parse_table(text: str, path: str, problems: list[TariffProblem]) -> dict:
    values = {}
    for index, row in enumerate(_lines(text)):
        parts = _split_row(row)
        if parts is None:
            problems.append(TariffProblem(f"{path}.values[{index}]", "row_unreadable",
                                          f"write a value as private: 1.00 (read: {row})"))
            continue
        values[parts[0]] = _amount(parts[1])
    return values


def factor_to_json(factor: FactorInput, path: str, problems: list[TariffProblem]) -> dict:
    data = {"label": factor.label.strip() or factor.attribute, "attribute": factor.attribute, "kind": factor.kind}
    if factor.kind == "bands":
        data["bands"] = parse_bands(factor.rows, path, problems)
    elif factor.kind == "table":
        data["values"] = parse_table(factor.rows, path, problems)
        if _amount(factor.default) is not None:
            data["default"] = _amount(factor.default)
    elif factor.kind == "per_unit":
        data["unit"], data["rate"] = _amount(factor.unit), _amount(factor.rate)
    return data


def tariff_from_inputs(base: str | None, minimum: str | None, fees: str | None,
                       factors: list[FactorInput]) -> tuple[dict, list[TariffProblem]]:
    """Return the tariff JSON the editor's inputs stand for, and the rows it could not read."""
    problems: list[TariffProblem] = []
    tariff: dict = {"base": _amount(base)}
    tariff["factors"] = [factor_to_json(f, f"factors[{i}]", problems) for i, f in enumerate(factors)]
    for key, value in (("minimum", minimum), ("fees", fees)):
        if _amount(value) is not None:
            tariff[key] = _amount(value)
    return tariff, problems


def _bound_text(value) -> str:
    return "" if value is None else str(value)


def factor_inputs(tariff: dict) -> list[FactorInput]:
    """Return the editor's view of a saved tariff's factors."""
    inputs = []
    for factor in tariff.get("factors") or []:
        kind = factor.get("kind", "bands")
        rows = ""
        if kind == "bands":
            rows = "\n".join(f"{_bound_text(b.get('min'))}-{_bound_text(b.get('max'))}: {b.get('multiplier')}"
                             for b in factor.get("bands") or [])
        elif kind == "table":
            rows = "\n".join(f"{key}: {value}" for key, value in (factor.get("values") or {}).items())
        inputs.append(FactorInput(label=factor.get("label", ""), attribute=factor.get("attribute", ""), kind=kind,
                                  rows=rows, default=_bound_text(factor.get("default")),
                                  unit=_bound_text(factor.get("unit")), rate=_bound_text(factor.get("rate"))))
    return inputs


def _condition_value(op: str, text: str):
    if op in ("in", "not_in"):
        return [item.strip() for item in text.split(",") if item.strip()]
    text = text.strip()
    return int(text) if text.isdigit() else text


def conditions_from_rows(text: str) -> tuple[list[dict], list[TariffProblem]]:
    """Return the eligibility conditions typed one per row, and the rows it could not read."""
    conditions, problems = [], []
    for index, row in enumerate(_lines(text)):
        match = CONDITION_ROW.match(row)
        if match is None:
            problems.append(TariffProblem(f"[{index}]", "row_unreadable",
                                          f"write a condition as driver_age >= 21 (read: {row})"))
            continue
        attribute, symbol, value = match.groups()
        op = SYMBOLS[" ".join(symbol.split())]
        conditions.append({"attribute": attribute, "op": op, "value": _condition_value(op, value)})
    return conditions, problems


def condition_rows(conditions: list[dict]) -> str:
    """Return saved eligibility conditions as the editor's rows."""
    rows = []
    for condition in conditions or []:
        value = condition.get("value")
        shown = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        rows.append(f"{condition.get('attribute')} {OP_SYMBOLS.get(condition.get('op'), '?')} {shown}")
    return "\n".join(rows)


@dataclass(frozen=True)
class Location:
    """Where the editor shows a problem: a top-level field, or a factor's field and row."""

    field: str
    factor: int | None = None
    row: int | None = None


FACTOR_PATH = re.compile(r"^factors\[(\d+)\](?:\.(\w+))?(?:\[(\d+)\]|\.(.+?))?(?:\.\w+)?$")


def locate(path: str, factors: list[FactorInput]) -> Location:
    """Return where a problem's ``path`` is shown in the tariff editor."""
    match = FACTOR_PATH.match(path)
    if match is None:
        return Location(path.split(".")[0] or "base")
    index, field, row, key = int(match.group(1)), match.group(2), match.group(3), match.group(4)
    if field in ("bands", "values"):
        if row is None and key is not None and index < len(factors):
            row = _row_of_key(factors[index].rows, key)
        return Location("rows", index, None if row is None else int(row))
    return Location(field if field in ("label", "attribute", "kind", "default", "unit", "rate") else "kind", index)


def _row_of_key(rows: str, key: str) -> int | None:
    for index, row in enumerate(_lines(rows)):
        if row.partition(":")[0].strip() == key:
            return index
    return None
