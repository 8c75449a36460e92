"""Data the needs, comparison and advice tests share: a business client, an
RC Pro catalog (one insurer, three products) and a filled-in needs form.
Created with the models, independent of the CRM's and catalog's services."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from tests.conftest import add_user, sign_in

D = Decimal
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

RISK_FORM = {"risk_activity": "Architecte", "risk_turnover": "450 000,00", "risk_headcount": "5",
             "risk_premises": "office", "risk_claims_3y": "0"}
WANTED_FORM = {"want_operating_liability": "y", "ceiling_operating_liability": "3000000",
               "deductible_operating_liability": "1000", "want_professional_liability": "y",
               "ceiling_professional_liability": "2000000", "want_legal": "y"}
NEEDS_FORM = {**RISK_FORM, **WANTED_FORM, "budget": "700", "wanted_effective_date": "2030-01-01",
              "notes": "Wants a quick answer."}


def make_client(session, name: str = "Atelier Dupont Architectes", email: str | None = "contact@dupont.example",
                kind: str = "business") -> int:
    from app.crm.models import Client
    from app.crm.rules import normalise

    client = Client(reference=f"C{uuid.uuid4().hex[:8].upper()}", kind=kind, display_name=name,
                    sort_name=normalise(name), search_vector=None, email=email, siren="732829320",
                    city="Lyon", postal_code="69002", address_line1="12 rue de la République")
    session.add(client)
    session.flush()
    return client.id


def add_document(session, client_id: int, kind: str) -> None:
    from app.documents import services as documents

    documents.store(session, None, content=PDF, filename=f"{kind}.pdf", kind=kind, client_id=client_id)


def make_rc_pro_catalog(session, insurer_name: str = "Mutuelle des Architectes") -> dict[str, int]:
    """Three RC Pro products: Essentiel (legal protection an option at 60),
    Premium (all included, for a turnover up to 2 M) and Solo (headcount up
    to 2: not eligible for the tests' client)."""
    from app.catalog.models import Guarantee, Insurer, Product

    insurer = Insurer(name=insurer_name)
    session.add(insurer)
    session.flush()
    essentiel = Product(
        insurer_id=insurer.id, line="rc_pro", code="ESS", name="RC Pro Essentiel", commission_rate=D("15.00"),
        payment_options=["annual", "quarterly"], eligibility=[],
        tariff={"base": "400.00", "minimum": "250.00", "fees": "20.00", "factors": [
            {"label": "Headcount", "attribute": "headcount", "kind": "bands",
             "bands": [{"min": 0, "max": 3, "multiplier": "1.00"}, {"min": 3, "max": None, "multiplier": "1.20"}]},
            {"label": "Premises", "attribute": "premises", "kind": "table",
             "values": {"office": "1.00", "shop": "1.10"}, "default": "1.30"}]},
        guarantees=[
            Guarantee(code="operating_liability", label="Responsabilité civile exploitation",
                      ceiling=D("5000000"), deductible=D("500"), position=0),
            Guarantee(code="professional_liability", label="Responsabilité civile professionnelle",
                      ceiling=D("1000000"), deductible=D("1000"), exclusions="Fines and penalties", position=1),
            Guarantee(code="legal", label="Protection juridique", is_option=True, option_premium=D("60.00"),
                      ceiling=D("20000"), position=2),
        ],
    )
    premium = Product(
        insurer_id=insurer.id, line="rc_pro", code="PREM", name="RC Pro Premium", commission_rate=D("12.00"),
        payment_options=["annual", "monthly"], eligibility=[{"attribute": "turnover", "op": "lte", "value": 2000000}],
        tariff={"base": "700.00", "fees": "0.00", "factors": [
            {"label": "Claims", "attribute": "claims_3y", "kind": "bands",
             "bands": [{"min": 0, "max": 1, "multiplier": "1.00"}, {"min": 1, "max": None, "multiplier": "1.50"}]}]},
        guarantees=[
            Guarantee(code="operating_liability", label="RC exploitation", ceiling=D("8000000"), position=0),
            Guarantee(code="professional_liability", label="RC professionnelle", ceiling=D("3000000"),
                      deductible=D("750"), position=1),
            Guarantee(code="legal", label="Protection juridique", ceiling=D("30000"), position=2),
        ],
    )
    solo = Product(
        insurer_id=insurer.id, line="rc_pro", code="SOLO", name="RC Pro Solo", commission_rate=D("10.00"),
        eligibility=[{"attribute": "headcount", "op": "lte", "value": 2}],
        tariff={"base": "250.00", "factors": []},
        guarantees=[Guarantee(code="operating_liability", label="RC exploitation", ceiling=D("1000000"))],
    )
    session.add_all([essentiel, premium, solo])
    session.flush()
    return {"insurer": insurer.id, "essentiel": essentiel.id, "premium": premium.id, "solo": solo.id}


def make_needs(session, client_id: int, *, risk: dict | None = None, wanted: list | None = None,
               budget: Decimal | None = D("700.00")) -> int:
    from app.quotes.models import NeedsAnalysis

    needs = NeedsAnalysis(
        client_id=client_id, line="rc_pro", status="draft",
        risk=risk if risk is not None else {"activity": "Architecte", "turnover": "450000.00", "headcount": 5,
                                            "premises": "office", "claims_3y": 0},
        wanted=wanted if wanted is not None else [
            {"code": "operating_liability", "ceiling": "3000000.00", "deductible": "1000.00"},
            {"code": "professional_liability", "ceiling": "2000000.00", "deductible": None},
            {"code": "legal", "ceiling": None, "deductible": None}],
        budget=budget,
    )
    session.add(needs)
    session.flush()
    return needs.id


@pytest.fixture
def firm(app, tenant, bound):
    """A firm with a client (Kbis on file), an RC Pro catalog and a draft needs analysis."""
    with bound(tenant) as session:
        client_id = make_client(session)
        add_document(session, client_id, "kbis")
        catalog = make_rc_pro_catalog(session)
        needs_id = make_needs(session, client_id)
        session.commit()
    return {"tenant": tenant, "client_id": client_id, "needs_id": needs_id, **catalog}


def in_english(client):
    """Switch the client's UI to English (French is the default)."""
    assert client.post("/language", data={"language": "en"}).status_code == 303
    return client


@pytest.fixture
def admin(admin_client):
    """The firm's admin, signed in, reading the UI in English."""
    return in_english(admin_client)


@pytest.fixture
def readonly_client(app, tenant, client_for):
    add_user(app, tenant, "lecture@example.fr", "readonly")
    client = client_for(tenant)
    assert sign_in(client, "lecture@example.fr").status_code == 303
    return in_english(client)


@pytest.fixture
def other_firm_client(app, make_tenant, client_for):
    """Signed in as the admin of another firm, on that firm's own host."""
    other = make_tenant("b")
    client = client_for(other)
    assert sign_in(client, "admin@example.fr").status_code == 303
    return client
