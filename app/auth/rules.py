"""Staff roles and what each may do. Pure: no DB, no Flask."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    HANDLER = "handler"
    READONLY = "readonly"


class Permission(StrEnum):
    READ = "read"
    WRITE = "write"
    SUPERVISE = "supervise"
    MANAGE_TEAM = "manage_team"
    MANAGE_CATALOG = "manage_catalog"


#: Admin manages the firm and its team; a manager supervises handlers' work
#: and keeps the insurer panel and catalog (products, tariffs, tax rates);
#: an account handler (gestionnaire) works the portfolio; read-only looks.
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.MANAGER: frozenset({Permission.READ, Permission.WRITE, Permission.SUPERVISE, Permission.MANAGE_CATALOG}),
    Role.HANDLER: frozenset({Permission.READ, Permission.WRITE}),
    Role.READONLY: frozenset({Permission.READ}),
}

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

MIN_PASSWORD_LENGTH = 10


def can(role: str, permission: Permission) -> bool:
    """Return whether ``role`` grants ``permission`` (unknown roles grant nothing)."""
    try:
        return permission in PERMISSIONS[Role(role)]
    except ValueError:
        return False


def default_permission(method: str) -> Permission:
    """Reading needs READ, any unsafe method needs WRITE."""
    return Permission.READ if method.upper() in SAFE_METHODS else Permission.WRITE


def password_problem(password: str) -> str | None:
    """Return why ``password`` is too weak, or None (ANSSI: length over rules)."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return "too_short"
    if password.strip() != password and not password.strip():
        return "blank"
    if len(set(password)) < 4:
        return "too_repetitive"
    return None


def is_last_admin_change(admin_count: int, user_role: str, new_role: str | None, deactivating: bool) -> bool:
    """Return whether a change would leave the firm with no active admin."""
    if user_role != Role.ADMIN or admin_count > 1:
        return False
    return deactivating or (new_role is not None and new_role != Role.ADMIN)
