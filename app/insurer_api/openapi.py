"""The OpenAPI 3.1 document of the insurer API, as Python data.

Served at ``/api/insurer/v1/openapi.json`` with the firm's own server URL;
a test checks that every route of the blueprint is described here.
"""

from __future__ import annotations

from app.claims.insurer_rules import DECISIONS
from app.insurer_api import claim_rules, rules
from app.placements.document import SCHEMA_FILE

API_VERSION = "1.0.0"

ERROR_STATUSES = {
    "400": ("BadRequest", "Missing or invalid Idempotency-Key header, or a body that is not a JSON object."),
    "401": ("Unauthenticated", "No API key, or an unknown or revoked one."),
    "403": ("Forbidden", "The insurer is no longer active with the firm."),
    "404": ("NotFound", "No such placement, contract or claim among those of your insurer."),
    "409": ("Conflict", "Out of state (already answered, already confirmed), a payment_id already posted with "
                        "another amount, or an Idempotency-Key reused for another request."),
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
        **claim_schemas(),
    }


def claim_schemas() -> dict:
    """The claim as an insurer reads it (the claim notice's ``claim`` part,
    plus its status, answers and payments) and the bodies of the answers."""
    payee_kind = _string(enum=list(claim_rules.PAYEE_KINDS))
    nullable_text = _string(nullable=True)
    return {
        "ClaimPayment": _object({
            "id": {"type": "integer"}, "payment_id": _string("Your id of the payment.", nullable=True),
            "amount": AMOUNT, "paid_on": _string(fmt="date"),
            "payee": _object({"kind": payee_kind, "name": _string()}, ("kind", "name")),
            "method": _string(enum=list(claim_rules.METHODS)), "reference": nullable_text,
            "source": _string("insurer when posted through this API, firm when the firm recorded it.",
                              enum=["insurer", "firm"]),
            "recorded_at": _string(fmt="date-time"),
        }, ("id", "payment_id", "amount", "paid_on", "payee", "method", "reference", "source", "recorded_at")),
        "Claim": _object({
            "reference": _string("The firm's reference (SIN-…).", pattern="^SIN-[0-9]{6,}$"),
            "kind": _string("What happened: collision, theft, break_in, water_damage, fire, glass, natural_event, "
                            "liability, illness, other."),
            "kind_label": _string(), "occurred_at": _string(fmt="date-time"), "known_on": _string(fmt="date"),
            "declared_on": _string(fmt="date"), "declaration_deadline": _string(fmt="date"),
            "declared_late": {"type": "boolean"},
            "received_by": _string(enum=["portal", "phone", "letter", "email"]),
            "place": _string(), "circumstances": _string(),
            "details": {"type": "array", "description": "The line's own questions (third parties, police report, "
                                                        "injured people, damaged goods, vehicle) and the answers.",
                        "items": _object({"code": _string(), "label": _string(), "value": _string()},
                                         ("code", "label", "value"))},
            "contract": _object({
                "reference": _string(), "policy_number": nullable_text,
                "line": _object({"code": _string(), "label": _string()}, ("code", "label")), "label": _string(),
            }, ("reference", "policy_number", "line", "label")),
            "insured": _object({
                "name": _string(), "client_reference": _string(), "email": nullable_text, "phone": nullable_text,
                "address": _object({"line1": nullable_text, "line2": nullable_text, "postal_code": nullable_text,
                                    "city": nullable_text, "country": _string()},
                                   ("line1", "line2", "postal_code", "city", "country")),
            }, ("name", "client_reference", "email", "phone", "address")),
            "status": _string(enum=["declared", "in_progress", "with_insurer", "settled", "closed"]),
            "answer": _object({
                "acknowledged_at": _string(fmt="date-time", nullable=True), "insurer_reference": nullable_text,
                "decision": _string(enum=[*DECISIONS, None], nullable=True), "note": nullable_text,
            }, ("acknowledged_at", "insurer_reference", "decision", "note")),
            "paid_total": AMOUNT,
            "payments": {"type": "array", "items": _ref("schemas", "ClaimPayment")},
        }, ("reference", "kind", "kind_label", "occurred_at", "known_on", "declared_on", "declaration_deadline",
            "declared_late", "received_by", "place", "circumstances", "details", "contract", "insured", "status",
            "answer", "paid_total", "payments")),
        "ClaimAcknowledgement": _object({
            "insurer_reference": _string("Your claim number, if you have one already.", nullable=True,
                                         maxLength=rules.INSURER_REFERENCE_MAX),
        }),
        "ClaimInsurerReference": _object({
            "insurer_reference": _string("Your claim number.", minLength=1, maxLength=rules.INSURER_REFERENCE_MAX),
        }, ("insurer_reference",)),
        "ClaimDecision": _object({
            "decision": _string(enum=list(DECISIONS)),
            "note": _string("Your reason; required for partial and refused.", nullable=True,
                            maxLength=claim_rules.NOTE_MAX),
        }, ("decision",)),
        "ClaimPaymentRequest": _object({
            "payment_id": _string("Your own id of the payment: posting it again is answered with the payment "
                                  "recorded first (200), or 409 if the amount differs.",
                                  minLength=1, maxLength=claim_rules.PAYMENT_ID_MAX),
            "amount": _string("Euros, positive, as a decimal string: 1234.50.",
                              pattern=r"^[0-9]{1,10}(\.[0-9]{1,2})?$"),
            "paid_on": _string("YYYY-MM-DD, not in the future.", fmt="date"),
            "payee": _object({
                "kind": payee_kind, "name": _string(minLength=1, maxLength=claim_rules.PAYEE_NAME_MAX),
                "siren": _string("For a provider: its SIREN finds it in the firm's network (else its name does).",
                                 nullable=True, pattern="^[0-9]{9}$"),
            }, ("kind", "name")),
            "method": _string("transfer when omitted.", enum=list(claim_rules.METHODS)),
            "reference": _string("Your bank reference of the payment.", nullable=True,
                                 maxLength=claim_rules.PAYMENT_REFERENCE_MAX),
        }, ("payment_id", "amount", "paid_on", "payee")),
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
    "ClaimReference": {"name": "reference", "in": "path", "required": True,
                       "schema": _string(pattern="^SIN-[0-9]{6,}$"),
                       "description": "The claim's reference, as in the claim notice (SIN-…)."},
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
        **claim_paths(),
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


CLAIM_ANSWER = _object({"claim": _ref("schemas", "Claim")}, ("claim",))
CLAIM_ERRORS = ("400", "401", "403", "404", "415", "422", "429")


def claim_paths() -> dict:
    return {
        "/claims/{reference}": {"get": {
            "summary": "Read a claim",
            "description": "A claim on one of your contracts, as in its claim notice, with its status, the answers "
                           "recorded (yours, or the firm's when you answered by email) and the payments.",
            "parameters": [_ref("parameters", "ClaimReference")],
            "responses": {**_ok("The claim.", CLAIM_ANSWER), **_errors("401", "403", "404", "429")},
        }},
        "/claims/{reference}/acknowledgement": _post(
            "Acknowledge a claim notice", "Records that you received the notice (the first acknowledgement's time "
                                          "stands) and, if given, your claim number. A claim still being registered "
                                          "moves to with_insurer.",
            _json(_ref("schemas", "ClaimAcknowledgement")),
            {**_ok("Acknowledged.", CLAIM_ANSWER), **_errors(*CLAIM_ERRORS)}, parameters=["ClaimReference"]),
        "/claims/{reference}/reference": _post(
            "Give your claim number", "Your own number of the claim; sending another one replaces it.",
            _json(_ref("schemas", "ClaimInsurerReference")),
            {**_ok("Recorded.", CLAIM_ANSWER), **_errors(*CLAIM_ERRORS)}, parameters=["ClaimReference"]),
        "/claims/{reference}/decision": _post(
            "Post your decision on cover", "accepted, partial or refused, with your reason (required unless "
                                           "accepted). A later decision replaces the earlier one; the firm's handler "
                                           "gets a task, and the claim moves back to in_progress.",
            _json(_ref("schemas", "ClaimDecision")),
            {**_ok("Recorded.", CLAIM_ANSWER), **_errors(*CLAIM_ERRORS)}, parameters=["ClaimReference"]),
        "/claims/{reference}/payments": _post(
            "Post a payment of indemnity", "A payment you made to the insured, a provider of the firm's network "
                                           "or a third party. Your payment_id makes it count once.",
            _json(_ref("schemas", "ClaimPaymentRequest")),
            {**_ok("Payment recorded.", _object({"payment": _ref("schemas", "ClaimPayment"),
                                                 "claim": _ref("schemas", "Claim")}, ("payment", "claim")), "201"),
             **_ok("This payment_id was recorded already, with the same amount: the first payment.",
                   _object({"payment": _ref("schemas", "ClaimPayment"), "claim": _ref("schemas", "Claim")},
                           ("payment", "claim"))),
             **_errors("409", *CLAIM_ERRORS)}, parameters=["ClaimReference"]),
    }


def document(server_url: str, placement_schema_url: str) -> dict:
    """The OpenAPI document for the API served at ``server_url``."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Assurdesk insurer API", "version": API_VERSION,
            "description": "Read the placements a broker firm sends you and answer them; file documents and "
                           "endorsement confirmations on your contracts; answer the claim notices and post "
                           "payments of indemnity. Every POST needs an Idempotency-Key.",
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
