"""Premiums end to end, in Chromium against the app served over HTTP (CSRF
on), with the real job worker and a real SMTP server, as a handler works:

Premiums › Generate a month -> preview the month (by insurer) -> start the
run -> its progress bar, polled by htmx, goes from "waiting for the worker"
to 100 % with the counts -> the month's calls -> a call -> record a bank
transfer from it -> the call is paid, and its commission (earned on payment
by the insurer's agreement) is earned, on the call and in the commissions list.

Screenshots of each step go to ``$E2E_SCREENSHOTS`` or tests/e2e/screenshots/
(git-ignored)."""

from __future__ import annotations

import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.numbers import format_currency
from playwright.sync_api import expect
from sqlalchemy import select

from app.billing.generation_forms import next_month
from app.billing.models import PremiumCall
from app.catalog.models import CommissionAgreement
from app.commissions.models import CommissionLine
from app.contracts.models import Contract
from app.contracts.rules import add_months
from app.crm import services as clients
from tests.conftest import TenantFactory, add_user
from tests.e2e.test_signup_invite import assert_clean
from tests.integration.test_contracts import make_contract, make_insurer

pytestmark = pytest.mark.e2e

MONTH = next_month()
HANDLER = "sophie.handler@example.fr"
RATE = Decimal("15")

#: Records the progress bar after each htmx swap of the run's card (set up by the test, not the app).
WATCH_PROGRESS = """() => {
  window.progressSeen = [];
  document.body.addEventListener("htmx:afterSettle", () => {
    const bar = document.querySelector("[data-testid=run-bar]");
    window.progressSeen.push(bar ? {value: bar.getAttribute("value"), max: bar.getAttribute("max")} : null);
  });
}"""


@pytest.fixture
def screenshots() -> Path:
    target = Path(os.environ.get("E2E_SCREENSHOTS") or Path(__file__).parent / "screenshots") / "premiums"
    target.mkdir(parents=True, exist_ok=True)
    return target


@pytest.fixture
def premium_firm(app, tenant, bound):
    """A handler; an insurer whose agreement pays 15 % earned on payment;
    three active contracts with an instalment due on the first of MONTH
    (monthly and quarterly for a payer with an email, half-yearly for one
    without); nothing issued yet."""
    add_user(app, tenant, HANDLER, "handler")
    with bound(tenant) as session:
        lea = clients.create(session, None, {"kind": "individual", "last_name": "Martin", "first_name": "Léa",
                                             "email": "lea.martin@example.fr"})
        paul = clients.create(session, None, {"kind": "individual", "last_name": "Bérard", "first_name": "Paul"})
        session.commit()
        lea_id, paul_id = lea.id, paul.id
    insurer = make_insurer(bound, tenant, "Mutuelle Alpha")
    with bound(tenant) as session:
        session.add(CommissionAgreement(insurer_id=insurer, line=None, new_business_rate=RATE,
                                        renewal_rate=Decimal("10"), starts_on=date(2020, 1, 1), earned_on="payment"))
        session.commit()
    started = add_months(MONTH, -3)
    contracts = {
        "monthly": make_contract(bound, tenant, client_id=lea_id, insurer_id=insurer, instalment_plan="monthly",
                                 effective_date=started, premium="1200.00", policy_number="E2E-MON"),
        "quarterly": make_contract(bound, tenant, client_id=lea_id, insurer_id=insurer, line="home",
                                   instalment_plan="quarterly", effective_date=started, premium="480.00",
                                   policy_number="E2E-QUA"),
        "half": make_contract(bound, tenant, client_id=paul_id, insurer_id=insurer, instalment_plan="half_yearly",
                              effective_date=add_months(MONTH, -6), premium="300.00", policy_number="E2E-HAL"),
    }
    with bound(tenant) as session:
        references = {name: session.get(Contract, contract_id).reference for name, contract_id in contracts.items()}
    return {"tenant": tenant, "insurer": insurer, "contracts": contracts, "references": references}


def sign_in(page, live_server, slug: str) -> None:
    page.goto(live_server.tenant_url(slug, "/login"))
    page.fill("#email", HANDLER)
    page.fill("#password", TenantFactory.PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.tenant_url(slug, "/"))


def typed_then_settled(page, selector: str, value: str) -> None:
    """Type a new value and leave the field, as a person does: the form
    reloads the payer's calls (htmx, on change); wait until that is swapped
    in, so that the next action never races it."""
    page.evaluate("""() => { window.formSettled = false;
      document.body.addEventListener("htmx:afterSettle", () => { window.formSettled = true; }, {once: true}); }""")
    page.fill(selector, value)
    page.press(selector, "Tab")
    page.wait_for_function("() => window.formSettled")


def shot(page, path: Path) -> None:
    # caret="initial": Playwright would otherwise hide the caret with a style
    # attribute, which htmx's settling may copy onto a swapped element (a CSP report).
    page.screenshot(path=path, full_page=True, caret="initial")


def euros(amount: Decimal) -> str:
    """An amount as the English pages show it (the tests' locale)."""
    return format_currency(amount, "EUR", locale="en")


def the_call(bound, tenant, contract_id: int) -> tuple[PremiumCall, CommissionLine]:
    with bound(tenant) as session:
        call = session.scalar(select(PremiumCall).where(PremiumCall.contract_id == contract_id))
        line = session.scalar(select(CommissionLine).where(CommissionLine.call_id == call.id))
        session.expunge_all()
        return call, line


def test_a_month_generated_with_its_progress_bar_a_transfer_recorded_the_call_paid_and_commission_earned(
        live_server, open_page, premium_firm, bound, worker, mailbox, screenshots):
    tenant = premium_firm["tenant"]
    page, problems = open_page()
    sign_in(page, live_server, tenant.slug)

    # 1. Premiums › Generate a month: preview the chosen month.
    page.get_by_role("link", name="Premiums", exact=True).click()
    page.wait_for_url(live_server.tenant_url(tenant.slug, "/premiums/"))
    page.get_by_role("navigation", name="Premiums").get_by_role("link", name="Generate a month", exact=True).click()
    page.wait_for_url(re.compile(r".*/premiums/generate$"))
    page.fill("#month", MONTH.strftime("%Y-%m"))
    page.get_by_test_id("month-form").locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*/premiums/generate\?month={MONTH:%Y-%m}$"))
    expect(page.get_by_test_id("preview-due")).to_have_text("3")
    expect(page.get_by_test_id("preview-issued")).to_have_text("0")
    expect(page.get_by_test_id("preview-to-issue")).to_have_text("3")
    by_insurer = page.get_by_test_id("by-insurer").locator("tbody tr")
    expect(by_insurer).to_have_count(1)
    expect(by_insurer.first).to_contain_text("Mutuelle Alpha")
    shot(page, screenshots / "1-preview.png")

    # 2. Start the run: queued, the bar waits for the worker (no value yet) and the card polls.
    page.get_by_test_id("start-run").click()
    page.wait_for_url(re.compile(r".*/premiums/runs/\d+$"))
    run_url = page.url
    expect(page.get_by_test_id("run-status")).to_have_text("Queued")
    bar = page.get_by_role("progressbar")
    expect(bar).to_have_count(1)
    assert bar.get_attribute("value") is None and bar.get_attribute("max") is None  # indeterminate
    assert page.get_by_test_id("run-progress").get_attribute("hx-trigger") == "every 1s"
    shot(page, screenshots / "2-queued.png")
    page.evaluate(WATCH_PROGRESS)

    # 3. The real worker runs the month; the polled bar reaches 100 % with the counts, then stops polling.
    worker()
    expect(bar).to_have_attribute("max", "3")
    expect(bar).to_have_attribute("value", "3")
    expect(page.get_by_test_id("run-done")).to_have_text("3 of 3 calls checked (100 %)")
    expect(page.get_by_test_id("run-status")).to_have_text("Done")
    expect(page.get_by_test_id("run-created")).to_have_text("3")
    expect(page.get_by_test_id("run-already")).to_have_text("0")
    expect(page.get_by_test_id("run-errors")).to_have_text("0")
    page.wait_for_function("() => !document.querySelector('[data-testid=run-progress]').hasAttribute('hx-trigger')")
    expect(page.get_by_test_id("run-notices")).to_contain_text("emailed: 2; payers without email: 1")
    seen = page.evaluate("() => window.progressSeen")
    values = [int(step["value"]) for step in seen if step and step["value"] is not None]
    assert values and values == sorted(values) and values[-1] == 3, seen  # swapped in by htmx, never backwards
    assert all(step["max"] == "3" for step in seen if step and step["value"] is not None), seen
    assert page.url == run_url  # the same page, updated in place
    assert len(mailbox.to("lea.martin@example.fr")) == 2
    shot(page, screenshots / "3-run-done.png")

    # 4. The month's calls, and the monthly contract's call.
    page.get_by_role("link", name="See the month's calls").click()
    page.wait_for_url(re.compile(rf".*/premiums/\?due={MONTH:%Y-%m}$"))
    expect(page.get_by_test_id("call-count")).to_have_text("3 premium calls")
    call, commission = the_call(bound, tenant, premium_firm["contracts"]["monthly"])
    assert commission.status == "expected" and commission.rate == RATE
    row = page.get_by_test_id("call-table").locator("tbody tr", has_text=premium_firm["references"]["monthly"])
    expect(row.get_by_test_id("call-status")).to_have_text("Due")
    shot(page, screenshots / "4-calls.png")
    row.get_by_role("link", name=call.reference).click()
    page.wait_for_url(re.compile(rf".*/premiums/calls/{call.id}$"))
    call_url = page.url
    expect(page.get_by_test_id("call-status")).to_have_text("Due")
    expect(page.get_by_test_id("commission-status")).to_have_text("Expected")
    expect(page.get_by_test_id("call-commission")).to_contain_text(euros(commission.amount))

    # 5. A bank transfer recorded from the call: the form comes filled for it; the amount typed the French way.
    page.get_by_test_id("record-call-payment").click()
    page.wait_for_url(re.compile(rf".*/premiums/payments/new\?call_id={call.id}$"))
    form = page.get_by_test_id("payment-form")
    expect(form.locator(f"#call-{call.id}")).to_be_checked()
    expect(page.locator("#method")).to_have_value("transfer")
    typed_then_settled(page, "#amount", f"{call.total:.2f}".replace(".", ","))
    typed_then_settled(page, "#reference", f"VIR SEPA LEA MARTIN {call.reference}")
    expect(page.get_by_test_id("credit-preview")).to_contain_text(euros(Decimal("0.00")))
    shot(page, screenshots / "5-payment-form.png")
    page.get_by_test_id("record-payment").click()
    page.wait_for_url(re.compile(r".*/premiums/payments/\d+$"))
    expect(page.locator(".alert-success")).to_contain_text(f"The payment of {euros(call.total)} is recorded.")
    expect(page.get_by_test_id("payment-allocations").get_by_test_id("call-status")).to_have_text("Paid")
    expect(page.get_by_test_id("payment-credit")).to_have_text(euros(Decimal("0.00")))
    shot(page, screenshots / "6-payment.png")

    # 6. The call is paid, the transfer is on it, and its commission is earned.
    page.get_by_test_id("payment-allocations").get_by_role("link", name=call.reference).click()
    page.wait_for_url(call_url)
    expect(page.get_by_test_id("call-status")).to_have_text("Paid")
    expect(page.get_by_test_id("call-outstanding")).to_have_text(euros(Decimal("0.00")))
    expect(page.get_by_test_id("call-payments")).to_contain_text("Bank transfer")
    expect(page.get_by_test_id("call-payments")).to_contain_text(call.reference)
    expect(page.get_by_test_id("commission-status")).to_contain_text("Earned")
    expect(page.get_by_test_id("record-call-payment")).to_have_count(0)
    shot(page, screenshots / "7-call-paid.png")
    paid, earned = the_call(bound, tenant, premium_firm["contracts"]["monthly"])
    assert (paid.status, paid.paid) == ("paid", call.total)
    assert (earned.status, earned.earned_on, earned.amount) == ("earned", date.today(), commission.amount)

    # 7. The commissions list: that line earned, the other two still expected.
    page.get_by_role("link", name="Commissions", exact=True).click()
    page.wait_for_url(live_server.tenant_url(tenant.slug, "/commissions/"))
    lines = page.get_by_test_id("commission-table").locator("tbody tr")
    expect(lines).to_have_count(3)
    expect(lines.filter(has_text=call.reference).locator(".badge")).to_have_text("Earned")
    expect(lines.filter(has_text="Expected")).to_have_count(2)
    expect(page.get_by_test_id("total-earned")).to_have_text(euros(commission.amount))
    shot(page, screenshots / "8-commissions.png")
    assert_clean(problems, "the premium pages")
