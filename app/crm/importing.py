"""Importing a portfolio from a CSV or XLSX file: stage the file in the
tenant's storage, check every row, then insert all rows or none.

The staged file is named by a signed token (``app.spreadsheets``). It is
removed once imported: a second confirmation finds nothing to import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from app import spreadsheets
from app.audit import services as audit
from app.crm import import_rules, rules, services
from app.crm.models import Client
from app.documents import storage
from app.spreadsheets import HEADER_ROW, MAX_BYTES, ImportProblem  # noqa: F401  (part of this module's API)

MAX_ROWS = 20_000
STAGED = spreadsheets.StagedFiles("assurdesk.client-import")


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


def read_rows(content: bytes) -> tuple[list[str], list[tuple[int, dict]]]:
    """(column names, [(spreadsheet row number, {column: cell})]), blank rows skipped."""
    return spreadsheets.read_rows(content, import_rules.column_name, MAX_ROWS)


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


def stage(session: Session, secret: str, filename: str, content: bytes) -> str:
    """Keep the uploaded file in the tenant's storage; return its signed token."""
    read_rows(content)
    return STAGED.stage(session, secret, filename, content)


def staged(session: Session, secret: str, token: str) -> tuple[str, str, bytes]:
    """(storage key, file name, content) of a staged import of this tenant."""
    return STAGED.staged(session, secret, token)


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
    return spreadsheets.as_csv([list(import_rules.COLUMNS)])
