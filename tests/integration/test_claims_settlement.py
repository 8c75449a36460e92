"""The claim's damages and settlement tab: damage items with totals, the
reserve and its history, the indemnity under the contract's deductible and
ceiling with its explanation, payments (to the insured, straight to a
provider), settled when paid in full, recourse with its follow-up task,
closure after a confirmation and reopening; 422 keeping what was typed,
409 on a stale version, 403 for readonly staff, 404 for another firm; the
portal shows the client their indemnity and payments, never another
client's."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.claims import services as claims
from app.claims.models import Claim, ClaimEvent
from app.claims.settlement_models import ClaimDamage, ClaimPayment, ClaimRecourse, ClaimReserve
from app.contracts import services as contracts
from app.crm.models import Task
from app.providers.models import Provider
from tests.integration.test_contracts import other_firm_client, portfolio, readonly_client  # noqa: F401
from tests.integration.test_portal_access import new_client, policyholder  # noqa: F401

D = Decimal
TODAY = date.today()
#: the home contract's water damage guarantee: deductible 300 €, ceiling 5 000 €, deductible after the ceiling
WATER = {"code": "water_damage", "label": "Water damage", "included": True, "ceiling": "5000.00",
         "deductible": "300.00", "exclusions": None, "deductible_basis": "after_ceiling"}


def make_claim(bound, tenant, portfolio, *, client_id=None, guarantee=WATER, code="water_damage",  # noqa: F811
               kind="water_damage", share=None, line="home") -> int:
    """A contract of ``line`` with ``guarantee`` and a claim under it, declared by phone."""
    with bound(tenant) as session:
        terms = contracts.Terms(client_id=client_id or portfolio["client"], insurer_id=portfolio["insurer"],
                                line=line, label=line.title(), effective_date=date(2025, 1, 1),
                                premium_net=D("300.00"), policy_number=None,
                                guarantees=[guarantee])
        contract = contracts.create(session, None, terms)
        claim = claims.declare(session, None, contract, kind, {
            "occurred_on": TODAY - timedelta(days=3), "place": "Lyon",
            "circumstances": "Fuite du chauffe-eau."}, [], channel="phone")
        claim.guarantee_code, claim.liability_share = code, share
        session.commit()
        return claim.id


def version(bound, tenant, claim_id) -> int:
    with bound(tenant) as session:
        return session.get(Claim, claim_id).version


def kinds(bound, tenant, claim_id) -> list[str]:
    with bound(tenant) as session:
        return list(session.scalars(select(ClaimEvent.kind).where(ClaimEvent.claim_id == claim_id)
                                    .order_by(ClaimEvent.id)))


def add_damage(browser, claim_id, **values):
    data = {"category": "material", "label": "Parquet du séjour", "claimed_amount": "6 500,00",
            "expert_amount": "6000", "agreed_amount": "6000"} | values
    return browser.post(f"/claims/{claim_id}/settlement/damages", data=data)


def pay(browser, claim_id, claim_version, **values):
    data = {"payee_kind": "insured", "amount": "1000", "paid_on": TODAY.isoformat(), "method": "transfer",
            "reference": "VIR-1", "version": claim_version} | values
    return browser.post(f"/claims/{claim_id}/settlement/payments", data=data)


@pytest.fixture
def claim_id(bound, tenant, portfolio):  # noqa: F811
    return make_claim(bound, tenant, portfolio)


def test_damage_items_with_totals_edit_and_removal(admin_client, bound, tenant, claim_id):
    empty = admin_client.get(f"/claims/{claim_id}/settlement")
    assert empty.status_code == 200 and "No damage item yet" in empty.text
    assert add_damage(admin_client, claim_id).status_code == 303
    assert add_damage(admin_client, claim_id, category="consequential", label="Relogement", claimed_amount="800",
                      expert_amount="", agreed_amount="").status_code == 303
    page = admin_client.get(f"/claims/{claim_id}/settlement")
    assert "Parquet du séjour" in page.text and "Relogement" in page.text
    assert "€7,300.00" in page.text  # the claimed total
    with bound(tenant) as session:
        damage = session.scalar(select(ClaimDamage).where(ClaimDamage.label == "Relogement"))
        damage_id, damage_version = damage.id, damage.version
    edit_form = admin_client.get(f"/claims/{claim_id}/settlement?edit={damage_id}")
    assert f'data-testid="damage-edit-{damage_id}"' in edit_form.text
    changed = admin_client.post(f"/claims/{claim_id}/settlement/damages/{damage_id}", data={
        "category": "consequential", "label": "Relogement 2 nuits", "claimed_amount": "800", "expert_amount": "400",
        "agreed_amount": "400", "version": damage_version})
    assert changed.status_code == 303
    stale = admin_client.post(f"/claims/{claim_id}/settlement/damages/{damage_id}", data={
        "category": "consequential", "label": "Hôtel", "claimed_amount": "1", "version": damage_version})
    assert stale.status_code == 409 and "changed this claim meanwhile" in stale.text
    assert 'value="Hôtel"' in stale.text
    removed = admin_client.post(f"/claims/{claim_id}/settlement/damages/{damage_id}/remove",
                                data={"version": damage_version + 1})
    assert removed.status_code == 303
    with bound(tenant) as session:
        assert [item.label for item in session.scalars(select(ClaimDamage))] == ["Parquet du séjour"]
    assert {"damage_added", "damage_changed", "damage_removed"} <= set(kinds(bound, tenant, claim_id))


@pytest.mark.parametrize(("values", "field_message"), [
    ({"claimed_amount": "six mille"}, "Enter an amount in euros"),
    ({"expert_amount": "-50"}, "cannot be negative"),
    ({"agreed_amount": "12345678901"}, "10 digits at most"),
    ({"label": ""}, "This field is required"),
    ({"category": "emotional"}, "Choose one of the proposed values"),
])
def test_damage_input_is_checked_and_kept(admin_client, bound, tenant, claim_id, values, field_message):
    response = add_damage(admin_client, claim_id, **({"label": "Canapé"} | values))
    assert response.status_code == 422 and field_message in response.text
    if values.get("label", "x"):
        assert 'value="Canapé"' in response.text
    with bound(tenant) as session:
        assert session.scalar(select(ClaimDamage)) is None


def test_reserve_proposed_set_with_its_history(admin_client, bound, tenant, claim_id):
    add_damage(admin_client, claim_id, agreed_amount="", expert_amount="4200")
    page = admin_client.get(f"/claims/{claim_id}/settlement")
    assert "Proposed: €4,200.00" in page.text
    missing = admin_client.post(f"/claims/{claim_id}/settlement/reserve", data={
        "amount": "4200", "reason": "", "version": version(bound, tenant, claim_id)})
    assert missing.status_code == 422 and "This field is required" in missing.text
    letters = admin_client.post(f"/claims/{claim_id}/settlement/reserve", data={
        "amount": "beaucoup", "reason": "Rapport", "version": version(bound, tenant, claim_id)})
    assert letters.status_code == 422 and 'value="beaucoup"' in letters.text
    current = version(bound, tenant, claim_id)
    assert admin_client.post(f"/claims/{claim_id}/settlement/reserve", data={
        "amount": "4 200,00", "reason": "Rapport de l'expert", "version": current}).status_code == 303
    stale = admin_client.post(f"/claims/{claim_id}/settlement/reserve", data={
        "amount": "5000", "reason": "Aggravation", "version": current})
    assert stale.status_code == 409
    assert admin_client.post(f"/claims/{claim_id}/settlement/reserve", data={
        "amount": "3000", "reason": "Devis revu", "version": version(bound, tenant, claim_id)}).status_code == 303
    with bound(tenant) as session:
        assert session.get(Claim, claim_id).reserve == D("3000.00")
        history = [(row.previous_amount, row.amount, row.reason) for row in
                   session.scalars(select(ClaimReserve).order_by(ClaimReserve.id))]
    assert history == [(D("0.00"), D("4200.00"), "Rapport de l'expert"), (D("4200.00"), D("3000.00"), "Devis revu")]
    assert "Devis revu" in admin_client.get(f"/claims/{claim_id}/settlement").text
    assert kinds(bound, tenant, claim_id).count("reserve_set") == 2


def test_the_indemnity_follows_the_contract_and_is_explained(admin_client, bound, tenant, portfolio):  # noqa: F811
    no_guarantee = make_claim(bound, tenant, portfolio, code=None)
    add_damage(admin_client, no_guarantee)
    refused = admin_client.post(f"/claims/{no_guarantee}/settlement/indemnity",
                                data={"version": version(bound, tenant, no_guarantee)})
    assert refused.status_code == 422 and "Choose the guarantee concerned" in refused.text
    claim_id = make_claim(bound, tenant, portfolio, client_id=None)
    nothing_agreed = admin_client.post(f"/claims/{claim_id}/settlement/indemnity",
                                       data={"version": version(bound, tenant, claim_id)})
    assert nothing_agreed.status_code == 422 and "agreed amount" in nothing_agreed.text
    add_damage(admin_client, claim_id)                                     # 6 000 agreed
    stale = admin_client.post(f"/claims/{claim_id}/settlement/indemnity", data={"version": "0"})
    assert stale.status_code == 409
    computed = admin_client.post(f"/claims/{claim_id}/settlement/indemnity",
                                 data={"version": version(bound, tenant, claim_id)})
    assert computed.status_code == 303
    with bound(tenant) as session:
        claim = session.get(Claim, claim_id)
        # contract: ceiling 5 000 first, then the 300 deductible ("after_ceiling")
        assert claim.indemnity == D("4700.00") and claim.indemnity_computed_at is not None
        assert [line["code"] for line in claim.indemnity_explanation] == [
            "damages", "damages_total", "ceiling", "deductible_after_ceiling", "indemnity", "paid", "remaining"]
    page = admin_client.get(f"/claims/{claim_id}/settlement")
    assert "Capped at the guarantee&#39;s ceiling of €5,000.00" in page.text
    assert "Deductible of €300.00, after the ceiling as the contract says" in page.text
    assert "indemnity_computed" in kinds(bound, tenant, claim_id)


def test_the_liability_share_reduces_own_damage_in_a_collision(admin_client, bound, tenant, portfolio):  # noqa: F811
    collision = {"code": "third_party", "label": "Third-party liability", "ceiling": None, "deductible": None}
    claim_id = make_claim(bound, tenant, portfolio, guarantee=collision, code="third_party", kind="collision",
                          share=25, line="motor")
    add_damage(admin_client, claim_id, agreed_amount="2000")
    assert admin_client.post(f"/claims/{claim_id}/settlement/indemnity",
                             data={"version": version(bound, tenant, claim_id)}).status_code == 303
    with bound(tenant) as session:
        assert session.get(Claim, claim_id).indemnity == D("1500.00")    # 2 000 x (100 - 25) %


def test_payments_to_the_insured_and_a_provider_settle_the_claim(admin_client, bound, tenant, claim_id):
    with bound(tenant) as session:
        garage = Provider(kind="craftsman", name="Plomberie Durand")
        session.add(garage)
        session.commit()
        provider_id = garage.id
    add_damage(admin_client, claim_id)
    admin_client.post(f"/claims/{claim_id}/settlement/indemnity", data={"version": version(bound, tenant, claim_id)})
    current = version(bound, tenant, claim_id)
    for values, message in [({"amount": "mille"}, "Enter an amount above 0"), ({"amount": "-10"}, "above 0"),
                            ({"amount": "12345678901"}, "10 digits"), ({"paid_on": ""}, "Enter a date"),
                            ({"payee_kind": "provider", "provider_id": ""}, "This field is required"),
                            ({"payee_kind": "third_party", "payee_name": ""}, "This field is required")]:
        refused = pay(admin_client, claim_id, current, **values)
        assert refused.status_code == 422 and message in refused.text, values
    assert pay(admin_client, claim_id, current, amount="1 700,00").status_code == 303
    assert pay(admin_client, claim_id, current, amount="100").status_code == 409
    page = admin_client.get(f"/claims/{claim_id}/settlement")
    assert "€3,000.00" in page.text and 'data-testid="paid-in-full"' not in page.text          # left to pay
    assert pay(admin_client, claim_id, version(bound, tenant, claim_id), payee_kind="provider",
               provider_id=provider_id, amount="3000").status_code == 303
    with bound(tenant) as session:
        claim = session.get(Claim, claim_id)
        assert claim.status == "settled" and claim.paid_total == D("4700.00")
        payees = [(item.payee_kind, item.payee_name, item.provider_id) for item in
                  session.scalars(select(ClaimPayment).order_by(ClaimPayment.id))]
    assert payees == [("insured", "Martin Léa", None), ("provider", "Plomberie Durand", provider_id)]
    page = admin_client.get(f"/claims/{claim_id}/settlement")
    assert 'data-testid="paid-in-full"' in page.text and '<option value="settled" selected>' in page.text
    assert "Plomberie Durand" in page.text
    events = kinds(bound, tenant, claim_id)
    assert events.count("payment_recorded") == 2 and "status_changed" in events


def test_closure_after_confirmation_then_reopening(admin_client, bound, tenant, claim_id):
    current = version(bound, tenant, claim_id)
    admin_client.post(f"/claims/{claim_id}/settlement/reserve", data={"amount": "900", "reason": "Devis",
                                                                      "version": current})
    current = version(bound, tenant, claim_id)
    missing = admin_client.post(f"/claims/{claim_id}/settlement/close", data={"reason": "other", "note": "",
                                                                               "version": current})
    assert missing.status_code == 422 and "This field is required" in missing.text
    asked = admin_client.post(f"/claims/{claim_id}/settlement/close", data={
        "reason": "withdrawn", "note": "Le client renonce.", "version": current})
    assert asked.status_code == 200 and 'data-testid="confirm-closure"' in asked.text
    assert "1 open task of the claim is marked done" in asked.text and "€900.00" in asked.text
    with bound(tenant) as session:
        assert session.get(Claim, claim_id).status != "closed"
    stale = admin_client.post(f"/claims/{claim_id}/settlement/close", data={
        "reason": "withdrawn", "note": "", "version": current - 1, "confirmed": "yes"})
    assert stale.status_code == 409
    closed = admin_client.post(f"/claims/{claim_id}/settlement/close", data={
        "reason": "withdrawn", "note": "Le client renonce.", "version": current, "confirmed": "yes"})
    assert closed.status_code == 303
    with bound(tenant) as session:
        claim = session.get(Claim, claim_id)
        assert (claim.status, claim.closed_on, claim.closed_reason, claim.reserve) == (
            "closed", TODAY, "withdrawn", D("0.00"))
        assert session.scalar(select(Task).where(Task.source_type == "claim", Task.source_id == claim_id,
                                                 Task.done_at.is_(None))) is None
    assert add_damage(admin_client, claim_id).status_code == 422
    current = version(bound, tenant, claim_id)
    no_reason = admin_client.post(f"/claims/{claim_id}/settlement/reopen", data={"reopen_reason": " ",
                                                                                 "version": current})
    assert no_reason.status_code == 422
    assert admin_client.post(f"/claims/{claim_id}/settlement/reopen", data={
        "reopen_reason": "Nouvelle fuite constatée.", "version": current}).status_code == 303
    with bound(tenant) as session:
        claim = session.get(Claim, claim_id)
        assert (claim.status, claim.reopened_count, claim.closed_on) == ("in_progress", 1, None)
    assert admin_client.post(f"/claims/{claim_id}/settlement/reopen", data={
        "reopen_reason": "Encore", "version": version(bound, tenant, claim_id)}).status_code == 422
    assert {"closed", "reopened"} <= set(kinds(bound, tenant, claim_id))


def test_recourse_is_followed_up_with_a_task_and_closed(admin_client, bound, tenant, claim_id):
    follow_up = TODAY + timedelta(days=15)
    base = {"third_party_name": "M. Petit", "third_party_insurer": "Assur Sud", "third_party_reference": "AS-77",
            "amount_claimed": "4700", "next_follow_up_on": follow_up.isoformat()}
    for values, message in [({"amount_claimed": "quatre"}, "Enter an amount"), ({"third_party_insurer": ""},
                                                                                "This field is required"),
                            ({"amount_claimed": "0"}, "above 0"), ({"next_follow_up_on": "demain"}, "Enter a date")]:
        refused = admin_client.post(f"/claims/{claim_id}/settlement/recourses", data=base | values)
        assert refused.status_code == 422 and message in refused.text and 'value="M. Petit"' in refused.text
    assert admin_client.post(f"/claims/{claim_id}/settlement/recourses", data=base).status_code == 303
    with bound(tenant) as session:
        recourse = session.scalar(select(ClaimRecourse))
        task = session.get(Task, recourse.follow_up_task_id)
        assert (task.source_type, task.source_id, task.due_on) == ("claim", claim_id, follow_up)
        recourse_id, recourse_version, task_id = recourse.id, recourse.version, task.id
    later = TODAY + timedelta(days=30)
    update = {"amount_recovered": "2000", "status": "partial", "notes": "Accord partiel.",
              "next_follow_up_on": later.isoformat(), "version": recourse_version}
    assert admin_client.post(f"/claims/{claim_id}/settlement/recourses/{recourse_id}",
                             data=update | {"amount_recovered": "-1"}).status_code == 422
    assert admin_client.post(f"/claims/{claim_id}/settlement/recourses/{recourse_id}", data=update).status_code == 303
    assert admin_client.post(f"/claims/{claim_id}/settlement/recourses/{recourse_id}", data=update).status_code == 409
    with bound(tenant) as session:
        assert session.get(Task, task_id).due_on == later
        recourse_version = session.get(ClaimRecourse, recourse_id).version
    assert admin_client.post(f"/claims/{claim_id}/settlement/recourses/{recourse_id}/close", data={
        "outcome": "partial", "version": recourse_version}).status_code == 303
    with bound(tenant) as session:
        recourse = session.get(ClaimRecourse, recourse_id)
        assert (recourse.status, recourse.closed_on, recourse.amount_recovered) == ("partial", TODAY, D("2000.00"))
        assert session.get(Task, task_id).done_at is not None
    after = admin_client.post(f"/claims/{claim_id}/settlement/recourses/{recourse_id}",
                              data=update | {"version": recourse_version + 1})
    assert after.status_code == 422 and "This recourse is closed" in after.text
    assert kinds(bound, tenant, claim_id).count("recourse_updated") == 2 and "recourse_opened" in kinds(
        bound, tenant, claim_id)
    assert "Accord partiel." in admin_client.get(f"/claims/{claim_id}/settlement").text


def _posts(claim_id, damage_id, recourse_id):
    base = f"/claims/{claim_id}/settlement"
    return [f"{base}/damages", f"{base}/damages/{damage_id}", f"{base}/damages/{damage_id}/remove",
            f"{base}/reserve", f"{base}/indemnity", f"{base}/payments", f"{base}/recourses",
            f"{base}/recourses/{recourse_id}", f"{base}/recourses/{recourse_id}/close", f"{base}/close",
            f"{base}/reopen"]


def test_readonly_staff_look_and_another_firm_sees_nothing(admin_client, readonly_client,  # noqa: F811
                                                           other_firm_client, bound, tenant, portfolio,  # noqa: F811
                                                           claim_id):
    add_damage(admin_client, claim_id)
    admin_client.post(f"/claims/{claim_id}/settlement/recourses", data={
        "third_party_name": "X", "third_party_insurer": "Y", "amount_claimed": "10"})
    with bound(tenant) as session:
        damage_id = session.scalar(select(ClaimDamage.id))
        recourse_id = session.scalar(select(ClaimRecourse.id))
    page = readonly_client.get(f"/claims/{claim_id}/settlement")
    assert page.status_code == 200 and "Parquet du séjour" in page.text
    assert 'data-testid="damage-add"' not in page.text and 'data-testid="close-form"' not in page.text
    for path in _posts(claim_id, damage_id, recourse_id):
        assert readonly_client.post(path, data={"version": "1"}).status_code == 403, path
    assert other_firm_client.get(f"/claims/{claim_id}/settlement").status_code == 404
    for path in _posts(claim_id, damage_id, recourse_id):
        assert other_firm_client.post(path, data={"version": "1"}).status_code == 404, path
    other_claim = make_claim(bound, tenant, portfolio)
    base = f"/claims/{other_claim}/settlement"
    assert admin_client.post(f"{base}/damages/{damage_id}/remove", data={"version": "1"}).status_code == 404
    assert admin_client.post(f"{base}/recourses/{recourse_id}/close", data={"version": "1"}).status_code == 404
    huge = 10 ** 20
    assert admin_client.post(f"{base}/damages/{huge}", data={"version": "1"}).status_code == 404
    assert admin_client.post(f"{base}/recourses/{huge}", data={"version": "1"}).status_code == 404
    assert admin_client.get(f"/claims/{huge}/settlement").status_code == 404
    refused = pay(admin_client, claim_id, version(bound, tenant, claim_id), payee_kind="provider", provider_id=huge)
    assert refused.status_code == 422 and "This field is required" in refused.text


def test_the_portal_shows_the_client_their_indemnity_and_payments_only(policyholder, admin_client, bound, tenant,
                                                                        portfolio):  # noqa: F811
    claim_id = make_claim(bound, tenant, portfolio)
    add_damage(admin_client, claim_id)
    admin_client.post(f"/claims/{claim_id}/settlement/indemnity", data={"version": version(bound, tenant, claim_id)})
    pay(admin_client, claim_id, version(bound, tenant, claim_id), amount="1234.56")
    pay(admin_client, claim_id, version(bound, tenant, claim_id), payee_kind="third_party",
        payee_name="Voisin du dessous", amount="99.99")
    page = policyholder.get(f"/portal/claims/{claim_id}")
    assert page.status_code == 200
    assert "€4,700.00" in page.text and "€1,234.56" in page.text
    assert "Voisin du dessous" not in page.text and "€99.99" not in page.text
    assert "Left to pay when computed" not in page.text and "Deductible of €300.00" in page.text
    other = new_client(bound, tenant, "v@example.fr", last_name="Vidal")
    other_claim = make_claim(bound, tenant, portfolio, client_id=other)
    add_damage(admin_client, other_claim, agreed_amount="777")
    admin_client.post(f"/claims/{other_claim}/settlement/indemnity",
                      data={"version": version(bound, tenant, other_claim)})
    pay(admin_client, other_claim, version(bound, tenant, other_claim), amount="477")
    assert policyholder.get(f"/portal/claims/{other_claim}").status_code == 404
    assert "€477.00" not in policyholder.get(f"/portal/claims/{claim_id}").text
    pay(admin_client, claim_id, version(bound, tenant, claim_id), amount="3365.45")
    settled = policyholder.get(f"/portal/claims/{claim_id}")
    assert 'data-testid="claim-settled"' in settled.text
    current = version(bound, tenant, claim_id)
    admin_client.post(f"/claims/{claim_id}/settlement/close", data={
        "reason": "settled", "note": "", "version": current, "confirmed": "yes"})
    closed = policyholder.get(f"/portal/claims/{claim_id}")
    assert 'data-testid="claim-closed"' in closed.text and "Closed" in closed.text
