"""Reading an insurer's commission statement (bordereau) from a CSV or XLSX
file with the column mapping saved for that insurer. Pure: bytes in, typed
rows and the problems of each row out; no DB, no Flask. The file itself
(its type, told by its content, and its rows) is :mod:`statement_files`'.

A mapping names, for each field we read, the header of the column holding it
(``columns``), and the file's conventions: decimal comma or point, date
format, the row holding the headers, the sheet of a workbook, and whether a
line matches our commission line of the same policy due the same day or in
the same month (``match_by``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# the file functions too, for the callers of this module
from app.commissions.statement_files import (MAX_BYTES, FormatProblem, Table, file_kind, read_table,  # noqa: F401
                                             sheet_names, text_of)

FIELDS = ("policy_number", "due_date", "premium", "amount", "rate", "client_name")
REQUIRED_FIELDS = ("policy_number", "due_date", "premium", "amount")
#: strftime patterns offered for the date column; the month-only ones read as the 1st of the month
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%Y%m%d", "%m/%Y", "%Y-%m")
MONTH_FORMATS = frozenset({"%m/%Y", "%Y-%m"})
MATCH_BY = ("month", "day")
MAX_ROWS = 100_000
MAX_HEADER_ROW = 50
POLICY_MAX = 60
NAME_MAX = 200
CENT = Decimal("0.01")
RATE_LIMIT = Decimal("1000")
SPACES = re.compile(r"[\s\u00a0\u202f']")
NUMBER_WITH_COMMA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
NUMBER_WITH_POINT = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
#: words in a header that suggest the field, tried in this order (accents and case removed first)
HINTS = {
    "policy_number": ("police", "policy", "contrat", "contract"),
    "due_date": ("echeance", "due", "periode", "period", "date", "mois", "month"),
    "amount": ("commission", "comm", "courtage", "remuneration"),
    "premium": ("prime", "premium", "cotisation", "ht"),
    "rate": ("taux", "rate", "%"),
    "client_name": ("assure", "client", "souscripteur", "insured", "nom", "name"),
}


class CellProblem(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Mapping:
    """How to read one insurer's statement files."""

    columns: dict[str, str]
    decimal_comma: bool = True
    date_format: str = "%d/%m/%Y"
    header_row: int = 1
    sheet: str = ""
    match_by: str = "month"
    #: the headers found in the sample, offered again when the mapping is edited without a new sample
    headers: tuple[str, ...] = ()

    def problems(self) -> dict[str, str]:
        """``{field or option: code}`` of what makes this mapping unusable."""
        found = {name: "column_required" for name in REQUIRED_FIELDS if not self.columns.get(name)}
        chosen = [(name, self.columns.get(name)) for name in FIELDS if self.columns.get(name)]
        for position, (name, header) in enumerate(chosen):
            if header in [other for _, other in chosen[:position]]:
                found.setdefault(name, "column_twice")
        if self.date_format not in DATE_FORMATS:
            found["date_format"] = "date_format_unknown"
        elif self.date_format in MONTH_FORMATS and self.match_by == "day":
            found["match_by"] = "month_format_needs_month_match"
        if self.match_by not in MATCH_BY:
            found.setdefault("match_by", "choice_invalid")
        if not 1 <= self.header_row <= MAX_HEADER_ROW:
            found["header_row"] = "header_row_range"
        return found

    def options(self) -> dict:
        """The conventions, as kept in ``StatementMapping.options``."""
        return {"decimal_comma": self.decimal_comma, "date_format": self.date_format,
                "header_row": self.header_row, "sheet": self.sheet, "match_by": self.match_by,
                "headers": list(self.headers)}

    @classmethod
    def from_saved(cls, columns: dict, options: dict) -> Mapping:
        return cls(columns={name: columns[name] for name in FIELDS if columns.get(name)},
                   decimal_comma=bool(options.get("decimal_comma", True)),
                   date_format=options.get("date_format", "%d/%m/%Y"),
                   header_row=int(options.get("header_row", 1)), sheet=options.get("sheet", ""),
                   match_by=options.get("match_by", "month"), headers=tuple(options.get("headers", ())))


@dataclass(frozen=True)
class StatementRow:
    """One line of an insurer's statement, typed. ``row_number`` is its row in the file."""

    row_number: int
    policy_number: str
    due_date: date
    premium: Decimal
    amount: Decimal
    rate: Decimal | None = None
    client_name: str | None = None


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    code: str
    value: str = ""


@dataclass
class Parsed:
    """Every row of a file read with a mapping: the typed rows, the problems
    (the file is imported only without any), and the rows skipped as totals
    (no policy number and no date)."""

    rows: list[StatementRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors


def sample(content: bytes, header_row: int = 1, sheet: str = "", count: int = 5) -> tuple[list[str], list[list]]:
    """The headers and the first ``count`` non-blank rows, for the mapping screen."""
    table = read_table(content, header_row, sheet)
    if not any(table.headers):
        raise FormatProblem("headers_blank", row=header_row)
    rows = []
    for _number, cells in table.rows:
        if not _blank(cells):
            rows.append([text_of(cell) for cell in cells])
        if len(rows) >= count:
            break
    return table.headers, rows


def guess_columns(headers: list[str]) -> dict[str, str]:
    """A first mapping from the headers' words (``"N° police"`` -> policy number), each header used once."""
    guessed: dict[str, str] = {}
    for name, words in HINTS.items():
        for header in headers:
            plain = _plain(header)
            if header and header not in guessed.values() and any(word in plain for word in words):
                guessed[name] = header
                break
    return guessed


def _plain(text: str) -> str:
    table = str.maketrans("éèêëàâäîïôöûüùç", "eeeeaaaiioouuuc")
    return text.lower().translate(table)


# --- cells -------------------------------------------------------------------------------------

def _blank(cells) -> bool:
    return all(text_of(cell) == "" for cell in cells)


def parse_number(cell, decimal_comma: bool) -> Decimal:
    """A number typed in the file's convention: ``1 234,56`` / ``1.234,56``
    with a decimal comma, ``1,234.56`` / ``1234.56`` with a decimal point;
    ``(12,50)`` and ``12,50-`` are negative; a workbook's numbers as they are."""
    if isinstance(cell, bool):
        raise CellProblem("number_format")
    if isinstance(cell, (int, float, Decimal)):
        return Decimal(str(cell))
    text = SPACES.sub("", str(cell)).replace("€", "").replace("EUR", "").replace("%", "")
    negative = text.startswith("(") and text.endswith(")") or text.endswith("-")
    text = text.strip("()").rstrip("-")
    if not (NUMBER_WITH_COMMA if decimal_comma else NUMBER_WITH_POINT).match(text):
        raise CellProblem("number_format_comma" if decimal_comma else "number_format_point")
    separator, thousands = (",", ".") if decimal_comma else (".", ",")
    number = Decimal(text.replace(thousands, "").replace(separator, "."))
    return -number if negative else number


def parse_amount(cell, decimal_comma: bool) -> Decimal:
    """An amount in euros, half-up to the cent."""
    try:
        return parse_number(cell, decimal_comma).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise CellProblem("number_format") from exc


def parse_rate(cell, decimal_comma: bool) -> Decimal:
    """A commission rate in percent (``15``, ``15,5 %``), to the hundredth."""
    rate = parse_amount(cell, decimal_comma)
    if not 0 <= rate < RATE_LIMIT:
        raise CellProblem("rate_range")
    return rate


def parse_day(cell, date_format: str) -> date:
    """A date cell: a workbook date as it is, else text in ``date_format``;
    a month-only format reads as the 1st of the month."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    try:
        return datetime.strptime(text_of(cell), date_format).date()
    except ValueError as exc:
        raise CellProblem("date_format") from exc


# --- rows --------------------------------------------------------------------------------------

def column_positions(headers: list[str], mapping: Mapping) -> dict[str, int]:
    """Where each mapped field is in the file; FormatProblem when a header is
    missing (``columns_not_found``) or appears twice (``column_ambiguous``)."""
    positions, absent = {}, []
    for name, header in mapping.columns.items():
        if headers.count(header) > 1:
            raise FormatProblem("column_ambiguous", column=header)
        if header in headers:
            positions[name] = headers.index(header)
        else:
            absent.append(header)
    if absent:
        raise FormatProblem("columns_not_found", columns=", ".join(absent))
    return positions


def _mapped_rows(table: Table, positions: dict[str, int]) -> Iterator[tuple[int, dict]]:
    """``(row number, {field: cell})`` of the rows that are not blank."""
    for number, cells in table.rows:
        values = {name: cells[index] if index < len(cells) else None for name, index in positions.items()}
        if any(text_of(value) != "" for value in values.values()):
            yield number, values


def _is_total(values: dict) -> bool:
    return not text_of(values["policy_number"]) and not text_of(values["due_date"])


def parse(content: bytes, mapping: Mapping) -> Parsed:
    """Every row of the file read with ``mapping``. Blank rows are ignored; a
    row with neither a policy number nor a date (a total line) is skipped and
    listed; every other row is typed or its problems listed."""
    table = read_table(content, mapping.header_row, mapping.sheet)
    parsed = Parsed()
    for count, (number, values) in enumerate(_mapped_rows(table, column_positions(table.headers, mapping))):
        if count >= MAX_ROWS:
            raise FormatProblem("too_many_rows", rows=MAX_ROWS)
        if _is_total(values):
            parsed.skipped.append(number)
            continue
        row, problems = typed_row(number, values, mapping)
        if problems:
            parsed.errors += problems
        else:
            parsed.rows.append(row)
    if not parsed.rows and not parsed.errors:
        raise FormatProblem("no_rows")
    return parsed


def sample_problems(content: bytes, mapping: Mapping, count: int = 20) -> dict[str, RowError]:
    """The fields read in none of the first ``count`` rows, with the first
    problem of each: the sign of a wrong column, decimal separator or date
    format (a single bad row is the import's business, not the mapping's)."""
    table = read_table(content, mapping.header_row, mapping.sheet)
    first: dict[str, RowError] = {}
    read: set[str] = set()
    checked = 0
    for number, values in _mapped_rows(table, column_positions(table.headers, mapping)):
        if _is_total(values):
            continue
        _row, problems = typed_row(number, values, mapping)
        for problem in problems:
            first.setdefault(problem.field, problem)
        read |= set(mapping.columns) - {problem.field for problem in problems}
        checked += 1
        if checked >= count:
            break
    return {name: problem for name, problem in first.items() if name not in read}


def typed_row(number: int, values: dict, mapping: Mapping) -> tuple[StatementRow | None, list[RowError]]:
    """One row typed with ``mapping``, or the problems of its cells."""
    readers = {"due_date": lambda cell: parse_day(cell, mapping.date_format),
               "premium": lambda cell: parse_amount(cell, mapping.decimal_comma),
               "amount": lambda cell: parse_amount(cell, mapping.decimal_comma),
               "rate": lambda cell: parse_rate(cell, mapping.decimal_comma)}
    typed, problems = {}, []
    for name in FIELDS:
        cell = values.get(name)
        if text_of(cell) == "":
            typed[name] = None
            if name in REQUIRED_FIELDS:
                problems.append(RowError(number, name, "required"))
            continue
        try:
            typed[name] = readers[name](cell) if name in readers else text_of(cell)
        except CellProblem as exc:
            problems.append(RowError(number, name, exc.code, text_of(cell)[:40]))
    if typed["policy_number"] and len(typed["policy_number"]) > POLICY_MAX:
        problems.append(RowError(number, "policy_number", "too_long", typed["policy_number"][:40]))
    if problems:
        return None, problems
    return StatementRow(number, typed["policy_number"], typed["due_date"], typed["premium"], typed["amount"],
                        typed["rate"], (typed["client_name"] or "")[:NAME_MAX] or None), []
