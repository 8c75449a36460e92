"""A firm signs up, its admin invites a colleague by email, the colleague sets
a password and signs in: in Chromium, against the app served over HTTP, with
CSRF on, the real job worker and a real SMTP server."""

from __future__ import annotations

import time
import uuid

import pytest

pytestmark = pytest.mark.e2e

PASSWORD = "Une phrase de passe solide"
COLLEAGUE_PASSWORD = "Une autre phrase bien longue"


def wait_for_mail(mailbox, address: str, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while not mailbox.to(address):
        assert time.monotonic() < deadline, f"no mail reached {address}"
        time.sleep(0.1)
    return mailbox.to(address)[-1]


def assert_clean(problems, where: str) -> None:
    assert not problems.csp_violations, f"Content-Security-Policy violations on {where}: {problems.csp_violations}"
    assert not problems.page_errors, f"JavaScript errors on {where}: {problems.page_errors}"
    assert not problems.console_errors, f"console errors on {where}: {problems.console_errors}"
    assert not problems.http_errors, f"HTTP errors on {where}: {problems.http_errors}"


def test_firm_signs_up_invites_a_colleague_who_joins(
    live_server, open_page, mailbox, worker, make_tenant, screenshots
):
    slug = f"e2e-{uuid.uuid4().hex[:8]}"
    make_tenant.created.append(slug)  # deleted after the test, like the factory's own
    admin_email = f"anne.{slug}@example.fr"
    colleague_email = f"bruno.{slug}@example.fr"

    # 1. Sign up on the bare platform domain.
    page, problems = open_page()
    page.goto(f"{live_server.platform_url}/signup")
    form = page.get_by_test_id("signup-form")
    assert form.locator("input[name=csrf_token]").get_attribute("value"), "the sign-up form has no CSRF token"
    page.fill("#firm_name", "Cabinet Martin Assurances")
    page.fill("#slug", slug)
    page.fill("#siren", "732829320")
    page.fill("#orias", "07012345")
    page.fill("#admin_name", "Anne Martin")
    page.fill("#email", admin_email)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    form.locator("button[type=submit]").click()

    # 2. Lands signed in on the firm's own host: the dashboard.
    page.wait_for_url(live_server.tenant_url(slug, "/"))
    assert "Anne Martin" in page.get_by_test_id("current-user").inner_text()
    assert "Cabinet Martin Assurances" in page.locator(".navbar-brand").inner_text()
    assert page.locator("h1").inner_text().endswith("Anne Martin")
    page.screenshot(path=screenshots / "dashboard-admin.png", full_page=True, caret="initial")
    assert_clean(problems, "sign-up and dashboard")

    # 3. Settings > Team: invite a colleague.
    page.goto(live_server.tenant_url(slug, "/settings/team"))
    invite = page.get_by_test_id("invite-form")
    assert invite.locator("input[name=csrf_token]").get_attribute("value"), "the invite form has no CSRF token"
    invite.locator("#full_name").fill("Bruno Petit")
    invite.locator("#email").fill(colleague_email)
    invite.locator("#role").select_option("handler")
    invite.locator("button[type=submit]").click()
    page.wait_for_url(live_server.tenant_url(slug, "/settings/team"))
    page.wait_for_load_state()
    assert page.locator(".alert-success").count() == 1, page.content()
    row = page.get_by_test_id("team-table").locator("tr", has_text=colleague_email)
    assert row.count() == 1
    assert "Bruno Petit" in row.inner_text()
    page.screenshot(path=screenshots / "team.png", full_page=True, caret="initial")
    assert_clean(problems, "the team page")

    # 4. The worker delivers the invitation to the SMTP server.
    worker()
    message = wait_for_mail(mailbox, colleague_email)
    assert "Cabinet Martin Assurances" in message["Subject"]
    link = mailbox.link(colleague_email)
    assert link.startswith(live_server.tenant_url(slug, "/invitation/")), link

    # 5. The colleague opens the link in a browser of their own and sets a password.
    colleague, colleague_problems = open_page()
    colleague.goto(link)
    assert colleague.locator("main form input[name=csrf_token]").get_attribute("value")
    assert colleague_email in colleague.locator("main").inner_text()
    colleague.fill("#password", COLLEAGUE_PASSWORD)
    colleague.fill("#confirm", COLLEAGUE_PASSWORD)
    colleague.locator("main form button[type=submit]").click()
    colleague.wait_for_url(live_server.tenant_url(slug, "/login"))
    assert colleague.locator(".alert-success").count() == 1

    # 6. Signs in and sees the dashboard with their name.
    colleague.fill("#email", colleague_email)
    colleague.fill("#password", COLLEAGUE_PASSWORD)
    colleague.locator("main form button[type=submit]").click()
    colleague.wait_for_url(live_server.tenant_url(slug, "/"))
    assert "Bruno Petit" in colleague.get_by_test_id("current-user").inner_text()
    assert colleague.locator("h1").inner_text().endswith("Bruno Petit")
    colleague.screenshot(path=screenshots / "dashboard-colleague.png", full_page=True, caret="initial")
    assert_clean(colleague_problems, "the colleague's pages")

    # The invitation link is single-use.
    again, _ = open_page()
    response = again.goto(link)
    assert response.status == 410


def test_csp_violations_reach_the_console_listener(live_server, open_page):
    """The CSP check above is not vacuous: an inline script is refused and
    the refusal is seen by the listener."""
    page, problems = open_page()
    page.goto(f"{live_server.platform_url}/signup")
    assert "script-src 'self'" in page.evaluate(
        "async () => (await fetch(location.href)).headers.get('content-security-policy')"
    )
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.pwned = 1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.pwned") is None
    assert problems.csp_violations, problems.console_errors
