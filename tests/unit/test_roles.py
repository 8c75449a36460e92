"""Who may do what in the workspace."""

import pytest

from app.auth.rules import Permission, Role, can, default_permission, is_last_admin_change, password_problem


def test_admin_can_do_everything():
    assert all(can(Role.ADMIN, permission) for permission in Permission)


@pytest.mark.parametrize(
    "role, allowed",
    [
        (Role.MANAGER, {Permission.READ, Permission.WRITE, Permission.SUPERVISE, Permission.MANAGE_CATALOG}),
        (Role.HANDLER, {Permission.READ, Permission.WRITE}),
        (Role.READONLY, {Permission.READ}),
    ],
)
def test_other_roles(role, allowed):
    assert {p for p in Permission if can(role, p)} == allowed


def test_only_admins_manage_the_team():
    assert [r for r in Role if can(r, Permission.MANAGE_TEAM)] == [Role.ADMIN]


def test_unknown_role_grants_nothing():
    assert not can("superuser", Permission.READ)


@pytest.mark.parametrize("method, permission", [("GET", Permission.READ), ("HEAD", Permission.READ),
                                                ("POST", Permission.WRITE), ("DELETE", Permission.WRITE),
                                                ("patch", Permission.WRITE)])
def test_default_permission_follows_the_method(method, permission):
    assert default_permission(method) == permission


def test_password_rules():
    assert password_problem("short") == "too_short"
    assert password_problem("aaaaaaaaaaaa") == "too_repetitive"
    assert password_problem("correct horse battery") is None


def test_the_last_active_admin_cannot_be_demoted_or_deactivated():
    assert is_last_admin_change(1, "admin", "handler", False)
    assert is_last_admin_change(1, "admin", "admin", True)
    assert not is_last_admin_change(2, "admin", "handler", True)
    assert not is_last_admin_change(1, "handler", "readonly", True)
    assert not is_last_admin_change(1, "admin", "admin", False)
