"""Liability on a claim and the firm's grid of accident cases: a motor
collision set from a case of the grid and the side of the insured's
vehicle, the expert's opinion beside it, other claims with a share and a
note; the grid loaded from the standard one only when empty, cases added,
edited and deactivated by managers only; stale pages (409), read-only
staff (403) and another firm (404) on every route."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.claims import services as claims
from app.claims.liability_grid import STANDARD_CASES
from app.claims.models import Claim, ClaimEvent, ExpertMission, LiabilityCase
from app.contracts.models import Contract
from app.providers.models import Provider
from tests.conftest import add_user, sign_in
from tests.integration.test_claims_cover import home_contract, water_claim
from tests.integration.test_contracts import other_firm_client, portfolio, readonly_client  # noqa: F401


def collision(bound, tenant, portfolio) -> int:  # noqa: F811
    values = {"occurred_on": date(2026, 5, 4), "occurred_time": time(8, 15), "known_on": date(2026, 5, 4),
              "place": "Avenue Jean Jaurès, Lyon", "circumstances": "Heurté à l'arrière au feu rouge.",
              "police_report": "no", "injured": "no", "third_party_registration": "AB-123-CD"}
    with bound(tenant) as session:
        claim = claims.declare(session, None, session.get(Contract, portfolio["contract"]), "collision", values, [],
                               channel="phone")
        session.commit()
        return claim.id


def load_grid(client) -> None:
    assert client.post("/claims/liability-grid/standard").status_code == 303


def case_id(bound, tenant, code: str) -> int:
    with bound(tenant) as session:
        return session.scalar(select(LiabilityCase.id).where(LiabilityCase.code == code))


def row(bound, tenant, model, key):
    with bound(tenant) as session:
        item = session.get(model, key)
        session.expunge(item)
        return item


def manager(app, tenant, client_for):
    add_user(app, tenant, "manager@example.fr", "manager")
    client = client_for(tenant)
    assert sign_in(client, "manager@example.fr").status_code == 303
    return client


def handler(app, tenant, client_for):
    add_user(app, tenant, "handler@example.fr", "handler")
    client = client_for(tenant)
    assert sign_in(client, "handler@example.fr").status_code == 303
    return client


# --- the claim's liability ---------------------------------------------------------------

def test_a_collision_takes_the_cases_share_for_the_insureds_vehicle(admin_client, bound, tenant, portfolio):  # noqa: F811
    load_grid(admin_client)
    claim_id = collision(bound, tenant, portfolio)
    page = admin_client.get(f"/claims/{claim_id}/liability")
    assert page.status_code == 200 and "The share of liability has not been set yet." in page.text
    assert "Même sens, même file : heurt à l&#39;arrière" in page.text and 'name="side"' in page.text
    version = row(bound, tenant, Claim, claim_id).version
    no_side = admin_client.post(f"/claims/{claim_id}/liability", data={
        "version": version, "case_id": case_id(bound, tenant, "10"), "share": "", "note": "Constat amiable"})
    assert no_side.status_code == 422 and "This field is required." in no_side.text and "Constat amiable" in no_side.text
    done = admin_client.post(f"/claims/{claim_id}/liability", data={
        "version": version, "case_id": case_id(bound, tenant, "10"), "side": "B", "share": "", "note": ""})
    assert done.status_code == 303
    claim = row(bound, tenant, Claim, claim_id)
    assert claim.liability_share == 0 and claim.liability_case_id == case_id(bound, tenant, "10")
    with bound(tenant) as session:
        event = session.scalar(select(ClaimEvent).where(ClaimEvent.claim_id == claim_id,
                                                        ClaimEvent.kind == "liability_set"))
        assert event.details == {"share": 0, "case_code": "10", "side": "B", "case_shares": [100, 0]}
        assert session.scalar(select(AuditEntry.after).where(AuditEntry.action == "claim.liability"))[
            "liability_share"] == 0
    shown = admin_client.get(f"/claims/{claim_id}/liability").text
    current = shown.split('data-testid="liability-current"')[1].split("</dl>")[0]
    assert "0%" in current and "10 · Même sens" in current and "Insured's vehicle</dt><dd class=\"col-8\">B" in current
    assert 'value="B" checked' in shown


def test_another_share_than_the_cases_needs_a_note_and_the_experts_opinion_shows(admin_client, bound, tenant,
                                                                               portfolio):  # noqa: F811
    load_grid(admin_client)
    claim_id = collision(bound, tenant, portfolio)
    with bound(tenant) as session:
        provider = Provider(kind="expert", name="Cabinet Expertise Rhône")
        session.add(provider)
        session.flush()
        session.add(ExpertMission(claim_id=claim_id, provider_id=provider.id, instructions="Chiffrer",
                                  report_due_on=date(2026, 6, 1), status="reported", liability_opinion=50,
                                  report_received_on=date(2026, 5, 20), conclusions="Torts partagés."))
        session.commit()
    version = row(bound, tenant, Claim, claim_id).version
    data = {"version": version, "case_id": case_id(bound, tenant, "10"), "side": "A", "share": "50", "note": ""}
    refused = admin_client.post(f"/claims/{claim_id}/liability", data=data)
    assert refused.status_code == 422 and "Say why the share differs from the case&#39;s." in refused.text
    assert admin_client.post(f"/claims/{claim_id}/liability",
                             data=data | {"note": "Rapport d'expertise : torts partagés"}).status_code == 303
    assert row(bound, tenant, Claim, claim_id).liability_share == 50
    page = admin_client.get(f"/claims/{claim_id}/liability").text
    opinions = page.split('data-testid="liability-opinions"')[1].split("</div></div>")[0]
    assert "50%" in opinions and "Torts partagés." in opinions and "differs" not in opinions
    assert '<option value="50" selected>' in page and "Rapport d&#39;expertise : torts partagés</textarea>" in page
    current = row(bound, tenant, Claim, claim_id).version
    assert admin_client.post(f"/claims/{claim_id}/liability", data=data | {
        "version": current, "share": "", "note": ""}).status_code == 303
    assert "The share set differs from the latest expert" in admin_client.get(f"/claims/{claim_id}/liability").text


def test_other_claims_take_a_share_and_a_note(admin_client, bound, tenant, portfolio):  # noqa: F811
    claim_id = water_claim(bound, tenant, home_contract(bound, tenant, portfolio))
    page = admin_client.get(f"/claims/{claim_id}/liability").text
    assert 'name="side"' not in page and 'name="case_id"' not in page
    version = row(bound, tenant, Claim, claim_id).version
    missing = admin_client.post(f"/claims/{claim_id}/liability", data={"version": version, "share": "", "note": ""})
    assert missing.status_code == 422 and missing.text.count("This field is required.") == 2
    odd = admin_client.post(f"/claims/{claim_id}/liability", data={"version": version, "share": "33", "note": "x"})
    assert odd.status_code == 422 and "Choose 0, 25, 50, 75 or 100" in odd.text
    load_grid(admin_client)
    foreign_case = admin_client.post(f"/claims/{claim_id}/liability", data={
        "version": version, "case_id": case_id(bound, tenant, "10"), "side": "A", "share": "", "note": ""})
    assert foreign_case.status_code == 422
    assert admin_client.post(f"/claims/{claim_id}/liability", data={
        "version": version, "share": "0", "note": "Fuite venant de l'appartement du dessus"}).status_code == 303
    claim = row(bound, tenant, Claim, claim_id)
    assert claim.liability_share == 0 and claim.liability_case_id is None
    assert claim.liability_note == "Fuite venant de l'appartement du dessus"


def test_a_stale_page_is_refused(admin_client, bound, tenant, portfolio):  # noqa: F811
    claim_id = water_claim(bound, tenant, home_contract(bound, tenant, portfolio))
    version = row(bound, tenant, Claim, claim_id).version
    data = {"version": version, "share": "100", "note": "Dégât causé chez le voisin"}
    assert admin_client.post(f"/claims/{claim_id}/liability", data=data).status_code == 303
    stale = admin_client.post(f"/claims/{claim_id}/liability", data=data | {"share": "50"})
    assert stale.status_code == 409 and "Someone changed this claim meanwhile" in stale.text
    assert row(bound, tenant, Claim, claim_id).liability_share == 100


def test_read_only_staff_and_another_firm(readonly_client, other_firm_client, bound, tenant,
                                          portfolio):  # noqa: F811
    claim_id = water_claim(bound, tenant, home_contract(bound, tenant, portfolio))
    version = row(bound, tenant, Claim, claim_id).version
    data = {"version": version, "share": "100", "note": "x"}
    page = readonly_client.get(f"/claims/{claim_id}/liability")
    assert page.status_code == 200 and 'data-testid="liability-form"' not in page.text
    assert readonly_client.post(f"/claims/{claim_id}/liability", data=data).status_code == 403
    assert other_firm_client.get(f"/claims/{claim_id}/liability").status_code == 404
    assert other_firm_client.post(f"/claims/{claim_id}/liability", data=data).status_code == 404
    assert row(bound, tenant, Claim, claim_id).liability_share is None


# --- the grid ---------------------------------------------------------------------------

def test_the_standard_grid_loads_into_an_empty_grid_only(admin_client, bound, tenant):
    empty = admin_client.get("/claims/liability-grid")
    assert empty.status_code == 200 and "Load the standard grid" in empty.text
    load_grid(admin_client)
    page = admin_client.get("/claims/liability-grid").text
    assert "Load the standard grid" not in page and "Giratoire : entrée" in page
    again = admin_client.post("/claims/liability-grid/standard")
    assert again.status_code == 409 and "loads into an empty grid only" in again.text
    with bound(tenant) as session:
        assert session.scalar(select(func.count()).select_from(LiabilityCase)) == len(STANDARD_CASES)
        assert session.scalar(select(AuditEntry.action).where(
            AuditEntry.action == "liability_case.load_standard")) is not None


def test_managers_add_edit_and_deactivate_cases(app, tenant, client_for, bound, portfolio):  # noqa: F811
    client = manager(app, tenant, client_for)
    assert client.get("/claims/liability-grid/new").status_code == 200
    wrong = client.post("/claims/liability-grid/new", data={
        "code": "60", "title": "Stationnement en double file", "description": "", "share_a": "75",
        "share_b": "50", "position": "x", "is_active": "y"})
    assert wrong.status_code == 422 and "must add up to 100" in wrong.text and "Enter a whole number." in wrong.text
    assert 'value="Stationnement en double file"' in wrong.text
    data = {"code": "60", "title": "Stationnement en double file", "description": "A heurte B arrêté en double file.",
            "share_a": "75", "share_b": "25", "position": "", "is_active": "y"}
    assert client.post("/claims/liability-grid/new", data=data).status_code == 303
    duplicate = client.post("/claims/liability-grid/new", data=data | {"title": "Autre"})
    assert duplicate.status_code == 422 and "Another case has this code." in duplicate.text
    new_id = case_id(bound, tenant, "60")
    case = row(bound, tenant, LiabilityCase, new_id)
    assert (case.share_a, case.share_b, case.position, case.is_active) == (75, 25, 10, True)
    edit = client.get(f"/claims/liability-grid/{new_id}")
    assert edit.status_code == 200 and 'value="Stationnement en double file"' in edit.text
    saved = client.post(f"/claims/liability-grid/{new_id}", data=data | {
        "version": case.version, "title": "Double file", "share_a": "50", "share_b": "50", "position": "5"})
    assert saved.status_code == 303
    stale = client.post(f"/claims/liability-grid/{new_id}", data=data | {"version": case.version, "title": "Vieux"})
    assert stale.status_code == 409 and "Someone changed this case meanwhile" in stale.text
    changed = row(bound, tenant, LiabilityCase, new_id)
    assert (changed.title, changed.share_a, changed.position) == ("Double file", 50, 5)
    assert client.post(f"/claims/liability-grid/{new_id}/deactivate",
                       data={"version": changed.version}).status_code == 303
    assert row(bound, tenant, LiabilityCase, new_id).is_active is False
    claim_id = collision(bound, tenant, portfolio)
    assert "Double file" not in client.get(f"/claims/{claim_id}/liability").text
    refused = client.post(f"/claims/{claim_id}/liability", data={
        "version": row(bound, tenant, Claim, claim_id).version, "case_id": new_id, "side": "A", "share": "",
        "note": ""})
    assert refused.status_code == 422
    assert client.get("/claims/liability-grid/999999").status_code == 404


def test_handlers_and_read_only_staff_read_the_grid_but_cannot_change_it(app, tenant, client_for, admin_client,
                                                                         readonly_client, bound):
    load_grid(admin_client)
    ten = case_id(bound, tenant, "10")
    version = row(bound, tenant, LiabilityCase, ten).version
    for client in (handler(app, tenant, client_for), readonly_client):
        page = client.get("/claims/liability-grid")
        assert page.status_code == 200 and "Même sens, même file" in page.text and "Add a case" not in page.text
        assert client.get("/claims/liability-grid/new").status_code == 403
        assert client.get(f"/claims/liability-grid/{ten}").status_code == 403
        assert client.post("/claims/liability-grid/new", data={"code": "99", "title": "x", "share_a": "50",
                                                                "share_b": "50"}).status_code == 403
        assert client.post(f"/claims/liability-grid/{ten}", data={"version": version, "code": "10", "title": "x",
                                                                   "share_a": "0", "share_b": "100"}).status_code == 403
        assert client.post(f"/claims/liability-grid/{ten}/deactivate", data={"version": version}).status_code == 403
        assert client.post("/claims/liability-grid/standard").status_code == 403
    assert row(bound, tenant, LiabilityCase, ten).is_active is True


def test_another_firm_does_not_reach_this_firms_cases(make_tenant, client_for, admin_client, bound, tenant):
    load_grid(admin_client)
    ten = case_id(bound, tenant, "10")
    other = make_tenant("b")
    client = client_for(other)
    assert sign_in(client, "admin@example.fr").status_code == 303
    assert "Load the standard grid" in client.get("/claims/liability-grid").text
    assert client.get(f"/claims/liability-grid/{ten}").status_code == 404
    assert client.post(f"/claims/liability-grid/{ten}", data={"version": 1, "code": "10", "title": "x",
                                                               "share_a": "0", "share_b": "100"}).status_code == 404
    assert client.post(f"/claims/liability-grid/{ten}/deactivate", data={"version": 1}).status_code == 404
    assert row(bound, tenant, LiabilityCase, ten).title.startswith("Même sens")
