"""The yearly register of complaints (registre des réclamations) the ACPR
expects the firm to keep (recommendation 2022-R-01): every complaint
received in the year, what it was about, when it was acknowledged and
answered, whether each step met its deadline, the outcome and the time
taken to answer."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import extract, select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.catalog.models import Insurer
from app.claims.models import Claim
from app.complaints import labels, rules
from app.complaints.models import Complaint, ComplaintAbout
from app.contracts.models import Contract
from app.crm.models import Client

MIN_YEAR, MAX_YEAR = 2000, 2999


def _yes_no(value: bool | None) -> str:
    return "" if value is None else (_("Yes") if value else _("No"))


def header() -> list[str]:
    return [_("Reference"), _("Date received"), _("Channel"), _("Client reference"), _("Client"), _("About"),
            _("Contract"), _("Claim"), _("Subject"), _("Acknowledge by"), _("Acknowledged on"),
            _("Acknowledged within the deadline"), _("Answer by"), _("Answered on"),
            _("Answered within the deadline"), _("Outcome"), _("Days to answer"), _("Status"), _("Handler")]


def rows(session: Session, year: int, *, firm: str, today: date) -> list[list]:
    """The register of ``year``: the header, then a row per complaint
    received that year, oldest first."""
    query = (select(Complaint, Client, Insurer, Contract, Claim, User)
             .join(Client, Client.id == Complaint.client_id)
             .outerjoin(Insurer, Insurer.id == Complaint.insurer_id)
             .outerjoin(Contract, Contract.id == Complaint.contract_id)
             .outerjoin(Claim, Claim.id == Complaint.claim_id)
             .outerjoin(User, User.id == Complaint.handler_id)
             .where(extract("year", Complaint.received_on) == year)
             .order_by(Complaint.received_on, Complaint.id))
    table = [header()]
    for complaint, client, insurer, contract, claim, handler in session.execute(query):
        acknowledged = complaint.acknowledged_on or complaint.answered_on
        about = insurer.name if complaint.about == ComplaintAbout.INSURER and insurer else firm
        table.append([
            complaint.reference, complaint.received_on,
            str(labels.CHANNEL_LABELS.get(complaint.channel, complaint.channel)), client.reference,
            client.display_name, about, (contract.policy_number or contract.reference) if contract else "",
            claim.reference if claim else "", complaint.subject, complaint.acknowledge_by, acknowledged,
            _yes_no(rules.within_deadline(complaint.acknowledge_by, acknowledged, today)),
            complaint.answer_by, complaint.answered_on,
            _yes_no(rules.within_deadline(complaint.answer_by, complaint.answered_on, today)),
            str(labels.OUTCOME_LABELS[complaint.outcome]) if complaint.outcome else "",
            rules.days_to_answer(complaint.received_on, complaint.answered_on),
            str(labels.STATUS_LABELS.get(complaint.status, complaint.status)),
            handler.full_name if handler else "",
        ])
    return table
