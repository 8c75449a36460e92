"""The cover check of a claim: the contract as it stood on the day of the
loss (the version then, not today's), the guarantee proposed from the kind
of loss, its ceiling, deductible and exclusions, cover suspended for
non-payment (L113-3) on that day; the handler confirms the proposal or
decides otherwise with a reason (422 without), a stale page is refused
(409); read-only staff cannot decide (403), another firm sees nothing (404)."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.billing.models import NonPaymentProcedure, PremiumCall
from app.billing.nonpayment_rules import cover_resumes_at
from app.claims import services as claims
from app.claims.models import Claim, ClaimEvent
from app.contracts import services as contracts
from app.contracts.models import Contract
from tests.integration.test_contracts import other_firm_client, portfolio, readonly_client  # noqa: F401

GUARANTEES = [
    {"code": "water_damage", "label": "Water damage", "included": True, "ceiling": "50000.00", "deductible": "150.00",
     "exclusions": "Défaut d'entretien; Infiltrations par la toiture"},
    {"code": "fire", "label": "Fire and explosion", "included": True, "ceiling": "200000.00", "deductible": None,
     "exclusions": None},
    {"code": "theft", "label": "Theft and vandalism", "included": False, "ceiling": None, "deductible": None,
     "exclusions": None},
]
LOSS_DAY = date(2026, 6, 10)


def home_contract(bound, tenant, portfolio, guarantees=GUARANTEES, effective=date(2026, 1, 1)) -> int:  # noqa: F811
    terms = contracts.Terms(client_id=portfolio["client"], insurer_id=portfolio["insurer"], line="home",
                            label="MRH Lyon", effective_date=effective, premium_net=Decimal("320.00"),
                            policy_number="MRH-77", guarantees=[dict(item) for item in guarantees])
    with bound(tenant) as session:
        contract = contracts.create(session, None, terms)
        session.commit()
        return contract.id


def water_claim(bound, tenant, contract_id: int, occurred_on: date = LOSS_DAY, estimated: str = "2400",
                at: time = time(21, 30)) -> int:
    values = {"occurred_on": occurred_on, "occurred_time": at, "known_on": occurred_on,
              "place": "12 rue des Lilas, Lyon", "circumstances": "Fuite du chauffe-eau, parquet gonflé.",
              "police_report": "no", "injured": "no", "damaged_goods": "Parquet", "estimated_amount": estimated}
    with bound(tenant) as session:
        claim = claims.declare(session, None, session.get(Contract, contract_id), "water_damage", values, [],
                               channel="phone")
        session.commit()
        return claim.id


def claim_row(bound, tenant, claim_id: int) -> Claim:
    with bound(tenant) as session:
        claim = session.get(Claim, claim_id)
        session.expunge(claim)
        return claim


def events(bound, tenant, claim_id: int, kind: str) -> list[ClaimEvent]:
    with bound(tenant) as session:
        return list(session.scalars(select(ClaimEvent).where(ClaimEvent.claim_id == claim_id, ClaimEvent.kind == kind)))


def choice(**changes) -> dict:
    return {"guarantee_code": "water_damage", "exclusion": "none", "exclusion_note": ""} | changes


def test_the_cover_page_of_a_home_water_damage_proposes_the_guarantee_and_the_handler_confirms(
        admin_client, bound, tenant, portfolio):  # noqa: F811
    claim_id = water_claim(bound, tenant, home_contract(bound, tenant, portfolio))
    page = admin_client.get(f"/claims/{claim_id}/cover")
    assert page.status_code == 200
    proposal = page.text.split('data-testid="cover-proposal"')[1].split("</form>")[0]
    assert "Covered" in proposal and "Guarantee Water damage, ceiling €50,000.00." in proposal
    assert "Deductible €150.00." in proposal and "version 1" in proposal
    assert "Défaut d&#39;entretien" in page.text and "€2,400.00" in page.text and "(client's estimate)" in page.text
    assert "Theft and vandalism" not in page.text  # not subscribed
    assert "The cover has not been checked yet." in page.text
    version = claim_row(bound, tenant, claim_id).version
    response = admin_client.post(f"/claims/{claim_id}/cover/confirm", data=choice(version=version))
    assert response.status_code == 303
    claim = claim_row(bound, tenant, claim_id)
    assert claim.cover_decision == "covered" and claim.guarantee_code == "water_damage"
    assert claim.cover_override_reason is None and claim.cover_checked_at and claim.cover_checked_by_id
    assert claim.cover_proposal["verdict"] == "covered" and claim.cover_proposal["amount"] == "2400.00"
    assert [item["code"] for item in claim.cover_proposal["clauses"]] == ["version", "guarantee", "deductible"]
    assert claim.cover_proposal["loss_day"] == LOSS_DAY.isoformat()
    [event] = events(bound, tenant, claim_id, "cover_checked")
    assert event.details["decision"] == "covered" and event.summary == "Covered, under Water damage."
    with bound(tenant) as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "claim.cover_check"))
        assert entry.object_id == str(claim_id) and entry.after["cover_decision"] == "covered"
    shown = admin_client.get(f"/claims/{claim_id}/cover").text
    assert 'data-testid="cover-stored-clauses"' in shown and "by Anne Admin" in shown


def test_another_guarantee_and_an_exclusion_change_the_proposal(admin_client, bound, tenant, portfolio):  # noqa: F811
    claim_id = water_claim(bound, tenant, home_contract(bound, tenant, portfolio))
    fire = admin_client.get(f"/claims/{claim_id}/cover", query_string=choice(guarantee_code="fire"))
    assert "Guarantee Fire and explosion, ceiling €200,000.00." in fire.text
    none = admin_client.get(f"/claims/{claim_id}/cover", query_string=choice(guarantee_code=""))
    assert "No guarantee of the contract covers this loss." in none.text
    unknown = admin_client.get(f"/claims/{claim_id}/cover", query_string=choice(guarantee_code="<x>", exclusion="?"))
    assert unknown.status_code == 200 and "Guarantee &lt;x&gt; is not in the contract." in unknown.text
    version = claim_row(bound, tenant, claim_id).version
    no_note = admin_client.post(f"/claims/{claim_id}/cover/confirm", data=choice(exclusion="all", version=version))
    assert no_note.status_code == 422 and "Say which exclusion applies and why." in no_note.text
    bad_code = admin_client.post(f"/claims/{claim_id}/cover/confirm", data=choice(guarantee_code="theft",
                                                                                  version=version))
    assert bad_code.status_code == 422 and "Choose one of the proposed values." in bad_code.text
    excluded = admin_client.post(f"/claims/{claim_id}/cover/confirm", data=choice(
        exclusion="all", exclusion_note="Joint jamais entretenu (défaut d'entretien)", version=version))
    assert excluded.status_code == 303
    claim = claim_row(bound, tenant, claim_id)
    assert claim.cover_decision == "not_covered" and claim.cover_proposal["clauses"][-1]["code"] == "excluded"
    assert claim.cover_proposal["exclusion_note"] == "Joint jamais entretenu (défaut d'entretien)"
    again = admin_client.get(f"/claims/{claim_id}/cover").text
    assert "Joint jamais entretenu" in again and 'value="all" checked' in again


def test_an_estimate_above_the_ceiling_is_partly_covered_and_below_the_deductible_not(admin_client, bound, tenant,
                                                                                     portfolio):  # noqa: F811
    contract_id = home_contract(bound, tenant, portfolio)
    high = water_claim(bound, tenant, contract_id, estimated="62000")
    assert "€62,000.00 is above the ceiling of €50,000.00" in admin_client.get(f"/claims/{high}/cover").text
    low = water_claim(bound, tenant, contract_id, estimated="120")
    page = admin_client.get(f"/claims/{low}/cover").text
    assert "no more than the deductible of €150.00: nothing to pay" in page


def test_the_version_on_the_day_of_the_loss_counts(admin_client, bound, tenant, portfolio):  # noqa: F811
    """Water damage was added by an endorsement from 1 July: a loss in June
    falls under version 1, without it."""
    contract_id = home_contract(bound, tenant, portfolio, guarantees=GUARANTEES[1:])
    with bound(tenant) as session:
        contract = session.get(Contract, contract_id)
        contracts.current_version(session, contract).valid_to = date(2026, 7, 1)
        contract.guarantees = [dict(item) for item in GUARANTEES]
        contracts.open_version(session, contract, number=2, valid_from=date(2026, 7, 1))
        session.commit()
    june = admin_client.get(f"/claims/{water_claim(bound, tenant, contract_id)}/cover").text
    assert "Not covered" in june and "No guarantee of the contract covers this loss." in june and "version 1" in june
    july = admin_client.get(f"/claims/{water_claim(bound, tenant, contract_id, date(2026, 7, 2))}/cover").text
    assert "Guarantee Water damage, ceiling €50,000.00." in july and "version 2" in july


def test_a_loss_while_cover_was_suspended_is_not_covered_and_after_it_resumed_is(admin_client, bound, tenant,
                                                                                 portfolio):  # noqa: F811
    contract_id = home_contract(bound, tenant, portfolio)
    with bound(tenant) as session:
        contract = session.get(Contract, contract_id)
        contracts.change_status(session, None, contract, to_status="suspended", reason="Non-paiement (L113-3)",
                                effective_on=date(2026, 6, 1))
        contracts.change_status(session, None, contract, to_status="active", reason="Prime payée",
                                effective_on=date(2026, 6, 20))
        session.commit()
    during = admin_client.get(f"/claims/{water_claim(bound, tenant, contract_id)}/cover").text
    assert "Cover suspended for non-payment from" in during and "L113-3" in during
    assert "Suspended on that day" in during
    after = admin_client.get(f"/claims/{water_claim(bound, tenant, contract_id, date(2026, 6, 25))}/cover").text
    proposal = after.split('data-testid="cover-proposal"')[1]
    assert "had resumed on" in proposal and "Guarantee Water damage" in proposal


def test_a_non_payment_procedure_suspends_cover_until_noon_the_day_after_payment(admin_client, bound, tenant,
                                                                                 portfolio):  # noqa: F811
    contract_id = home_contract(bound, tenant, portfolio)
    with bound(tenant) as session:
        contract = session.get(Contract, contract_id)
        call = PremiumCall(reference="Q-1", contract_id=contract_id, client_id=contract.client_id,
                           insurer_id=contract.insurer_id, line="home", number=1, period_start=date(2026, 4, 1),
                           period_end=date(2026, 6, 30), due_date=date(2026, 4, 1), net=Decimal("80.00"),
                           tax_rate=Decimal("30.00"), tax=Decimal("24.00"), total=Decimal("104.00"))
        session.add(call)
        session.flush()
        session.add(NonPaymentProcedure(call_id=call.id, contract_id=contract_id, step="stopped_by_payment",
                                        formal_notice_sent_on=date(2026, 4, 20), suspended_on=date(2026, 5, 21),
                                        stopped_on=date(2026, 6, 10), stop_reason="paid",
                                        cover_resumes_at=cover_resumes_at(date(2026, 6, 10))))
        session.commit()
    morning = water_claim(bound, tenant, contract_id, date(2026, 6, 11), at=time(11, 0))
    proposal = admin_client.get(f"/claims/{morning}/cover").text.split('data-testid="cover-proposal"')[1]
    assert "Not covered" in proposal and "Cover suspended for non-payment from" in proposal
    afternoon = water_claim(bound, tenant, contract_id, date(2026, 6, 11), at=time(13, 0))
    proposal = admin_client.get(f"/claims/{afternoon}/cover").text.split('data-testid="cover-proposal"')[1]
    assert "Covered" in proposal and "had resumed on" in proposal


def test_a_loss_before_the_effective_date_is_not_covered(admin_client, bound, tenant, portfolio):  # noqa: F811
    contract_id = home_contract(bound, tenant, portfolio, effective=date(2026, 7, 1))
    page = admin_client.get(f"/claims/{water_claim(bound, tenant, contract_id)}/cover").text
    assert "The loss happened before the contract's effective date" in page and "none in force that day" in page


def test_overriding_needs_a_reason(admin_client, bound, tenant, portfolio):  # noqa: F811
    claim_id = water_claim(bound, tenant, home_contract(bound, tenant, portfolio))
    version = claim_row(bound, tenant, claim_id).version
    missing = admin_client.post(f"/claims/{claim_id}/cover/override",
                                data=choice(decision="partial", reason="  ", version=version))
    assert missing.status_code == 422 and "This field is required." in missing.text
    same = admin_client.post(f"/claims/{claim_id}/cover/override",
                             data=choice(decision="covered", reason="Pareil", version=version))
    assert same.status_code == 422 and "confirm the proposal instead" in same.text
    bad = admin_client.post(f"/claims/{claim_id}/cover/override",
                            data=choice(decision="maybe", reason="x", version=version))
    assert bad.status_code == 422 and claim_row(bound, tenant, claim_id).cover_decision is None
    kept = admin_client.post(f"/claims/{claim_id}/cover/override", data=choice(
        decision="partial", reason="", exclusion="part", exclusion_note="", version=version))
    assert kept.status_code == 422 and "Say which exclusion applies and why." in kept.text
    reason = "Le meuble TV était déjà abîmé avant le sinistre."
    done = admin_client.post(f"/claims/{claim_id}/cover/override",
                             data=choice(decision="partial", reason=reason, version=version))
    assert done.status_code == 303
    claim = claim_row(bound, tenant, claim_id)
    assert claim.cover_decision == "partial" and claim.cover_override_reason == reason
    assert claim.cover_proposal["verdict"] == "covered"
    [event] = events(bound, tenant, claim_id, "cover_overridden")
    assert event.details["reason"] == reason and event.details["proposed"] == "covered"
    page = admin_client.get(f"/claims/{claim_id}/cover").text
    assert reason.replace("'", "&#39;") in page and "Against the proposal (Covered):" in page


def test_checking_again_keeps_the_history_and_a_stale_page_is_refused(admin_client, bound, tenant,
                                                                      portfolio):  # noqa: F811
    claim_id = water_claim(bound, tenant, home_contract(bound, tenant, portfolio))
    first = claim_row(bound, tenant, claim_id).version
    assert admin_client.post(f"/claims/{claim_id}/cover/confirm", data=choice(version=first)).status_code == 303
    stale = admin_client.post(f"/claims/{claim_id}/cover/override",
                              data=choice(decision="not_covered", reason="Déclaré trop tard", version=first))
    assert stale.status_code == 409 and "Someone changed this claim meanwhile" in stale.text
    assert "Déclaré trop tard" in stale.text
    current = claim_row(bound, tenant, claim_id).version
    assert admin_client.post(f"/claims/{claim_id}/cover/confirm",
                             data=choice(guarantee_code="fire", version=current)).status_code == 303
    assert claim_row(bound, tenant, claim_id).guarantee_code == "fire"
    assert len(events(bound, tenant, claim_id, "cover_checked")) == 2
    assert admin_client.post(f"/claims/{claim_id}/cover/confirm", data=choice(version="abc")).status_code == 409


def test_read_only_staff_see_the_check_but_cannot_decide(readonly_client, bound, tenant, portfolio):  # noqa: F811
    claim_id = water_claim(bound, tenant, home_contract(bound, tenant, portfolio))
    page = readonly_client.get(f"/claims/{claim_id}/cover")
    assert page.status_code == 200 and "cover/confirm" not in page.text
    version = claim_row(bound, tenant, claim_id).version
    assert readonly_client.post(f"/claims/{claim_id}/cover/confirm", data=choice(version=version)).status_code == 403
    assert readonly_client.post(f"/claims/{claim_id}/cover/override", data=choice(
        decision="partial", reason="x", version=version)).status_code == 403
    assert claim_row(bound, tenant, claim_id).cover_decision is None


def test_another_firm_gets_404(other_firm_client, bound, tenant, portfolio):  # noqa: F811
    claim_id = water_claim(bound, tenant, home_contract(bound, tenant, portfolio))
    assert other_firm_client.get(f"/claims/{claim_id}/cover").status_code == 404
    assert other_firm_client.post(f"/claims/{claim_id}/cover/confirm", data=choice(version=1)).status_code == 404
    assert other_firm_client.post(f"/claims/{claim_id}/cover/override", data=choice(
        decision="partial", reason="x", version=1)).status_code == 404
    assert claim_row(bound, tenant, claim_id).cover_decision is None


def test_the_tab_is_on_the_claim_page(admin_client, bound, tenant, portfolio):  # noqa: F811
    claim_id = water_claim(bound, tenant, home_contract(bound, tenant, portfolio))
    assert f'href="/claims/{claim_id}/cover"' in admin_client.get(f"/claims/{claim_id}").text
