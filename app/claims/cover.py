"""The cover check of a claim: the facts of the contract as it stood on the
day of the loss (its version then, the guarantee concerned, the premium
status), the proposal of :mod:`app.claims.cover_rules`, and the handler's
call on it: confirmed, or decided otherwise with a reason. Checking again
after a change is allowed; the timeline keeps every check."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.billing import nonpayment_rules
from app.billing.models import NonPaymentProcedure
from app.catalog.lines import line_definition
from app.claims import cover_rules, labels, timeline
from app.claims.cover_rules import ExclusionScope, Guarantee, Suspension, start_of
from app.claims.models import Claim, CoverVerdict, ExpertMission
from app.claims.settlement_models import ClaimDamage
from app.columns import utcnow
from app.contracts import services as contracts
from app.contracts.models import Contract, ContractEvent, ContractStatus, ContractVersion

MAX_NOTE = 2000


class CoverError(Exception):
    def __init__(self, code: str, problems: dict | None = None) -> None:
        super().__init__(code)
        self.code, self.problems = code, problems or {}


@dataclass(frozen=True)
class Choice:
    """What the handler says of the loss: the guarantee concerned (None: let
    the system propose one; "": none of the contract's), and whether an
    exclusion applies, which one and why."""

    guarantee_code: str | None = None
    exclusion: str = ExclusionScope.NONE.value
    exclusion_note: str = ""


@dataclass
class Check:
    """Everything the cover page shows, and the proposal made from it."""

    contract: Contract
    version: ContractVersion | None
    guarantees: list[Guarantee]
    proposed_code: str | None
    guarantee_code: str | None
    exclusion: ExclusionScope
    exclusion_note: str
    amount: Decimal | None
    amount_source: str | None
    suspensions: list[Suspension]
    proposal: cover_rules.Proposal
    facts: cover_rules.Facts
    clauses: list[dict] = field(default_factory=list)

    @property
    def guarantee(self) -> Guarantee | None:
        return next((item for item in self.guarantees if item.code == self.guarantee_code), None)

    def stored(self) -> dict:
        """The proposal as kept on the claim, with what it was made from."""
        return self.proposal.to_json() | {
            "guarantee_code": self.guarantee_code, "exclusion": self.exclusion.value,
            "exclusion_note": self.exclusion_note, "amount": None if self.amount is None else str(self.amount),
            "amount_source": self.amount_source, "version_number": self.version.number if self.version else None,
            "loss_day": self.facts.loss_day.isoformat()}


def suspensions_of(session: Session, contract: Contract) -> list[Suspension]:
    """The times the contract's cover was suspended: from the non-payment
    procedures (L113-3: from the first day of suspension to noon the day
    after payment) and from its status changes to and from "suspended"."""
    found = []
    for procedure in session.scalars(select(NonPaymentProcedure).where(
            NonPaymentProcedure.contract_id == contract.id, NonPaymentProcedure.suspended_on.is_not(None))):
        end = procedure.cover_resumes_at or (nonpayment_rules.cover_resumes_at(procedure.stopped_on)
                                             if procedure.stopped_on else None)
        found.append(Suspension(start_of(procedure.suspended_on), end))
    since = None
    for event in session.scalars(select(ContractEvent).where(ContractEvent.contract_id == contract.id,
                                                             ContractEvent.kind == "status")
                                 .order_by(ContractEvent.at, ContractEvent.id)):
        day = event.effective_on or event.at.astimezone(cover_rules.PARIS).date()
        if event.to_status == ContractStatus.SUSPENDED.value and since is None:
            since = day
        elif event.from_status == ContractStatus.SUSPENDED.value and since is not None:
            found.append(Suspension(start_of(since), start_of(day)))
            since = None
    if since is None and contract.status == ContractStatus.SUSPENDED.value and not found:
        since = contract.status_since or contract.effective_date
    if since is not None:
        found.append(Suspension(start_of(since), None))
    return sorted(found, key=lambda item: item.start)


def _amount(session: Session, claim: Claim) -> tuple[Decimal | None, str | None]:
    damages = session.execute(select(ClaimDamage.agreed_amount, ClaimDamage.expert_amount,
                                     ClaimDamage.claimed_amount).where(ClaimDamage.claim_id == claim.id)).all()
    assessed = session.scalar(select(ExpertMission.assessed_amount).where(
        ExpertMission.claim_id == claim.id, ExpertMission.assessed_amount.is_not(None))
        .order_by(ExpertMission.report_received_on.desc().nulls_last(), ExpertMission.id.desc()).limit(1))
    return cover_rules.estimate([tuple(row) for row in damages], assessed, (claim.details or {}).get("estimated_amount"))


def _scope(value: str | None) -> ExclusionScope:
    try:
        return ExclusionScope(value or ExclusionScope.NONE.value)
    except ValueError:
        return ExclusionScope.NONE


def check(session: Session, claim: Claim, choice: Choice | None = None) -> Check:
    """The facts on the day of the loss and the system's proposal for
    ``choice`` (the proposed guarantee and no exclusion by default)."""
    choice = choice or Choice()
    contract = session.get(Contract, claim.contract_id)
    day = claim.occurred_at.astimezone(cover_rules.PARIS).date()
    version = contracts.version_on(session, contract, day)
    guarantees = cover_rules.guarantees_of(version.guarantees) if version else []
    proposed = cover_rules.propose_guarantee(claim.line, claim.kind, [item.code for item in guarantees])
    code = proposed if choice.guarantee_code is None else (choice.guarantee_code or None)
    exclusion, note = _scope(choice.exclusion), (choice.exclusion_note or "").strip()
    amount, source = _amount(session, claim)
    suspensions = suspensions_of(session, contract)
    facts = cover_rules.Facts(
        loss_at=claim.occurred_at, effective_date=contract.effective_date, ended_on=contract.ended_on,
        version_number=version.number if version else None, version_from=version.valid_from if version else None,
        guarantee_code=code, guarantee=next((item for item in guarantees if item.code == code), None),
        amount=amount, suspensions=tuple(suspensions), exclusion=exclusion, exclusion_note=note)
    return Check(contract=contract, version=version, guarantees=guarantees, proposed_code=proposed,
                 guarantee_code=code, exclusion=exclusion, exclusion_note=note, amount=amount, amount_source=source,
                 suspensions=suspensions, proposal=cover_rules.propose(facts), facts=facts,
                 clauses=list(version.clauses or []) if version else [])


def _checked(session: Session, claim: Claim, choice: Choice, version: int | None) -> Check:
    """The check for a choice posted by the handler, or CoverError."""
    if version != claim.version:
        raise CoverError("stale")
    result = check(session, claim, choice)
    problems = {}
    if choice.guarantee_code and result.guarantee is None:
        problems["guarantee_code"] = "choice_invalid"
    if choice.exclusion not in {item.value for item in ExclusionScope}:
        problems["exclusion"] = "choice_invalid"
    elif result.exclusion != ExclusionScope.NONE and not result.exclusion_note:
        problems["exclusion_note"] = "exclusion_note_required"
    if len(result.exclusion_note) > MAX_NOTE:
        problems["exclusion_note"] = "too_long"
    if problems:
        raise CoverError("invalid", problems)
    return result


def _record(session: Session, actor, claim: Claim, result: Check, decision: CoverVerdict, reason: str | None) -> None:
    before = {"cover_decision": claim.cover_decision, "guarantee_code": claim.guarantee_code,
              "cover_override_reason": claim.cover_override_reason}
    claim.cover_proposal = result.stored()
    claim.cover_decision, claim.cover_override_reason = decision.value, reason
    claim.guarantee_code = result.guarantee_code
    claim.cover_checked_at, claim.cover_checked_by_id = utcnow(), getattr(actor, "id", None)
    proposed = result.proposal.verdict
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        guarantee = guarantee_name(claim.line, result.guarantee.code, result.guarantee.label) if result.guarantee else _("no guarantee")
        if reason is None:
            summary = _("%(verdict)s, under %(guarantee)s.", verdict=labels.COVER_LABELS[decision.value],
                        guarantee=guarantee)
        else:
            summary = _("%(verdict)s against the proposal (%(proposed)s), under %(guarantee)s: %(reason)s",
                        verdict=labels.COVER_LABELS[decision.value], proposed=labels.COVER_LABELS[proposed.value],
                        guarantee=guarantee, reason=reason)
    details = {"decision": decision.value, "proposed": proposed.value, "guarantee_code": result.guarantee_code,
               "clauses": [item["code"] for item in claim.cover_proposal["clauses"]]}
    timeline.record(session, actor, claim, "cover_checked" if reason is None else "cover_overridden", summary,
                    details | ({"reason": reason} if reason else {}))
    audit.record(session, actor, "claim.cover_override" if reason else "claim.cover_check", "claim", claim.id,
                 before=before, after={"cover_decision": claim.cover_decision, "guarantee_code": claim.guarantee_code,
                                       "cover_override_reason": reason, "proposal": claim.cover_proposal})
    session.flush()


def guarantee_name(line: str, code: str | None, label: str = "") -> str:
    """A guarantee's name in the reader's language when it is one of the
    line's standard guarantees, else as the contract names it."""
    try:
        name = line_definition(line).guarantee_label(code)
    except ValueError:
        name = code
    return str(label or code or "") if name == code else str(name)


def confirm(session: Session, actor, claim: Claim, choice: Choice, *, version: int | None) -> Check:
    """The handler confirms the system's proposal for ``choice``."""
    result = _checked(session, claim, choice, version)
    _record(session, actor, claim, result, result.proposal.verdict, None)
    return result


def override(session: Session, actor, claim: Claim, choice: Choice, *, decision: str, reason: str,
             version: int | None) -> Check:
    """The handler decides otherwise than the proposal, with a reason."""
    problems: dict[str, str] = {}
    reason = (reason or "").strip()
    if decision not in {item.value for item in CoverVerdict}:
        problems["decision"] = "choice_invalid"
    if not reason:
        problems["reason"] = "required"
    elif len(reason) > MAX_NOTE:
        problems["reason"] = "too_long"
    try:
        result = _checked(session, claim, choice, version)
    except CoverError as exc:
        if exc.code == "stale":
            raise
        raise CoverError("invalid", exc.problems | problems) from exc
    if "decision" not in problems and decision == result.proposal.verdict.value:
        problems["decision"] = "same_as_proposal"
    if problems:
        raise CoverError("invalid", problems)
    _record(session, actor, claim, result, CoverVerdict(decision), reason)
    return result
