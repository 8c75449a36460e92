"""The insurer API on placements: bearer keys, one insurer's placements only,
tenants apart, each answer validated, idempotent and audited, rate-limited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.contracts.models import Contract
from app.crm.models import Task
from app.documents.models import Document
from app.insurer_api.models import InboundRequest, InsurerApiKey
from app.placements.models import PlacementNote
from tests.conftest import sign_in
from tests.integration.test_insurer_api_data import (ACCEPTANCE, BASE, PDF, PNG, Api, api, firm_with_placement,  # noqa: F401
                                                     make_key, placement_row)


def error_of(response) -> dict:
    assert response.is_json, response.text
    return response.json["error"]


# --- authentication ---------------------------------------------------------

def test_a_key_reads_its_insurers_placement(api: Api, bound):
    response = api.get(f"/placements/{api.reference}")
    assert response.status_code == 200
    placement = response.json["placement"]
    assert placement["reference"] == api.reference and placement["status"] == "sent"
    assert placement["document"] == {"schema_version": "1.0", "reference": api.reference}
    assert placement["answer"] is None and placement["contract"] is None and placement["messages"] == []
    with bound(api.tenant) as session:
        assert session.scalars(select(InsurerApiKey.last_used_at).where(
            InsurerApiKey.insurer_id == api.insurer_id)).one() is not None


@pytest.mark.parametrize("authorization", [None, "Bearer nope", "Basic abc", "Bearer ak_abcdefgh_" + "x" * 43])
def test_without_a_valid_key_the_answer_is_401(api: Api, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = api.http.get(f"{BASE}/placements/{api.reference}", headers=headers)
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthenticated"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_key_is_refused(api: Api, bound):
    with bound(api.tenant) as session:
        from app.insurer_api import services as keys

        for key in keys.keys_of(session, api.insurer_id):
            keys.revoke_key(session, None, key)
        session.commit()
    assert api.get(f"/placements/{api.reference}").status_code == 401


def test_a_key_whose_secret_part_is_altered_is_refused(api: Api):
    altered = api.key[:-2] + ("AA" if not api.key.endswith("AA") else "BB")
    assert api.get(f"/placements/{api.reference}", key=altered).status_code == 401


def test_an_inactive_insurer_is_refused_with_403(api: Api, bound):
    from app.catalog.models import Insurer

    with bound(api.tenant) as session:
        session.get(Insurer, api.insurer_id).is_active = False
        session.commit()
    response = api.get(f"/placements/{api.reference}")
    assert response.status_code == 403 and error_of(response)["code"] == "insurer_inactive"


def test_another_insurers_key_gets_404_as_for_an_unknown_reference(api: Api):
    foreign = api.get(f"/placements/{api.reference}", key=api.other_key)
    unknown = api.get("/placements/PLC-999999")
    assert foreign.status_code == unknown.status_code == 404
    assert error_of(foreign) == error_of(unknown)
    refused = api.post_json(f"/placements/{api.reference}/decline", {"reason": "No"}, key=api.other_key)
    assert refused.status_code == 404
    assert placement_row_status(api) == "sent"


def placement_row_status(api: Api) -> str:
    return api.get(f"/placements/{api.reference}").json["placement"]["status"]


def test_a_key_of_another_firm_is_unknown_on_this_host(api: Api, make_tenant, bound, client_for):
    other_firm = make_tenant("b")
    with bound(other_firm) as session:
        made = firm_with_placement(session)
        other_firm_key = make_key(session, made["insurer_id"])
        session.commit()
    assert made["reference"] == api.reference, "both firms have a placement with this reference"
    response = api.get(f"/placements/{api.reference}", key=other_firm_key)
    assert response.status_code == 401
    on_its_host = client_for(other_firm).get(f"{BASE}/placements/{api.reference}",
                                             headers={"Authorization": f"Bearer {other_firm_key}"})
    assert on_its_host.status_code == 200


def test_a_staff_session_opens_nothing_in_the_api(api: Api, client_for):
    staff = client_for(api.tenant)
    assert sign_in(staff, "admin@example.fr").status_code == 303
    assert staff.get(f"{BASE}/placements/{api.reference}").status_code == 401
    response = staff.post(f"{BASE}/placements/{api.reference}/decline", json={"reason": "x"},
                          headers={"Idempotency-Key": "k1"})
    assert response.status_code == 401
    assert placement_row_status(api) == "sent"


def test_a_key_opens_no_staff_page(api: Api):
    for path in ("/", "/catalog/insurers", f"/catalog/insurers/{api.insurer_id}/api-keys", "/settings/team"):
        response = api.http.get(path, headers={"Authorization": f"Bearer {api.key}"})
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_the_api_answers_on_tenant_hosts_only(app, api: Api, platform_client):
    assert platform_client.get(f"{BASE}/placements/{api.reference}",
                               headers={"Authorization": f"Bearer {api.key}"}).status_code == 404


# --- accept -------------------------------------------------------------------

def test_accepting_creates_the_contract_with_the_documents_and_is_audited(api: Api, bound):
    response = api.accept(files=[("documents", PDF, "conditions.pdf"), ("documents", PNG, "scan.png")])
    assert response.status_code == 200, response.json
    placement = response.json["placement"]
    assert placement["status"] == "accepted"
    assert placement["answer"]["policy_number"] == "MA-2030-000123"
    assert placement["answer"]["final_premium"] == "512.40" and placement["answer"]["via"] == "api"
    assert placement["contract"]["policy_number"] == "MA-2030-000123"
    with bound(api.tenant) as session:
        contract = session.scalars(select(Contract)).one()
        assert (contract.policy_number, contract.effective_date, contract.premium_net) == (
            "MA-2030-000123", date(2030, 1, 1), Decimal("512.40"))
        documents = session.scalars(select(Document).where(Document.contract_id == contract.id)).all()
        assert sorted(d.content_type for d in documents) == ["application/pdf", "image/png"]
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "placement.accept")).one()
        assert entry.actor_label == "insurer:Mutuelle des Architectes" and entry.actor_id is None


def test_accepting_without_documents_is_allowed(api: Api):
    assert api.accept(files=[]).status_code == 200


@pytest.mark.parametrize("fields, field, status", [
    ({**ACCEPTANCE, "effective_date": "01/01/2030"}, "effective_date", 422),
    ({**ACCEPTANCE, "effective_date": "2030-02-30"}, "effective_date", 422),
    ({**ACCEPTANCE, "final_premium": "-512.40"}, "final_premium", 422),
    ({**ACCEPTANCE, "final_premium": "512,40"}, "final_premium", 422),
    ({key: value for key, value in ACCEPTANCE.items() if key != "policy_number"}, "policy_number", 422),
    ({**ACCEPTANCE, "premium": "1"}, "premium", 422),
])
def test_a_malformed_acceptance_is_422_with_the_field_and_changes_nothing(api: Api, bound, fields, field, status):
    response = api.accept(fields)
    assert response.status_code == status
    error = error_of(response)
    assert error["code"] == "invalid" and field in error["fields"] and error["fields"][field].endswith(".")
    assert_unchanged(api, bound)


def assert_unchanged(api: Api, bound) -> None:
    with bound(api.tenant) as session:
        assert session.scalars(select(Contract)).all() == []
        assert session.scalars(select(InboundRequest)).all() == []
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "placement")).all() == []
    assert placement_row(bound, api).status == "sent"


def test_a_file_that_is_not_a_pdf_or_an_image_is_415(api: Api, bound):
    response = api.accept(files=[("documents", b"MZ\x90\x00 not a pdf", "conditions.pdf")])
    assert response.status_code == 415
    assert error_of(response)["fields"]["documents"].startswith("Only PDF")
    assert_unchanged(api, bound)


def test_a_file_over_the_size_limit_is_413(api: Api, bound):
    from app.documents.rules import MAX_UPLOAD_BYTES

    response = api.accept(files=[("documents", PDF + b"0" * MAX_UPLOAD_BYTES, "big.pdf")])
    assert response.status_code == 413 and "documents" in error_of(response)["fields"]
    assert_unchanged(api, bound)


def test_a_json_acceptance_is_415(api: Api, bound):
    response = api.post_json(f"/placements/{api.reference}/accept", ACCEPTANCE)
    assert response.status_code == 415 and error_of(response)["code"] == "unsupported_media_type"
    assert_unchanged(api, bound)


def test_every_post_needs_an_idempotency_key(api: Api, bound):
    response = api.accept(idem=None)
    assert response.status_code == 400 and error_of(response)["code"] == "idempotency_key_missing"
    response = api.accept(idem="with spaces")
    assert response.status_code == 400 and error_of(response)["code"] == "idempotency_key_invalid"
    assert_unchanged(api, bound)


def test_a_retried_acceptance_gets_the_first_answer_and_does_nothing_twice(api: Api, bound):
    first = api.accept(idem="accept-1")
    again = api.accept(idem="accept-1")
    assert first.status_code == again.status_code == 200
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    with bound(api.tenant) as session:
        assert len(session.scalars(select(Contract)).all()) == 1
        assert len(session.scalars(select(InboundRequest)).all()) == 1


def test_the_same_idempotency_key_with_another_body_is_409(api: Api, bound):
    assert api.accept(idem="accept-1").status_code == 200
    response = api.accept({**ACCEPTANCE, "final_premium": "600.00"}, idem="accept-1")
    assert response.status_code == 409 and error_of(response)["code"] == "idempotency_key_reused"
    other_url = api.post_json(f"/placements/{api.reference}/decline", {"reason": "x"}, idem="accept-1")
    assert other_url.status_code == 409 and error_of(other_url)["code"] == "idempotency_key_reused"
    with bound(api.tenant) as session:
        assert session.scalars(select(Contract.premium_net)).one() == Decimal("512.40")


def test_accepting_an_answered_placement_is_409_out_of_state(api: Api, bound):
    assert api.post_json(f"/placements/{api.reference}/decline", {"reason": "Outside our appetite."}).status_code == 200
    response = api.accept()
    assert response.status_code == 409 and error_of(response)["code"] == "out_of_state"
    assert "declined" in error_of(response)["message"]
    with bound(api.tenant) as session:
        assert session.scalars(select(Contract)).all() == []
    assert placement_row(bound, api).status == "declined"


# --- decline and information requests -----------------------------------------

def test_declining_keeps_the_reason_and_is_audited(api: Api, bound):
    response = api.post_json(f"/placements/{api.reference}/decline", {"reason": "  Outside our appetite.  "})
    assert response.status_code == 200
    assert response.json["placement"]["answer"]["decline_reason"] == "Outside our appetite."
    placement = placement_row(bound, api)
    assert (placement.status, placement.decline_reason, placement.answered_via) == (
        "declined", "Outside our appetite.", "api")
    with bound(api.tenant) as session:
        assert session.scalars(select(AuditEntry.actor_label).where(
            AuditEntry.action == "placement.decline")).one() == "insurer:Mutuelle des Architectes"


@pytest.mark.parametrize("body, code", [({}, "invalid"), ({"reason": ""}, "invalid"), ({"reason": 12}, "invalid"),
                                        ({"reason": "x", "extra": 1}, "invalid")])
def test_a_decline_without_a_proper_reason_is_422(api: Api, bound, body, code):
    response = api.post_json(f"/placements/{api.reference}/decline", body)
    assert response.status_code == 422 and error_of(response)["code"] == code
    assert_unchanged(api, bound)


@pytest.mark.parametrize("raw, content_type, status", [
    (b'{"reason": ', "application/json", 400), (b"[1, 2]", "application/json", 400),
    (b"\xff\xfe\x00", "application/json", 400), (b"[" * 100_000, "application/json", 400),
    (b"reason=x", "application/x-www-form-urlencoded", 415), (b'{"reason": "x"}', "text/plain", 415),
])
def test_a_body_that_is_no_json_object_is_refused(api: Api, bound, raw, content_type, status):
    response = api.http.post(f"{BASE}/placements/{api.reference}/decline", data=raw, content_type=content_type,
                             headers={"Authorization": f"Bearer {api.key}", "Idempotency-Key": "k"})
    assert response.status_code == status, response.text
    assert error_of(response)["code"] in ("malformed_json", "unsupported_media_type")
    assert_unchanged(api, bound)


def test_an_information_request_becomes_a_task_for_the_handler(api: Api, bound):
    response = api.post_json(f"/placements/{api.reference}/information-requests",
                             {"message": "Please send the claims record."})
    assert response.status_code == 201
    assert response.json["message"]["body"] == "Please send the claims record."
    assert response.json["placement"]["status"] == "info_requested"
    assert response.json["placement"]["messages"][0]["author"] == "insurer"
    with bound(api.tenant) as session:
        note = session.scalars(select(PlacementNote)).one()
        assert session.get(Task, note.task_id).details == "Please send the claims record."
    assert api.accept().status_code == 200, "a placement waiting for information may still be accepted"


def test_an_information_request_needs_a_message(api: Api, bound):
    response = api.post_json(f"/placements/{api.reference}/information-requests", {"message": "   "})
    assert response.status_code == 422 and error_of(response)["fields"]["message"] == "This field must not be blank."
    assert_unchanged(api, bound)


# --- rate limit -----------------------------------------------------------------

def test_a_key_beyond_its_rate_limit_gets_429_json(app, api: Api, monkeypatch):
    monkeypatch.setitem(app.config, "INSURER_API_RATE_LIMIT", "3 per minute")
    for _ in range(3):
        assert api.get(f"/placements/{api.reference}").status_code == 200
    limited = api.get(f"/placements/{api.reference}")
    assert limited.status_code == 429 and error_of(limited)["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) > 0
    assert api.get(f"/placements/{api.reference}", key=api.other_key).status_code == 404, \
        "another key has its own allowance"


def test_a_forged_key_with_a_known_prefix_does_not_drain_the_insurers_allowance(app, api: Api, monkeypatch):
    monkeypatch.setitem(app.config, "INSURER_API_RATE_LIMIT", "3 per minute")
    forged = api.key[:len("ak_12345678_")] + "x" * 43
    statuses = [api.get(f"/placements/{api.reference}", key=forged).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
    assert api.get(f"/placements/{api.reference}").status_code == 200


def test_a_reference_with_a_slash_is_a_json_404_not_a_redirect(api: Api):
    """Found by hypothesis: ``0/`` made ``/placements/0//accept``, which URL
    slash-merging redirected (308) instead of answering in JSON."""
    for response in (api.get("/placements/0/"), api.post_json("/placements/0//decline", {"reason": "x" * 20}),
                     api.post_form("/placements/0//accept", ACCEPTANCE)):
        assert response.status_code == 404 and response.is_json, response.status_code
        assert response.json["error"]["code"]
