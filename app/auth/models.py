"""Staff users of a tenant (collaborateurs)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Date, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, object_session

from app.auth.rules import Role
from app.columns import Timestamps, id_column
from app.extensions import db
from tenants import bound_schema


class User(UserMixin, Timestamps, db.Model):
    __tablename__ = "user"
    __table_args__ = (UniqueConstraint("email", name="uq_user_email"),)

    id: Mapped[int] = id_column()
    email: Mapped[str] = mapped_column(String(254))
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default=Role.HANDLER.value)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    locale: Mapped[str | None] = mapped_column(String(5))
    invited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: the day the user's last daily digest of tasks was queued (one a day)
    last_digest_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def has_accepted_invitation(self) -> bool:
        return self.password_hash is not None

    def session_stamp(self) -> str:
        """A short digest that changes with the password: old sessions die with it."""
        return hashlib.sha256((self.password_hash or "").encode()).hexdigest()[:12]

    def get_id(self) -> str:
        """The id kept in the session cookie: tenant schema, user id, password
        stamp. A cookie replayed on another tenant's host names the wrong schema."""
        return f"{bound_schema(object_session(self))}:{self.id}:{self.session_stamp()}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
