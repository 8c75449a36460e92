"""Exporting the filtered client list (every page) as CSV or XLSX.

Columns shared with the import carry the import's names, so that an export
can be edited and imported into another firm. The CSV is French-friendly:
UTF-8 with a BOM (Excel then reads accents right) and ``;``-separated.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.crm import import_rules, services
from app.crm.models import Client

COLUMNS = ("reference", "display_name", *import_rules.COLUMNS, "handler", "created_at")


def rows(session: Session, filters: services.ClientFilters) -> Iterator[list]:
    """The header, then one list of cells per client, in the list's order."""
    yield list(COLUMNS)
    query = services.filtered(filters).add_columns(User.full_name).outerjoin(User, User.id == Client.handler_id)
    for client, handler in session.execute(query.execution_options(yield_per=500)):
        cells = {name: getattr(client, name) for name in COLUMNS if name not in ("handler", "created_at")}
        cells |= {"handler": handler, "created_at": client.created_at.date()}
        yield [cells[name] for name in COLUMNS]


def as_csv(session: Session, filters: services.ClientFilters) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for cells in rows(session, filters):
        writer.writerow([_csv_cell(cell) for cell in cells])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(cell) -> str:
    """Amounts with a decimal comma, as a French spreadsheet expects."""
    if cell is None:
        return ""
    return str(cell).replace(".", ",") if isinstance(cell, Decimal) else str(cell)


def as_xlsx(session: Session, filters: services.ClientFilters) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Clients")
    for cells in rows(session, filters):
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
