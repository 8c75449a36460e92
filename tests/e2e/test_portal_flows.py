"""The policyholder portal end to end, in Chromium against the app served
over HTTP (CSRF on), with the real job worker and a real SMTP server:

a handler invites the client from the client page -> the client asks for a
one-time sign-in link, reads it from the mailbox and confirms -> downloads
the certificate of their motor contract (the PDF's text checked) ->
declares a collision with a photo -> the handler sees the claim and its
thumbnail in the workspace -> the client cancels their home contract in
three clicks and gets the acknowledgement with the effective date.

Screenshots of the main portal pages at phone and desktop widths go to
``tests/e2e/screenshots/`` (git-ignored) or ``$E2E_SCREENSHOTS``."""

from __future__ import annotations

import io
import os
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest
from babel.dates import format_date
from PIL import Image
from sqlalchemy import select

from tests.conftest import TenantFactory, add_user
from tests.e2e.test_signup_invite import assert_clean
from tests.integration.test_contracts import make_insurer

pytestmark = pytest.mark.e2e

EMAIL = "lea.martin@example.fr"
HANDLER = "handler@example.fr"
REGISTRATION = "GH-123-JK"
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
LINK = r"https?://\S+/portal/login/link/\S+"


@pytest.fixture
def portal_screenshots() -> Path:
    """Where the portal's screenshots go, kept after the run for a person to look at."""
    target = Path(os.environ.get("E2E_SCREENSHOTS") or Path(__file__).parent / "screenshots")
    target.mkdir(parents=True, exist_ok=True)
    return target


def _contract(session, client_id: int, insurer_id: int, **terms) -> int:
    from app.contracts import services as contracts

    contract = contracts.create(session, None, contracts.Terms(client_id=client_id, insurer_id=insurer_id, **terms))
    return contract.id


@pytest.fixture
def household(app, bound, tenant):
    """Léa Martin with an email, a home contract over a year old (loi Hamon
    applies) and a motor contract whose risk names the vehicle, so that a
    certificate can be issued; and a handler of the firm."""
    from app.crm import services as clients

    insurer_id = make_insurer(bound, tenant)
    add_user(app, tenant, HANDLER, "handler")
    with bound(tenant) as session:
        client = clients.create(session, None, {"kind": "individual", "first_name": "Léa", "last_name": "Martin",
                                                "email": EMAIL})
        home = _contract(session, client.id, insurer_id, line="home", label="Habitation, 12 rue des Lilas",
                         policy_number="MRH-2024-0042", effective_date=date.today() - timedelta(days=400),
                         premium_net=Decimal("310.00"), guarantees=[
                             {"code": "water_damage", "included": True, "ceiling": "50000.00", "deductible": "150.00"},
                             {"code": "fire", "included": True, "ceiling": "300000.00", "deductible": "150.00"}])
        motor = _contract(session, client.id, insurer_id, line="motor", label="Peugeot 208",
                          policy_number="AUTO-2026-0077", effective_date=date.today() - timedelta(days=30),
                          premium_net=Decimal("640.00"), instalment_plan="monthly",
                          risk={"vehicle": "Peugeot 208", "registration": REGISTRATION}, guarantees=[
                              {"code": "third_party", "included": True, "ceiling": "1000000.00", "deductible": None},
                              {"code": "all_risks", "included": True, "ceiling": None, "deductible": "300.00"}])
        session.commit()
        return {"client": client.id, "home": home, "motor": motor}


def photo_file(directory: Path) -> Path:
    """A real JPEG, as a phone would send it."""
    path = directory / "choc-avant.jpg"
    Image.new("RGB", (1600, 1200), (180, 40, 40)).save(path, format="JPEG")
    return path


def shoot(page, directory: Path, name: str) -> None:
    """The page at phone then desktop width; on the phone nothing may stick
    out sideways (the page must not scroll horizontally)."""
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        if width == "phone":
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} is {overflow}px wider than a phone's screen"
        page.screenshot(path=directory / f"portal-{name}-{width}.png", full_page=True)


def _sign_in_staff(page, live_server, slug: str, email: str) -> None:
    page.goto(live_server.tenant_url(slug, "/login"))
    page.fill("#email", email)
    page.fill("#password", TenantFactory.PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.tenant_url(slug, "/"))


def invite_from_the_client_page(page, live_server, slug: str, client_id: int) -> None:
    page.goto(live_server.tenant_url(slug, f"/clients/{client_id}"))
    section = page.get_by_test_id("client-portal")  # loaded by htmx into the client page
    section.locator("button[type=submit]", has_text="Invite to the client space").click()
    page.wait_for_url(re.compile(rf".*/clients/{client_id}(#client-portal)?$"))
    assert EMAIL in page.get_by_test_id("client-portal").inner_text()
    assert "Invited" in page.get_by_test_id("client-portal").inner_text()


def sign_in_with_a_link(page, live_server, slug: str, mailbox, worker) -> None:
    page.goto(live_server.tenant_url(slug, "/portal/login"))
    page.get_by_role("link", name="Sign in with a link by email instead").click()
    page.fill("input[name=email]", EMAIL)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.tenant_url(slug, "/portal/login"))
    worker()  # the email job: sent to the test's SMTP server
    link = mailbox.link(EMAIL, LINK)
    assert link.startswith(live_server.tenant_url(slug, "/portal/login/link/"))
    page.goto(link)
    page.get_by_role("button", name="Open my client space").click()
    page.wait_for_url(live_server.tenant_url(slug, "/portal/"))


def download_certificate(page, problems, live_server, slug: str, contract_id: int) -> str:
    page.goto(live_server.tenant_url(slug, f"/portal/contracts/{contract_id}"))
    with page.expect_download() as download:
        page.get_by_test_id("download-attestation").click()
    assert download.value.suggested_filename.endswith(".pdf")
    # Chromium reports the navigation that turned into a download as aborted: that one is expected.
    problems.http_errors[:] = [error for error in problems.http_errors
                               if error != f"failed GET {download.value.url}: net::ERR_ABORTED"]
    reader = pypdf.PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    return " ".join(pdf_page.extract_text() for pdf_page in reader.pages)


def declare_collision(page, live_server, slug: str, contract_id: int, photo: Path, screenshots: Path) -> str:
    page.goto(live_server.tenant_url(slug, f"/portal/contracts/{contract_id}"))
    page.get_by_test_id("declare-claim").click()
    page.wait_for_url(re.compile(rf".*/portal/contracts/{contract_id}/claims/new$"))
    page.select_option("#claim-kind", "collision")
    page.fill("#claim-occurred_on", (date.today() - timedelta(days=1)).isoformat())
    page.fill("#claim-occurred_time", "08:15")
    page.fill("#claim-place", "Carrefour du boulevard Vivier-Merle, Lyon")
    page.fill("#claim-circumstances", "Le véhicule devant moi a freiné brusquement ; choc à l'avant.")
    page.fill("#claim-third_party_name", "Marc Petit")
    page.fill("#claim-third_party_insurer", "Assur Bêta")
    page.fill("#claim-third_party_registration", "AB-123-CD")
    page.check("#police_report-no")
    page.check("#injured-no")
    page.fill("#claim-vehicle_registration", REGISTRATION)
    page.check("#vehicle_drivable-yes")
    page.get_by_test_id("claim-files").set_input_files(photo)
    shoot(page, screenshots, "claim-form")
    page.get_by_role("button", name="Declare my claim").click()
    page.wait_for_url(re.compile(r".*/portal/claims/\d+$"))
    reference = page.get_by_test_id("claim-reference").inner_text().strip()
    assert re.fullmatch(r"SIN-\d{6}", reference), reference
    assert reference in page.locator(".alert-success").inner_text()
    assert "What to do now" in page.get_by_test_id("claim-procedure").inner_text()
    wait_for_images(page, page.get_by_test_id("claim-attachments").locator("img"))
    shoot(page, screenshots, "claim")
    return reference


def wait_for_images(page, images) -> None:
    """Until every image of ``images`` is loaded and shows something."""
    assert images.count() >= 1
    for index in range(images.count()):
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=images.nth(index).element_handle())


def handler_sees_the_claim(page, live_server, slug: str, reference: str) -> None:
    page.goto(live_server.tenant_url(slug, "/claims"))
    page.get_by_test_id("claims-table").get_by_role("link", name=reference).click()
    page.wait_for_url(re.compile(r".*/claims/\d+$"))
    assert "freiné brusquement" in page.get_by_test_id("claim-declaration").inner_text()
    thumbnails = page.get_by_test_id("claim-attachments").locator("img.claim-thumb")
    wait_for_images(page, thumbnails)
    assert thumbnails.count() == 1


def cancel_in_three_clicks(page, live_server, slug: str, contract_id: int, screenshots: Path) -> str:
    page.goto(live_server.tenant_url(slug, f"/portal/contracts/{contract_id}"))
    page.get_by_role("link", name="Cancel your contract").click()                          # click 1
    page.wait_for_url(re.compile(rf".*/portal/contracts/{contract_id}/cancel$"))
    page.get_by_label("The premium is too high").check()
    page.get_by_role("button", name="Continue").click()                                    # click 2
    effective = page.get_by_test_id("effective-date").inner_text().strip()
    assert "loi Hamon" in page.get_by_test_id("cancel-summary").inner_text()
    shoot(page, screenshots, "cancel-summary")
    page.get_by_role("button", name="Confirm my cancellation request").click()            # click 3
    page.wait_for_url(re.compile(rf".*/portal/contracts/{contract_id}/cancellation$"))
    assert effective in page.get_by_test_id("cancel-receipt").inner_text()
    shoot(page, screenshots, "cancel-receipt")
    return effective


def test_a_client_signs_in_by_link_downloads_a_certificate_declares_a_claim_and_cancels(
        live_server, open_page, tenant, household, bound, mailbox, worker, tmp_path, portal_screenshots):
    from app.claims.models import Claim
    from app.contracts.models import Cancellation
    from app.contracts.rules import add_months

    slug, shots = tenant.slug, portal_screenshots

    # 1. The handler invites Léa from her client page; the worker emails the invitation.
    staff, staff_problems = open_page()
    _sign_in_staff(staff, live_server, slug, HANDLER)
    invite_from_the_client_page(staff, live_server, slug, household["client"])
    worker()
    assert "/portal/invitation/" in mailbox.link(EMAIL)

    # 2. Léa signs in with a one-time link read from the mailbox, confirmed by a click.
    page, problems = open_page()
    sign_in_with_a_link(page, live_server, slug, mailbox, worker)
    listing = page.get_by_test_id("portal-contracts").inner_text()
    assert "Peugeot 208" in listing and "Habitation, 12 rue des Lilas" in listing
    shoot(page, shots, "home")

    # 3. The certificate of her motor contract, as a downloaded PDF.
    text = download_certificate(page, problems, live_server, slug, household["motor"])
    assert REGISTRATION in text and "Martin" in text, text[:500]
    page.reload()
    assert "verification code" in page.locator("main").inner_text()
    shoot(page, shots, "contract")

    # 4. A collision with a photo: the claim number, then the handler sees it with its thumbnail.
    reference = declare_collision(page, live_server, slug, household["motor"], photo_file(tmp_path), shots)
    handler_sees_the_claim(staff, live_server, slug, reference)
    with bound(tenant) as session:
        claim = session.scalar(select(Claim).where(Claim.reference == reference))
        assert claim.contract_id == household["motor"] and claim.kind == "collision" and claim.channel == "portal"

    # 5. The home contract cancelled in three clicks; the acknowledgement gives the effective date.
    effective = cancel_in_three_clicks(page, live_server, slug, household["home"], shots)
    expected = add_months(date.today(), 1)  # loi Hamon: one month after the notice
    assert effective == format_date(expected, "long", locale="en")
    with bound(tenant) as session:
        cancellation = session.scalar(select(Cancellation).where(Cancellation.contract_id == household["home"]))
        assert cancellation.effective_on == expected and cancellation.requested_by == "client"

    # 6. The account page: her session, opened by the link, on this device.
    page.get_by_role("link", name="My account").click()
    page.wait_for_url(live_server.tenant_url(slug, "/portal/account"))
    assert "This device" in page.get_by_test_id("portal-sessions").inner_text()
    shoot(page, shots, "account")

    assert_clean(problems, "the portal's pages")
    assert_clean(staff_problems, "the handler's pages")
