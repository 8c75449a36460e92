"""A claim's damages and settlement: damage items, the reserve and its
history, the indemnity computed under the contract's terms
(:mod:`app.claims.settlement_rules`), the settled status, closure and
reopening. Payments are recorded by :mod:`app.claims.payments`, recourse by
:mod:`app.claims.recourse`. Every step is checked, audited and written on
the claim's timeline in the caller's transaction (the caller commits).

Status rule: a claim becomes **settled** when an indemnity above 0 is
computed and the payments made reach it (:func:`sync_settled`, called after
each payment and each computation); if a new computation raises the
indemnity above what was paid, it goes back to "being handled". A closed
claim changes only by being reopened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.numbers import format_currency
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.claims import settlement_labels
from app.claims import settlement_rules as rules
from app.claims import timeline
from app.claims.models import Claim, ClaimStatus, ClosureReason, CoverVerdict
from app.claims.settlement_models import ClaimDamage, ClaimPayment, ClaimReserve, DamageCategory, PayeeKind
from app.columns import utcnow
from app.contracts.models import Contract
from app.contracts.services import version_on
from app.crm import followup
from app.crm.models import Client, Task

PARIS = ZoneInfo("Europe/Paris")
MAX_LABEL = 200
MAX_TEXT = 2000
MAX_ID = 2**63 - 1  # BIGINT keys: a larger id names nothing


class SettlementError(Exception):
    """``code`` for the whole step, ``problems`` by field."""

    def __init__(self, code: str, problems: dict | None = None) -> None:
        super().__init__(code)
        self.code, self.problems = code, problems or {}


def euros(amount: Decimal) -> str:
    """An amount the French way, for timeline summaries."""
    return format_currency(amount, "EUR", locale="fr_FR")


def in_firm_language(message, **params) -> str:
    """``message`` (an ``_l`` string) in the firm's language, French, as timeline summaries are."""
    with force_locale("fr"):
        return str(message) % params if params else str(message)


def read_amount(problems: dict, name: str, text: str | None, *, required: bool = False,
            positive: bool = False) -> Decimal | None:
    try:
        amount = rules.parse_amount(text, positive=positive)
    except rules.AmountError as exc:
        problems[name] = exc.code
        return None
    if amount is None and required:
        problems[name] = "required"
    return amount


def read_text(problems: dict, name: str, text: str | None, *, required: bool = False,
          limit: int = MAX_TEXT) -> str | None:
    value = (text or "").strip()
    if required and not value:
        problems[name] = "required"
    elif len(value) > limit:
        problems[name] = "too_long"
    return value or None


def raise_problems(problems: dict) -> None:
    if problems:
        raise SettlementError("invalid", problems)


def check_version(claim: Claim, version: str | int | None) -> None:
    if str(version or "") != str(claim.version):
        raise SettlementError("stale")


def check_writable(claim: Claim, version: str | int | None) -> None:
    """Refuse a change to a closed claim (reopen it first) or from a stale page."""
    if claim.status == ClaimStatus.CLOSED:
        raise SettlementError("claim_closed")
    check_version(claim, version)


def loss_day(claim: Claim) -> date:
    return claim.occurred_at.astimezone(PARIS).date()


# --- damages ----------------------------------------------------------------

def damages_of(session: Session, claim: Claim) -> list[ClaimDamage]:
    return list(session.scalars(select(ClaimDamage).where(ClaimDamage.claim_id == claim.id)
                                .order_by(ClaimDamage.position, ClaimDamage.id)))


def amounts_of(damages: list[ClaimDamage]) -> list[rules.DamageAmounts]:
    return [rules.DamageAmounts(item.category, item.claimed_amount, item.expert_amount, item.agreed_amount)
            for item in damages]


def damage_of(session: Session, claim: Claim, damage_id: int) -> ClaimDamage | None:
    if damage_id > MAX_ID:
        return None
    return session.scalar(select(ClaimDamage).where(ClaimDamage.id == damage_id, ClaimDamage.claim_id == claim.id))


def _damage_values(values: dict) -> dict:
    problems: dict[str, str] = {}
    category = values.get("category")
    if category not in {item.value for item in DamageCategory}:
        problems["category"] = "choice_invalid"
    cleaned = {"category": category, "label": read_text(problems, "label", values.get("label"), required=True,
                                                    limit=MAX_LABEL)}
    for name in ("claimed_amount", "expert_amount", "agreed_amount"):
        cleaned[name] = read_amount(problems, name, values.get(name))
    raise_problems(problems)
    return cleaned


def _damage_json(damage: ClaimDamage) -> dict:
    return {"damage_id": damage.id, "category": damage.category, "label": damage.label,
            **{name: None if getattr(damage, name) is None else str(getattr(damage, name))
               for name in ("claimed_amount", "expert_amount", "agreed_amount")}}


def add_damage(session: Session, actor, claim: Claim, values: dict) -> ClaimDamage:
    """Add a damage item: category, label, and the amounts known so far."""
    if claim.status == ClaimStatus.CLOSED:
        raise SettlementError("claim_closed")
    cleaned = _damage_values(values)
    position = session.scalar(select(func.coalesce(func.max(ClaimDamage.position), 0))
                              .where(ClaimDamage.claim_id == claim.id)) + 1
    damage = ClaimDamage(claim_id=claim.id, position=position, **cleaned)
    session.add(damage)
    session.flush()
    timeline.record(session, actor, claim, "damage_added", damage.label, _damage_json(damage))
    audit.record(session, actor, "claim.damage_add", "claim", claim.id, after=_damage_json(damage))
    return damage


def change_damage(session: Session, actor, claim: Claim, damage: ClaimDamage, values: dict,
                  version: str | None) -> ClaimDamage:
    if claim.status == ClaimStatus.CLOSED:
        raise SettlementError("claim_closed")
    if str(version or "") != str(damage.version):
        raise SettlementError("stale")
    cleaned = _damage_values(values)
    before = _damage_json(damage)
    for name, value in cleaned.items():
        setattr(damage, name, value)
    session.flush()
    timeline.record(session, actor, claim, "damage_changed", damage.label,
                    {"before": before, "after": _damage_json(damage)})
    audit.record(session, actor, "claim.damage_change", "claim", claim.id, before=before, after=_damage_json(damage))
    return damage


def remove_damage(session: Session, actor, claim: Claim, damage: ClaimDamage, version: str | None) -> None:
    if claim.status == ClaimStatus.CLOSED:
        raise SettlementError("claim_closed")
    if str(version or "") != str(damage.version):
        raise SettlementError("stale")
    before = _damage_json(damage)
    session.delete(damage)
    session.flush()
    timeline.record(session, actor, claim, "damage_removed", before["label"], before)
    audit.record(session, actor, "claim.damage_remove", "claim", claim.id, before=before)


# --- reserve ----------------------------------------------------------------

def reserves_of(session: Session, claim: Claim) -> list[ClaimReserve]:
    return list(session.scalars(select(ClaimReserve).where(ClaimReserve.claim_id == claim.id)
                                .order_by(ClaimReserve.at.desc(), ClaimReserve.id.desc())))


def proposed_reserve(session: Session, claim: Claim) -> Decimal:
    return rules.proposed_reserve(amounts_of(damages_of(session, claim)), claim.paid_total, claim.indemnity)


def _move_reserve(session: Session, actor, claim: Claim, amount: Decimal, reason: str) -> ClaimReserve:
    change = ClaimReserve(claim_id=claim.id, at=utcnow(), previous_amount=claim.reserve, amount=amount,
                          reason=reason, set_by_id=getattr(actor, "id", None))
    session.add(change)
    claim.reserve = amount
    session.flush()
    timeline.record(session, actor, claim, "reserve_set",
                    f"{euros(change.previous_amount)} → {euros(amount)} · {reason}"[:300],
                    {"previous": str(change.previous_amount), "amount": str(amount), "reason": reason})
    audit.record(session, actor, "claim.reserve", "claim", claim.id, before={"reserve": change.previous_amount},
                 after={"reserve": amount, "reason": reason})
    return change


def set_reserve(session: Session, actor, claim: Claim, amount: str | None, reason: str | None,
                version: str | None) -> ClaimReserve:
    """Set the claim's reserve (provision), with the reason; kept in its history."""
    check_writable(claim, version)
    problems: dict[str, str] = {}
    value = read_amount(problems, "amount", amount, required=True)
    reason = read_text(problems, "reason", reason, required=True)
    if value is not None and value == claim.reserve:
        problems["amount"] = "unchanged"
    raise_problems(problems)
    return _move_reserve(session, actor, claim, value, reason)


# --- indemnity --------------------------------------------------------------

@dataclass(frozen=True)
class CoverTerms:
    """The guarantee concerned as the contract stood on the date of loss."""

    guarantee: dict | None
    version_number: int | None
    terms: rules.GuaranteeTerms | None


def cover_terms(session: Session, claim: Claim) -> CoverTerms:
    contract = session.get(Contract, claim.contract_id)
    version = version_on(session, contract, loss_day(claim))
    guarantee = next((item for item in (version.guarantees if version else []) or []
                      if claim.guarantee_code and item.get("code") == claim.guarantee_code), None)
    return CoverTerms(guarantee, version.number if version else None,
                      rules.terms_of(guarantee, claim.kind) if guarantee else None)


def compute_indemnity(session: Session, actor, claim: Claim, version: str | None) -> rules.Indemnity:
    """Compute the indemnity from the agreed damages under the guarantee's
    terms in the contract version on the date of loss, store it with its
    explanation, and settle the claim if it is already paid in full."""
    check_writable(claim, version)
    if not claim.guarantee_code:
        raise SettlementError("guarantee_required")
    cover = cover_terms(session, claim)
    if cover.version_number is None:
        raise SettlementError("no_version")
    if cover.terms is None:
        raise SettlementError("guarantee_missing")
    payments = session.scalar(select(func.count()).where(ClaimPayment.claim_id == claim.id))
    try:
        result = rules.compute_indemnity(amounts_of(damages_of(session, claim)), cover.terms,
                                         liability_share=claim.liability_share, paid=claim.paid_total,
                                         payments=payments, covered=claim.cover_decision != CoverVerdict.NOT_COVERED)
    except rules.IndemnityError as exc:
        raise SettlementError(exc.code) from exc
    before = {"indemnity": claim.indemnity}
    claim.indemnity, claim.indemnity_explanation = result.amount, result.as_json()
    claim.indemnity_computed_at = utcnow()
    session.flush()
    details = {"indemnity": str(result.amount), "remaining": str(result.remaining),
               "guarantee": cover.terms.code, "contract_version": cover.version_number,
               "deductible_basis": cover.terms.deductible_basis.value,
               "liability_basis": cover.terms.liability_basis.value}
    timeline.record(session, actor, claim, "indemnity_computed",
                    in_firm_language(_l("Indemnity %(amount)s, %(remaining)s left to pay"),
                                     amount=euros(result.amount), remaining=euros(result.remaining)), details)
    audit.record(session, actor, "claim.indemnity", "claim", claim.id, before=before, after=details)
    sync_settled(session, actor, claim)
    return result


def sync_settled(session: Session, actor, claim: Claim) -> None:
    """Apply the status rule (module docstring) after a payment or a computation."""
    if claim.status == ClaimStatus.CLOSED:
        return
    paid_in_full = rules.is_paid_in_full(claim.indemnity, claim.paid_total)
    if paid_in_full and claim.status != ClaimStatus.SETTLED:
        status = ClaimStatus.SETTLED.value
    elif not paid_in_full and claim.status == ClaimStatus.SETTLED:
        status = ClaimStatus.IN_PROGRESS.value
    else:
        return
    before, claim.status = claim.status, status
    session.flush()
    timeline.record(session, actor, claim, "status_changed",
                    in_firm_language(_l("Indemnity paid in full") if paid_in_full
                                     else _l("Indemnity no longer paid in full")),
                    {"from": before, "to": status, "paid_total": str(claim.paid_total),
                     "indemnity": str(claim.indemnity)}, side="system")
    audit.record(session, actor, "claim.update", "claim", claim.id, before={"status": before},
                 after={"status": status})


# --- closure and reopening --------------------------------------------------

def open_tasks(session: Session, claim: Claim) -> list[Task]:
    return list(session.scalars(select(Task).where(Task.source_type == "claim", Task.source_id == claim.id,
                                                   Task.done_at.is_(None)).order_by(Task.id)))


def closure_problems(claim: Claim, reason: str | None, note: str | None) -> dict[str, str]:
    problems: dict[str, str] = {}
    if reason not in {item.value for item in ClosureReason}:
        problems["reason"] = "choice_invalid"
    read_text(problems, "note", note, required=reason == ClosureReason.OTHER)
    return problems


def close(session: Session, actor, claim: Claim, reason: str | None, note: str | None, version: str | None, *,
          today: date | None = None) -> list[Task]:
    """Close the claim with a reason: the reserve is released to 0 and the
    claim's open tasks are done. Returns the tasks it closed."""
    check_writable(claim, version)
    raise_problems(closure_problems(claim, reason, note))
    note = (note or "").strip() or None
    if claim.reserve:
        _move_reserve(session, actor, claim, rules.ZERO, in_firm_language(_l("Claim closed")))
    client = session.get(Client, claim.client_id)
    tasks = open_tasks(session, claim)
    for task in tasks:
        followup.complete_task(session, actor, client, task)
    before = {"status": claim.status}
    claim.status, claim.closed_on, claim.closed_reason, claim.closed_note = (
        ClaimStatus.CLOSED.value, today or date.today(), reason, note)
    session.flush()
    timeline.record(session, actor, claim, "closed", note or "",
                    {"reason": reason, "closed_on": claim.closed_on.isoformat(), "tasks_closed": len(tasks)})
    audit.record(session, actor, "claim.close", "claim", claim.id, before=before,
                 after={"status": claim.status, "closed_on": claim.closed_on, "reason": reason, "note": note})
    return tasks


def reopen(session: Session, actor, claim: Claim, reason: str | None, version: str | None) -> Claim:
    """Reopen a closed claim, with the reason: being handled again."""
    if claim.status != ClaimStatus.CLOSED:
        raise SettlementError("not_closed")
    check_version(claim, version)
    problems: dict[str, str] = {}
    reason = read_text(problems, "reopen_reason", reason, required=True)
    raise_problems(problems)
    before = {"status": claim.status, "closed_on": claim.closed_on, "closed_reason": claim.closed_reason,
              "closed_note": claim.closed_note}
    claim.status, claim.closed_on, claim.closed_reason, claim.closed_note = ClaimStatus.IN_PROGRESS.value, None, \
        None, None
    claim.reopened_count = (claim.reopened_count or 0) + 1
    session.flush()
    timeline.record(session, actor, claim, "reopened", reason,
                    {"reason": reason, "reopened_count": claim.reopened_count,
                     "was_closed_on": before["closed_on"].isoformat() if before["closed_on"] else None,
                     "was_closed_for": before["closed_reason"]})
    audit.record(session, actor, "claim.reopen", "claim", claim.id, before=before,
                 after={"status": claim.status, "reopened_count": claim.reopened_count, "reason": reason})
    return claim


# --- what the client sees ---------------------------------------------------

CLIENT_PAYEES = (PayeeKind.INSURED.value, PayeeKind.PROVIDER.value)


def client_payments(session: Session, claim: Claim) -> list[ClaimPayment]:
    """Payments made to the insured, or for them straight to their repairer;
    payments to third parties stay in the workspace."""
    return list(session.scalars(select(ClaimPayment).where(ClaimPayment.claim_id == claim.id,
                                                           ClaimPayment.payee_kind.in_(CLIENT_PAYEES))
                                .order_by(ClaimPayment.paid_on, ClaimPayment.id)))


def for_client(session: Session, claim: Claim) -> dict:
    """What the portal's claim page shows of the settlement: the indemnity
    worded line by line (without the internal reserve, and without the
    payment lines as they stood when computed), and the payments made to
    the client or for them."""
    paid = client_payments(session, claim)
    return {"indemnity_lines": settlement_labels.explained(claim.indemnity_explanation, for_client=True),
            "client_payments": paid, "client_paid": sum((item.amount for item in paid), rules.ZERO)}
