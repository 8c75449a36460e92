"""The demo firm's client space: one individual customer with a home or
motor contract gets a portal account (the demo password), a change request
and a declared claim, so the portal and the firm's queues have content."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from app.claims import services as claims
from app.claims.models import Claim
from app.contracts.models import Contract, ContractStatus
from app.crm.models import Client, ClientKind
from app.portal import requests, services
from app.portal.models import PortalAccount


def _policyholder(session) -> tuple[Client, Contract] | None:
    rows = session.execute(
        select(Client, Contract).join(Contract, Contract.client_id == Client.id)
        .where(Client.kind == ClientKind.INDIVIDUAL.value, Client.email.is_not(None),
               Contract.status == ContractStatus.ACTIVE.value, Contract.line.in_(("home", "motor")))
        .order_by((Contract.line == "home").desc(), Client.id, Contract.id).limit(1)).first()
    return tuple(rows) if rows else None


def add_portal(session, admin, password: str, today: date | None = None) -> str | None:
    """Open the client space of a demo customer once; returns its email."""
    existing = session.scalar(select(PortalAccount).order_by(PortalAccount.id).limit(1))
    if existing is not None:
        return existing.email
    found = _policyholder(session)
    if found is None:
        return None
    client, contract = found
    today = today or date.today()
    account = services.invite(session, admin, client)
    secret = current_app.config["SECRET_KEY"]
    services.accept_invitation(session, secret, services.invitation_token(session, secret, account), password)
    if contract.line == "motor":
        requests.submit(session, account, contract, "vehicle_change", {
            "vehicle": "Peugeot e-208", "registration": "GK-482-LM", "from_date": (today + timedelta(days=10))
            .isoformat()}, "Je remplace ma voiture le mois prochain.", today)
    else:
        requests.submit(session, account, contract, "address_change", {
            "address_line1": "8 avenue Jean Jaurès", "postal_code": "69007", "city": "Lyon",
            "from_date": (today + timedelta(days=20)).isoformat()}, "Nous déménageons.", today)
    if session.scalar(select(Claim.id).limit(1)) is None:
        kind = "water_damage" if contract.line == "home" else "glass"
        claims.declare(session, None, contract, kind, {
            "occurred_on": today - timedelta(days=2), "place": client.city or "Lyon",
            "circumstances": "Fuite sous l'évier de la cuisine, placard et parquet abîmés." if kind == "water_damage"
            else "Impact de gravillon sur le pare-brise, fissure de 20 cm.", "police_report": "no", "injured": "no"},
            [], channel="portal", account_id=account.id, today=today)
    session.commit()
    return account.email
