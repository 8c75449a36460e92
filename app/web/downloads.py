"""Files sent to the browser: exports of a list, and files kept by the app."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date

from flask import Response, send_file

from app import spreadsheets

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_FORMATS = ("csv", "xlsx")


def attachment(content: bytes, mimetype: str, filename: str) -> Response:
    """``content`` as a download named ``filename``."""
    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=filename)


def spreadsheet(rows: Iterable[list], fmt: str, *, sheet: str, stem: str) -> Response:
    """``rows`` (header first) as ``<stem>-<today>.csv`` (French-friendly CSV)
    or ``.xlsx``; ``fmt`` is one of EXPORT_FORMATS."""
    if fmt == "csv":
        content, mimetype = spreadsheets.as_csv(rows), CSV_MIMETYPE
    else:
        content, mimetype = spreadsheets.as_xlsx(rows, sheet), XLSX_MIMETYPE
    return attachment(content, mimetype, f"{stem}-{date.today():%Y-%m-%d}.{fmt}")
