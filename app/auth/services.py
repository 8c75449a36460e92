"""Staff accounts: sign-in, invitations, password resets, roles."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.security import check_password_hash, generate_password_hash

from app.audit import services as audit
from app.auth import tokens
from app.auth.models import User
from app.auth.rules import Role, is_last_admin_change, password_problem
from app.columns import utcnow
from tenants import bound_schema

INVITATION = "invitation"
RESET = "password-reset"
HANDOFF = "sign-in-handoff"

#: Compared against when the email is unknown, so both paths cost one hash check.
_DUMMY_HASH = generate_password_hash("assurdesk-timing-equaliser")


def hash_password(password: str) -> str:
    """The stored hash of ``password``, by the configured method (werkzeug's
    scrypt by default; tests choose a cheap one, see ``PASSWORD_HASH_METHOD``)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


class AccountError(Exception):
    """A staff account operation refused; ``code`` names why (translated by views)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.is_active.desc(), User.full_name)))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None."""
    user = find_by_email(session, email)
    if user is None or user.password_hash is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.is_active:
        return None
    return user


def record_sign_in(session: Session, user: User) -> None:
    """Note the sign-in without bumping the row's version: signing in is not an
    edit that should make an admin's open form stale."""
    session.execute(update(User).where(User.id == user.id).values(last_login_at=utcnow()))
    audit.record(session, user, "user.sign_in", "user", user.id)
    session.commit()


def _check_password(password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise AccountError(f"password_{problem}")


def create_user(
    session: Session, actor: User | None, *, email: str, full_name: str, role: Role, password: str | None
) -> User:
    """Add a staff user; without a password, they are invited to set one."""
    email = normalise_email(email)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise AccountError("email_invalid") from exc
    if find_by_email(session, email) is not None:
        raise AccountError("email_taken")
    if password is not None:
        _check_password(password)
    user = User(
        email=email,
        full_name=full_name.strip(),
        role=Role(role).value,
        password_hash=hash_password(password) if password else None,
        invited_at=None if password else utcnow(),
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create" if password else "user.invite", "user", user.id,
                 after={"email": email, "full_name": user.full_name, "role": user.role})
    return user


def invitation_token(session: Session, secret: str, user: User) -> str:
    return tokens.make_token(secret, INVITATION, bound_schema(session), user.id, _pending_state(user))


def _pending_state(user: User) -> str:
    return tokens.fingerprint(user.password_hash, user.invited_at)


def _user_from_token(session: Session, secret: str, purpose: str, token: str, max_age: int, state) -> User:
    user_id, state_seen = tokens.read_token(secret, purpose, token, bound_schema(session), max_age)
    user = session.get(User, user_id)
    if user is None or not user.is_active or state(user) != state_seen:
        raise tokens.InvalidToken("used")
    return user


def invited_user(session: Session, secret: str, token: str, max_age: int) -> User:
    """Return the user an invitation link is for; raise InvalidToken otherwise."""
    return _user_from_token(session, secret, INVITATION, token, max_age, _pending_state)


def accept_invitation(session: Session, secret: str, token: str, max_age: int, password: str) -> User:
    user = invited_user(session, secret, token, max_age)
    _check_password(password)
    user.password_hash = hash_password(password)
    audit.record(session, user, "user.accept_invitation", "user", user.id)
    session.commit()
    return user


def _reset_state(user: User) -> str:
    return tokens.fingerprint(user.password_hash)


def password_reset_token(session: Session, secret: str, email: str) -> tuple[User, str] | None:
    """Return (user, token) for an active account with a password, else None."""
    user = find_by_email(session, email)
    if user is None or not user.is_active or user.password_hash is None:
        return None
    return user, tokens.make_token(secret, RESET, bound_schema(session), user.id, _reset_state(user))


def reset_user(session: Session, secret: str, token: str, max_age: int) -> User:
    return _user_from_token(session, secret, RESET, token, max_age, _reset_state)


def reset_password(session: Session, secret: str, token: str, max_age: int, password: str) -> User:
    user = reset_user(session, secret, token, max_age)
    _check_password(password)
    user.password_hash = hash_password(password)
    audit.record(session, user, "user.reset_password", "user", user.id)
    session.commit()
    return user


def _handoff_state(user: User) -> str:
    return tokens.fingerprint(user.last_login_at, user.password_hash)


def handoff_token(session: Session, secret: str, user: User) -> str:
    """A link that signs ``user`` in on the tenant's own host, once, shortly."""
    return tokens.make_token(secret, HANDOFF, bound_schema(session), user.id, _handoff_state(user))


def consume_handoff(session: Session, secret: str, token: str, max_age: int = 300) -> User:
    user = _user_from_token(session, secret, HANDOFF, token, max_age, _handoff_state)
    record_sign_in(session, user)
    return user


def _active_admins(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.ADMIN.value, User.is_active)
    ) or 0


def _load_for_edit(session: Session, user_id: int, version: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise AccountError("not_found")
    if user.version != version:
        raise AccountError("stale")
    return user


def update_user(
    session: Session, actor: User, user_id: int, *, version: int, role: str, is_active: bool
) -> User:
    """Change a colleague's role or deactivate them; refuse a stale edit and
    refuse to leave the firm without an active admin."""
    user = _load_for_edit(session, user_id, version)
    new_role = Role(role).value
    if is_last_admin_change(_active_admins(session), user.role, new_role, not is_active and user.is_active):
        raise AccountError("last_admin")
    before = {"role": user.role, "is_active": user.is_active}
    user.role, user.is_active = new_role, is_active
    after = {"role": user.role, "is_active": user.is_active}
    if before != after:
        audit.record(session, actor, "user.update", "user", user.id, before=before, after=after)
    try:
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise AccountError("stale") from exc
    return user
