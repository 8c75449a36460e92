"""Portal accounts: the firm's clients signing in to their own space
(espace client). A population apart from staff users: its own table, its
own server-side sessions, its own cookie entry; nothing here ever opens the
workspace.

An account belongs to a client: an individual, or a named contact of a
business (``contact_id``), who then sees the business's contracts.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.columns import Timestamps, id_column
from app.extensions import db


class PortalAccount(Timestamps, db.Model):
    __tablename__ = "portal_account"
    __table_args__ = (
        UniqueConstraint("email", name="uq_portal_account_email"),
        Index("ix_portal_account_client", "client_id"),
    )

    id: Mapped[int] = id_column()
    client_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.client.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.contact.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    display_name: Mapped[str] = mapped_column(String(250))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    #: the firm can disable an account; its sessions then end at once
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    invited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    invited_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: password failures in a row, and the last one: attempts are slowed down (app.portal.rules)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None


class PortalSession(Timestamps, db.Model):
    """A signed-in device. The cookie holds a random token; only its digest
    is stored, so a leaked table opens no session. The client sees their
    sessions and ends any of them."""

    __tablename__ = "portal_session"
    __table_args__ = (
        UniqueConstraint("token_digest", name="uq_portal_session_token"),
        Index("ix_portal_session_account", "account_id"),
    )

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.portal_account.id", ondelete="CASCADE"))
    token_digest: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    #: "password" or "link"
    method: Mapped[str] = mapped_column(String(20))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class RequestKind(StrEnum):
    VEHICLE_CHANGE = "vehicle_change"
    ADDRESS_CHANGE = "address_change"
    PERSON_ADDED = "person_added"
    OTHER_CHANGE = "other_change"


class RequestStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    REFUSED = "refused"


class ClientRequest(Timestamps, db.Model):
    """A change a client asks for from the portal (new vehicle, new address,
    a person added), structured by kind in ``details``. The handler turns it
    into an endorsement (``endorsement_id``) or refuses it with a reason;
    the client follows its status."""

    __tablename__ = "client_request"
    __table_args__ = (
        UniqueConstraint("reference", name="uq_client_request_reference"),
        Index("ix_client_request_status", "status", "created_at"),
        Index("ix_client_request_client", "client_id"),
    )

    id: Mapped[int] = id_column()
    reference: Mapped[str] = mapped_column(String(20))
    client_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.client.id", ondelete="CASCADE"))
    contract_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.contract.id", ondelete="CASCADE"))
    account_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.portal_account.id",
                                                                          ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(30))
    details: Mapped[dict] = mapped_column(JSONB, default=dict)
    message: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.OPEN.value)
    task_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.task.id", ondelete="SET NULL"))
    answer: Mapped[str | None] = mapped_column(Text)
    endorsement_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.endorsement.id",
                                                                              ondelete="SET NULL"))
    handled_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
