"""The insurer API on contracts: documents filed on a contract the insurer
issued, and endorsement confirmations; another insurer's contracts are 404."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import quote

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.contracts.models import Contract, ContractEvent, Endorsement
from app.documents.models import Document
from tests.integration.test_insurer_api_data import ACCEPTANCE, PDF, Api, api  # noqa: F401

POLICY = "MA/2030/000123"


@pytest.fixture
def contract(api: Api, bound) -> Api:
    """The placement accepted: a contract with a policy number holding slashes, and endorsement 1."""
    assert api.accept({**ACCEPTANCE, "policy_number": POLICY}, files=[]).status_code == 200
    with bound(api.tenant) as session:
        row = session.scalars(select(Contract)).one()
        session.add(Endorsement(
            contract_id=row.id, number=1, effective_date=date(2030, 6, 1), kind="risk", description="New premises",
            previous_premium_net=Decimal("512.40"), new_premium_net=Decimal("600.00"),
            adjustment_net=Decimal("51.00"), adjustment_tax=Decimal("4.59"), adjustment_total=Decimal("55.59")))
        session.commit()
    return api


def documents_url(number: str = POLICY) -> str:
    return f"/contracts/{quote(number, safe='')}/documents"


def confirmation_url(number: int = 1, policy: str = POLICY) -> str:
    return f"/contracts/{quote(policy, safe='')}/endorsements/{number}/confirmation"


def test_an_insurer_files_a_document_on_its_contract(contract: Api, bound):
    response = contract.post_form(documents_url(), {"kind": "specific_conditions"}, [("file", PDF, "cp.pdf")])
    assert response.status_code == 201, response.json
    assert response.json["document"]["kind"] == "specific_conditions"
    assert response.json["document"]["content_type"] == "application/pdf"
    assert response.json["contract"]["policy_number"] == POLICY
    with bound(contract.tenant) as session:
        document = session.get(Document, response.json["document"]["id"])
        assert document.contract_id is not None and document.filename == "cp.pdf"
        assert session.scalars(select(ContractEvent.kind).where(ContractEvent.kind == "document")).one()


def test_the_contract_reference_works_as_well_as_the_policy_number(contract: Api, bound):
    with bound(contract.tenant) as session:
        reference = session.scalars(select(Contract.reference)).one()
    response = contract.post_form(documents_url(reference), {"kind": "attestation"}, [("file", PDF, "a.pdf")])
    assert response.status_code == 201


@pytest.mark.parametrize("fields, files, status, field", [
    ({}, [("file", PDF, "a.pdf")], 422, "kind"),
    ({"kind": "id_card"}, [("file", PDF, "a.pdf")], 422, "kind"),
    ({"kind": "attestation"}, [], 422, "file"),
    ({"kind": "attestation"}, [("file", PDF, "a.pdf"), ("file", PDF, "b.pdf")], 422, "file"),
    ({"kind": "attestation"}, [("file", b"<html></html>", "a.pdf")], 415, "file"),
    ({"kind": "attestation"}, [("file", b"", "a.pdf")], 422, "file"),
])
def test_a_bad_document_is_refused_and_changes_nothing(contract: Api, bound, fields, files, status, field):
    response = contract.post_form(documents_url(), fields, files)
    assert response.status_code == status
    assert field in response.json["error"]["fields"]
    with bound(contract.tenant) as session:
        assert session.scalars(select(Document)).all() == []


def test_another_insurers_contract_is_404(contract: Api, bound):
    response = contract.post_form(documents_url(), {"kind": "attestation"}, [("file", PDF, "a.pdf")],
                                  key=contract.other_key)
    assert response.status_code == 404
    assert contract.post_json(confirmation_url(), {}, key=contract.other_key).status_code == 404
    assert contract.post_form(documents_url("NOPE-1"), {"kind": "attestation"}, [("file", PDF, "a.pdf")]
                              ).status_code == 404
    with bound(contract.tenant) as session:
        assert session.scalars(select(Document)).all() == []
        assert session.scalars(select(Endorsement.confirmed_at)).one() is None


def test_a_document_retried_with_its_idempotency_key_is_filed_once(contract: Api, bound):
    first = contract.post_form(documents_url(), {"kind": "attestation"}, [("file", PDF, "a.pdf")], idem="doc-1")
    again = contract.post_form(documents_url(), {"kind": "attestation"}, [("file", PDF, "a.pdf")], idem="doc-1")
    assert first.status_code == again.status_code == 201 and first.json == again.json
    other = contract.post_form(documents_url(), {"kind": "attestation"}, [("file", PDF + b" ", "a.pdf")], idem="doc-1")
    assert other.status_code == 409
    with bound(contract.tenant) as session:
        assert len(session.scalars(select(Document)).all()) == 1


def test_an_insurer_confirms_an_endorsement_once(contract: Api, bound):
    response = contract.post_json(confirmation_url(), {"insurer_reference": "AV-7"})
    assert response.status_code == 200
    assert response.json["endorsement"]["insurer_reference"] == "AV-7"
    assert response.json["endorsement"]["confirmed_at"] is not None
    with bound(contract.tenant) as session:
        endorsement = session.scalars(select(Endorsement)).one()
        assert endorsement.insurer_reference == "AV-7" and endorsement.confirmed_at is not None
        assert session.scalars(select(AuditEntry.actor_label).where(
            AuditEntry.action == "endorsement.confirm")).one() == "insurer:Mutuelle des Architectes"
    again = contract.post_json(confirmation_url(), {"insurer_reference": "AV-7"})
    assert again.status_code == 409 and again.json["error"]["code"] == "out_of_state"


def test_the_insurer_reference_is_optional(contract: Api):
    response = contract.post_json(confirmation_url(), {})
    assert response.status_code == 200 and response.json["endorsement"]["insurer_reference"] is None


@pytest.mark.parametrize("number", [2, 2**31, 10**30])
def test_an_unknown_endorsement_is_404(contract: Api, number):
    assert contract.post_json(confirmation_url(number), {}).status_code == 404


def test_a_bad_confirmation_is_refused(contract: Api, bound):
    assert contract.post_json(confirmation_url(), {"insurer_reference": ["x"]}).status_code == 422
    assert contract.post_json(confirmation_url(), {"insurer_reference": "x" * 61}).status_code == 422
    assert contract.post_json(confirmation_url(), {"reference": "x"}).status_code == 422
    with bound(contract.tenant) as session:
        assert session.scalars(select(Endorsement.confirmed_at)).one() is None
