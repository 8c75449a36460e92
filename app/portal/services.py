"""Portal accounts: invitation by the firm, password and one-time-link
sign-in, server-side sessions the client can see and end, password change,
disabling by the firm. Tokens are those of :mod:`app.auth.tokens` (signed,
expiring, bound to the tenant's schema, single use by a fingerprint of the
state their use changes) with purposes of their own, so a staff link never
opens the portal and the reverse.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth.services import hash_password

from app.audit import services as audit
from app.auth import tokens
from app.auth.rules import password_problem
from app.auth.services import normalise_email
from app.columns import utcnow
from app.crm import services as crm
from app.crm.models import Client, ClientKind, Contact
from app.portal import rules
from app.portal.models import PortalAccount, PortalSession
from tenants import bound_schema

INVITATION = "portal-invitation"
SIGN_IN_LINK = "portal-sign-in-link"

_DUMMY_HASH = generate_password_hash("assurdesk-portal-timing-equaliser")


class PortalError(Exception):
    """A portal operation refused; ``code`` names why (translated by views)."""

    def __init__(self, code: str, retry_at: datetime | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.retry_at = retry_at


@dataclass(frozen=True)
class ClientActor:
    """How a portal account appears in the audit log: never as a staff user."""

    email: str
    id: None = None


def actor_of(account: PortalAccount) -> ClientActor:
    return ClientActor(email=f"client:{account.email}")


def _snapshot(account: PortalAccount) -> dict:
    return {"email": account.email, "client_id": account.client_id, "contact_id": account.contact_id,
            "is_active": account.is_active}


# --- accounts, by the firm ---------------------------------------------------------

def accounts_of(session: Session, client_id: int) -> list[PortalAccount]:
    return list(session.scalars(select(PortalAccount).where(PortalAccount.client_id == client_id)
                                .order_by(PortalAccount.display_name)))


def invitable_people(session: Session, client: Client) -> list[tuple[Contact | None, str, str]]:
    """Who of ``client`` can be invited: (contact or None, name, email) — the
    individual themself, or each named contact of a business with an email."""
    if client.kind == ClientKind.INDIVIDUAL.value:
        return [(None, client.display_name, client.email)] if client.email else []
    contacts = session.scalars(select(Contact).where(Contact.client_id == client.id, Contact.email.is_not(None))
                               .order_by(Contact.is_primary.desc(), Contact.last_name))
    return [(contact, " ".join(filter(None, (contact.first_name, contact.last_name))), contact.email)
            for contact in contacts]


def _find(session: Session, email: str) -> PortalAccount | None:
    return session.scalar(select(PortalAccount).where(PortalAccount.email == normalise_email(email)))


def invite(session: Session, actor, client: Client, contact: Contact | None = None) -> PortalAccount:
    """Create (or re-invite) the portal account of ``client`` (an individual)
    or of ``contact`` (a named contact of a business)."""
    if contact is not None and contact.client_id != client.id:
        raise PortalError("contact_not_of_client")
    if contact is None and client.kind != ClientKind.INDIVIDUAL.value:
        raise PortalError("contact_required")
    email = normalise_email(contact.email if contact is not None else client.email)
    if not email:
        raise PortalError("email_missing")
    account = _find(session, email)
    if account is not None and (account.client_id != client.id or account.contact_id != getattr(contact, "id", None)):
        raise PortalError("email_taken")
    name = (" ".join(filter(None, (contact.first_name, contact.last_name))) if contact is not None
            else client.display_name)
    if account is None:
        account = PortalAccount(client_id=client.id, contact_id=getattr(contact, "id", None), email=email,
                                display_name=name, is_active=True, failed_attempts=0)
        session.add(account)
    account.invited_at, account.invited_by_id = utcnow(), getattr(actor, "id", None)
    session.flush()
    audit.record(session, actor, "portal_account.invite", "portal_account", account.id, after=_snapshot(account))
    return account


def set_active(session: Session, actor, account: PortalAccount, active: bool, version: int) -> PortalAccount:
    """Disable (its sessions end at once) or enable an account."""
    if version != account.version:
        raise PortalError("stale")
    before = _snapshot(account)
    account.is_active = active
    if not active:
        _end_sessions(session, account.id)
    audit.record(session, actor, "portal_account.enable" if active else "portal_account.disable",
                 "portal_account", account.id, before=before, after=_snapshot(account))
    return account


# --- links ---------------------------------------------------------------------------

def _invitation_state(account: PortalAccount) -> str:
    return tokens.fingerprint(account.password_hash, account.invited_at)


def _link_state(account: PortalAccount) -> str:
    return tokens.fingerprint(account.last_sign_in_at, account.password_hash, account.is_active)


def invitation_token(session: Session, secret: str, account: PortalAccount) -> str:
    return tokens.make_token(secret, INVITATION, bound_schema(session), account.id, _invitation_state(account))


def sign_in_link_token(session: Session, secret: str, account: PortalAccount) -> str:
    return tokens.make_token(secret, SIGN_IN_LINK, bound_schema(session), account.id, _link_state(account))


def _account_from_token(session: Session, secret: str, purpose: str, token: str, max_age: int,
                        state) -> PortalAccount:
    account_id, seen = tokens.read_token(secret, purpose, token, bound_schema(session), max_age)
    account = session.get(PortalAccount, account_id)
    if account is None or not account.is_active or state(account) != seen:
        raise tokens.InvalidToken("used")
    return account


def invited_account(session: Session, secret: str, token: str) -> PortalAccount:
    return _account_from_token(session, secret, INVITATION, token,
                               int(rules.INVITATION_MAX_AGE.total_seconds()), _invitation_state)


def accept_invitation(session: Session, secret: str, token: str, password: str) -> PortalAccount:
    account = invited_account(session, secret, token)
    _set_password(account, password)
    audit.record(session, actor_of(account), "portal_account.accept_invitation", "portal_account", account.id)
    return account


def account_for_link(session: Session, email: str) -> PortalAccount | None:
    """The active account a sign-in link may be sent to (None otherwise:
    the page says the same either way)."""
    account = _find(session, email)
    return account if account is not None and account.is_active else None


def consume_sign_in_link(session: Session, secret: str, token: str) -> PortalAccount:
    """The account a one-time link signs in; the sign-in it records makes the
    same link invalid afterwards."""
    return _account_from_token(session, secret, SIGN_IN_LINK, token,
                               int(rules.SIGN_IN_LINK_MAX_AGE.total_seconds()), _link_state)


# --- passwords -------------------------------------------------------------------------

def _set_password(account: PortalAccount, password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise PortalError(f"password_{problem}")
    account.password_hash = hash_password(password)


def authenticate(session: Session, email: str, password: str, now: datetime | None = None) -> PortalAccount:
    """The active account with these credentials. Failures in a row slow the
    next attempts down (``rules.throttle_delay``): an attempt made too early
    is refused without checking the password (``PortalError("throttled")``)."""
    now = now or utcnow()
    account = _find(session, email)
    if account is None or account.password_hash is None:
        check_password_hash(_DUMMY_HASH, password or "")
        raise PortalError("wrong_credentials")
    retry_at = rules.retry_allowed_at(account.last_failure_at, account.failed_attempts)
    if retry_at is not None and now < retry_at:
        raise PortalError("throttled", retry_at)
    if not check_password_hash(account.password_hash, password or "") or not account.is_active:
        _note_failure(session, account, now)
        raise PortalError("wrong_credentials")
    return account


def _note_failure(session: Session, account: PortalAccount, now: datetime) -> None:
    """Count the failure without bumping the row's version (not an edit)."""
    session.execute(update(PortalAccount).where(PortalAccount.id == account.id).values(
        failed_attempts=PortalAccount.failed_attempts + 1, last_failure_at=now))
    audit.record(session, actor_of(account), "portal_account.sign_in_failed", "portal_account", account.id)


def change_password(session: Session, account: PortalAccount, current: str, new: str,
                    keep_session_id: int | None) -> None:
    """Change the password; every other session of the account ends."""
    if not check_password_hash(account.password_hash or _DUMMY_HASH, current or ""):
        raise PortalError("wrong_password")
    _set_password(account, new)
    _end_sessions(session, account.id, keep=keep_session_id)
    audit.record(session, actor_of(account), "portal_account.change_password", "portal_account", account.id)


# --- sessions --------------------------------------------------------------------------

def open_session(session: Session, account: PortalAccount, method: str, user_agent: str | None,
                 ip_address: str | None, now: datetime | None = None) -> str:
    """Record the sign-in and open a session; returns the cookie's token."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.execute(update(PortalAccount).where(PortalAccount.id == account.id).values(
        last_sign_in_at=now, failed_attempts=0, last_failure_at=None))
    session.add(PortalSession(account_id=account.id, token_digest=PortalSession.digest(token), method=method,
                              user_agent=(user_agent or "")[:300] or None, ip_address=ip_address,
                              last_seen_at=now))
    audit.record(session, actor_of(account), "portal_account.sign_in", "portal_account", account.id,
                 after={"method": method})
    return token


def session_for(session: Session, token: str, now: datetime | None = None) -> PortalSession | None:
    """The live session of this cookie token, with an active account."""
    now = now or utcnow()
    found = session.scalar(select(PortalSession).where(PortalSession.token_digest == PortalSession.digest(token),
                                                       PortalSession.ended_at.is_(None)))
    if found is None or rules.session_expired(found.last_seen_at, now):
        return None
    account = session.get(PortalAccount, found.account_id)
    if account is None or not account.is_active:
        return None
    return found


def needs_touch(portal_session: PortalSession, now: datetime | None = None) -> bool:
    """Whether to note the session as seen: at most once a minute, so that
    reading pages does not write on every request."""
    return (now or utcnow()) - portal_session.last_seen_at >= rules.SESSION_TOUCH_INTERVAL


def touch(session: Session, portal_session: PortalSession, now: datetime | None = None) -> None:
    session.execute(update(PortalSession).where(PortalSession.id == portal_session.id)
                    .values(last_seen_at=now or utcnow()))


def live_sessions(session: Session, account_id: int) -> list[PortalSession]:
    return list(session.scalars(select(PortalSession).where(PortalSession.account_id == account_id,
                                                            PortalSession.ended_at.is_(None))
                                .order_by(PortalSession.last_seen_at.desc())))


def end_session(session: Session, account: PortalAccount, session_id: int) -> bool:
    """End one of the account's own sessions; False if not theirs or ended."""
    ended = session.execute(update(PortalSession).where(
        PortalSession.id == session_id, PortalSession.account_id == account.id,
        PortalSession.ended_at.is_(None)).values(ended_at=utcnow())).rowcount
    if ended:
        audit.record(session, actor_of(account), "portal_account.end_session", "portal_account", account.id,
                     after={"session_id": session_id})
    return bool(ended)


def _end_sessions(session: Session, account_id: int, keep: int | None = None) -> None:
    statement = update(PortalSession).where(PortalSession.account_id == account_id,
                                            PortalSession.ended_at.is_(None))
    if keep is not None:
        statement = statement.where(PortalSession.id != keep)
    session.execute(statement.values(ended_at=utcnow()))


# --- contact details ---------------------------------------------------------------------

PHONE_CHARACTERS = set("0123456789 +.()-")


def update_contact_details(session: Session, account: PortalAccount, target, form: dict, *,
                           with_address: bool) -> dict:
    """The client's phone (and, for an individual, postal address); returns
    the problems by field (nothing written when there are any)."""
    phone = (form.get("phone") or "").strip()
    problems = {}
    if phone and (not set(phone) <= PHONE_CHARACTERS or sum(c.isdigit() for c in phone) < 9):
        problems["phone"] = "phone_invalid"
    values = {"phone": phone or None}
    if with_address:
        for name in ("address_line1", "postal_code", "city"):
            if not (form.get(name) or "").strip():
                problems[name] = "required"
        if (form.get("postal_code") or "").strip() and not rules.POSTCODE.match(form["postal_code"].strip()):
            problems["postal_code"] = "postcode_invalid"
        values |= {name: (form.get(name) or "").strip() or None for name in
                   ("address_line1", "address_line2", "postal_code", "city")}
    if problems:
        return problems
    before = {name: getattr(target, name) for name in values}
    for name, value in values.items():
        setattr(target, name, value)
    if isinstance(target, Client):
        target.search_vector = crm.search_vector(
            {name: getattr(target, name) for name in crm.IDENTITY_FIELDS} | {"reference": target.reference})
    audit.record(session, actor_of(account), "client.contact_details_update",
                 "contact" if isinstance(target, Contact) else "client", target.id, before=before, after=values)
    return {}
