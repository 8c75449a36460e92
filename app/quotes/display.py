"""Needs and offers as rows for pages and the advice document: labels from
the line's definition, values typed for the templates' filters."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import format_currency
from flask_babel import lazy_gettext as _l

from app.catalog.lines import AttributeType, line_definition
from app.quotes import rules

FIT_LABELS = {
    "coverage": _l("Wanted guarantees covered: %(covered)s of %(wanted)s"),
    "ceilings": _l("Ceilings at least as wanted: %(met)s of %(asked)s"),
    "deductibles": _l("Deductibles at most as wanted: %(met)s of %(asked)s"),
}
FIT_NOTHING_ASKED = {
    "coverage": _l("No guarantee wanted"),
    "ceilings": _l("No ceiling wanted"),
    "deductibles": _l("No deductible wanted"),
}


@dataclass(frozen=True)
class RiskRow:
    label: object
    type: str
    value: object
    missing: bool


def risk_rows(needs) -> list[RiskRow]:
    """Every attribute of the line with its answer (choices by their label)."""
    definition = line_definition(needs.line)
    return [_risk_row(attribute, (needs.risk or {}).get(attribute.name)) for attribute in definition.attributes]


def answered_risk_rows(line: str, risk: dict | None) -> list[RiskRow]:
    """The answered attributes of a stored risk (a contract's insured risk),
    in the line's order, typed like :func:`risk_rows` for ``quotes/_risk_value.html``."""
    definition = line_definition(line)
    return [_risk_row(attribute, (risk or {}).get(attribute.name)) for attribute in definition.attributes
            if rules.is_answered((risk or {}).get(attribute.name))]


def risk_row(line: str, code: str, stored) -> RiskRow:
    """One stored answer (a placement document's) as a row for
    ``quotes/_risk_value.html``; a blank answer is shown as none, not missing."""
    attribute = line_definition(line).attribute(code)
    stored = stored if rules.is_answered(stored) else None
    if attribute is None:
        return RiskRow(code, "text", stored, False)
    return _risk_row(attribute, stored, missing=False)


def _risk_row(attribute, stored, missing: bool | None = None) -> RiskRow:
    value = rules.from_json_value(attribute.type, stored)
    if attribute.type == AttributeType.CHOICE and value is not None:
        value = dict(attribute.choices).get(value, value)
    if missing is None:
        missing = attribute.required_to_quote and not rules.is_answered(stored)
    return RiskRow(attribute.label, str(attribute.type), value, missing)


@dataclass(frozen=True)
class WantedRow:
    code: str
    label: object
    ceiling: Decimal | None
    deductible: Decimal | None


def wanted_rows(needs) -> list[WantedRow]:
    definition = line_definition(needs.line)
    return [WantedRow(item["code"], definition.guarantee_label(item["code"]),
                      rules.from_json_value("money", item.get("ceiling")),
                      rules.from_json_value("money", item.get("deductible")))
            for item in needs.wanted or ()]


def fit_label(line: dict) -> str:
    """A stored fit line in the reader's language (the English label as fallback)."""
    code, params = line.get("code"), line.get("params") or {}
    if code == "price":
        if "over" in params:
            return str(_l("Over budget by %(over)s", over=format_currency(Decimal(params["over"]), "EUR")))
        return str(_l("Within budget") if params else _l("No budget set"))
    if code in FIT_LABELS:
        asked = params.get("wanted", params.get("asked", 0))
        return str(FIT_LABELS[code] % params if asked else FIT_NOTHING_ASKED[code])
    return str(line.get("label", ""))


def guarantee_matches(needs, offer) -> dict[str, rules.GuaranteeMatch]:
    return {m.code: m for m in rules.match_all(needs.wanted or [], offer.guarantees or [])}
