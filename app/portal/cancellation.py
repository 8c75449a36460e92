"""Cancellation in three clicks (Code des assurances L113-14, since 1 June
2023): an individual cancels a contract online — a form, a summary, a
confirmation — and receives an acknowledgement with the effective date the
contract's rules give. The request goes through the contracts' own
cancellation service: the same letter to the insurer through its channel,
the same refund, the same scheduling, as when the firm records it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import g
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.contracts import cancellations
from app.contracts.models import Cancellation, Contract
from app.contracts.services import ContractError
from app.crm.models import Client, ClientKind
from app.mail.services import queue_email
from app.portal import rules, services
from app.portal.models import PortalAccount


@dataclass(frozen=True)
class Preview:
    ground: str
    chosen_date: date | None
    effective_on: date


def can_cancel_online(session: Session, contract: Contract) -> bool:
    """Only individuals' contracts in force with no cancellation yet."""
    client = session.get(Client, contract.client_id)
    return (client is not None and client.kind == ClientKind.INDIVIDUAL.value
            and contract.status in cancellations.CANCELLABLE
            and cancellations.for_contract(session, contract) is None)


def _request(contract: Contract, reason: str, today: date) -> cancellations.Request:
    ground, chosen = rules.client_cancellation_ground(
        reason, line=contract.line, contract_start=contract.effective_date, renewal_date=contract.renewal_date,
        notice_days=contract.notice_days, today=today)
    return cancellations.Request(ground=ground, notice_on=today, chosen_date=chosen,
                                 reason=f"client_online:{reason}")


def preview(contract: Contract, reason: str, today: date | None = None) -> Preview:
    """What the confirmation will do: the ground and its effective date."""
    request = _request(contract, reason, today or date.today())
    return Preview(request.ground, request.chosen_date, cancellations.effective_date(contract, request))


def submit(session: Session, account: PortalAccount, contract: Contract, reason: str, *, version: int,
           locale: str, today: date | None = None) -> Cancellation:
    """Record the client's cancellation and email the acknowledgement (in the
    same transaction). Raises ContractError (stale, already cancelled...)."""
    if not can_cancel_online(session, contract):
        raise ContractError("not_in_force")
    today = today or date.today()
    cancellation = cancellations.cancel(session, services.actor_of(account), contract,
                                        _request(contract, reason, today), version=version, locale=locale,
                                        today=today)
    with force_locale(locale):
        subject = _("Your cancellation request for contract %(number)s",
                    number=contract.policy_number or contract.reference)
    queue_email(session, g.tenant.slug, account.email, subject, "portal_cancellation_receipt", locale=locale,
                sender_name=g.tenant.name, name=account.display_name, firm=g.tenant.name, contract=contract,
                requested_on=today, effective_on=cancellation.effective_on)
    return cancellation
