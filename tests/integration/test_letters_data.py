"""Data the letters, attestations and renewals tests share: an individual
and a business client, an insurer, and contracts made with the contracts
service (no placement needed)."""

from __future__ import annotations

import io
import uuid
from datetime import date
from decimal import Decimal

import pypdf
import pytest

from tests.conftest import add_user, sign_in

D = Decimal


def pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def make_person(session, *, name: str = "Marie Durand", email: str | None = "marie.durand@example.fr",
                kind: str = "individual", siren: str | None = None, handler_id: int | None = None) -> int:
    from app.crm.models import Client
    from app.crm.rules import normalise

    client = Client(reference=f"C{uuid.uuid4().hex[:8].upper()}", kind=kind, display_name=name,
                    sort_name=normalise(name), email=email, siren=siren, address_line1="3 rue des Lilas",
                    postal_code="69003", city="Lyon", handler_id=handler_id)
    session.add(client)
    session.flush()
    return client.id


def make_insurer(session, name: str = "Mutuelle du Rhône") -> int:
    from app.catalog.models import Insurer

    insurer = Insurer(name=name, address_line1="1 place Bellecour", postal_code="69002", city="Lyon",
                      placement_email="placements@mutuelle.example")
    session.add(insurer)
    session.flush()
    return insurer.id


def make_contract(session, client_id: int, insurer_id: int, *, line: str = "home", effective: date,
                  renewal: date | None = None, premium: str = "400.00", policy: str = "HAB-778899",
                  risk: dict | None = None, guarantees: list | None = None, notice_days: int = 60,
                  handler_id: int | None = None, tacit: bool = True) -> int:
    from app.contracts import services as contracts

    terms = contracts.Terms(
        client_id=client_id, insurer_id=insurer_id, line=line, label=f"{line.title()} contract",
        effective_date=effective, renewal_date=renewal, premium_net=D(premium), policy_number=policy,
        fees=D("10.00"), notice_days=notice_days, handler_id=handler_id, tacit_renewal=tacit,
        risk=risk or {}, guarantees=guarantees or [
            {"code": "civil_liability", "label": "Responsabilité civile", "ceiling": "1000000", "deductible": "150"}])
    contract = contracts.create(session, None, terms)
    session.flush()
    return contract.id


@pytest.fixture
def book(app, tenant, bound):
    """An individual with a home contract and a builder with a décennale contract."""
    today = date.today()
    with bound(tenant) as session:
        insurer_id = make_insurer(session)
        person_id = make_person(session)
        builder_id = make_person(session, name="Maçonnerie Martin SARL", email="contact@martin.example",
                                 kind="business", siren="732829320")
        home_id = make_contract(session, person_id, insurer_id, effective=date(today.year - 1, 1, 1),
                                renewal=date(today.year + 1, 1, 1))
        decennial_id = make_contract(
            session, builder_id, insurer_id, line="decennial", policy="DEC-2024-0042",
            effective=date(today.year - 1, 1, 1), renewal=date(today.year + 1, 1, 1), premium="2400.00",
            risk={"trades": "masonry", "turnover": "450000.00"},
            guarantees=[{"code": "decennial", "label": "Responsabilité décennale", "ceiling": "3000000",
                         "deductible": "1500"}])
        session.commit()
    return {"tenant": tenant, "insurer_id": insurer_id, "person_id": person_id, "builder_id": builder_id,
            "home_id": home_id, "decennial_id": decennial_id}


@pytest.fixture
def readonly(app, tenant, client_for):
    add_user(app, tenant, "reader@example.fr", "readonly")
    client = client_for(tenant)
    assert sign_in(client, "reader@example.fr").status_code == 303
    return client


@pytest.fixture
def intruder(app, make_tenant, client_for):
    """The admin of another firm, signed in on that firm's own host."""
    other = make_tenant("b", name="Cabinet Bravo")
    client = client_for(other)
    assert sign_in(client, "admin@example.fr").status_code == 303
    return client
