"""The insurer API's OpenAPI document describes every route; the docs page
explains authentication, idempotency, errors, limits, each endpoint, and a
signature check that accepts what the outbox signs."""

from __future__ import annotations

import html
import re
import time

import pytest

from app.outbox.rules import signature_header
from tests.integration.test_insurer_api_data import BASE

METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def api_routes(app):
    """(OpenAPI path, method) of every rule of the API blueprint."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(BASE + "/"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule[len(BASE):])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            yield path, method.lower()


@pytest.fixture
def document(client_for, tenant) -> dict:
    response = client_for(tenant).get(f"{BASE}/openapi.json")
    assert response.status_code == 200 and response.is_json
    return response.json


def test_every_route_of_the_api_is_in_the_openapi_document(app, document):
    routes = set(api_routes(app))
    assert len(routes) >= 9
    described = {(path, method) for path, item in document["paths"].items() for method in item if method in METHODS}
    assert routes == described


def test_the_document_is_openapi_3_1_with_bearer_security_and_the_firms_server(document, tenant):
    assert document["openapi"].startswith("3.1")
    assert document["info"]["title"] and document["info"]["version"]
    assert document["servers"] == [{"url": f"http://{tenant.slug}.localhost{BASE}"}]
    assert document["components"]["securitySchemes"]["bearer"] == {
        **document["components"]["securitySchemes"]["bearer"], "type": "http", "scheme": "bearer"}
    assert document["security"] == [{"bearer": []}]


def resolve(document: dict, value):
    """Follow a local ``$ref`` (``#/components/...``)."""
    while isinstance(value, dict) and value.get("$ref", "").startswith("#/"):
        node = document
        for part in value["$ref"][2:].split("/"):
            node = node[part]
        value = node
    return value


def local_refs(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref" and item.startswith("#/"):
                yield item
            yield from local_refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from local_refs(item)


def test_every_operation_has_responses_and_every_post_its_body_idempotency_key_and_errors(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation["summary"], (path, method)
            assert operation["responses"], (path, method)
            for status, response in operation["responses"].items():
                assert re.fullmatch(r"[1-5]\d\d", status)
                assert resolve(document, response)["description"]
            if method == "post":
                assert operation["requestBody"]["content"], path
                parameters = [resolve(document, p)["name"] for p in operation["parameters"]]
                assert "Idempotency-Key" in parameters, path
                for status in ("400", "401", "404", "422", "429"):
                    error = resolve(document, operation["responses"][status])
                    assert error["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
            for name in re.findall(r"{(\w+)}", path):
                assert name in [resolve(document, p)["name"] for p in operation.get("parameters", [])], (path, name)


def test_every_local_reference_resolves(document):
    for ref in set(local_refs(document)):
        node = document
        for part in ref[2:].split("/"):
            assert part in node, ref
            node = node[part]


def test_the_placement_document_schema_is_referenced_and_served(client_for, tenant, document):
    schema_ref = document["components"]["schemas"]["PlacementDocument"]["$ref"]
    assert schema_ref == f"http://{tenant.slug}.localhost{BASE}/schemas/placement-1.0.json"
    schema = client_for(tenant).get(f"{BASE}/schemas/placement-1.0.json")
    assert schema.status_code == 200 and schema.json["$schema"].endswith("2020-12/schema")


def test_the_docs_page_is_public_and_explains_each_part(client_for, tenant):
    page = client_for(tenant).get(f"{BASE}/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = html.unescape(page.text)
    for subject in ("Authorization: Bearer", "Idempotency-Key", "Idempotent-Replayed", "Retry-After",
                    '"error": {"code"', "Assurdesk-Signature", "120 per minute"):
        assert subject in text, subject
    for path in ("/placements/PLC-000042", "/placements/PLC-000042/accept", "/placements/PLC-000042/decline",
                 "/placements/PLC-000042/information-requests", "/contracts/AX-2025-001234/documents",
                 "/contracts/AX-2025-001234/endorsements/1/confirmation"):
        assert f"http://{tenant.slug}.localhost{BASE}{path}" in text, path
    assert text.count("curl ") == 6
    assert "<script>" not in page.text and " onclick=" not in page.text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def verification_snippet(client) -> dict:
    page = client.get(f"{BASE}/docs").text
    code = html.unescape(re.search(r'<code data-testid="verify-snippet">(.*?)</code>', page, re.S).group(1))
    namespace: dict = {}
    exec(compile(code, "docs-snippet", "exec"), namespace)  # the page's own snippet, as an insurer would run it
    return namespace


def test_the_signature_snippet_accepts_what_the_outbox_signs_and_refuses_the_rest(client_for, tenant):
    verify = verification_snippet(client_for(tenant))["verify_assurdesk_signature"]
    body, secret, now = b'{"reference": "PLC-000001"}', "s3cret", int(time.time())
    assert verify(secret, signature_header(secret, body, now), body)
    assert not verify(secret, signature_header(secret, body, now), body + b" ")
    assert not verify("other", signature_header(secret, body, now), body)
    assert not verify(secret, signature_header(secret, body, now - 301), body), "older than five minutes"
    assert not verify(secret, "v1=abc", body)
