"""The insurer API on claims: an insurer reads a claim on its contract and
answers it (acknowledgement, its claim number, its decision, payments),
each answer audited and on the claim's timeline; a payment counts once per
payment_id. No key is 401; another insurer's or another firm's claim 404;
bad bodies 400, 415 or 422 with the fields."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.catalog.models import Insurer
from app.claims import services as claims
from app.claims.models import Claim, ClaimEvent
from app.claims.settlement_models import ClaimPayment
from app.contracts.models import Contract
from app.crm.models import Task
from app.providers.models import Provider
from tests.integration.test_contracts import make_contract, make_insurer
from tests.integration.test_insurer_api_data import BASE, make_key
from tests.integration.test_needs_data import make_client
from tests.integration.test_placements_data import set_channel

TODAY = date.today()
DECLARATION = {"occurred_on": TODAY - timedelta(days=1), "place": "12 rue des Lilas, Lyon",
               "circumstances": "Fuite du chauffe-eau, parquet du séjour gonflé.", "police_report": "no",
               "injured": "no", "damaged_goods": "Parquet, meuble TV", "estimated_amount": "2400"}
PAYMENT = {"payment_id": "PAY-88412", "amount": "1234.50", "paid_on": TODAY.isoformat(),
           "payee": {"kind": "insured", "name": "Atelier Dupont Architectes"}, "method": "transfer",
           "reference": "VIR-0001"}


def declare(session, contract_id: int) -> Claim:
    return claims.declare(session, None, session.get(Contract, contract_id), "water_damage", dict(DECLARATION), [],
                          channel="phone")


@dataclass
class ClaimApi:
    """A firm whose insurer holds ``key`` and has the claim ``reference``;
    ``other_key`` is another insurer's, whose claim is ``other_reference``."""

    tenant: object
    http: object
    key: str
    other_key: str
    reference: str
    other_reference: str
    claim_id: int

    def headers(self, key, idem) -> dict:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return headers | ({"Idempotency-Key": idem} if idem else {})

    def get(self, path: str, *, key: str | None = "default"):
        return self.http.get(BASE + path, headers=self.headers(self.key if key == "default" else key, None))

    def post(self, path: str, body, *, key: str | None = "default", idem: str | None = "new"):
        return self.http.post(BASE + path, json=body, headers=self.headers(
            self.key if key == "default" else key, uuid.uuid4().hex if idem == "new" else idem))

    def claim(self, bound) -> Claim:
        with bound(self.tenant) as session:
            claim = session.get(Claim, self.claim_id)
            session.expunge(claim)
            return claim


@pytest.fixture
def api(tenant, bound, client_for) -> ClaimApi:
    insurer_id = make_insurer(bound, tenant)
    other_insurer_id = make_insurer(bound, tenant, name="Assurances Autres")
    with bound(tenant) as session:
        client_id = make_client(session)
        for insurer in (insurer_id, other_insurer_id):  # the notices go by API (not delivered here): no PDF to render
            set_channel(session, insurer, "api", "http://127.0.0.1:9/notices")
        session.commit()
    contract_id = make_contract(bound, tenant, client_id=client_id, insurer_id=insurer_id, line="home",
                                policy_number="MRH-2026-0042")
    other_contract_id = make_contract(bound, tenant, client_id=client_id, insurer_id=other_insurer_id, line="home",
                                      policy_number="AUT-1")
    with bound(tenant) as session:
        claim, other = declare(session, contract_id), declare(session, other_contract_id)
        keys = make_key(session, insurer_id), make_key(session, other_insurer_id)
        session.commit()
        return ClaimApi(tenant=tenant, http=client_for(tenant), key=keys[0], other_key=keys[1],
                        reference=claim.reference, other_reference=other.reference, claim_id=claim.id)


def events(bound, api: ClaimApi, kind: str) -> list[ClaimEvent]:
    with bound(api.tenant) as session:
        rows = list(session.scalars(select(ClaimEvent).where(ClaimEvent.claim_id == api.claim_id,
                                                             ClaimEvent.kind == kind).order_by(ClaimEvent.id)))
        session.expunge_all()
        return rows


def audit_actions(bound, api: ClaimApi) -> list[str]:
    with bound(api.tenant) as session:
        return list(session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "claim",
                                                                    AuditEntry.object_id == str(api.claim_id))))


# --- reading -------------------------------------------------------------------------

def test_an_insurer_reads_a_claim_on_its_contract(api: ClaimApi):
    response = api.get(f"/claims/{api.reference}")
    assert response.status_code == 200, response.json
    claim = response.json["claim"]
    assert claim["reference"] == api.reference and claim["status"] == "declared"
    assert claim["contract"]["policy_number"] == "MRH-2026-0042" and claim["contract"]["line"]["code"] == "home"
    assert claim["insured"]["name"] == "Atelier Dupont Architectes"
    assert claim["place"] == "12 rue des Lilas, Lyon" and claim["kind"] == "water_damage"
    assert {"code": "damaged_goods", "label": "What was damaged", "value": "Parquet, meuble TV"} in claim["details"]
    assert claim["answer"] == {"acknowledged_at": None, "insurer_reference": None, "decision": None, "note": None}
    assert claim["payments"] == [] and claim["paid_total"] == "0.00"


def test_no_key_is_401_and_another_insurers_claim_is_404(api: ClaimApi):
    assert api.get(f"/claims/{api.reference}", key=None).status_code == 401
    assert api.get(f"/claims/{api.reference}", key="ak_nothing").status_code == 401
    assert api.post(f"/claims/{api.reference}/acknowledgement", {}, key=None).status_code == 401
    mine_for_them = api.get(f"/claims/{api.reference}", key=api.other_key)
    assert mine_for_them.status_code == 404 and mine_for_them.json["error"]["code"] == "not_found"
    assert api.get(f"/claims/{api.other_reference}").status_code == 404
    for path, body in (("acknowledgement", {}), ("reference", {"insurer_reference": "X"}),
                       ("decision", {"decision": "accepted"}), ("payments", PAYMENT)):
        assert api.post(f"/claims/{api.other_reference}/{path}", body).status_code == 404, path
    assert api.get("/claims/SIN-999999").status_code == 404
    assert api.get("/claims/" + "S" * 300).status_code == 404


def test_another_firms_key_and_claims_are_out_of_reach(api: ClaimApi, make_tenant, bound, client_for):
    other_firm = make_tenant("b")
    insurer_id = make_insurer(bound, other_firm)
    with bound(other_firm) as session:
        key = make_key(session, insurer_id)
        session.commit()
    assert api.get(f"/claims/{api.reference}", key=key).status_code == 401
    elsewhere = client_for(other_firm).get(f"{BASE}/claims/{api.other_reference}",
                                           headers={"Authorization": f"Bearer {key}"})
    assert elsewhere.status_code == 404


# --- answers -------------------------------------------------------------------------

def test_an_acknowledgement_is_recorded_once_and_moves_the_claim_to_the_insurer(api: ClaimApi, bound):
    first = api.post(f"/claims/{api.reference}/acknowledgement", {})
    assert first.status_code == 200, first.json
    acknowledged_at = first.json["claim"]["answer"]["acknowledged_at"]
    assert acknowledged_at and first.json["claim"]["status"] == "with_insurer"
    again = api.post(f"/claims/{api.reference}/acknowledgement", {"insurer_reference": "SX-2026-0042"})
    assert again.status_code == 200
    assert again.json["claim"]["answer"] == {**first.json["claim"]["answer"], "insurer_reference": "SX-2026-0042"}
    (event,) = events(bound, api, "insurer_acknowledged")
    assert event.side == "insurer" and event.actor_id is None and "Mutuelle Alpha" in event.actor_label
    assert [e.details["to"] for e in events(bound, api, "insurer_reference")] == ["SX-2026-0042"]
    assert [e.details["to"] for e in events(bound, api, "status_changed")] == ["with_insurer"]
    assert {"claim.insurer_acknowledge", "claim.insurer_reference"} <= set(audit_actions(bound, api))


def test_the_insurers_claim_number_is_set_and_replaced(api: ClaimApi, bound):
    assert api.post(f"/claims/{api.reference}/reference", {"insurer_reference": "SX-1"}).status_code == 200
    response = api.post(f"/claims/{api.reference}/reference", {"insurer_reference": "SX-2"})
    assert response.json["claim"]["answer"]["insurer_reference"] == "SX-2"
    assert api.claim(bound).insurer_reference == "SX-2"
    assert [e.summary for e in events(bound, api, "insurer_reference")] == ["SX-1", "SX-2"]


@pytest.mark.parametrize("body, field", [
    ({}, "insurer_reference"),
    ({"insurer_reference": ""}, "insurer_reference"),
    ({"insurer_reference": 42}, "insurer_reference"),
    ({"insurer_reference": "X" * 61}, "insurer_reference"),
    ({"insurer_reference": "SX\n1"}, "insurer_reference"),
    ({"insurer_reference": "SX-1", "status": "closed"}, "status"),
])
def test_a_bad_claim_number_is_422_and_changes_nothing(api: ClaimApi, bound, body, field):
    response = api.post(f"/claims/{api.reference}/reference", body)
    assert response.status_code == 422 and field in response.json["error"]["fields"]
    assert api.claim(bound).insurer_reference is None


def test_a_decision_is_recorded_with_its_reason_and_gives_the_handler_a_task(api: ClaimApi, bound):
    api.post(f"/claims/{api.reference}/acknowledgement", {})
    response = api.post(f"/claims/{api.reference}/decision",
                        {"decision": "partial", "note": "Le mur du jardin n'est pas couvert."})
    assert response.status_code == 200, response.json
    assert response.json["claim"]["answer"]["decision"] == "partial"
    assert response.json["claim"]["status"] == "in_progress"
    claim = api.claim(bound)
    assert claim.insurer_decision == "partial" and claim.insurer_decision_note == "Le mur du jardin n'est pas couvert."
    (event,) = events(bound, api, "insurer_decision")
    assert event.side == "insurer" and event.details == {"decision": "partial",
                                                         "note": "Le mur du jardin n'est pas couvert."}
    with bound(api.tenant) as session:
        (task,) = session.scalars(select(Task).where(Task.source_type == "claim", Task.source_id == api.claim_id,
                                                     Task.title.startswith("Décision de")))
        assert task.priority == "high" and "Mutuelle Alpha" in task.title and task.done_at is None
    assert "claim.insurer_decision" in audit_actions(bound, api)
    accepted = api.post(f"/claims/{api.reference}/decision", {"decision": "accepted"})
    assert accepted.status_code == 200 and accepted.json["claim"]["answer"]["note"] is None


@pytest.mark.parametrize("body, field", [
    ({}, "decision"),
    ({"decision": "maybe"}, "decision"),
    ({"decision": ["accepted"]}, "decision"),
    ({"decision": "refused"}, "note"),
    ({"decision": "partial", "note": "  "}, "note"),
    ({"decision": "accepted", "note": "x" * 4001}, "note"),
    ({"decision": "accepted", "amount": "12"}, "amount"),
])
def test_an_unknown_or_unexplained_decision_is_422(api: ClaimApi, bound, body, field):
    response = api.post(f"/claims/{api.reference}/decision", body)
    assert response.status_code == 422 and response.json["error"]["code"] == "invalid"
    assert field in response.json["error"]["fields"]
    assert api.claim(bound).insurer_decision is None and events(bound, api, "insurer_decision") == []


def test_bad_requests_are_400_or_415_and_a_replay_gives_the_first_answer(api: ClaimApi, bound):
    url = f"{BASE}/claims/{api.reference}/decision"
    headers = api.headers(api.key, "k-1")
    assert api.http.post(url, data="{not json", content_type="application/json", headers=headers).status_code == 400
    assert api.http.post(url, data="[1, 2]", content_type="application/json", headers=headers).status_code == 400
    assert api.http.post(url, data="decision=accepted", content_type="application/x-www-form-urlencoded",
                         headers=headers).status_code == 415
    missing = api.post(f"/claims/{api.reference}/decision", {"decision": "accepted"}, idem=None)
    assert missing.status_code == 400 and missing.json["error"]["code"] == "idempotency_key_missing"
    first = api.post(f"/claims/{api.reference}/decision", {"decision": "accepted"}, idem="k-1")
    replay = api.post(f"/claims/{api.reference}/decision", {"decision": "accepted"}, idem="k-1")
    assert first.status_code == replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json == first.json and len(events(bound, api, "insurer_decision")) == 1
    reused = api.post(f"/claims/{api.reference}/decision", {"decision": "refused", "note": "x"}, idem="k-1")
    assert reused.status_code == 409 and reused.json["error"]["code"] == "idempotency_key_reused"


# --- payments ------------------------------------------------------------------------

def test_a_payment_counts_once_per_payment_id(api: ClaimApi, bound):
    created = api.post(f"/claims/{api.reference}/payments", PAYMENT)
    assert created.status_code == 201, created.json
    payment = created.json["payment"]
    assert payment["payment_id"] == "PAY-88412" and payment["amount"] == "1234.50" and payment["source"] == "insurer"
    assert payment["payee"] == {"kind": "insured", "name": "Atelier Dupont Architectes"}
    assert created.json["claim"]["paid_total"] == "1234.50"
    retried = api.post(f"/claims/{api.reference}/payments", PAYMENT)
    assert retried.status_code == 200 and retried.json["payment"]["id"] == payment["id"]
    assert retried.json["claim"]["paid_total"] == "1234.50"
    conflict = api.post(f"/claims/{api.reference}/payments", {**PAYMENT, "amount": "1300.00"})
    assert conflict.status_code == 409 and conflict.json["error"]["code"] == "payment_id_conflict"
    second = api.post(f"/claims/{api.reference}/payments", {**PAYMENT, "payment_id": "PAY-88413", "amount": "65.50"})
    assert second.status_code == 201 and second.json["claim"]["paid_total"] == "1300.00"
    with bound(api.tenant) as session:
        assert session.get(Claim, api.claim_id).paid_total == Decimal("1300.00")
        assert len(session.scalars(select(ClaimPayment)).all()) == 2
    assert [e.side for e in events(bound, api, "insurer_payment")] == ["insurer", "insurer"]
    assert audit_actions(bound, api).count("claim.payment") == 2


def test_a_payment_to_a_provider_finds_it_in_the_firms_network(api: ClaimApi, bound):
    with bound(api.tenant) as session:
        session.add(Provider(kind="craftsman", name="Plomberie Rhône", siren="552100554"))
        session.commit()
    by_name = api.post(f"/claims/{api.reference}/payments",
                       {**PAYMENT, "payee": {"kind": "provider", "name": "plomberie rhône"}})
    assert by_name.status_code == 201 and by_name.json["payment"]["payee"]["name"] == "Plomberie Rhône"
    by_siren = api.post(f"/claims/{api.reference}/payments", {
        **PAYMENT, "payment_id": "PAY-2", "payee": {"kind": "provider", "name": "PR SARL", "siren": "552100554"}})
    assert by_siren.status_code == 201 and by_siren.json["payment"]["payee"]["name"] == "Plomberie Rhône"
    unknown = api.post(f"/claims/{api.reference}/payments", {
        **PAYMENT, "payment_id": "PAY-3", "payee": {"kind": "provider", "name": "Garage Inconnu"}})
    assert unknown.status_code == 422 and "payee.name" in unknown.json["error"]["fields"]


@pytest.mark.parametrize("change, field", [
    ({"amount": "-10.00"}, "amount"),
    ({"amount": "0"}, "amount"),
    ({"amount": 1234.5}, "amount"),
    ({"amount": "12.345"}, "amount"),
    ({"amount": "99999999999"}, "amount"),
    ({"amount": "douze"}, "amount"),
    ({"paid_on": (TODAY + timedelta(days=1)).isoformat()}, "paid_on"),
    ({"paid_on": "2026-02-30"}, "paid_on"),
    ({"payment_id": ""}, "payment_id"),
    ({"payee": "Léa"}, "payee"),
    ({"payee": {"kind": "cousin", "name": "Léa"}}, "payee.kind"),
    ({"payee": {"kind": "insured"}}, "payee.name"),
    ({"payee": {"kind": "provider", "name": "X", "siren": "12"}}, "payee.siren"),
    ({"method": "bitcoin"}, "method"),
    ({"extra": True}, "extra"),
])
def test_a_bad_payment_is_422_and_records_nothing(api: ClaimApi, bound, change, field):
    response = api.post(f"/claims/{api.reference}/payments", {**PAYMENT, **change})
    assert response.status_code == 422 and field in response.json["error"]["fields"], response.json
    with bound(api.tenant) as session:
        assert session.scalars(select(ClaimPayment)).all() == []
        assert session.get(Claim, api.claim_id).paid_total == Decimal("0.00")


def test_an_inactive_insurer_is_403(api: ClaimApi, bound):
    with bound(api.tenant) as session:
        for insurer in session.scalars(select(Insurer)):
            insurer.is_active = False
        session.commit()
    assert api.get(f"/claims/{api.reference}").status_code == 403
