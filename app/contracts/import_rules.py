"""Reading one row of a contract spreadsheet (the existing portfolio): columns,
typed cells, required values. Pure: no DB, no Flask. The export writes the
same column names, so an export can be edited and imported back."""

from __future__ import annotations

from datetime import date

from app.contracts.models import ContractStatus, InstalmentPlan
from app.contracts.rules import default_renewal_date
from app.crm import import_rules as client_import
from app.crm import rules as parsing

COLUMNS = (
    "client_reference", "insurer", "line", "label", "policy_number", "status", "effective_date", "renewal_date",
    "term_months", "tacit_renewal", "notice_days", "instalment_plan", "premium_net", "fees", "insured_name",
)
REQUIRED = ("client_reference", "insurer", "line", "policy_number", "effective_date", "premium_net")
LINES = ("motor", "home", "rc_pro", "multirisk", "decennial", "health", "protection", "cyber")
LINE_ALIASES = {"auto": "motor", "automobile": "motor", "mrh": "home", "habitation": "home", "rc pro": "rc_pro",
                "multirisque": "multirisk", "multirisque pro": "multirisk", "decennale": "decennial",
                "sante": "health", "prevoyance": "protection"}
YES = {"yes", "oui", "true", "1", "y", "o"}
NO = {"no", "non", "false", "0", "n"}
PARSERS = {"effective_date": parsing.parse_date, "renewal_date": parsing.parse_date,
           "premium_net": parsing.parse_decimal, "fees": parsing.parse_decimal,
           "term_months": parsing.parse_integer, "notice_days": parsing.parse_integer}
IMPORTABLE_STATUSES = (ContractStatus.ACTIVE.value, ContractStatus.SUSPENDED.value, ContractStatus.EXPIRED.value)

column_name = client_import.column_name


def header_problems(headers: list[str]) -> list[tuple[str, str]]:
    problems = [(name, "column_missing") for name in REQUIRED if name not in headers]
    problems += [(name, "column_unknown") for name in headers if name and name not in COLUMNS]
    problems += [(name, "column_repeated") for index, name in enumerate(headers) if name and name in headers[:index]]
    return problems


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _typed(row: dict) -> tuple[dict, dict[str, str]]:
    values, problems = {}, {}
    for name in COLUMNS:
        cell = row.get(name)
        if name in PARSERS:
            try:
                values[name] = PARSERS[name](cell.strip() if isinstance(cell, str) else cell)
            except parsing.BadValue as exc:
                values[name], problems[name] = None, exc.code
        else:
            values[name] = _text(cell)
    return values, problems


def _choices(values: dict, problems: dict[str, str]) -> None:
    line = parsing.normalise(values["line"]).replace("_", " ")
    values["line"] = LINE_ALIASES.get(line, line.replace(" ", "_"))
    if values["line"] and values["line"] not in LINES:
        problems.setdefault("line", "choice_invalid")
    values["status"] = values["status"].lower() or ContractStatus.ACTIVE.value
    if values["status"] not in IMPORTABLE_STATUSES:
        problems.setdefault("status", "choice_invalid")
    values["instalment_plan"] = values["instalment_plan"].lower() or InstalmentPlan.ANNUAL.value
    if values["instalment_plan"] not in {plan.value for plan in InstalmentPlan}:
        problems.setdefault("instalment_plan", "choice_invalid")
    renewal = parsing.normalise(values["tacit_renewal"])
    values["tacit_renewal"] = renewal not in NO
    if renewal and renewal not in YES | NO:
        problems.setdefault("tacit_renewal", "choice_invalid")


def _amounts_and_dates(values: dict, problems: dict[str, str]) -> None:
    for name in ("premium_net", "fees", "term_months", "notice_days"):
        if values.get(name) is not None and values[name] < 0:
            problems.setdefault(name, "negative")
    values["fees"] = values["fees"] or 0
    values["term_months"] = values["term_months"] or 12
    values["notice_days"] = 60 if values["notice_days"] is None else values["notice_days"]
    if values["effective_date"] and not values["renewal_date"]:
        values["renewal_date"] = default_renewal_date(values["effective_date"], values["term_months"])
    if values["effective_date"] and values["renewal_date"] and values["renewal_date"] <= values["effective_date"]:
        problems.setdefault("renewal_date", "renewal_before_start")


def parse_row(row: dict, today: date) -> tuple[dict, dict[str, str]]:
    """Return (cleaned values, {column: problem code}) of one row."""
    values, problems = _typed(row)
    for name in REQUIRED:
        if values.get(name) in (None, ""):
            problems.setdefault(name, "required")
    _choices(values, problems)
    _amounts_and_dates(values, problems)
    values["label"] = values["label"] or values["policy_number"]
    values["client_reference"] = values["client_reference"].upper()
    return values, problems
