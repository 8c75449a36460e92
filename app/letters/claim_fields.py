"""The merge fields of a letter about a claim: its reference and loss, the
insurer's claim number, the cover's clauses, the indemnity, deductible and
payments, and the documents the client is asked for (by kind of loss)."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.claims import cover_rules
from app.claims.labels import KIND_LABELS
from app.claims.models import Claim
from app.contracts import services as contracts
from app.contracts.models import Contract

PARIS = ZoneInfo("Europe/Paris")

_PHOTOS = _l("photos of the damage, before any repair")
_INVOICES = _l("the bills or receipts of the damaged or stolen items")
_QUOTES = _l("the repair quotes")
#: what the client is asked to send, by kind of loss
DOCUMENTS_BY_KIND = {
    "collision": (_l("the joint accident report (constat amiable), signed by both drivers"),
                  _l("the vehicle registration certificate"), _l("the driving licence of the driver"), _PHOTOS,
                  _QUOTES),
    "theft": (_l("the receipt of the complaint filed with the police"), _INVOICES,
              _l("all the keys, for a vehicle")),
    "break_in": (_l("the receipt of the complaint filed with the police"), _PHOTOS, _INVOICES, _QUOTES),
    "water_damage": (_l("the water damage report (constat amiable dégât des eaux)"), _PHOTOS, _INVOICES, _QUOTES),
    "fire": (_l("the fire brigade's report, if they came"), _PHOTOS, _INVOICES, _QUOTES),
    "glass": (_PHOTOS, _QUOTES),
    "natural_event": (_l("the reference of the decree declaring the natural disaster, once published"), _PHOTOS,
                      _INVOICES, _QUOTES),
    "liability": (_l("the letter or claim of the injured party"), _PHOTOS),
    "illness": (_l("the medical certificate describing the injuries"), _l("the medical bills and their refunds")),
}
DEFAULT_DOCUMENTS = (_PHOTOS, _INVOICES, _QUOTES)


def documents_for(kind: str) -> str:
    """The documents to ask for, one per line, in the current language."""
    return "\n".join(f"- {item}" for item in DOCUMENTS_BY_KIND.get(kind, DEFAULT_DOCUMENTS))


def _guarantee(session: Session, claim: Claim, contract: Contract) -> cover_rules.Guarantee | None:
    """The claim's guarantee as the contract stood on the day of loss."""
    if not claim.guarantee_code:
        return None
    version = contracts.version_on(session, contract, claim.occurred_at.astimezone(PARIS).date())
    items = version.guarantees if version is not None else contract.guarantees
    return next((item for item in cover_rules.guarantees_of(items) if item.code == claim.guarantee_code), None)


def _clauses(claim: Claim) -> str:
    """The clauses the cover check relied on, one per line, then the handler's reason."""
    lines = []
    for item in (claim.cover_proposal or {}).get("clauses", []):
        words = " — ".join(str(part) for part in (item.get("label"), item.get("text")) if part)
        if words:
            lines.append(f"- {words}" + (f" ({item['article']})" if item.get("article") else ""))
    if claim.cover_override_reason:
        lines.append(claim.cover_override_reason)
    return "\n".join(lines)


def claim_values(session: Session, claim: Claim, contract: Contract) -> dict:
    """The claim's merge values (dates and amounts raw: the letter formats them)."""
    guarantee = _guarantee(session, claim, contract)
    paid = claim.paid_total or Decimal("0.00")
    return {
        "claim_reference": claim.reference, "loss_date": claim.occurred_at.astimezone(PARIS).date(),
        "loss_place": claim.place, "claim_kind": str(KIND_LABELS.get(claim.kind, claim.kind)).lower(),
        "claim_declared_on": claim.declared_on, "insurer_claim_number": claim.insurer_reference,
        "indemnity": claim.indemnity, "deductible": guarantee.deductible if guarantee else None,
        "paid_total": paid, "balance_due": claim.indemnity - paid if claim.indemnity is not None else None,
        "cover_clauses": _clauses(claim), "reason": claim.insurer_decision_note or claim.closed_note,
        "documents": documents_for(claim.kind),
    }
