"""The OpenAPI 3.1 document of the insurer API, as Python data.

Served at ``/api/insurer/v1/openapi.json`` with the firm's own server URL;
a test checks that every route of the blueprint is described here.
"""

from __future__ import annotations

from app.insurer_api import rules
from app.placements.document import SCHEMA_FILE

API_VERSION = "1.0.0"

ERROR_STATUSES = {
    "400": ("BadRequest", "Missing or invalid Idempotency-Key header, or a body that is not a JSON object."),
    "401": ("Unauthenticated", "No API key, or an unknown or revoked one."),
    "403": ("Forbidden", "The insurer is no longer active with the firm."),
    "404": ("NotFound", "No such placement or contract among those of your insurer."),
    "409": ("Conflict", "Out of state (already answered, already confirmed), or an Idempotency-Key reused "
                        "for another request."),
    "413": ("TooLarge", "A file or the whole body is too large."),
    "415": ("UnsupportedMediaType", "Wrong Content-Type, or a file that is not a PDF, JPEG, PNG or WebP."),
    "422": ("Invalid", "Some fields are invalid: error.fields says which and why."),
    "429": ("RateLimited", "Too many requests for this key: wait for the Retry-After delay."),
}


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def _errors(*statuses: str) -> dict:
    return {status: _ref("responses", ERROR_STATUSES[status][0]) for status in statuses}


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def _ok(description: str, schema: dict, status: str = "200") -> dict:
    return {status: {"description": description, "content": _json(schema)}}


def _object(properties: dict, required: tuple[str, ...] = (), nullable: bool = False) -> dict:
    return {"type": ["object", "null"] if nullable else "object", "properties": properties,
            "required": list(required), "additionalProperties": False}


def _string(description: str | None = None, *, fmt: str | None = None, nullable: bool = False, **extra) -> dict:
    schema = {"type": ["string", "null"] if nullable else "string", **extra}
    if fmt:
        schema["format"] = fmt
    if description:
        schema["description"] = description
    return schema


AMOUNT = _string("Euros, a decimal string with two decimals.", pattern=r"^-?[0-9]+\.[0-9]{2}$")


def schemas(placement_schema_url: str) -> dict:
    return {
        "Error": _object({"error": _object({
            "code": _string("Stable code: bad_request, unauthenticated, not_found, out_of_state, invalid, "
                            "idempotency_key_reused, rate_limited..."),
            "message": _string("What went wrong, for a developer."),
            "fields": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "For each refused field, why."},
        }, ("code", "message", "fields"))}, ("error",)),
        "PlacementDocument": {"$ref": placement_schema_url},
        "Contract": _object({
            "reference": _string("The firm's reference (CTR-…)."), "policy_number": _string(nullable=True),
            "status": _string(enum=["pending", "active", "suspended", "cancelled", "expired"]),
            "effective_date": _string(fmt="date"), "renewal_date": _string(fmt="date"), "premium_total": AMOUNT,
        }, ("reference", "policy_number", "status", "effective_date", "renewal_date", "premium_total"),
            nullable=True),
        "Answer": _object({
            "answered_at": _string(fmt="date-time"), "via": _string(enum=["api", "manual"], nullable=True),
            "policy_number": _string(nullable=True), "effective_date": _string(fmt="date", nullable=True),
            "final_premium": {**AMOUNT, "type": ["string", "null"]}, "decline_reason": _string(nullable=True),
        }, ("answered_at", "via", "policy_number", "effective_date", "final_premium", "decline_reason"),
            nullable=True),
        "Message": _object({
            "id": {"type": "integer"}, "author": _string(enum=["insurer", "broker"]), "body": _string(),
            "at": _string(fmt="date-time"),
        }, ("id", "author", "body", "at")),
        "Placement": _object({
            "reference": _string(pattern="^PLC-[0-9]{6,}$"),
            "status": _string(enum=["sent", "info_requested", "accepted", "declined", "cancelled"]),
            "schema_version": _string(), "sent_at": _string(fmt="date-time"),
            "wanted_effective_date": _string(fmt="date"), "document": _ref("schemas", "PlacementDocument"),
            "answer": _ref("schemas", "Answer"), "contract": _ref("schemas", "Contract"),
            "messages": {"type": "array", "items": _ref("schemas", "Message")},
        }, ("reference", "status", "schema_version", "sent_at", "wanted_effective_date", "document", "answer",
            "contract", "messages")),
        "Document": _object({
            "id": {"type": "integer"}, "kind": _string(), "filename": _string(), "content_type": _string(),
            "size": {"type": "integer"}, "sha256": _string(pattern="^[0-9a-f]{64}$"),
        }, ("id", "kind", "filename", "content_type", "size", "sha256")),
        "Endorsement": _object({
            "number": {"type": "integer"}, "effective_date": _string(fmt="date"),
            "confirmed_at": _string(fmt="date-time"), "insurer_reference": _string(nullable=True),
            "adjustment_total": AMOUNT,
        }, ("number", "effective_date", "confirmed_at", "insurer_reference", "adjustment_total")),
        "Acceptance": _object({
            "policy_number": _string("Your policy number.", maxLength=rules.POLICY_NUMBER_MAX),
            "effective_date": _string("YYYY-MM-DD", fmt="date"),
            "final_premium": _string("Net yearly premium in euros, before tax and fees, as a decimal string: 1234.56.",
                                     pattern=r"^[0-9]{1,10}(\.[0-9]{1,2})?$"),
            "documents": {"type": "array", "maxItems": rules.MAX_DOCUMENTS,
                          "items": _string(contentMediaType="application/pdf", contentEncoding="binary"),
                          "description": "Policy documents: PDF, JPEG, PNG or WebP, 10 MiB each at most."},
        }, ("policy_number", "effective_date", "final_premium")),
        "Decline": _object({"reason": _string(minLength=1, maxLength=rules.TEXT_MAX)}, ("reason",)),
        "InformationRequest": _object({"message": _string(minLength=1, maxLength=rules.TEXT_MAX)}, ("message",)),
        "ContractDocumentUpload": _object({
            "kind": _string(enum=list(rules.CONTRACT_DOCUMENT_KINDS)),
            "file": _string("PDF, JPEG, PNG or WebP, 10 MiB at most.", contentEncoding="binary"),
        }, ("kind", "file")),
        "EndorsementConfirmation": _object({
            "insurer_reference": _string("Your reference of the endorsement.", nullable=True,
                                         maxLength=rules.INSURER_REFERENCE_MAX),
        }),
    }


PARAMETERS = {
    "IdempotencyKey": {
        "name": "Idempotency-Key", "in": "header", "required": True,
        "description": "A unique value per operation (a UUID), the same when retrying it: the first answer is "
                       "given again, with the header Idempotent-Replayed: true.",
        "schema": _string(minLength=1, maxLength=rules.IDEMPOTENCY_KEY_MAX, pattern="^[\\x21-\\x7e]+$"),
    },
    "Reference": {"name": "reference", "in": "path", "required": True, "schema": _string(pattern="^PLC-[0-9]{6,}$"),
                  "description": "The placement's reference, as in the placement document."},
    "PolicyNumber": {"name": "policy_number", "in": "path", "required": True, "schema": _string(),
                     "description": "Your policy number (URL-encoded), or the firm's contract reference."},
    "Number": {"name": "number", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1},
               "description": "The endorsement's number on the contract."},
}


def _post(summary: str, description: str, body: dict, responses: dict, *, parameters: list[str]) -> dict:
    return {"post": {
        "summary": summary, "description": description,
        "parameters": [_ref("parameters", name) for name in (*parameters, "IdempotencyKey")],
        "requestBody": {"required": True, "content": body}, "responses": responses,
    }}


PLACEMENT_ANSWER = _object({"placement": _ref("schemas", "Placement")}, ("placement",))


def paths(placement_schema_url: str) -> dict:
    multipart = {"multipart/form-data": {"schema": _ref("schemas", "Acceptance"),
                                         "encoding": {"documents": {"contentType": "application/pdf, image/*"}}}}
    return {
        "/placements/{reference}": {"get": {
            "summary": "Read a placement",
            "description": "The placement document sent to you, its status, your answer and the messages.",
            "parameters": [_ref("parameters", "Reference")],
            "responses": {**_ok("The placement.", PLACEMENT_ANSWER), **_errors("401", "403", "404", "429")},
        }},
        "/placements/{reference}/accept": _post(
            "Accept a placement", "Issue the contract: policy number, effective date, final premium, documents.",
            multipart, {**_ok("Accepted; the contract is created.", PLACEMENT_ANSWER),
                        **_errors("400", "401", "403", "404", "409", "413", "415", "422", "429")},
            parameters=["Reference"]),
        "/placements/{reference}/decline": _post(
            "Decline a placement", "Refuse to issue the contract, with the reason given to the broker.",
            _json(_ref("schemas", "Decline")),
            {**_ok("Declined.", PLACEMENT_ANSWER), **_errors("400", "401", "403", "404", "409", "415", "422", "429")},
            parameters=["Reference"]),
        "/placements/{reference}/information-requests": _post(
            "Ask for more information", "A question the broker's handler receives as a task; the placement "
                                        "waits (status info_requested) until you accept or decline it.",
            _json(_ref("schemas", "InformationRequest")),
            {**_ok("Question recorded.", _object({"message": _ref("schemas", "Message"),
                                                  "placement": _ref("schemas", "Placement")},
                                                 ("message", "placement")), "201"),
             **_errors("400", "401", "403", "404", "409", "415", "422", "429")},
            parameters=["Reference"]),
        "/contracts/{policy_number}/documents": _post(
            "File a contract document", "General or specific conditions, an endorsement, a certificate...",
            {"multipart/form-data": {"schema": _ref("schemas", "ContractDocumentUpload")}},
            {**_ok("Document filed.", _object({"document": _ref("schemas", "Document"),
                                               "contract": _ref("schemas", "Contract")},
                                              ("document", "contract")), "201"),
             **_errors("400", "401", "403", "404", "413", "415", "422", "429")},
            parameters=["PolicyNumber"]),
        "/contracts/{policy_number}/endorsements/{number}/confirmation": _post(
            "Confirm an endorsement", "Confirm that you applied the endorsement the broker sent.",
            _json(_ref("schemas", "EndorsementConfirmation")),
            {**_ok("Confirmed.", _object({"endorsement": _ref("schemas", "Endorsement"),
                                          "contract": _ref("schemas", "Contract")}, ("endorsement", "contract"))),
             **_errors("400", "401", "403", "404", "409", "415", "422", "429")},
            parameters=["PolicyNumber", "Number"]),
        f"/schemas/{SCHEMA_FILE}": {"get": {
            "summary": "The placement document's JSON Schema", "security": [],
            "responses": _ok("JSON Schema, draft 2020-12.", {"$ref": placement_schema_url}),
        }},
        "/openapi.json": {"get": {
            "summary": "This document", "security": [],
            "responses": _ok("OpenAPI 3.1.", {"type": "object"}),
        }},
        "/docs": {"get": {
            "summary": "The documentation page", "security": [],
            "responses": {"200": {"description": "HTML.", "content": {"text/html": {"schema": _string()}}}},
        }},
    }


def document(server_url: str, placement_schema_url: str) -> dict:
    """The OpenAPI document for the API served at ``server_url``."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Assurdesk insurer API", "version": API_VERSION,
            "description": "Read the placements a broker firm sends you and answer them; file documents and "
                           "endorsement confirmations on your contracts. Every POST needs an Idempotency-Key.",
        },
        "servers": [{"url": server_url}],
        "security": [{"bearer": []}],
        "paths": paths(placement_schema_url),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "ak_<prefix>_<secret>",
                                           "description": "A key the firm's administrator created for you."}},
            "parameters": PARAMETERS,
            "schemas": schemas(placement_schema_url),
            "responses": {name: {"description": description, "content": _json(_ref("schemas", "Error"))}
                          for name, description in ERROR_STATUSES.values()},
        },
    }
