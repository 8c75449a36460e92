"""Whatever an insurer sends to a POST endpoint of the API (any JSON or
multipart body, any headers, any path), the answer is never a 500, and a
refused request (any non-2xx) changes nothing."""

from __future__ import annotations

import io
import json
import uuid
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.contracts.models import Contract, Endorsement
from app.documents.models import Document
from app.insurer_api.models import InboundRequest
from app.placements.models import Placement, PlacementNote
from tests.integration.test_insurer_api_data import ACCEPTANCE, BASE, PDF, Api, api  # noqa: F401

EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

#: header values a WSGI client can carry (latin-1, no control characters)
header_text = st.text(st.characters(max_codepoint=255, exclude_categories=("Cc",)), max_size=120)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=15), inner, max_size=4),
    max_leaves=12,
)


def fields_like(names: list[str], values=st.text()) -> st.SearchStrategy[dict]:
    """Dictionaries that mostly use the endpoint's own field names."""
    return st.dictionaries(st.sampled_from(names) | st.text(max_size=10), values, max_size=len(names) + 1)


@st.composite
def idempotency_keys(draw):
    return draw(st.one_of(st.none(), st.just(uuid.uuid4().hex), header_text))


@st.composite
def authorizations(draw, key: str):
    return draw(st.sampled_from([f"Bearer {key}"] * 4 + [None]) | header_text.map(lambda text: f"Bearer {text}"))


def headers(authorization, idempotency_key) -> dict:
    return {name: value for name, value in (("Authorization", authorization), ("Idempotency-Key", idempotency_key))
            if value is not None}


def json_request(api: Api, path: str, body, raw: bytes | None, content_type: str, authorization, idempotency_key):
    data = raw if raw is not None else json.dumps(body)
    return api.http.post(BASE + path, data=data, content_type=content_type,
                         headers=headers(authorization, idempotency_key))


def multipart_request(api: Api, path: str, fields: dict, files: list, authorization, idempotency_key):
    data = {name: value for name, value in fields.items()}
    for name, content, filename in files:
        data.setdefault(name, [])
        if not isinstance(data[name], list):
            data[name] = [data[name]]
        data[name].append((io.BytesIO(content), filename))
    return api.http.post(BASE + path, data=data, content_type="multipart/form-data",
                         headers=headers(authorization, idempotency_key))


def state(bound, api: Api) -> tuple:
    """Everything a request could change."""
    with bound(api.tenant) as session:
        placement = session.scalar(select(Placement).where(Placement.reference == api.reference))
        counts = tuple(session.scalar(select(func.count()).select_from(model))
                       for model in (Contract, Document, InboundRequest, PlacementNote))
        confirmed = tuple(session.scalars(select(Endorsement.confirmed_at).order_by(Endorsement.id)))
        return placement.status, placement.version, counts, confirmed


def check(response, before, after) -> None:
    assert response.status_code < 500, response.text
    assert response.is_json, response.text
    if not 200 <= response.status_code < 300:
        assert "error" in response.json and response.json["error"]["code"]
        assert after == before, "a refused request changed something"


@pytest.fixture
def fuzzed(api: Api, app, monkeypatch) -> Api:
    monkeypatch.setitem(app.config, "INSURER_API_RATE_LIMIT", "100000 per minute")
    return api


paths = st.sampled_from(["{reference}", "PLC-000999"]) | st.text(max_size=30)
content_types = st.sampled_from(["application/json", "application/json; charset=utf-8", "text/plain",
                                 "multipart/form-data", "application/x-www-form-urlencoded"])


def reference_path(template: str, api: Api, action: str) -> str:
    return f"/placements/{quote(template.format(reference=api.reference) if '{reference}' in template else template, safe='')}/{action}"


@EXAMPLES
@given(data=st.data())
@pytest.mark.parametrize("action, field", [("decline", "reason"), ("information-requests", "message")])
def test_json_answers_to_a_placement_never_fail_and_change_nothing_when_refused(fuzzed: Api, bound, data,
                                                                                  action, field):
    body = data.draw(fields_like([field], json_values) | json_values)
    raw = data.draw(st.none() | st.none() | st.binary(max_size=60))
    path = reference_path(data.draw(st.sampled_from(["{reference}"] * 3) | paths), fuzzed, action)
    before = state(bound, fuzzed)
    response = json_request(fuzzed, path, body, raw, data.draw(content_types), data.draw(authorizations(fuzzed.key)),
                            data.draw(idempotency_keys()))
    check(response, before, state(bound, fuzzed))


files_strategy = st.lists(st.tuples(st.sampled_from(["documents", "file", "other"]),
                                    st.sampled_from([PDF, b"", b"MZ\x90"]) | st.binary(max_size=40)
                                    | st.binary(max_size=40).map(lambda tail: PDF + tail),
                                    st.text(max_size=40)), max_size=3)


@EXAMPLES
@given(data=st.data())
def test_acceptances_never_fail_and_change_nothing_when_refused(fuzzed: Api, bound, data):
    values = st.text() | st.sampled_from(sorted(set(ACCEPTANCE.values())) + ["-1", "0.001", "2030-02-30", ""])
    fields = data.draw(fields_like(list(ACCEPTANCE), values) | st.just(dict(ACCEPTANCE)))
    path = reference_path(data.draw(st.sampled_from(["{reference}"] * 3) | paths), fuzzed, "accept")
    before = state(bound, fuzzed)
    response = multipart_request(fuzzed, path, fields, data.draw(files_strategy),
                                 data.draw(authorizations(fuzzed.key)), data.draw(idempotency_keys()))
    check(response, before, state(bound, fuzzed))


@pytest.fixture
def with_contract(fuzzed: Api, bound) -> Api:
    from datetime import date
    from decimal import Decimal

    assert fuzzed.accept(files=[]).status_code == 200
    with bound(fuzzed.tenant) as session:
        contract_id = session.scalars(select(Contract.id)).one()
        session.add(Endorsement(
            contract_id=contract_id, number=1, effective_date=date(2030, 6, 1), kind="risk", description="Change",
            previous_premium_net=Decimal("512.40"), new_premium_net=Decimal("600.00"), adjustment_net=Decimal("51"),
            adjustment_tax=Decimal("4.59"), adjustment_total=Decimal("55.59")))
        session.commit()
    return fuzzed


policy_paths = st.sampled_from([ACCEPTANCE["policy_number"]] * 3) | st.text(max_size=70)


@EXAMPLES
@given(data=st.data())
def test_contract_documents_never_fail_and_change_nothing_when_refused(with_contract: Api, bound, data):
    fields = data.draw(fields_like(["kind"], st.sampled_from(["attestation", "id_card", ""]) | st.text()))
    path = f"/contracts/{quote(data.draw(policy_paths), safe='')}/documents"
    before = state(bound, with_contract)
    response = multipart_request(with_contract, path, fields, data.draw(files_strategy),
                                 data.draw(authorizations(with_contract.key)), data.draw(idempotency_keys()))
    check(response, before, state(bound, with_contract))


@EXAMPLES
@given(data=st.data())
def test_endorsement_confirmations_never_fail_and_change_nothing_when_refused(with_contract: Api, bound, data):
    body = data.draw(fields_like(["insurer_reference"], json_values) | json_values)
    number = data.draw(st.sampled_from(["1", "1", "2", "0", "-1", str(2**63)]) | st.text(max_size=8))
    path = f"/contracts/{quote(data.draw(policy_paths), safe='')}/endorsements/{quote(number, safe='')}/confirmation"
    before = state(bound, with_contract)
    response = json_request(with_contract, path, body, data.draw(st.none() | st.binary(max_size=40)),
                            data.draw(content_types), data.draw(authorizations(with_contract.key)),
                            data.draw(idempotency_keys()))
    check(response, before, state(bound, with_contract))
