"""Staff sign-in, password reset, invitations, roles and deactivation."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from tests.conftest import TenantFactory, add_user, sign_in


def test_wrong_password_is_refused_with_a_message(client_for, tenant):
    client = client_for(tenant)
    response = sign_in(client, "admin@example.fr", "not the password")
    assert response.status_code == 401
    assert client.get("/").status_code == 302


def test_sign_out_ends_the_session(admin_client):
    assert admin_client.get("/").status_code == 200
    assert admin_client.post("/logout").status_code == 303
    assert admin_client.get("/").status_code == 302


def test_next_parameter_only_redirects_inside_the_site(client_for, tenant):
    client = client_for(tenant)
    response = client.post("/login", data={"email": "admin@example.fr", "password": TenantFactory.PASSWORD,
                                           "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_repeated_failed_logins_are_slowed_down(app, client_for, tenant):
    client = client_for(tenant)
    codes = [sign_in(client, "admin@example.fr", "wrong").status_code for _ in range(6)]
    assert codes[:5] == [401] * 5
    assert codes[5] == 429
    assert sign_in(client, "admin@example.fr").status_code == 429
    assert sign_in(client, "other@example.fr", "wrong").status_code == 401, "keyed per email"


def test_password_reset_link_works_once(app, client_for, tenant, mailbox, jobs):
    client = client_for(tenant)
    assert client.post("/password/forgot", data={"email": "admin@example.fr"}).status_code == 303
    jobs()
    link = mailbox.link("admin@example.fr")
    path = re.sub(r"^https?://[^/]+", "", link)
    assert client.get(path).status_code == 200
    new = {"password": "a brand new passphrase", "confirm": "a brand new passphrase"}
    assert client.post(path, data=new).status_code == 303
    assert client.post(path, data=new).status_code == 410, "single use"
    assert sign_in(client, "admin@example.fr").status_code == 401
    assert sign_in(client, "admin@example.fr", "a brand new passphrase").status_code == 303


def test_password_reset_for_unknown_email_says_the_same_and_sends_nothing(client_for, tenant, mailbox, jobs):
    client = client_for(tenant)
    response = client.post("/password/forgot", data={"email": "nobody@example.fr"}, follow_redirects=True)
    assert response.status_code == 200
    jobs()
    assert mailbox.messages == []


def test_a_reset_link_of_another_tenant_is_refused(app, make_tenant, client_for, mailbox, jobs):
    alpha, bravo = make_tenant("a"), make_tenant("b")
    client_for(alpha).post("/password/forgot", data={"email": "admin@example.fr"})
    jobs()
    path = re.sub(r"^https?://[^/]+", "", mailbox.link("admin@example.fr"))
    assert client_for(bravo).get(path).status_code == 410


def test_tampered_and_expired_links_are_refused(app, client_for, tenant):
    client = client_for(tenant)
    assert client.get("/password/reset/not-a-token").status_code == 410
    assert client.get("/invitation/not-a-token").status_code == 410
    assert client.get("/welcome/not-a-token").status_code == 410


def test_invited_colleague_sets_a_password_once_and_signs_in(admin_client, client_for, tenant, mailbox, jobs):
    response = admin_client.post("/settings/team/invite",
                                 data={"full_name": "Bruno Petit", "email": "Bruno@Example.fr", "role": "handler"})
    assert response.status_code == 303
    jobs()
    path = re.sub(r"^https?://[^/]+", "", mailbox.link("bruno@example.fr"))
    colleague = client_for(tenant)
    page = colleague.get(path)
    assert page.status_code == 200 and "Bruno Petit" in page.text
    short = colleague.post(path, data={"password": "short", "confirm": "short"})
    assert short.status_code == 200, "the form is shown again with the error"
    data = {"password": "bruno's long passphrase", "confirm": "bruno's long passphrase"}
    assert colleague.post(path, data=data).status_code == 303
    assert colleague.post(path, data=data).status_code == 410
    assert sign_in(colleague, "bruno@example.fr", "bruno's long passphrase").status_code == 303
    assert colleague.get("/").status_code == 200


def test_inviting_an_existing_email_is_refused_next_to_the_field(admin_client):
    response = admin_client.post("/settings/team/invite",
                                 data={"full_name": "Anne", "email": "admin@example.fr", "role": "handler"})
    assert response.status_code == 422
    assert "invalid-feedback" in response.text


@pytest.mark.parametrize("role", ["manager", "handler", "readonly"])
def test_only_admins_manage_the_team(app, client_for, tenant, role):
    add_user(app, tenant, f"{role}@example.fr", role)
    client = client_for(tenant)
    assert sign_in(client, f"{role}@example.fr").status_code == 303
    assert client.get("/").status_code == 200
    assert client.get("/settings/team").status_code == 403
    assert client.post("/settings/team/invite", data={"full_name": "X", "email": "x@example.fr",
                                                      "role": "admin"}).status_code == 403
    assert client.post("/settings/team/1", data={"role": "readonly", "version": 1}).status_code == 403
    assert client.get("/settings/audit").status_code == 403


def test_read_only_users_cannot_post_anywhere(app, client_for, tenant):
    add_user(app, tenant, "reader@example.fr", "readonly")
    client = client_for(tenant)
    sign_in(client, "reader@example.fr")
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if "POST" not in rule.methods or getattr(view, "is_public", False):
            continue
        # the portal is the clients' population, with its own sign-in (tests/integration/test_portal_*.py)
        if rule.endpoint.split(".")[0] in {"platform", "web", "portal"} or rule.endpoint == "auth.sign_out":
            continue
        url = rule.build({arg: 1 for arg in rule.arguments}, append_unknown=False)[1]
        assert client.post(url).status_code == 403, rule.rule


def test_deactivated_colleague_is_signed_out_at_once(app, admin_client, client_for, tenant):
    user_id = add_user(app, tenant, "leaver@example.fr", "handler")
    leaver = client_for(tenant)
    sign_in(leaver, "leaver@example.fr")
    assert leaver.get("/").status_code == 200
    response = admin_client.post(f"/settings/team/{user_id}", data={"role": "handler", "version": 1})
    assert response.status_code == 303
    assert leaver.get("/").status_code == 302
    assert sign_in(leaver, "leaver@example.fr").status_code == 401


def test_the_last_admin_cannot_demote_themself(admin_client):
    response = admin_client.post("/settings/team/1", data={"role": "handler", "is_active": "y", "version": 1})
    assert response.status_code == 422
    assert "is-invalid" in response.text, "shown next to the role field"
    assert admin_client.get("/settings/team").status_code == 200


def test_a_stale_edit_is_refused(app, admin_client, tenant):
    user_id = add_user(app, tenant, "bob@example.fr", "handler")
    first = admin_client.post(f"/settings/team/{user_id}", data={"role": "manager", "is_active": "y", "version": 1})
    assert first.status_code == 303
    stale = admin_client.post(f"/settings/team/{user_id}", data={"role": "readonly", "is_active": "y", "version": 1})
    assert stale.status_code == 409


def test_editing_a_user_of_another_tenant_is_404(app, make_tenant, client_for):
    alpha, bravo = make_tenant("a"), make_tenant("b")
    add_user(app, bravo, "only-in-bravo@example.fr", "handler")
    client = client_for(alpha)
    sign_in(client, "admin@example.fr")
    assert client.get("/settings/team/2").status_code == 404
    assert client.post("/settings/team/2", data={"role": "admin", "is_active": "y", "version": 1}).status_code == 404


def test_user_changes_are_in_the_audit_log(app, admin_client, tenant, bound):
    user_id = add_user(app, tenant, "carl@example.fr", "handler")
    admin_client.post(f"/settings/team/{user_id}", data={"role": "manager", "is_active": "y", "version": 1})
    with bound(tenant) as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "user.update")).one()
        assert entry.actor_label == "admin@example.fr"
        assert entry.before == {"role": "handler", "is_active": True}
        assert entry.after == {"role": "manager", "is_active": True}
    assert "user.update" in admin_client.get("/settings/audit").text


def test_bad_input_never_gives_a_500(admin_client):
    assert admin_client.post("/settings/team/1", data={"role": "emperor", "version": "x"}).status_code == 200
    assert admin_client.post("/settings/team/invite", data={"email": "not-an-email"}).status_code == 422
    assert admin_client.get("/settings/audit?page=-3").status_code == 200
    assert admin_client.get("/settings/team/999999").status_code == 404


def test_only_team_managers_see_recent_activity_on_the_dashboard(app, admin_client, client_for, tenant):
    add_user(app, tenant, "handler@example.fr", "handler")
    handler = client_for(tenant)
    sign_in(handler, "handler@example.fr")
    assert 'data-action="user.sign_in"' not in handler.get("/").text
    assert 'data-action="user.sign_in"' in admin_client.get("/").text
