"""Commission lines and splits: the rate of a line (contract override,
product, insurer agreement for the line or for all lines, valid on the due
date, new business or renewal) computed in SQL as the pure rules say; earned
on issue or on payment; reversed on refund and cancellation with negative
shares; splits with introducers and producers never over 100 %; the month's
bulk run makes one line per call and nothing twice; the screens (list,
totals, export, beneficiaries, a contract's commission) with roles and
tenant isolation on every route."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.billing import events
from app.billing import services as billing
from app.billing.models import PremiumCall
from app.catalog.insurer_rules import applicable_agreement
from app.catalog.models import CommissionAgreement, Product
from app.commissions import beneficiaries, rules
from app.commissions.models import Beneficiary, CommissionLine, CommissionShare, ContractBeneficiary, ShareRule
from app.commissions.services import CommissionError
from app.contracts.models import Contract
from tests.conftest import add_user, sign_in
from tests.integration.test_contracts import make_contract, portfolio  # noqa: F401

START = date(2026, 1, 15)
IBAN = "FR76 3000 6000 0112 3456 7890 189"
D = Decimal


@pytest.fixture
def firm(bound, tenant, portfolio):
    """The portfolio, a motor product at 14 %, and the insurer's agreements:
    all lines 10 % / 8 % renewals since 2020, motor 15 % / 12 % for the first
    half of 2026."""
    with bound(tenant) as session:
        product = Product(insurer_id=portfolio["insurer"], line="motor", code="AUTO-1", name="Auto Essentielle",
                          commission_rate=D("14"), payment_options=["annual", "quarterly", "monthly"])
        session.add_all([product,
                         CommissionAgreement(insurer_id=portfolio["insurer"], line=None, new_business_rate=D("10"),
                                             renewal_rate=D("8"), starts_on=date(2020, 1, 1)),
                         CommissionAgreement(insurer_id=portfolio["insurer"], line="motor", new_business_rate=D("15"),
                                             renewal_rate=D("12"), starts_on=date(2026, 1, 1),
                                             ends_on=date(2026, 6, 30))])
        session.commit()
        return portfolio | {"product": product.id}


def new_contract(bound, tenant, firm, plan: str = "quarterly", *, rate: str | None = None, **values) -> int:
    values = {"effective_date": START, "premium": "1000.00", "policy_number": f"COM-{plan}-{rate}"} | values
    contract_id = make_contract(bound, tenant, client_id=firm["client"], insurer_id=firm["insurer"],
                                instalment_plan=plan, **values)
    if rate is not None:
        with bound(tenant) as session:
            session.get(Contract, contract_id).commission_rate = D(rate)
            session.commit()
    return contract_id


def issue_year(bound, tenant, contract_id: int, year_start: date = START, today: date = START) -> list[int]:
    with bound(tenant) as session:
        calls = billing.generate_for_contract(session, None, session.get(Contract, contract_id), year_start,
                                              today=today)
        session.commit()
        return [call.id for call in calls]


def lines_of(session, contract_id: int) -> list[CommissionLine]:
    return list(session.scalars(select(CommissionLine).where(CommissionLine.contract_id == contract_id)
                                .order_by(CommissionLine.due_date)))


def shares_of(session, line_id: int) -> list[tuple[int, Decimal]]:
    return [tuple(row) for row in session.execute(
        select(CommissionShare.beneficiary_id, CommissionShare.amount)
        .where(CommissionShare.commission_line_id == line_id).order_by(CommissionShare.id))]


def add_beneficiary(bound, tenant, name: str, rate: str, *, contract_ids=(), kind: str = "introducer",
                    user_id: int | None = None) -> int:
    with bound(tenant) as session:
        values = {"kind": kind, "name": name, "iban": IBAN if kind == "introducer" else None, "user_id": user_id,
                  "default_rate": D(rate), "siren": None, "email": None}
        beneficiary = beneficiaries.create(session, None, values)
        for contract_id in contract_ids:
            beneficiaries.attach(session, None, session.get(Contract, contract_id), beneficiary.id)
        session.commit()
        return beneficiary.id


def expected_terms(session, line: CommissionLine) -> tuple[Decimal, Decimal, str]:
    """(rate, amount, earned_when) of ``line`` by the pure rules, for the SQL to agree with."""
    contract = session.get(Contract, line.contract_id)
    call = session.get(PremiumCall, line.call_id)
    product = session.get(Product, contract.product_id) if contract.product_id else None
    agreements = session.scalars(select(CommissionAgreement).where(
        CommissionAgreement.insurer_id == contract.insurer_id)).all()
    agreement = applicable_agreement(agreements, call.line, call.due_date)
    rate = rules.commission_rate(contract.commission_rate, product.commission_rate if product else None, agreement,
                                 rules.is_renewal(contract.effective_date, call.period_start))
    return rate, rules.commission(call.net, rate), rules.earned_when(agreement, call.net)


# --- rates and amounts --------------------------------------------------------------------------

def test_the_rate_is_the_override_then_the_product_then_the_agreement_for_the_line_on_the_due_date(
        bound, tenant, firm):
    override = new_contract(bound, tenant, firm, rate="20")
    by_product = new_contract(bound, tenant, firm, rate="0", product_id=firm["product"], policy_number="COM-P")
    by_agreement = new_contract(bound, tenant, firm, rate="0", policy_number="COM-A")
    renewal = new_contract(bound, tenant, firm, "annual", rate="0", effective_date=date(2024, 3, 1),
                           policy_number="COM-R")
    for contract_id in (override, by_product, by_agreement):
        issue_year(bound, tenant, contract_id)
    issue_year(bound, tenant, renewal, date(2026, 3, 1))
    with bound(tenant) as session:
        assert [line.rate for line in lines_of(session, override)] == [D("20")] * 4
        assert [line.rate for line in lines_of(session, by_product)] == [D("14")] * 4
        # due 15 January and 15 April: the motor agreement; 15 July and October: it has ended, all lines
        assert [line.rate for line in lines_of(session, by_agreement)] == [D("15"), D("15"), D("10"), D("10")]
        assert [line.rate for line in lines_of(session, renewal)] == [D("12")]
        every = session.scalars(select(CommissionLine)).all()
        assert len(every) == session.scalar(select(func.count()).select_from(PremiumCall)) == 13
        for line in every:
            assert (line.rate, line.amount, line.earned_when) == expected_terms(session, line)
            assert line.base_net == session.get(PremiumCall, line.call_id).net
        assert lines_of(session, by_agreement)[0].amount == D("37.50")     # 250.00 at 15 %


def test_a_credit_note_has_a_negative_commission_earned_on_issue(bound, tenant, firm):
    contract_id = new_contract(bound, tenant, firm, "annual", rate="12")
    call_ids = issue_year(bound, tenant, contract_id)
    with bound(tenant) as session:
        first = session.get(PremiumCall, call_ids[0])
        credit = PremiumCall(reference="QUI-CREDIT", contract_id=contract_id, client_id=first.client_id,
                             insurer_id=first.insurer_id, line="motor", kind="credit_note", number=1,
                             period_start=date(2026, 6, 1), period_end=date(2027, 1, 15), due_date=date(2026, 6, 1),
                             net=D("-100.01"), fees=D("0"), tax_rate=first.tax_rate, tax=D("-18.00"),
                             total=D("-118.01"), status="due")
        session.add(credit)
        session.flush()
        events.calls_issued(session, None, [credit.id], date(2026, 6, 1))
        session.commit()
        line = session.scalar(select(CommissionLine).where(CommissionLine.call_id == credit.id))
        assert (line.base_net, line.amount, line.status, line.earned_on) == (
            D("-100.01"), D("-12.00"), "earned", date(2026, 6, 1))


# --- earned on issue or on payment; reversals -----------------------------------------------------

def test_earned_on_payment_when_the_agreement_says_so_with_the_shares_then(bound, tenant, firm):
    with bound(tenant) as session:
        motor = session.scalar(select(CommissionAgreement).where(CommissionAgreement.line == "motor"))
        motor.earned_on = "payment"
        session.commit()
    contract_id = new_contract(bound, tenant, firm, rate="0")
    introducer = add_beneficiary(bound, tenant, "Cabinet Apport", "30", contract_ids=[contract_id])
    call_ids = issue_year(bound, tenant, contract_id)
    paid_on = date(2026, 1, 20)
    with bound(tenant) as session:
        lines = lines_of(session, contract_id)
        assert [(line.status, line.earned_when) for line in lines[:2]] == [("expected", "payment")] * 2
        assert [(line.status, line.earned_when) for line in lines[2:]] == [("earned", "issue")] * 2  # all lines
        assert shares_of(session, lines[0].id) == []
        first = session.get(PremiumCall, call_ids[0])
        billing.record_payment(session, None, client_id=firm["client"], amount=first.total, method="transfer",
                               received_on=paid_on, call_ids=[first.id], today=paid_on)
        session.commit()
        line = lines_of(session, contract_id)[0]
        assert (line.status, line.earned_on) == ("earned", paid_on)
        assert shares_of(session, line.id) == [(introducer, D("11.25"))]      # 30 % of 37.50
        second = lines_of(session, contract_id)[1]
        assert second.status == "expected"

        billing.cancel_future_calls(session, None, session.get(Contract, contract_id), date(2026, 4, 1),
                                    today=paid_on)
        session.commit()
        second = lines_of(session, contract_id)[1]
        assert (second.status, second.reversed_amount, second.reversed_on) == ("reversed", D("37.50"), paid_on)
        assert shares_of(session, second.id) == []
        assert lines_of(session, contract_id)[0].status == "earned"


def test_a_refund_reverses_pro_rata_a_new_payment_reinstates_and_a_cancellation_reverses_all(bound, tenant, firm):
    contract_id = new_contract(bound, tenant, firm, "annual", rate="10")
    introducer = add_beneficiary(bound, tenant, "Apporteur Durand", "25", contract_ids=[contract_id])
    call_id = issue_year(bound, tenant, contract_id)[0]
    with bound(tenant) as session:
        call = session.get(PremiumCall, call_id)
        line = lines_of(session, contract_id)[0]
        assert (line.amount, line.status, shares_of(session, line.id)) == (D("100.00"), "earned",
                                                                            [(introducer, D("25.00"))])
        deposit = billing.record_payment(session, None, client_id=firm["client"], amount="300.00",
                                         method="cheque", received_on=START, call_ids=[call_id], today=START)
        billing.record_payment(session, None, client_id=firm["client"], amount=call.total - D("300.00"),
                               method="transfer", received_on=START, call_ids=[call_id], today=START)
        session.commit()
        assert call.status == "paid"

        billing.refund_payment(session, None, deposit, refunded_on=date(2026, 2, 1), today=date(2026, 2, 1))
        session.commit()
        refunded_net = rules.round_cents(call.net * D("300.00") / call.total)
        reversal = rules.commission_reversal(D("100.00"), call.net, refunded_net)
        line = lines_of(session, contract_id)[0]
        assert (line.status, line.reversed_amount, line.reversed_on) == ("earned", -reversal, date(2026, 2, 1))
        assert shares_of(session, line.id) == [(introducer, D("25.00")),
                                               (introducer, rules.share_of(reversal, D("25")))]

        billing.record_payment(session, None, client_id=firm["client"], amount="300.00", method="card",
                               received_on=date(2026, 2, 3), call_ids=[call_id], today=date(2026, 2, 3))
        session.commit()
        line = lines_of(session, contract_id)[0]
        assert (call.status, line.status, line.reversed_amount, line.reversed_on) == ("paid", "earned", 0, None)
        assert sum(amount for _, amount in shares_of(session, line.id)) == D("25.00")

        billing.cancel_future_calls(session, None, session.get(Contract, contract_id), START,
                                    today=date(2026, 3, 1))
        session.commit()
        line = lines_of(session, contract_id)[0]
        assert (line.status, line.reversed_amount, line.reversed_on) == ("reversed", D("100.00"), date(2026, 3, 1))
        assert sum(amount for _, amount in shares_of(session, line.id)) == 0
        assert billing.client_credit(session, firm["client"]) == call.total


# --- splits -----------------------------------------------------------------------------------------

def test_shares_follow_the_product_rule_or_the_default_and_never_pass_100_percent(bound, tenant, firm, app):
    contract_id = new_contract(bound, tenant, firm, "annual", rate="15", product_id=firm["product"])
    producer_user = add_user(app, tenant, "producer@example.fr", "handler")
    introducer = add_beneficiary(bound, tenant, "Apporteur Martin", "60", contract_ids=[contract_id])
    producer = add_beneficiary(bound, tenant, "", "30", kind="producer", user_id=producer_user,
                               contract_ids=[contract_id])
    with bound(tenant) as session:
        assert session.get(Beneficiary, producer).name == "Producer"
        contract = session.get(Contract, contract_id)
        third = beneficiaries.create(session, None, {"kind": "introducer", "name": "Tiers", "iban": IBAN,
                                                     "default_rate": D("10.01")})
        with pytest.raises(CommissionError) as refused:
            beneficiaries.attach(session, None, contract, third.id)
        assert refused.value.code == "shares_over_100" and refused.value.params == {"contract": contract.reference}
        session.rollback()
        with pytest.raises(CommissionError) as refused:
            beneficiaries.set_rule(session, None, session.get(Beneficiary, introducer), firm["product"], D("70.01"))
        assert refused.value.code == "shares_over_100"
        session.rollback()
        beneficiaries.set_rule(session, None, session.get(Beneficiary, introducer), firm["product"], D("65"))
        session.commit()
        with pytest.raises(CommissionError) as refused:
            beneficiaries.update(session, None, session.get(Beneficiary, producer),
                                 {"kind": "producer", "name": "Producer", "user_id": producer_user,
                                  "default_rate": D("40"), "is_active": True}, version=None)
        assert refused.value.code == "shares_over_100"
        session.rollback()
    call_id = issue_year(bound, tenant, contract_id)[0]
    with bound(tenant) as session:
        line = session.scalar(select(CommissionLine).where(CommissionLine.call_id == call_id))
        split = rules.split(line.amount, [(introducer, D("65")), (producer, D("30"))])
        assert line.amount == D("150.00")
        assert sorted(shares_of(session, line.id)) == sorted(split.shares)
        assert split.firm == D("7.50")


def test_an_inactive_beneficiary_and_a_zero_commission_get_no_share(bound, tenant, firm):
    contract_id = new_contract(bound, tenant, firm, "annual", rate="10")
    gone = add_beneficiary(bound, tenant, "Ancien apporteur", "20", contract_ids=[contract_id])
    with bound(tenant) as session:
        session.get(Beneficiary, gone).is_active = False
        session.commit()
    issue_year(bound, tenant, contract_id)
    with bound(tenant) as session:
        assert session.scalar(select(func.count()).select_from(CommissionShare)) == 0


# --- the month's bulk run ---------------------------------------------------------------------------

def test_the_month_run_makes_one_line_per_call_with_shares_and_nothing_twice(bound, tenant, firm):
    contracts = [new_contract(bound, tenant, firm, plan, rate=rate, effective_date=start, policy_number=f"B-{n}")
                 for n, (plan, rate, start) in enumerate([
                     ("monthly", "0", START), ("quarterly", "12", date(2025, 12, 1)),
                     ("half_yearly", "0", date(2025, 9, 30)), ("monthly", "9", date(2026, 2, 10))])]
    introducer = add_beneficiary(bound, tenant, "Réseau Ouest", "20", contract_ids=contracts[:2])
    with bound(tenant) as session:
        assert billing.generate_month(session, None, date(2026, 3, 1), today=date(2026, 3, 1)) == 4
        session.commit()
        call_ids = list(session.scalars(select(PremiumCall.id)))
        assert session.scalar(select(func.count()).select_from(CommissionLine)) == len(call_ids) == 4
        for line in session.scalars(select(CommissionLine)):
            assert (line.rate, line.amount, line.earned_when) == expected_terms(session, line)
            assert (line.status, line.earned_on) == ("earned", date(2026, 3, 1))
        shares = session.execute(select(CommissionShare.beneficiary_id, CommissionShare.amount, CommissionLine.amount)
                                 .join(CommissionLine)).all()
        assert len(shares) == 2 and all(b == introducer and s == rules.share_of(c, D("20")) for b, s, c in shares)

        assert billing.generate_month(session, None, date(2026, 3, 1), today=date(2026, 3, 2)) == 0
        events.calls_issued(session, None, call_ids, date(2026, 3, 2))
        session.commit()
        assert session.scalar(select(func.count()).select_from(CommissionLine)) == 4
        assert session.scalar(select(func.count()).select_from(CommissionShare)) == 2


# --- screens: the list ----------------------------------------------------------------------------

@pytest.fixture
def readonly_client(app, tenant, client_for):
    add_user(app, tenant, "reader@example.fr", "readonly")
    client = client_for(tenant)
    assert sign_in(client, "reader@example.fr").status_code == 303
    return client


@pytest.fixture
def handler_client(app, tenant, client_for):
    add_user(app, tenant, "handler@example.fr", "handler")
    client = client_for(tenant)
    assert sign_in(client, "handler@example.fr").status_code == 303
    return client


@pytest.fixture
def other_client(make_tenant, client_for):
    client = client_for(make_tenant("b"))
    assert sign_in(client, "admin@example.fr").status_code == 303
    return client


@pytest.fixture
def booked(bound, tenant, firm):
    """A contract at 10 % with an introducer at 40 %, a year of quarterly calls
    issued, the first paid then its payment refunded (line reversed)."""
    contract_id = new_contract(bound, tenant, firm, rate="10")
    introducer = add_beneficiary(bound, tenant, "Apporteur Leroy", "40", contract_ids=[contract_id])
    call_ids = issue_year(bound, tenant, contract_id)
    with bound(tenant) as session:
        first = session.get(PremiumCall, call_ids[0])
        payment = billing.record_payment(session, None, client_id=firm["client"], amount=first.total,
                                         method="transfer", received_on=START, call_ids=[first.id], today=START)
        billing.refund_payment(session, None, payment, refunded_on=START, today=START)
        session.commit()
    return firm | {"contract_id": contract_id, "introducer": introducer, "call_ids": call_ids}


def test_the_list_filters_totals_pages_and_exports(admin_client, readonly_client, booked):
    page = readonly_client.get("/commissions/")
    assert page.status_code == 200
    text = page.text
    assert "4 commission lines" in text and "Apporteur Leroy" in text
    assert 'data-testid="total-earned">€100.00' in text and 'data-testid="total-reversed">€25.00' in text
    assert 'data-testid="total-net">€75.00' in text and 'data-testid="total-expected">€0.00' in text
    assert "1 commission line" in admin_client.get("/commissions/?status=reversed").text
    assert "1 commission line" in admin_client.get("/commissions/?month=2026-04").text
    assert "4 commission lines" in admin_client.get(f"/commissions/?beneficiary={booked['introducer']}").text
    assert "No commission line matches" in admin_client.get("/commissions/?insurer=999999").text
    fragment = admin_client.get("/commissions/?line=motor", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text and "4 commission lines" in fragment.text
    for odd in ("?month=2026-13", "?month=abc", "?page=-3", "?insurer=x", "?page=99"):
        assert admin_client.get(f"/commissions/{odd}").status_code == 200
    csv = admin_client.get("/commissions/export.csv?status=reversed")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    rows = csv.data.decode("utf-8-sig").strip().splitlines()
    assert len(rows) == 2 and rows[0].startswith("call;contract") and "reversed" in rows[1]
    xlsx = readonly_client.get("/commissions/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet.max_row == 5 and sheet.cell(1, 10).value == "amount"
    assert admin_client.get("/commissions/export.pdf").status_code == 404


# --- screens: beneficiaries -------------------------------------------------------------------------

BENEFICIARY = {"kind": "introducer", "name": "Courtage Associé", "user_id": "", "email": "apport@example.fr",
               "iban": IBAN, "siren": "732 829 320", "default_rate": "12,5", "is_active": "y"}


def test_beneficiaries_are_recorded_with_a_checked_iban_and_siren(admin_client, bound, tenant):
    refused = admin_client.post("/commissions/beneficiaries/new", data=BENEFICIARY | {
        "iban": "FR76 3000 6000 0112 3456 7890 188", "siren": "123456789"})
    assert refused.status_code == 422
    assert "This IBAN is not valid" in refused.text and 'value="Courtage Associé"' in refused.text
    refused = admin_client.post("/commissions/beneficiaries/new", data=BENEFICIARY | {"siren": "123456789"})
    assert refused.status_code == 422 and "This SIREN is not valid" in refused.text
    refused = admin_client.post("/commissions/beneficiaries/new", data=BENEFICIARY | {"iban": ""})
    assert refused.status_code == 422 and "give their IBAN" in refused.text
    refused = admin_client.post("/commissions/beneficiaries/new", data=BENEFICIARY | {"kind": "producer"})
    assert refused.status_code == 422 and "choose who" in refused.text
    refused = admin_client.post("/commissions/beneficiaries/new", data=BENEFICIARY | {"default_rate": "120"})
    assert refused.status_code == 422 and "between 0 and 100" in refused.text
    created = admin_client.post("/commissions/beneficiaries/new", data=BENEFICIARY)
    assert created.status_code == 303
    with bound(tenant) as session:
        beneficiary = session.scalar(select(Beneficiary))
        assert (beneficiary.iban, beneficiary.siren, beneficiary.default_rate) == (
            "FR7630006000011234567890189", "732829320", D("12.50"))
        beneficiary_id, version = beneficiary.id, beneficiary.version
    assert "Courtage Associé" in admin_client.get("/commissions/beneficiaries").text
    assert "Courtage Associé" in admin_client.get("/commissions/beneficiaries?kind=introducer").text
    assert "Courtage Associé" not in admin_client.get("/commissions/beneficiaries?kind=producer").text
    assert admin_client.get(f"/commissions/beneficiaries/{beneficiary_id}/edit").status_code == 200
    edited = admin_client.post(f"/commissions/beneficiaries/{beneficiary_id}/edit",
                               data=BENEFICIARY | {"default_rate": "15", "version": str(version)})
    assert edited.status_code == 303
    stale = admin_client.post(f"/commissions/beneficiaries/{beneficiary_id}/edit",
                              data=BENEFICIARY | {"default_rate": "16", "version": str(version)})
    assert stale.status_code == 409 and "Someone changed this meanwhile" in stale.text
    shown = admin_client.get(f"/commissions/beneficiaries/{beneficiary_id}")
    assert shown.status_code == 200 and "15%" in shown.text and "FR7630006000011234567890189" in shown.text


def test_share_rules_per_product_on_the_beneficiary_page(admin_client, bound, tenant, booked):
    url = f"/commissions/beneficiaries/{booked['introducer']}"
    assert admin_client.post(f"{url}/rules", data={"product_id": "", "rate": "20"}).status_code == 422
    over = admin_client.post(f"{url}/rules", data={"product_id": str(booked["product"]), "rate": "abc"})
    assert over.status_code == 422
    assert admin_client.post(f"{url}/rules", data={"product_id": str(booked["product"]),
                                                    "rate": "22,5"}).status_code == 303
    with bound(tenant) as session:
        rule = session.scalar(select(ShareRule))
        assert rule.rate == D("22.50")
        rule_id = rule.id
    assert "Auto Essentielle" in admin_client.get(url).text
    assert admin_client.post(f"{url}/rules/{rule_id}/delete").status_code == 303
    assert admin_client.post(f"{url}/rules/{rule_id}/delete").status_code == 404


def test_a_contract_commission_section_sets_its_rate_and_credits_beneficiaries_within_100_percent(
        admin_client, bound, tenant, booked):
    contract_id = booked["contract_id"]
    shown = admin_client.get(f"/contracts/{contract_id}")
    assert f'hx-get="/commissions/contracts/{contract_id}"' in shown.text
    fragment = admin_client.get(f"/commissions/contracts/{contract_id}", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text and "Apporteur Leroy" in fragment.text
    page = admin_client.get(f"/commissions/contracts/{contract_id}")
    assert "<html" in page.text and "Apporteur Leroy" in page.text
    with bound(tenant) as session:
        version = session.get(Contract, contract_id).version
        big = beneficiaries.create(session, None, {"kind": "introducer", "name": "Gros Apport", "iban": IBAN,
                                                   "default_rate": D("61")})
        session.commit()
        big_id = big.id
    refused = admin_client.post(f"/commissions/contracts/{contract_id}/beneficiaries",
                                data={"beneficiary_id": str(big_id)})
    assert refused.status_code == 422 and "would come to more than 100% of its commission" in refused.text
    again = admin_client.post(f"/commissions/contracts/{contract_id}/beneficiaries",
                              data={"beneficiary_id": str(booked["introducer"])})
    assert again.status_code == 422 and "already credited" in again.text
    assert admin_client.post(f"/commissions/contracts/{contract_id}/beneficiaries",
                             data={"beneficiary_id": ""}).status_code == 422
    bad = admin_client.post(f"/commissions/contracts/{contract_id}/rate",
                            data={"commission_rate": "101", "version": str(version)})
    assert bad.status_code == 422 and "between 0 and 100" in bad.text
    assert admin_client.post(f"/commissions/contracts/{contract_id}/rate",
                             data={"commission_rate": "17,5", "version": str(version)}).status_code == 303
    stale = admin_client.post(f"/commissions/contracts/{contract_id}/rate",
                              data={"commission_rate": "18", "version": str(version)})
    assert stale.status_code == 409
    with bound(tenant) as session:
        assert session.get(Contract, contract_id).commission_rate == D("17.50")
        link_id = session.scalar(select(ContractBeneficiary.id))
    assert admin_client.post(f"/commissions/contracts/{contract_id}/beneficiaries/{link_id}/delete").status_code == 303
    assert admin_client.post(f"/commissions/contracts/{contract_id}/beneficiaries",
                             data={"beneficiary_id": str(big_id)}).status_code == 303


def test_the_agreement_form_sets_when_the_commission_is_earned(admin_client, bound, tenant, firm):
    response = admin_client.post(f"/catalog/insurers/{firm['insurer']}/agreements", data={
        "line": "home", "new_business_rate": "18", "renewal_rate": "15", "starts_on": "2026-01-01",
        "ends_on": "", "reference": "HAB-2026", "earned_on": "payment"})
    assert response.status_code == 303
    with bound(tenant) as session:
        assert session.scalar(select(CommissionAgreement.earned_on).where(CommissionAgreement.line == "home")) \
            == "payment"
    assert "On payment" in admin_client.get(f"/catalog/insurers/{firm['insurer']}").text


# --- roles and tenants -------------------------------------------------------------------------------

def routes(booked) -> tuple[list[str], list[tuple[str, dict]]]:
    beneficiary, contract = booked["introducer"], booked["contract_id"]
    reads = ["/commissions/", "/commissions/export.csv", "/commissions/beneficiaries",
             f"/commissions/beneficiaries/{beneficiary}", f"/commissions/contracts/{contract}"]
    writes = [("/commissions/beneficiaries/new", BENEFICIARY),
              (f"/commissions/beneficiaries/{beneficiary}/edit", BENEFICIARY),
              (f"/commissions/beneficiaries/{beneficiary}/rules", {"product_id": str(booked["product"]), "rate": "5"}),
              (f"/commissions/beneficiaries/{beneficiary}/rules/1/delete", {}),
              (f"/commissions/contracts/{contract}/beneficiaries", {"beneficiary_id": str(beneficiary)}),
              (f"/commissions/contracts/{contract}/beneficiaries/1/delete", {}),
              (f"/commissions/contracts/{contract}/rate", {"commission_rate": "5"})]
    return reads, writes


def test_read_only_reads_and_cannot_write_handlers_cannot_change_beneficiaries(readonly_client, handler_client,
                                                                               booked):
    reads, writes = routes(booked)
    for url in reads:
        assert readonly_client.get(url).status_code == 200, url
    for url, data in writes:
        assert readonly_client.post(url, data=data).status_code == 403, url
    for url, data in writes[:4]:
        assert handler_client.post(url, data=data).status_code == 403, url
    assert handler_client.get("/commissions/beneficiaries/new").status_code == 403
    assert handler_client.post(writes[6][0], data={"commission_rate": "5"}).status_code == 303


def test_another_firm_sees_none_of_these(other_client, booked):
    reads, writes = routes(booked)
    assert "Apporteur Leroy" not in other_client.get("/commissions/").text
    assert "0 commission lines" in other_client.get("/commissions/").text
    for url in reads[3:]:
        assert other_client.get(url).status_code == 404, url
    for url, data in writes[1:]:
        assert other_client.post(url, data=data).status_code == 404, url
