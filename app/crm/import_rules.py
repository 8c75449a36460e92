"""Reading one row of a client spreadsheet: columns, aliases, typed cells,
then the same identity checks as the client form. Pure: no DB, no Flask."""

from __future__ import annotations

from datetime import date

from app.crm import rules

#: Columns of an import file, in the template's order. ``kind`` is required;
#: unknown columns are refused (a typo would silently lose data).
COLUMNS = (
    "kind", "status", "civility", "first_name", "last_name", "birth_date", "profession", "family_status",
    "legal_name", "siren", "siret", "naf_code", "legal_form", "turnover", "headcount",
    "email", "phone", "address_line1", "address_line2", "postal_code", "city", "country", "notes",
)
REQUIRED_COLUMNS = ("kind",)
KIND_ALIASES = {"individual": "individual", "particulier": "individual", "person": "individual",
                "business": "business", "entreprise": "business", "professionnel": "business", "company": "business"}
CIVILITY_ALIASES = {"mr": "mr", "m": "mr", "monsieur": "mr", "mrs": "mrs", "ms": "mrs", "mme": "mrs", "madame": "mrs"}
PARSERS = {"birth_date": rules.parse_date, "turnover": rules.parse_decimal, "headcount": rules.parse_integer}


def column_name(header) -> str:
    """``Birth date`` / ``birth-date`` / `` BIRTH_DATE `` -> ``birth_date``."""
    return rules.normalise(str(header or "")).replace(" ", "_")


def header_problems(headers: list[str]) -> list[tuple[str, str]]:
    """(column, code) for missing required columns, unknown and repeated ones."""
    problems = [(name, "column_missing") for name in REQUIRED_COLUMNS if name not in headers]
    problems += [(name, "column_unknown") for name in headers if name and name not in COLUMNS]
    problems += [(name, "column_repeated") for index, name in enumerate(headers) if name and name in headers[:index]]
    return problems


def _text(name: str, value) -> str:
    """A cell as text; a spreadsheet's number keeps no ``.0`` and a postal
    code its leading zero."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if name == "postal_code" and isinstance(value, int) and len(text) < 5:
        text = text.zfill(5)
    return text


def parse_row(row: dict, today: date) -> tuple[dict, dict[str, str]]:
    """Return (cleaned values, {column: problem code}) of one row."""
    values, problems = {}, {}
    for name in COLUMNS:
        cell = row.get(name)
        if name in PARSERS:
            try:
                values[name] = PARSERS[name](cell if not isinstance(cell, str) else cell.strip())
            except rules.BadValue as exc:
                values[name], problems[name] = None, exc.code
        else:
            values[name] = _text(name, cell)
    values["kind"] = KIND_ALIASES.get(rules.normalise(values["kind"]), values["kind"] or None)
    values["civility"] = CIVILITY_ALIASES.get(rules.normalise(values["civility"]), values["civility"])
    values["status"] = values["status"] or "prospect"
    values = rules.clean_identity(values)
    checked = rules.client_problems(values, today)
    return values, {name: code for name, code in checked.items() if name not in problems} | problems


def repeated_rows(keys: list[tuple | None]) -> dict[int, int]:
    """{index: index of its first occurrence} for rows whose duplicate key
    appeared earlier in the file."""
    first_seen: dict[tuple, int] = {}
    repeats = {}
    for index, key in enumerate(keys):
        if key is None:
            continue
        if key in first_seen:
            repeats[index] = first_seen[key]
        else:
            first_seen[key] = index
    return repeats
