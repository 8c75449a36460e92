"""Exporting the filtered client list (every page) as CSV or XLSX.

Columns shared with the import carry the import's names, so that an export
can be edited and imported into another firm. The CSV is French-friendly
(``app.spreadsheets``).
"""

from __future__ import annotations

from collections.abc import Iterator

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

