"""The placement document: the JSON an insurer receives, by email or API,
checked against its published, versioned JSON Schema
(``schemas/placement-1.0.json``).

Built from plain objects (the client, needs analysis, offer, product rows or
anything with the same attributes), so that it can be built and checked
without a database.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator

from app.catalog.lines import line_definition
from app.placements.rules import amount_text

SCHEMA_VERSION = "1.0"
SCHEMA_FILE = f"placement-{SCHEMA_VERSION}.json"


def schema_path() -> Path:
    """Where the current version of the schema is kept in the repository."""
    return Path(__file__).resolve().parent / "schemas" / SCHEMA_FILE


@cache
def load_schema() -> dict:
    """The published JSON Schema of the placement document (draft 2020-12)."""
    return json.loads(schema_path().read_text(encoding="utf-8"))


def schema_errors(document: dict) -> list[str]:
    """What makes ``document`` invalid against the schema (empty when valid)."""
    validator = Draft202012Validator(load_schema())
    return [f"{'/'.join(map(str, error.absolute_path)) or '(document)'}: {error.message}"
            for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path)))]


@dataclass(frozen=True)
class Attachment:
    """A document sent with the placement, and its bytes."""

    kind: str
    title: str
    filename: str
    content_type: str
    content: bytes

    def as_json(self) -> dict:
        return {"kind": self.kind, "title": self.title, "filename": self.filename,
                "content_type": self.content_type, "sha256": hashlib.sha256(self.content).hexdigest(),
                "size": len(self.content), "content": base64.b64encode(self.content).decode("ascii")}


def _text(value) -> str | None:
    return None if value is None else str(value)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def broker_part(firm_name: str, settings: dict | None, handler) -> dict:
    settings = settings or {}
    return {"name": firm_name, "orias": settings.get("orias") or None, "siren": settings.get("siren") or None,
            "handler": {"name": handler.full_name, "email": handler.email}}


def client_part(client) -> dict:
    return {
        "reference": client.reference, "kind": client.kind, "name": client.display_name,
        "civility": client.civility, "first_name": client.first_name, "last_name": client.last_name,
        "birth_date": _iso(client.birth_date), "profession": client.profession,
        "legal_name": client.legal_name, "legal_form": client.legal_form, "siren": client.siren or None,
        "siret": client.siret or None, "email": client.email, "phone": client.phone,
        "address": {"line1": client.address_line1, "line2": client.address_line2,
                    "postal_code": client.postal_code, "city": client.city, "country": client.country or "FR"},
    }


def risk_part(needs) -> list[dict]:
    """Every question of the line with the client's answer, as stored."""
    definition = line_definition(needs.line)
    return [{"code": attribute.name, "label": str(attribute.label), "value": (needs.risk or {}).get(attribute.name)}
            for attribute in definition.attributes]


def guarantees_part(offer) -> list[dict]:
    """The guarantees chosen: all of the offer's, but options not taken."""
    return [{"code": g["code"], "label": str(g.get("label") or g["code"]), "ceiling": amount_text(g.get("ceiling")),
             "deductible": amount_text(g.get("deductible")), "exclusions": g.get("exclusions") or None,
             "option": bool(g.get("option")), "option_premium": amount_text(g.get("option_premium"))}
            for g in offer.guarantees or () if g.get("included", True)]


def premium_part(offer) -> dict:
    return {"currency": "EUR", "net": amount_text(offer.premium_net), "fees": amount_text(offer.fees),
            "tax_rate": amount_text(offer.tax_rate), "tax": amount_text(offer.tax), "total": amount_text(offer.total),
            "payment_plans": list(dict.fromkeys(offer.payment_options or ["annual"]))}


def answer_urls(api_base: str, reference: str) -> tuple[str, dict]:
    """(the placement's URL, the URLs of each answer) in the insurer API."""
    placement_url = f"{api_base.rstrip('/')}/placements/{reference}"
    return placement_url, {"accept": f"{placement_url}/accept", "decline": f"{placement_url}/decline",
                           "information_requests": f"{placement_url}/information-requests"}


def build_document(*, reference: str, created_at: datetime, broker: dict, client, needs, offer, product,
                   wanted_effective_date: date, note: str | None, attachments: list[Attachment],
                   api_base: str) -> dict:
    """The placement document, ready to serialise (amounts as strings)."""
    definition = line_definition(needs.line)
    placement_url, urls = answer_urls(api_base, reference)
    return {
        "schema_version": SCHEMA_VERSION,
        "reference": reference,
        "created_at": created_at.isoformat(),
        "broker": broker,
        "client": client_part(client),
        "insured": {"name": needs.insured_name or client.display_name, "is_client": not needs.insured_name},
        "line": {"code": definition.line.value, "label": str(definition.label)},
        "product": {"code": product.code, "name": product.name} if product is not None else None,
        "offer_label": offer.label,
        "risk": risk_part(needs),
        "guarantees": guarantees_part(offer),
        "exclusions": _text(offer.exclusions) or None,
        "premium": premium_part(offer),
        "wanted_effective_date": wanted_effective_date.isoformat(),
        "note": (note or "").strip() or None,
        "documents": [attachment.as_json() for attachment in attachments],
        "answer_url": placement_url,
        "answer_urls": urls,
    }


def serialise(document: dict) -> bytes:
    """The exact bytes sent (and signed): UTF-8 JSON, keys sorted."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def without_contents(document: dict) -> dict:
    """The document with each file's base64 content replaced by its size,
    to show on a page."""
    shown = dict(document)
    shown["documents"] = [{**item, "content": f"<base64, {item.get('size', 0)} bytes>"}
                          for item in document.get("documents", ())]
    return shown
