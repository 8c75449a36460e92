"""Data the insurer API tests share: a firm with a client, an accepted offer
placed with an insurer (rows made with the models), API keys of that insurer
and of another one, and a client that speaks to the API."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.catalog.models import Insurer
from app.columns import utcnow
from app.insurer_api import services as keys
from app.placements.models import Placement
from app.placements.rules import reference_for
from app.quotes.models import Offer
from tests.integration.test_needs_data import PDF, make_client, make_needs, make_rc_pro_catalog

D = Decimal
BASE = "/api/insurer/v1"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
ACCEPTANCE = {"policy_number": "MA-2030-000123", "effective_date": "2030-01-01", "final_premium": "512.40"}


def make_offer(session, needs_id: int, insurer_id: int, product_id: int) -> int:
    offer = Offer(
        needs_id=needs_id, source="tariff", product_id=product_id, insurer_id=insurer_id, label="RC Pro Essentiel",
        premium_net=D("480.00"), fees=D("20.00"), tax_rate=D("9.00"), tax=D("45.00"), total=D("545.00"),
        payment_options=["annual"], commission_rate=D("15.00"), commission=D("72.00"), accepted_at=utcnow(),
        guarantees=[{"code": "operating_liability", "label": "RC exploitation", "ceiling": "5000000.00",
                     "deductible": "500.00", "exclusions": None, "included": True}],
    )
    session.add(offer)
    session.flush()
    return offer.id


def make_placement(session, *, offer_id: int, insurer_id: int, status: str = "sent") -> str:
    offer = session.get(Offer, offer_id)
    number = (session.scalar(select(Placement.id).order_by(Placement.id.desc()).limit(1)) or 0) + 1
    reference = reference_for(number)
    session.add(Placement(
        reference=reference, offer_id=offer.id, needs_id=offer.needs_id, client_id=offer.needs.client_id,
        insurer_id=insurer_id, channel="api", status=status, wanted_effective_date=date(2030, 1, 1),
        schema_version="1.0", document={"schema_version": "1.0", "reference": reference},
    ))
    session.flush()
    return reference


def make_key(session, insurer_id: int, label: str = "Production") -> str:
    _key, whole = keys.create_key(session, None, session.get(Insurer, insurer_id), label=label)
    return whole


@dataclass
class Api:
    """A firm whose insurer holds ``key``; ``other_key`` is another insurer's."""

    tenant: object
    http: object
    key: str
    other_key: str
    reference: str
    offer_id: int
    insurer_id: int
    other_insurer_id: int

    def headers(self, key: str | None, idempotency_key: str | None) -> dict:
        headers = {}
        if key is not None:
            headers["Authorization"] = f"Bearer {key}"
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    def get(self, path: str, *, key: str | None = "default"):
        return self.http.get(BASE + path, headers=self.headers(self.key if key == "default" else key, None))

    def post_json(self, path: str, body, *, key: str | None = "default", idem: str | None = "new", **kwargs):
        return self.http.post(BASE + path, json=body, headers=self.headers(
            self.key if key == "default" else key, uuid.uuid4().hex if idem == "new" else idem), **kwargs)

    def post_form(self, path: str, fields: dict, files: list[tuple[str, bytes, str]] = (), *,
                  key: str | None = "default", idem: str | None = "new"):
        data = dict(fields)
        for name, content, filename in files:
            data.setdefault(name, []).append((io.BytesIO(content), filename))
        return self.http.post(BASE + path, data=data, content_type="multipart/form-data", headers=self.headers(
            self.key if key == "default" else key, uuid.uuid4().hex if idem == "new" else idem))

    def accept(self, fields: dict | None = None, files=(("documents", PDF, "conditions.pdf"),), **kwargs):
        return self.post_form(f"/placements/{self.reference}/accept", ACCEPTANCE if fields is None else fields,
                              list(files), **kwargs)


def firm_with_placement(session) -> dict:
    client_id = make_client(session)
    catalog = make_rc_pro_catalog(session)
    other = Insurer(name="Assurances Autres")
    session.add(other)
    session.flush()
    offer_id = make_offer(session, make_needs(session, client_id), catalog["insurer"], catalog["essentiel"])
    return {"insurer_id": catalog["insurer"], "other_insurer_id": other.id, "offer_id": offer_id,
            "reference": make_placement(session, offer_id=offer_id, insurer_id=catalog["insurer"])}


@pytest.fixture
def api(tenant, bound, client_for) -> Api:
    with bound(tenant) as session:
        made = firm_with_placement(session)
        key, other_key = make_key(session, made["insurer_id"]), make_key(session, made["other_insurer_id"])
        session.commit()
    return Api(tenant=tenant, http=client_for(tenant), key=key, other_key=other_key, **made)


def placement_row(bound, api: Api) -> Placement:
    with bound(api.tenant) as session:
        placement = session.scalar(select(Placement).where(Placement.reference == api.reference))
        session.expunge(placement)
        return placement


__all__ = ["ACCEPTANCE", "BASE", "PDF", "PNG", "Api", "api", "make_key", "make_offer", "make_placement",
           "placement_row"]
