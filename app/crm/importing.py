"""Importing a portfolio from a CSV or XLSX file: stage the file in the
tenant's storage, check every row, then insert all rows or none.

The staged file is named by a signed token (tenant schema + storage key), so
the preview and the confirmation read the same bytes, and a token of one
firm is worthless on another. The file is removed once imported: a second
confirmation finds nothing to import.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from itsdangerous import BadSignature, URLSafeTimedSerializer
from openpyxl import load_workbook
from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.crm import import_rules, rules, services
from app.crm.models import Client
from app.documents import storage
from tenants import bound_schema

MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024
TOKEN_MAX_AGE = 24 * 3600
HEADER_ROW = 1


class FrenchCsv(csv.excel):
    delimiter = ";"


class ImportProblem(Exception):
    """The file as a whole cannot be imported; ``code`` says why."""

    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code, self.params = code, params


@dataclass
class RowError:
    row: int
    column: str
    code: str
    params: dict = field(default_factory=dict)


@dataclass
class ImportCheck:
    filename: str
    rows: list[tuple[int, dict]]
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors


def _table(content: bytes) -> list[list]:
    """The file's cells, row by row: XLSX recognised by its zip signature, else CSV."""
    if content.startswith(b"PK\x03\x04"):
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        except Exception as exc:  # openpyxl raises many kinds on a damaged file
            raise ImportProblem("file_unreadable") from exc
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = FrenchCsv
    return list(csv.reader(io.StringIO(text), dialect))


def read_rows(content: bytes) -> tuple[list[str], list[tuple[int, dict]]]:
    """(column names, [(spreadsheet row number, {column: cell})]), blank rows skipped."""
    if len(content) > MAX_BYTES:
        raise ImportProblem("file_too_large", rows=MAX_ROWS)
    table = _table(content)
    if not table:
        raise ImportProblem("file_empty")
    headers = [import_rules.column_name(cell) for cell in table[0]]
    rows = [
        (number, dict(zip(headers, cells)))
        for number, cells in enumerate(table[1:], start=HEADER_ROW + 1)
        if any(cell not in (None, "") and str(cell).strip() for cell in cells)
    ]
    if not rows:
        raise ImportProblem("file_empty")
    if len(rows) > MAX_ROWS:
        raise ImportProblem("file_too_large", rows=MAX_ROWS)
    return headers, rows


def _existing(session: Session, keys: list[tuple | None]) -> dict[tuple, str]:
    """{duplicate key: reference} of clients already in the file's keys."""
    sirens = {key[1] for key in keys if key and key[0] == "siren"}
    births = {key[3] for key in keys if key and key[0] == "person"}
    found = {}
    if sirens:
        for siren, reference in session.execute(select(Client.siren, Client.reference).where(Client.siren.in_(sirens))):
            found[("siren", siren)] = reference
    if births:
        query = select(Client.last_name, Client.first_name, Client.birth_date, Client.reference).where(
            Client.kind == "individual", Client.birth_date.in_(births))
        for last, first, born, reference in session.execute(query):
            key = rules.person_key(last, first, born)
            if key:
                found[("person", *key)] = reference
    return found


def check(session: Session, filename: str, content: bytes, today: date | None = None) -> ImportCheck:
    """Read and check every row: identity rules, duplicates in the file and
    against existing clients."""
    today = today or date.today()
    headers, raw_rows = read_rows(content)
    errors = [RowError(HEADER_ROW, name, code) for name, code in import_rules.header_problems(headers)]
    rows = []
    for number, raw in raw_rows:
        values, problems = import_rules.parse_row(raw, today)
        rows.append((number, values))
        errors += [RowError(number, name, code) for name, code in problems.items()]
    keys = [rules.duplicate_key(values) for _number, values in rows]
    for index, first in import_rules.repeated_rows(keys).items():
        errors.append(RowError(rows[index][0], _key_column(keys[index]), "duplicate_in_file", {"row": rows[first][0]}))
    existing = _existing(session, keys)
    for (number, _values), key in zip(rows, keys):
        if key in existing:
            errors.append(RowError(number, _key_column(key), "duplicate_existing", {"reference": existing[key]}))
    errors.sort(key=lambda error: (error.row, error.column))
    return ImportCheck(filename, rows, errors)


def _key_column(key: tuple) -> str:
    return "siren" if key[0] == "siren" else "last_name"


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="assurdesk.client-import")


def stage(session: Session, secret: str, filename: str, content: bytes) -> str:
    """Keep the uploaded file in the tenant's storage; return its signed token."""
    read_rows(content)
    key = "imports/" + storage.new_key(".xlsx" if content.startswith(b"PK") else ".csv")
    storage.write(session, key, content)
    return _serializer(secret).dumps({"s": bound_schema(session), "k": key, "n": filename[:200]})


def staged(session: Session, secret: str, token: str) -> tuple[str, str, bytes]:
    """(storage key, file name, content) of a staged import of this tenant."""
    try:
        data = _serializer(secret).loads(token, max_age=TOKEN_MAX_AGE)
    except BadSignature as exc:
        raise ImportProblem("import_expired") from exc
    if not isinstance(data, dict) or data.get("s") != bound_schema(session):
        raise ImportProblem("import_expired")
    try:
        return data["k"], data["n"], storage.read(session, data["k"])
    except storage.StorageError as exc:
        raise ImportProblem("import_expired") from exc


def _row_parameters(number: int, values: dict) -> dict:
    reference = rules.reference_for(number)
    values = values | {"reference": reference}
    name = rules.display_name(values)
    return {name_: values.get(name_) for name_ in services.IDENTITY_FIELDS} | {
        "id": number, "reference": reference, "display_name": name[:250], "sort_name": rules.normalise(name)[:250],
        "search_text": rules.search_text(values), "version": 1, "held_elsewhere": [], "marketing_consent": False,
    }


def run(session: Session, actor, secret: str, token: str) -> ImportCheck:
    """Check the staged file again and insert every row in one transaction;
    insert nothing when a row is wrong (the check is returned, not ok)."""
    key, filename, content = staged(session, secret, token)
    result = check(session, filename, content)
    if not result.ok:
        return result
    numbers = services.next_numbers(session, len(result.rows))
    parameters = [_row_parameters(number, values) for number, (_row, values) in zip(numbers, result.rows)]
    statement = insert(Client.__table__).values(search_vector=func.to_tsvector("simple", bindparam("search_text")))
    session.execute(statement, parameters)
    audit.record(session, actor, "client.import", "client", None,
                 after={"filename": filename, "count": len(parameters),
                        "first": parameters[0]["reference"], "last": parameters[-1]["reference"]})
    session.commit()
    storage.remove(session, key)
    return result


def template_csv() -> bytes:
    """An empty import file: the header row, UTF-8 with a BOM, ``;``-separated."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow(import_rules.COLUMNS)
    return buffer.getvalue().encode("utf-8-sig")
