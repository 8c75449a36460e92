"""Liability on a claim: the insured's share of fault and the case of the
firm's grid supporting it (motor claims between two vehicles), or a note;
and the grid itself, the firm's data: cases added, edited, deactivated, or
the standard grid of :mod:`app.claims.liability_grid` loaded when empty."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.claims import liability_rules, timeline
from app.claims.liability_grid import STANDARD_CASES
from app.claims.models import Claim, ClaimEvent, ExpertMission, LiabilityCase

POSITION_STEP = 10
MAX_POSITION = 100000


class LiabilityError(Exception):
    def __init__(self, code: str, problems: dict | None = None) -> None:
        super().__init__(code)
        self.code, self.problems = code, problems or {}


def grid(session: Session, *, active_only: bool = False) -> list[LiabilityCase]:
    query = select(LiabilityCase).order_by(LiabilityCase.position, LiabilityCase.code, LiabilityCase.id)
    if active_only:
        query = query.where(LiabilityCase.is_active.is_(True))
    return list(session.scalars(query))


def expert_opinions(session: Session, claim: Claim) -> list[ExpertMission]:
    """The experts' missions of the claim that gave an opinion on liability."""
    return list(session.scalars(select(ExpertMission).where(
        ExpertMission.claim_id == claim.id, ExpertMission.liability_opinion.is_not(None))
        .order_by(ExpertMission.report_received_on.desc().nulls_last(), ExpertMission.id.desc())))


def current_side(session: Session, claim: Claim) -> str | None:
    """The insured's vehicle (A or B) in the case last set, kept with the
    ``liability_set`` entry of the timeline."""
    details = session.scalar(select(ClaimEvent.details).where(
        ClaimEvent.claim_id == claim.id, ClaimEvent.kind == "liability_set")
        .order_by(ClaimEvent.at.desc(), ClaimEvent.id.desc()).limit(1))
    return (details or {}).get("side")


def _case_for(session: Session, claim: Claim, case_id: str) -> tuple[LiabilityCase | None, str | None]:
    """The grid case chosen for ``claim`` (an active one, or the one it already has), or the problem."""
    if not (case_id or "").strip():
        return None, None
    if not liability_rules.grid_applies(claim.line, claim.kind) or not case_id.strip().isdigit():
        return None, "choice_invalid"
    case = session.get(LiabilityCase, int(case_id))
    if case is None or not (case.is_active or case.id == claim.liability_case_id):
        return None, "choice_invalid"
    return case, None


def set_liability(session: Session, actor, claim: Claim, *, case_id: str, side: str, share: str, note: str,
                  version: int | None) -> Claim:
    """Set the insured's share: the case's share for their side, or a share
    with its note (see :func:`app.claims.liability_rules.decide`)."""
    if version != claim.version:
        raise LiabilityError("stale")
    case, problem = _case_for(session, claim, case_id)
    decision, problems = liability_rules.decide(case_shares=(case.share_a, case.share_b) if case else None,
                                                side=side, share=share, note=note)
    if problem:
        problems = {"case_id": problem} | {k: v for k, v in problems.items() if k not in ("share", "note")}
    if problems:
        raise LiabilityError("invalid", problems)
    before = {"liability_share": claim.liability_share, "liability_case_id": claim.liability_case_id,
              "liability_note": claim.liability_note}
    claim.liability_share, claim.liability_note = decision.share, decision.note or None
    claim.liability_case_id = case.id if case else None
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        if case:
            summary = _("Insured's share %(share)s %%: case %(code)s \"%(title)s\", insured's vehicle %(side)s.",
                        share=decision.share, code=case.code, title=case.title, side=side)
        else:
            summary = _("Insured's share %(share)s %%.", share=decision.share)
    if decision.note:
        summary = f"{summary} {decision.note}"
    details = {"share": decision.share, "case_code": case.code if case else None, "side": side if case else None,
               "case_shares": [case.share_a, case.share_b] if case else None}
    timeline.record(session, actor, claim, "liability_set", summary, details)
    audit.record(session, actor, "claim.liability", "claim", claim.id, before=before,
                 after={"liability_share": claim.liability_share, "liability_case_id": claim.liability_case_id,
                        "liability_note": claim.liability_note, "side": details["side"]})
    session.flush()
    return claim


# --- the grid --------------------------------------------------------------------------

def _values(session: Session, values: dict, case: LiabilityCase | None = None) -> dict:
    """The case's fields from a form, or LiabilityError with the problems by field."""
    code, title = (values.get("code") or "").strip(), (values.get("title") or "").strip()
    description = (values.get("description") or "").strip()
    problems = liability_rules.case_problems(code, title, values.get("share_a"), values.get("share_b"), description)
    position = (values.get("position") or "").strip()
    if position and (not position.isdigit() or int(position) > MAX_POSITION):
        problems["position"] = "position_invalid"
    if "code" not in problems:
        taken = session.scalar(select(LiabilityCase.id).where(func.lower(LiabilityCase.code) == code.lower()))
        if taken is not None and (case is None or taken != case.id):
            problems["code"] = "code_taken"
    if problems:
        raise LiabilityError("invalid", problems)
    if not position:
        position = case.position if case else (session.scalar(select(func.max(LiabilityCase.position))) or 0) \
            + POSITION_STEP
    return {"code": code, "title": title, "description": description or None,
            "share_a": liability_rules.parse_share(values["share_a"]),
            "share_b": liability_rules.parse_share(values["share_b"]), "position": int(position),
            "is_active": bool(values.get("is_active"))}


def _snapshot(case: LiabilityCase) -> dict:
    return {"code": case.code, "title": case.title, "description": case.description, "share_a": case.share_a,
            "share_b": case.share_b, "position": case.position, "is_active": case.is_active}


def create_case(session: Session, actor, values: dict) -> LiabilityCase:
    case = LiabilityCase(**_values(session, values))
    session.add(case)
    session.flush()
    audit.record(session, actor, "liability_case.create", "liability_case", case.id, after=_snapshot(case))
    return case


def update_case(session: Session, actor, case: LiabilityCase, values: dict, *, version: int | None) -> LiabilityCase:
    if version != case.version:
        raise LiabilityError("stale")
    changes = _values(session, values, case)
    before = _snapshot(case)
    for name, value in changes.items():
        setattr(case, name, value)
    session.flush()
    audit.record(session, actor, "liability_case.update", "liability_case", case.id, before=before,
                 after=_snapshot(case))
    return case


def deactivate_case(session: Session, actor, case: LiabilityCase, *, version: int | None) -> LiabilityCase:
    """Take a case out of the choices; claims that rely on it keep it."""
    if version != case.version:
        raise LiabilityError("stale")
    before = {"is_active": case.is_active}
    case.is_active = False
    session.flush()
    audit.record(session, actor, "liability_case.deactivate", "liability_case", case.id, before=before,
                 after={"is_active": False})
    return case


def load_standard(session: Session, actor) -> int:
    """Insert the standard grid into an empty grid; LiabilityError("grid_not_empty") otherwise."""
    if session.scalar(select(func.count()).select_from(LiabilityCase)):
        raise LiabilityError("grid_not_empty")
    for position, item in enumerate(STANDARD_CASES, start=1):
        session.add(LiabilityCase(code=item.code, title=item.title, description=item.description,
                                  share_a=item.share_a, share_b=item.share_b, position=position * POSITION_STEP,
                                  is_active=True))
    session.flush()
    audit.record(session, actor, "liability_case.load_standard", "liability_case", None,
                 after={"codes": [item.code for item in STANDARD_CASES]})
    return len(STANDARD_CASES)
