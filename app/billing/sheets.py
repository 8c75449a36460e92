"""Writers of the accountant's exports, row by row as the journals are read.

- CSV: written to a temporary file as the rows come (memory holds one chunk
  of rows at a time, a large file spills to disk); French-friendly as the
  app's other exports (UTF-8 with a BOM, ``;``-separated, decimal comma),
  days as ``YYYY-MM-DD``.
- XLSX: openpyxl's write-only workbook (rows go to a temporary file as they
  are appended, not kept in memory); amounts are numbers with a two-decimal
  format and days are dates, never text.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

#: a CSV export larger than this goes to disk
SPOOL_BYTES = 8 * 1024 * 1024
AMOUNT_FORMAT = "#,##0.00"
DATE_FORMATS = {"fr": "dd/mm/yyyy", "en": "yyyy-mm-dd"}


def _csv_cell(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        return str(cell).replace(".", ",")
    return cell.isoformat() if isinstance(cell, date) else str(cell)


def csv_file(rows: Iterable[list]) -> IO[bytes]:
    """The CSV in a temporary file, rewound (the caller sends and closes it)."""
    target = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    for cells in rows:
        writer.writerow([_csv_cell(cell) for cell in cells])
    text.flush()
    text.detach()
    target.seek(0)
    return target


def _xlsx_cell(sheet, cell, date_format: str):
    if isinstance(cell, Decimal):
        written = WriteOnlyCell(sheet, value=cell)
        written.number_format = AMOUNT_FORMAT
        return written
    if isinstance(cell, date):
        written = WriteOnlyCell(sheet, value=cell)
        written.number_format = date_format
        return written
    return cell


def xlsx_file(rows: Iterable[list], sheet_name: str, locale: str) -> IO[bytes]:
    """The workbook in a temporary file, rewound (the caller sends and closes it)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    date_format = DATE_FORMATS.get(locale, DATE_FORMATS["en"])
    rows = iter(rows)
    bold = Font(bold=True)
    header = []
    for label in next(rows, []):
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for cells in rows:
        sheet.append([_xlsx_cell(sheet, cell, date_format) for cell in cells])
    target = tempfile.TemporaryFile()
    workbook.save(target)
    target.seek(0)
    return target
