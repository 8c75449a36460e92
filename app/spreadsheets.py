"""Spreadsheets in and out, shared by the areas that import and export lists
(clients, contracts): reading a CSV or XLSX upload into rows, staging the
upload between its preview and its confirmation, writing CSV and XLSX.

A staged file is named by a signed token (tenant schema + storage key), so
the preview and the confirmation read the same bytes, and a token of one
firm is worthless on another.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from decimal import Decimal

from itsdangerous import BadSignature, URLSafeTimedSerializer
from openpyxl import Workbook, load_workbook
from sqlalchemy.orm import Session

from app.documents import storage
from tenants import bound_schema

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


def read_table(content: bytes) -> list[list]:
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


def read_rows(content: bytes, column_name: Callable[[object], str], max_rows: int
              ) -> tuple[list[str], list[tuple[int, dict]]]:
    """(column names, [(spreadsheet row number, {column: cell})]), blank rows skipped."""
    if len(content) > MAX_BYTES:
        raise ImportProblem("file_too_large", rows=max_rows)
    table = read_table(content)
    if not table:
        raise ImportProblem("file_empty")
    headers = [column_name(cell) for cell in table[0]]
    rows = [
        (number, dict(zip(headers, cells)))
        for number, cells in enumerate(table[1:], start=HEADER_ROW + 1)
        if any(cell not in (None, "") and str(cell).strip() for cell in cells)
    ]
    if not rows:
        raise ImportProblem("file_empty")
    if len(rows) > max_rows:
        raise ImportProblem("file_too_large", rows=max_rows)
    return headers, rows


class StagedFiles:
    """Uploads kept in the tenant's storage between preview and confirmation."""

    def __init__(self, salt: str) -> None:
        self.salt = salt

    def _serializer(self, secret: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(secret, salt=self.salt)

    def stage(self, session: Session, secret: str, filename: str, content: bytes) -> str:
        """Keep the uploaded file; return its signed token."""
        key = "imports/" + storage.new_key(".xlsx" if content.startswith(b"PK") else ".csv")
        storage.write(session, key, content)
        return self._serializer(secret).dumps({"s": bound_schema(session), "k": key, "n": filename[:200]})

    def staged(self, session: Session, secret: str, token: str) -> tuple[str, str, bytes]:
        """(storage key, file name, content) of a staged file of this tenant."""
        try:
            data = self._serializer(secret).loads(token, max_age=TOKEN_MAX_AGE)
        except BadSignature as exc:
            raise ImportProblem("import_expired") from exc
        if not isinstance(data, dict) or data.get("s") != bound_schema(session):
            raise ImportProblem("import_expired")
        try:
            return data["k"], data["n"], storage.read(session, data["k"])
        except storage.StorageError as exc:
            raise ImportProblem("import_expired") from exc


def _csv_cell(cell) -> str:
    """Amounts with a decimal comma, as a French spreadsheet expects."""
    if cell is None:
        return ""
    return str(cell).replace(".", ",") if isinstance(cell, Decimal) else str(cell)


def as_csv(rows: Iterable[list]) -> bytes:
    """UTF-8 with a BOM (Excel then reads accents right), ``;``-separated."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for cells in rows:
        writer.writerow([_csv_cell(cell) for cell in cells])
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(rows: Iterable[list], sheet_name: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    for cells in rows:
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
