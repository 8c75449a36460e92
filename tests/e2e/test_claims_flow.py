"""Claims handling end to end, in Chromium against the app served over HTTP
(CSRF on), with the real job worker and a real SMTP server:

the client declares a home water-damage claim with a photo on the portal
and reads its number -> the handler finds it in the claims queue, confirms
the cover proposal (water damage, deductible 150 €) -> sends an expert,
whose mission letter (PDF) reaches the mailbox -> files the expert's report
(a PDF) with its conclusions -> enters the damage items, computes the
indemnity (agreed damages less the deductible) and records its payment to
the insured -> the claim is settled, and the client sees it settled with
the payment -> the client files a complaint, the handler acknowledges it and
rejects it within the deadlines, the answer letter names the firm's
mediator, and the client reads the answer in the portal.

Screenshots of the key steps go to ``$E2E_SCREENSHOTS`` or the test's tmp dir."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest
from babel.numbers import format_currency
from playwright.sync_api import expect
from sqlalchemy import select

from app.claims.models import Claim, ExpertMission
from app.claims.settlement_models import ClaimPayment
from app.complaints import mediator
from app.complaints.models import Complaint
from app.contracts import services as contracts
from app.crm import services as clients
from app.portal import services as portal
from app.providers import services as providers
from tests.conftest import add_user
from tests.e2e.test_portal_flows import EMAIL, _sign_in_staff, photo_file, sign_in_with_a_link, wait_for_images
from tests.e2e.test_signup_invite import assert_clean
from tests.integration.test_complaints import MEDIATOR
from tests.integration.test_contracts import make_insurer
from tests.integration.test_providers import EXPERT

pytestmark = pytest.mark.e2e

HANDLER = "claire.handler@example.fr"
EXPERT_EMAIL = "lyon@rhone-habitat.example"
DEDUCTIBLE = Decimal("150.00")
DAMAGES = (("Parquet du séjour", "1 900,00", "1 700,00", "1 700,00"),
           ("Peintures et plâtres", "900,00", "700,00", "700,00"))
AGREED = Decimal("2400.00")
INDEMNITY = AGREED - DEDUCTIBLE
ANSWER = "Le délai d'indemnisation a respecté les engagements du cabinet ; nous maintenons notre position."


def euros(amount: Decimal) -> str:
    """An amount as the English pages show it (the tests' locale)."""
    return format_currency(amount, "EUR", locale="en")


def shot(page, directory: Path, name: str) -> None:
    # caret="initial": Playwright would otherwise hide the caret with a style attribute (a CSP report).
    page.screenshot(path=directory / f"claims-{name}.png", full_page=True, caret="initial")


def flashed(page):
    """The success message flashed at the top of the page."""
    return page.locator(".alert-success[role=alert]")


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages).split())


def report_pdf(directory: Path) -> Path:
    """The expert's report, a real PDF as WeasyPrint writes it."""
    from weasyprint import HTML

    path = directory / "rapport-expertise.pdf"
    HTML(string="<h1>Rapport d'expertise</h1><p>Fuite du chauffe-eau ; dommages évalués à 2 400,00 €.</p>"
         ).write_pdf(path)
    return path


@pytest.fixture
def claims_firm(app, tenant, bound):
    """Léa Martin (portal account invited, address in Lyon) with a home
    contract whose water-damage guarantee has a 150 € deductible and a
    50 000 € ceiling; a claims handler; a home expert working in the Rhône;
    the firm's mediator."""
    add_user(app, tenant, HANDLER, "handler")
    insurer_id = make_insurer(bound, tenant)
    with bound(tenant) as session:
        client = clients.create(session, None, {"kind": "individual", "first_name": "Léa", "last_name": "Martin",
                                                "email": EMAIL})
        client.address_line1, client.postal_code, client.city = "12 rue des Lilas", "69003", "Lyon"
        contract = contracts.create(session, None, contracts.Terms(
            client_id=client.id, insurer_id=insurer_id, line="home", label="Habitation, 12 rue des Lilas",
            policy_number="MRH-2024-0042", effective_date=date.today() - timedelta(days=400),
            premium_net=Decimal("310.00"), guarantees=[
                {"code": "water_damage", "included": True, "ceiling": "50000.00", "deductible": str(DEDUCTIBLE)},
                {"code": "fire", "included": True, "ceiling": "300000.00", "deductible": "150.00"}]))
        expert = providers.create(session, None, EXPERT | {"name": "Rhône Habitat Expertise", "areas": "69, 01",
                                                           "email": EXPERT_EMAIL, "specialties": ["home"]})
        portal.invite(session, None, client)
        mediator.save(session, None, tenant, MEDIATOR)
        session.commit()
        return {"client": client.id, "contract": contract.id, "expert": expert.id}


def declare_water_damage(page, live_server, slug: str, contract_id: int, photo: Path, shots: Path) -> tuple[int, str]:
    page.goto(live_server.tenant_url(slug, f"/portal/contracts/{contract_id}"))
    page.get_by_test_id("declare-claim").click()
    page.wait_for_url(re.compile(rf".*/portal/contracts/{contract_id}/claims/new$"))
    page.select_option("#claim-kind", "water_damage")
    page.fill("#claim-occurred_on", (date.today() - timedelta(days=1)).isoformat())
    page.fill("#claim-occurred_time", "07:30")
    page.fill("#claim-place", "12 rue des Lilas, 69003 Lyon")
    page.fill("#claim-circumstances", "Fuite du chauffe-eau dans la nuit : le parquet du séjour a gonflé.")
    page.check("#police_report-no")
    page.check("#injured-no")
    page.fill("#claim-damaged_goods", "Parquet du séjour, peintures")
    page.fill("#claim-estimated_amount", "2 500")
    page.get_by_test_id("claim-files").set_input_files(photo)
    page.get_by_role("button", name="Declare my claim").click()
    page.wait_for_url(re.compile(r".*/portal/claims/\d+$"))
    claim_id = int(page.url.rsplit("/", 1)[1])
    reference = page.get_by_test_id("claim-reference").inner_text().strip()
    assert re.fullmatch(r"SIN-\d{6}", reference), reference
    expect(flashed(page)).to_contain_text(reference)
    expect(page.get_by_test_id("claim-status")).to_have_text("Declared")
    wait_for_images(page, page.get_by_test_id("claim-attachments").locator("img"))
    shot(page, shots, "1-portal-declared")
    return claim_id, reference


def open_from_the_queue(page, live_server, slug: str, claim_id: int, reference: str) -> None:
    page.get_by_role("link", name="Claims", exact=True).click()
    page.wait_for_url(live_server.tenant_url(slug, "/claims"))
    page.get_by_test_id("claims-table").get_by_role("link", name=reference).click()
    page.wait_for_url(live_server.tenant_url(slug, f"/claims/{claim_id}"))
    expect(page.get_by_test_id("claim-declaration")).to_contain_text("Fuite du chauffe-eau")
    wait_for_images(page, page.get_by_test_id("claim-attachments").locator("img.claim-thumb"))


def tab(page, name: str) -> None:
    page.get_by_role("navigation", name="Claim").get_by_role("link", name=name, exact=True).click()


def confirm_the_cover(page, shots: Path) -> None:
    tab(page, "Cover")
    page.wait_for_url(re.compile(r".*/claims/\d+/cover$"))
    proposal = page.get_by_test_id("cover-proposal")
    expect(proposal.locator(".badge")).to_have_text("Covered")
    clauses = page.get_by_test_id("cover-proposal-clauses")
    expect(clauses.locator("[data-code=guarantee]")).to_contain_text("Water damage")
    expect(clauses.locator("[data-code=deductible]")).to_have_text(f"Deductible {euros(DEDUCTIBLE)}.")
    water = page.get_by_test_id("cover-guarantees").locator("tbody tr", has_text="Water damage")
    expect(water).to_contain_text(euros(DEDUCTIBLE))
    expect(water).to_contain_text("Proposed")
    shot(page, shots, "2-cover")
    proposal.get_by_role("button", name="Confirm: Covered").click()
    page.wait_for_url(re.compile(r".*/claims/\d+/cover$"))
    expect(flashed(page)).to_contain_text(": Covered.")
    expect(page.get_by_test_id("cover-decision").locator(".badge")).to_have_text("Covered")
    expect(page.get_by_test_id("cover-stored-clauses").locator("[data-code=deductible]")).to_have_count(1)


def send_the_expert(page, expert_id: int, reference: str, mailbox, worker) -> None:
    tab(page, "Experts")
    page.wait_for_url(re.compile(r".*/claims/\d+/expertise$"))
    expect(page.get_by_test_id("missions-empty")).to_be_visible()
    page.select_option("#expert", str(expert_id))
    page.get_by_test_id("dispatch-form").get_by_role("button", name="Send the mission").click()
    page.wait_for_url(re.compile(r".*/claims/\d+/expertise#mission-\d+$"))
    expect(flashed(page)).to_contain_text("The mission letter is on its way to the expert.")
    mission = page.get_by_test_id("mission")
    expect(mission.get_by_test_id("mission-status")).to_have_text("Mission sent")
    expect(mission.get_by_test_id("mission-letter")).to_be_visible()
    worker()  # the mission letter's email, to the test's SMTP server
    [letter] = mailbox.to(EXPERT_EMAIL)
    [attachment] = list(letter.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert reference in pdf_text(attachment.get_content())


def file_the_report(page, report: Path, shots: Path) -> None:
    mission = page.get_by_test_id("mission")
    mission.locator("summary", has_text="File the report").click()
    form = mission.get_by_test_id("report-form")
    form.locator("input[type=file]").set_input_files(report)
    form.locator("textarea[name=cause]").fill("Rupture du flexible d'alimentation du chauffe-eau.")
    form.locator("input[name=assessed_amount]").fill("2 400,00")
    form.locator("select[name=liability_opinion]").select_option("0")
    form.locator("textarea[name=conclusions]").fill("Remplacement du parquet du séjour et reprise des peintures.")
    form.locator("input[name=share_with_client]").check()
    shot(page, shots, "3-report-form")
    form.get_by_role("button", name="File the report").click()
    page.wait_for_url(re.compile(r".*/claims/\d+/expertise#mission-\d+$"))
    expect(flashed(page)).to_contain_text("The expert's report is filed with its conclusions.")
    expect(mission.get_by_test_id("mission-status")).to_have_text("Report received")
    conclusions = mission.get_by_test_id("mission-conclusions")
    expect(conclusions).to_contain_text("Rupture du flexible")
    expect(conclusions).to_contain_text(euros(AGREED))
    expect(conclusions).to_contain_text("Not liable (0 %)")
    shot(page, shots, "4-report-filed")


def settle(page, shots: Path) -> None:
    page.get_by_test_id("to-settlement").click()
    page.wait_for_url(re.compile(r".*/claims/\d+/settlement$"))
    for label, claimed, expert, agreed in DAMAGES:
        form = page.get_by_test_id("damage-add")
        form.locator("#damage-label").fill(label)
        form.locator("#damage-claimed_amount").fill(claimed)
        form.locator("#damage-expert_amount").fill(expert)
        form.locator("#damage-agreed_amount").fill(agreed)
        form.get_by_role("button", name="Add the item").click()
        page.wait_for_url(re.compile(r".*/claims/\d+/settlement#damages$"))
        expect(page.get_by_test_id("damage-table")).to_contain_text(label)
    expect(page.get_by_test_id("damage-total")).to_contain_text(euros(AGREED))

    page.get_by_test_id("indemnity-form").get_by_role("button", name="Compute the indemnity").click()
    page.wait_for_url(re.compile(r".*/claims/\d+/settlement#indemnity$"))
    expect(page.get_by_test_id("indemnity-amount")).to_have_text(euros(INDEMNITY))
    expect(page.get_by_test_id("indemnity-terms")).to_contain_text("Water damage · contract version 1")
    lines = page.get_by_test_id("indemnity-lines").locator("tbody tr")
    expect(lines.filter(has_text="Total of the agreed damages")).to_contain_text(euros(AGREED))
    deductible = lines.filter(has_text=f"Deductible of {euros(DEDUCTIBLE)}")
    expect(deductible).to_have_count(1)
    expect(deductible).to_contain_text(euros(INDEMNITY))  # the running total after it
    expect(lines.filter(has_text="Indemnity").last).to_contain_text(euros(INDEMNITY))
    expect(page.get_by_test_id("remaining")).to_have_text(euros(INDEMNITY))
    shot(page, shots, "5-indemnity")

    page.get_by_test_id("payments").locator("summary", has_text="Record a payment").click()
    form = page.get_by_test_id("payment-form")
    expect(form.locator("#payment-payee-kind")).to_have_value("insured")
    expect(form.locator("#payment-amount")).to_have_value(f"{INDEMNITY:.2f}")
    form.locator("#payment-reference").fill("VIR-MRH-2024-0042")
    form.get_by_role("button", name="Record the payment").click()
    page.wait_for_url(re.compile(r".*/claims/\d+/settlement#payments$"))
    expect(flashed(page)).to_contain_text("Payment recorded.")
    expect(page.get_by_test_id("claim-status")).to_have_text("Settled")
    expect(page.get_by_test_id("paid-in-full")).to_be_visible()
    payment = page.get_by_test_id("payment-table").locator("tbody tr")
    expect(payment).to_have_count(1)
    expect(payment).to_contain_text("Martin Léa · The insured")
    expect(payment).to_contain_text(euros(INDEMNITY))
    expect(page.get_by_test_id("remaining")).to_have_text(euros(Decimal("0.00")))
    shot(page, shots, "6-settled")


def the_client_sees_it_settled(page, live_server, slug: str, claim_id: int, reference: str, shots: Path) -> None:
    page.goto(live_server.tenant_url(slug, "/portal/"))
    page.get_by_role("link", name="My claims").click()
    page.wait_for_url(live_server.tenant_url(slug, "/portal/claims"))
    page.get_by_role("link", name=re.compile(reference)).click()
    page.wait_for_url(live_server.tenant_url(slug, f"/portal/claims/{claim_id}"))
    expect(page.get_by_test_id("claim-status")).to_have_text("Settled")
    expect(page.get_by_test_id("claim-settled")).to_be_visible()
    expect(page.get_by_test_id("claim-indemnity")).to_have_text(euros(INDEMNITY))
    payments = page.get_by_test_id("claim-payments")
    expect(payments.locator("tbody tr")).to_have_count(1)
    expect(payments.locator("tbody tr")).to_contain_text("You")
    expect(payments).to_contain_text(euros(INDEMNITY))
    expect(page.get_by_test_id("claim-procedure")).to_have_count(0)
    shot(page, shots, "7-portal-settled")


def file_a_complaint(page, live_server, slug: str) -> str:
    page.get_by_test_id("portal-complaint-link").click()
    page.wait_for_url(live_server.tenant_url(slug, "/portal/complaints/new"))
    expect(page.locator("#about-firm")).to_be_checked()
    page.fill("#complaint-subject", "Délai d'indemnisation du dégât des eaux")
    page.fill("#complaint-description", "Trois semaines pour être indemnisée : je demande un geste commercial.")
    page.get_by_role("button", name="Send my complaint").click()
    page.wait_for_url(live_server.tenant_url(slug, "/portal/complaints"))
    notice = flashed(page).inner_text()
    found = re.search(r"REC-\d{6}", notice)
    assert found, notice
    return found.group(0)


def no_late_badge(page, live_server, slug: str, reference: str, status: str) -> None:
    page.goto(live_server.tenant_url(slug, f"/complaints?status={status}"))
    row = page.get_by_test_id("complaint-row").filter(has_text=reference)
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("complaint-late")).to_have_count(0)
    expect(row.get_by_test_id("days-left").locator(".text-bg-danger")).to_have_count(0)
    expect(page.get_by_test_id("count-late").locator(".app-figure-value")).to_have_text("0")


def acknowledge_and_reject(page, live_server, slug: str, reference: str, shots: Path, problems) -> None:
    page.get_by_role("link", name="Complaints", exact=True).click()
    no_late_badge(page, live_server, slug, reference, "pending")
    expect(page.get_by_test_id("count-to_acknowledge").locator(".app-figure-value")).to_have_text("1")
    shot(page, shots, "8-complaints-dashboard")
    page.get_by_test_id("complaint-row").filter(has_text=reference).get_by_role("link", name=reference).click()
    page.wait_for_url(re.compile(r".*/complaints/\d+$"))

    page.get_by_role("button", name="Record the acknowledgement").click()
    page.wait_for_url(re.compile(r".*/complaints/\d+$"))
    expect(flashed(page)).to_contain_text(f"Complaint {reference} acknowledged.")
    expect(page.get_by_test_id("complaint-details")).to_contain_text("acknowledged on")

    expect(page.get_by_test_id("mediator-note")).to_contain_text(MEDIATOR["mediator_name"])
    page.check("#outcome-rejected")
    page.fill("#answer-text", ANSWER)
    page.get_by_role("button", name="Record the answer and send the letter").click()
    page.wait_for_url(re.compile(r".*/complaints/\d+$"))
    expect(flashed(page)).to_contain_text(f"the answer letter is emailed to {EMAIL}")
    expect(page.get_by_test_id("complaint-outcome")).to_have_text("Rejected")
    expect(page.get_by_test_id("complaint-late")).to_have_count(0)
    shot(page, shots, "9-complaint-answered")
    with page.expect_download() as download:
        page.get_by_test_id("answer-letter").click()
    problems.http_errors[:] = [error for error in problems.http_errors
                               if error != f"failed GET {download.value.url}: net::ERR_ABORTED"]
    letter = pdf_text(Path(download.value.path()).read_bytes())
    assert reference in letter and MEDIATOR["mediator_name"] in letter, letter[:800]
    no_late_badge(page, live_server, slug, reference, "all")


def test_a_home_water_damage_claim_is_declared_covered_assessed_settled_and_a_complaint_answered(
        live_server, open_page, tenant, claims_firm, bound, mailbox, worker, tmp_path, screenshots):
    slug, shots = tenant.slug, screenshots

    # 1. Léa, signed in on the portal, declares the water damage with a photo and reads its number.
    client_page, client_problems = open_page()
    sign_in_with_a_link(client_page, live_server, slug, mailbox, worker)
    claim_id, reference = declare_water_damage(client_page, live_server, slug, claims_firm["contract"],
                                               photo_file(tmp_path), shots)

    # 2. The handler: the claims queue, the cover, the expert and their report, the damages, the indemnity, the payment.
    staff, staff_problems = open_page()
    _sign_in_staff(staff, live_server, slug, HANDLER)
    open_from_the_queue(staff, live_server, slug, claim_id, reference)
    confirm_the_cover(staff, shots)
    send_the_expert(staff, claims_firm["expert"], reference, mailbox, worker)
    file_the_report(staff, report_pdf(tmp_path), shots)
    settle(staff, shots)
    with bound(tenant) as session:
        claim = session.get(Claim, claim_id)
        assert (claim.status, claim.cover_decision, claim.guarantee_code) == ("settled", "covered", "water_damage")
        assert (claim.indemnity, claim.paid_total) == (INDEMNITY, INDEMNITY)
        mission = session.scalar(select(ExpertMission).where(ExpertMission.claim_id == claim_id))
        assert (mission.status, mission.assessed_amount) == ("reported", AGREED)
        [payment] = session.scalars(select(ClaimPayment).where(ClaimPayment.claim_id == claim_id))
        assert (payment.payee_kind, payment.amount) == ("insured", INDEMNITY)

    # 3. Back on the portal, Léa sees the claim settled and the payment.
    the_client_sees_it_settled(client_page, live_server, slug, claim_id, reference, shots)

    # 4. Léa complains; the handler acknowledges then rejects it within the deadlines; she reads the answer.
    complaint = file_a_complaint(client_page, live_server, slug)
    acknowledge_and_reject(staff, live_server, slug, complaint, shots, staff_problems)
    worker()  # the complaint's receipt and the answer letter, emailed to Léa
    answered = [message for message in mailbox.to(EMAIL)
                if any(part.get_content_type() == "application/pdf" for part in message.iter_attachments())]
    assert len(answered) == 1, [message["Subject"] for message in mailbox.to(EMAIL)]
    with bound(tenant) as session:
        row = session.scalar(select(Complaint).where(Complaint.reference == complaint))
        assert row.acknowledged_on <= row.acknowledge_by and row.answered_on <= row.answer_by
        assert (row.status, row.outcome) == ("answered", "rejected")
    client_page.get_by_role("link", name="My complaints").click()
    client_page.wait_for_url(live_server.tenant_url(slug, "/portal/complaints"))
    expect(client_page.get_by_test_id("portal-complaint-answer")).to_contain_text(ANSWER)
    expect(client_page.get_by_test_id("portal-complaint-answer")).to_contain_text("Rejected")
    expect(client_page.get_by_test_id("portal-complaint-mediator")).to_contain_text(MEDIATOR["mediator_name"])
    shot(client_page, shots, "10-portal-complaint")

    assert_clean(client_problems, "the portal's pages")
    assert_clean(staff_problems, "the handler's pages")
