"""Files under the tenant's own prefix: ``<FILES_ROOT>/<tenant schema>/<key>``.

The tenant comes from the session's binding, never from a caller's argument,
so a service cannot write a file into another tenant's folder by mistake.
Keys are generated here (random, no user-supplied path part).
"""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from tenants import bound_schema


class StorageError(Exception):
    pass


def tenant_root(session: Session) -> Path:
    return Path(current_app.config["FILES_ROOT"]) / bound_schema(session)


def new_key(extension: str, today: date | None = None) -> str:
    today = today or date.today()
    return f"{today:%Y/%m}/{secrets.token_hex(16)}{extension}"


def _path(session: Session, key: str) -> Path:
    root = tenant_root(session).resolve()
    path = (root / key).resolve()
    if root not in path.parents:
        raise StorageError(f"key outside the tenant's storage: {key!r}")
    return path


def write(session: Session, key: str, content: bytes) -> None:
    path = _path(session, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".part")
    temporary.write_bytes(content)
    temporary.replace(path)


def read(session: Session, key: str) -> bytes:
    try:
        return _path(session, key).read_bytes()
    except FileNotFoundError as exc:
        raise StorageError(f"missing file {key!r}") from exc


def remove(session: Session, key: str) -> None:
    """Delete a file of the tenant (no error when already gone)."""
    _path(session, key).unlink(missing_ok=True)
