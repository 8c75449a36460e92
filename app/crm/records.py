"""A client's compliance records (AML, GDPR consent), the lines it holds
elsewhere, and cross-selling. Every change is audited on the client."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.audit.models import AuditEntry
from app.catalog.lines import Line
from app.crm import rules
from app.crm.models import Client, CrossSellDismissal
from app.crm.services import ClientError, commit
from app.quotes.models import NeedsAnalysis, Offer

AML_FIELDS = ("aml_risk", "aml_reason", "aml_checks", "aml_checked_on")
CONSENT_FIELDS = ("marketing_consent", "marketing_consent_on")


def _edit(session: Session, actor, client: Client, version: int, action: str, values: dict) -> Client:
    """Apply ``values`` to ``client`` if it is still at ``version``; audit and commit."""
    if client.version != version:
        raise ClientError({"version": "stale"})
    before = {name: getattr(client, name) for name in values}
    for name, value in values.items():
        setattr(client, name, value)
    audit.record(session, actor, action, "client", client.id, before=before, after=values)
    commit(session)
    return client


def update_aml(session: Session, actor, client: Client, *, version: int, risk: str, reason: str | None,
               checks: str | None, checked_on: date | None) -> Client:
    """Record the anti-money-laundering assessment (LCB-FT): risk level, why, checks done and when."""
    if risk not in rules.AML_RISKS:
        raise ClientError({"aml_risk": "choice_invalid"})
    values = {"aml_risk": risk, "aml_reason": (reason or "").strip() or None,
              "aml_checks": (checks or "").strip() or None, "aml_checked_on": checked_on}
    return _edit(session, actor, client, version, "client.aml_update", values)


def update_consent(session: Session, actor, client: Client, *, version: int, consent: bool,
                   on: date | None) -> Client:
    """Record the GDPR marketing consent; the date defaults to today when it changes."""
    if consent != client.marketing_consent and on is None:
        on = date.today()
    values = {"marketing_consent": consent, "marketing_consent_on": on}
    return _edit(session, actor, client, version, "client.consent_update", values)


def update_held_elsewhere(session: Session, actor, client: Client, *, version: int, lines: list[str]) -> Client:
    known = [line.value for line in Line if line.value in set(lines)]
    return _edit(session, actor, client, version, "client.held_elsewhere_update", {"held_elsewhere": known})


def lines_with_us(session: Session, client: Client) -> set[str]:
    """Lines of the client's accepted offers (not withdrawn)."""
    query = (select(NeedsAnalysis.line).join(Offer, Offer.needs_id == NeedsAnalysis.id)
             .where(NeedsAnalysis.client_id == client.id, Offer.accepted_at.is_not(None), Offer.is_withdrawn.is_(False)))
    return set(session.scalars(query))


def has_premises(session: Session, client: Client) -> bool:
    """Whether a needs analysis of the client recorded premises (office, shop, ...)."""
    risks = session.scalars(select(NeedsAnalysis.risk).where(NeedsAnalysis.client_id == client.id))
    return any((risk or {}).get("premises") not in (None, "", "none") for risk in risks)


def suggestions(session: Session, client: Client) -> list[rules.Suggestion]:
    """Cross-selling suggestions the handler has not dismissed."""
    held = lines_with_us(session, client) | set(client.held_elsewhere or [])
    dismissed = set(session.scalars(select(CrossSellDismissal.rule).where(CrossSellDismissal.client_id == client.id)))
    found = rules.cross_sell(client.kind, held, client.headcount, has_premises(session, client))
    return [suggestion for suggestion in found if suggestion.code not in dismissed]


def dismiss(session: Session, actor, client: Client, rule: str, reason: str) -> CrossSellDismissal:
    """Set a suggestion aside, with why; it is no longer shown for this client."""
    if rule not in {suggestion.code for suggestion in suggestions(session, client)}:
        raise ClientError({"rule": "choice_invalid"})
    dismissal = CrossSellDismissal(client_id=client.id, rule=rule, reason=reason.strip(),
                                   dismissed_by_id=getattr(actor, "id", None))
    session.add(dismissal)
    session.flush()
    audit.record(session, actor, "client.cross_sell_dismiss", "client", client.id,
                 after={"rule": rule, "reason": dismissal.reason})
    return dismissal


def history(session: Session, client: Client, limit: int = 50) -> list[AuditEntry]:
    """The latest audited changes of the client file, newest first."""
    query = (select(AuditEntry).where(AuditEntry.object_type == "client", AuditEntry.object_id == str(client.id))
             .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit))
    return list(session.scalars(query))
