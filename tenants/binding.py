"""Bind a SQLAlchemy session to one tenant schema.

Tenant models live in the placeholder schema ``tenant``, which never exists in
the database. A bound session translates it to the tenant's real schema with
``schema_translate_map`` on every statement, across commits. An unbound session
leaves the placeholder untranslated, so a tenant query fails loudly
(``UndefinedTable``) instead of reading somebody else's rows.
"""

from __future__ import annotations

import threading

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session

PLACEHOLDER_SCHEMA = "tenant"
_SCHEMA_KEY = "tenant_schema"


class NoTenantBound(RuntimeError):
    """Raised when tenant data is touched with no tenant bound."""


class TenantBinding:
    """Session mixin: binds carry the bound tenant's schema translation.

    Mix it in front of the session class in use (Flask-SQLAlchemy's, or
    SQLAlchemy's own: :class:`TenantSession`).
    """

    _option_engines: dict[tuple[int, str], Engine] = {}
    _lock = threading.Lock()

    def get_bind(self, *args, **kwargs):
        engine = super().get_bind(*args, **kwargs)
        schema = self.info.get(_SCHEMA_KEY)
        if schema is None:
            return engine
        return self._translated(engine, schema)

    @classmethod
    def _translated(cls, engine: Engine, schema: str) -> Engine:
        """Return one cached option engine per (engine, schema): a fresh one per
        call would make the session open a connection per statement."""
        key = (id(engine), schema)
        translated = cls._option_engines.get(key)
        if translated is None:
            with cls._lock:
                translated = cls._option_engines.get(key)
                if translated is None:
                    translated = engine.execution_options(
                        schema_translate_map={PLACEHOLDER_SCHEMA: schema}
                    )
                    cls._option_engines[key] = translated
        return translated

    @classmethod
    def forget_schema(cls, schema: str) -> None:
        """Drop cached option engines of a deleted schema."""
        with cls._lock:
            for key in [k for k in cls._option_engines if k[1] == schema]:
                del cls._option_engines[key]


class TenantSession(TenantBinding, Session):
    """A plain SQLAlchemy session with tenant binding."""


def _actual(session: Session | scoped_session) -> Session:
    return session() if isinstance(session, scoped_session) else session


def bind_tenant(session: Session, schema: str) -> None:
    """Bind ``session`` to ``schema``; refuse to switch a session that already
    holds another tenant's objects (its identity map would mix them)."""
    session = _actual(session)
    current = session.info.get(_SCHEMA_KEY)
    if current not in (None, schema):
        if session.identity_map or session.new or session.dirty:
            raise NoTenantBound(
                f"session holds objects of {current!r}; refusing to rebind it to {schema!r}"
            )
        session.close()
    elif current is None and session.in_transaction():
        # A transaction opened before binding runs untranslated: end it first.
        session.commit()
    session.info[_SCHEMA_KEY] = schema


def unbind_tenant(session: Session) -> None:
    """Close ``session`` and forget its tenant."""
    session = _actual(session)
    session.close()
    session.info.pop(_SCHEMA_KEY, None)


def bound_schema(session: Session) -> str:
    """Return the schema ``session`` is bound to, or raise :class:`NoTenantBound`."""
    session = _actual(session)
    schema = session.info.get(_SCHEMA_KEY)
    if schema is None:
        raise NoTenantBound("no tenant is bound to this session")
    return schema
