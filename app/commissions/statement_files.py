"""Statement files as tables: the type of a file decided by its content,
never by its name, and its rows read from the header row down. Pure: bytes
in, cells out; no DB, no Flask.

An XLSX is a zip holding ``xl/workbook.xml`` (read with openpyxl in read-only
mode, row by row); a CSV is text (UTF-8, else Windows-1252) without binary
bytes, its delimiter the commonest of ``;``, tab and ``,`` in the header row.
Everything else is refused with a code saying why.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from openpyxl import load_workbook

MAX_BYTES = 16 * 1024 * 1024
XLSX_SIGNATURE = b"PK\x03\x04"
XLS_SIGNATURE = b"\xd0\xcf\x11\xe0"
DELIMITERS = (";", "\t", ",")


class FormatProblem(Exception):
    """The file as a whole cannot be read; ``code`` says why, ``params`` fill the message."""

    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code, self.params = code, params


@dataclass
class Table:
    """The header row of a file and an iterator over the rows after it, ``(row number, cells)``."""

    headers: list[str]
    rows: Iterator[tuple[int, list]]


# --- the kind of a file ------------------------------------------------------------------------

def file_kind(content: bytes) -> str:
    """``"xlsx"`` or ``"csv"``, from the content; raises FormatProblem
    (``file_empty``, ``file_too_large``, ``xls_legacy``, ``not_a_spreadsheet``)."""
    if not content.strip():
        raise FormatProblem("file_empty")
    if len(content) > MAX_BYTES:
        raise FormatProblem("file_too_large", megabytes=MAX_BYTES // (1024 * 1024))
    if content.startswith(XLS_SIGNATURE):
        raise FormatProblem("xls_legacy")
    if content.startswith(XLSX_SIGNATURE):
        try:
            names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        except zipfile.BadZipFile as exc:
            raise FormatProblem("not_a_spreadsheet") from exc
        if "xl/workbook.xml" not in names:
            raise FormatProblem("not_a_spreadsheet")
        return "xlsx"
    decode_text(content)
    return "csv"


def decode_text(content: bytes) -> str:
    """The text of a CSV: UTF-8 (with or without BOM), else Windows-1252;
    ``not_a_spreadsheet`` when it holds binary bytes (a PDF, an image...)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise FormatProblem("not_a_spreadsheet") from exc
    if any(ord(char) < 32 and char not in "\t\r\n\f" for char in text[:65536]):
        raise FormatProblem("not_a_spreadsheet")
    return text


# --- tables ------------------------------------------------------------------------------------

def read_table(content: bytes, header_row: int = 1, sheet: str = "") -> Table:
    """The headers on ``header_row`` (1-based) and the rows below, from a CSV or
    from ``sheet`` of a workbook (its first sheet when blank)."""
    if file_kind(content) == "xlsx":
        return _xlsx_table(content, header_row, sheet)
    return _csv_table(decode_text(content), header_row)


def _headers(cells) -> list[str]:
    return [text_of(cell) for cell in cells]


def _after_header(numbered: Iterator[tuple[int, list]], header_row: int) -> Table:
    for number, cells in numbered:
        if number == header_row:
            return Table(_headers(cells), numbered)
    raise FormatProblem("header_row_missing", row=header_row)


def _csv_table(text: str, header_row: int) -> Table:
    lines = text.splitlines()
    header_line = lines[header_row - 1] if len(lines) >= header_row else ""
    delimiter = max(DELIMITERS, key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _after_header(((reader.line_num, cells) for cells in reader), header_row)


def _xlsx_table(content: bytes, header_row: int, sheet: str) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise FormatProblem("file_unreadable") from exc
    if sheet and sheet not in workbook.sheetnames:
        names = ", ".join(workbook.sheetnames)
        workbook.close()
        raise FormatProblem("sheet_unknown", sheet=sheet, sheets=names)
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    return _after_header(_workbook_rows(workbook, worksheet), header_row)


def _workbook_rows(workbook, worksheet) -> Iterator[tuple[int, list]]:
    try:
        for number, cells in enumerate(worksheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
    finally:
        workbook.close()


def sheet_names(content: bytes) -> list[str]:
    """The sheets of a workbook; none for a CSV."""
    if file_kind(content) != "xlsx":
        return []
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True)
    except Exception as exc:  # as above
        raise FormatProblem("file_unreadable") from exc
    names = list(workbook.sheetnames)
    workbook.close()
    return names


# --- cells -------------------------------------------------------------------------------------

def text_of(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat(sep=" ")
    return str(cell).strip()
