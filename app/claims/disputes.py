"""A claim's disputes: opening one, mediation (proposals, counter-proposals,
the compromise), litigation (lawyer, court, dated steps each with a task
for the claim's handler), the papers sent to lawyers and experts, and the
outcome. Every step is checked against :mod:`app.claims.dispute_rules`,
audited and written on the claim's timeline, in the caller's transaction
(the caller commits)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import force_locale, format_currency, format_datetime
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.claims import dispute_labels, dispute_rules, timeline
from app.claims import services as claims
from app.claims.dispute_models import (ClaimDispute, DisputeHearing, DisputeOrigin, DisputeProposal, DisputeStage,
                                       ProposalSide)
from app.claims.models import AttachmentCategory, Claim, ClaimAttachment
from app.columns import utcnow
from app.crm import followup
from app.crm.models import Client
from app.documents import services as documents
from app.mail.services import queue_email
from app.providers.models import Provider, ProviderKind

PARIS = ZoneInfo("Europe/Paris")
MAX_SENT_BYTES = 20 * 1024 * 1024
MAX_UPLOADS = 10


class DisputeError(Exception):
    """``code`` for the whole step, ``problems`` by field."""

    def __init__(self, code: str, problems: dict | None = None) -> None:
        super().__init__(code)
        self.code, self.problems = code, problems or {}


@dataclass(frozen=True)
class DisputePage:
    dispute: ClaimDispute
    proposals: list[DisputeProposal]
    hearings: list[DisputeHearing]
    lawyer: Provider | None


def _euros(amount: Decimal) -> str:
    return format_currency(amount, "EUR")


def _invalid(problems: dict) -> None:
    problems = {name: code for name, code in problems.items() if code}
    if problems:
        raise DisputeError("invalid", problems)


def _check(dispute: ClaimDispute, version: str | int, action: str) -> None:
    if str(version) != str(dispute.version):
        raise DisputeError("stale")
    if not dispute_rules.allows(dispute.stage, action):
        raise DisputeError("stage")


def _touch(dispute: ClaimDispute) -> None:
    """A change to the dispute's proposals or steps moves its version too."""
    dispute.updated_at = utcnow()


def disputes_of(session: Session, claim: Claim) -> list[DisputePage]:
    """The claim's disputes, the open one first, then the closed ones, newest first."""
    found = session.scalars(select(ClaimDispute).where(ClaimDispute.claim_id == claim.id)
                            .order_by((ClaimDispute.stage == DisputeStage.CLOSED.value), ClaimDispute.opened_on.desc(),
                                      ClaimDispute.id.desc()))
    return [DisputePage(
        dispute,
        list(session.scalars(select(DisputeProposal).where(DisputeProposal.dispute_id == dispute.id)
                             .order_by(DisputeProposal.made_on.desc(), DisputeProposal.id.desc()))),
        list(session.scalars(select(DisputeHearing).where(DisputeHearing.dispute_id == dispute.id)
                             .order_by(DisputeHearing.at))),
        session.get(Provider, dispute.lawyer_id) if dispute.lawyer_id else None) for dispute in found]


def dispute_of(session: Session, claim: Claim, dispute_id: int) -> ClaimDispute | None:
    return session.scalar(select(ClaimDispute).where(ClaimDispute.id == dispute_id,
                                                     ClaimDispute.claim_id == claim.id))


def lawyers(session: Session) -> list[Provider]:
    return list(session.scalars(select(Provider).where(Provider.kind == ProviderKind.LAWYER.value,
                                                       Provider.is_active.is_(True)).order_by(Provider.name)))


def recipients(session: Session) -> list[Provider]:
    """Lawyers and experts of the directory who can receive papers by email."""
    return list(session.scalars(select(Provider).where(
        Provider.kind.in_((ProviderKind.LAWYER.value, ProviderKind.EXPERT.value)), Provider.is_active.is_(True),
        Provider.email.is_not(None), Provider.email != "").order_by(Provider.kind.desc(), Provider.name)))


def open_dispute(session: Session, actor, claim: Claim, *, origin: str, summary: str, opened_on: date | None,
                 mediator: str | None, today: date | None = None) -> ClaimDispute:
    """Open a dispute on the claim, in mediation; one open dispute at a time."""
    today = today or date.today()
    _invalid({"origin": None if origin in {item.value for item in DisputeOrigin} else "choice_invalid",
              "summary": dispute_rules.text_problem(summary, required=True, limit=dispute_rules.MAX_SUMMARY),
              "opened_on": dispute_rules.day_problem(opened_on, not_before=claim.occurred_at.astimezone(PARIS).date(),
                                                     today=today),
              "mediator": dispute_rules.text_problem(mediator, required=False, limit=dispute_rules.MAX_NAME)})
    if session.scalar(select(ClaimDispute.id).where(ClaimDispute.claim_id == claim.id,
                                                    ClaimDispute.stage != DisputeStage.CLOSED.value).limit(1)):
        raise DisputeError("dispute_open")
    dispute = ClaimDispute(claim_id=claim.id, origin=origin, stage=DisputeStage.MEDIATION.value,
                           summary=summary.strip(), opened_on=opened_on, mediator=(mediator or "").strip() or None)
    session.add(dispute)
    session.flush()
    timeline.record(session, actor, claim, "dispute_opened", dispute.summary[:300],
                    {"dispute_id": dispute.id, "origin": origin, "mediator": dispute.mediator,
                     "opened_on": opened_on.isoformat()})
    audit.record(session, actor, "claim.dispute_open", "claim", claim.id,
                 after={"dispute_id": dispute.id, "origin": origin, "summary": dispute.summary,
                        "opened_on": opened_on, "mediator": dispute.mediator})
    return dispute


def make_proposal(session: Session, actor, claim: Claim, dispute: ClaimDispute, *, side: str, amount: str,
                  made_on: date | None, note: str | None, version: str, today: date | None = None) -> DisputeProposal:
    """A proposal or counter-proposal in mediation; it supersedes the open one."""
    _check(dispute, version, "propose")
    value, amount_problem = dispute_rules.parse_amount(amount)
    _invalid({"side": None if side in {item.value for item in ProposalSide} else "choice_invalid",
              "amount": amount_problem,
              "made_on": dispute_rules.day_problem(made_on, not_before=dispute.opened_on, today=today or date.today()),
              "note": dispute_rules.text_problem(note, required=False, limit=dispute_rules.MAX_SUMMARY)})
    earlier = list(session.scalars(select(DisputeProposal).where(DisputeProposal.dispute_id == dispute.id)))
    for proposal, status in zip(earlier, dispute_rules.after_new_proposal([p.status for p in earlier])):
        proposal.status = status
    proposal = DisputeProposal(dispute_id=dispute.id, side=side, amount=value, made_on=made_on,
                               note=(note or "").strip() or None, status=dispute_rules.ProposalStatus.OPEN.value,
                               created_by_id=getattr(actor, "id", None))
    session.add(proposal)
    _touch(dispute)
    session.flush()
    with force_locale("fr"):  # timeline summaries are in the firm's language
        summary = _("Proposal of %(amount)s by %(side)s", amount=_euros(value),
                    side=str(dispute_labels.SIDE_LABELS[side]).lower())
    timeline.record(session, actor, claim, "proposal_made", summary,
                    {"dispute_id": dispute.id, "proposal_id": proposal.id, "side": side, "amount": str(value),
                     "made_on": made_on.isoformat()})
    audit.record(session, actor, "claim.dispute_proposal", "claim", claim.id,
                 after={"dispute_id": dispute.id, "proposal_id": proposal.id, "side": side, "amount": value,
                        "made_on": made_on, "note": proposal.note})
    return proposal


def _open_proposal(session: Session, dispute: ClaimDispute, proposal_id: int) -> DisputeProposal:
    proposal = session.scalar(select(DisputeProposal).where(DisputeProposal.id == proposal_id,
                                                            DisputeProposal.dispute_id == dispute.id))
    if proposal is None or proposal.status != dispute_rules.ProposalStatus.OPEN:
        raise DisputeError("proposal_closed")
    return proposal


def accept_proposal(session: Session, actor, claim: Claim, dispute: ClaimDispute, proposal_id: int, *,
                    accepted_on: date | None, version: str, today: date | None = None) -> ClaimDispute:
    """The parties agree on the open proposal: the compromise ends the dispute."""
    _check(dispute, version, "answer")
    proposal = _open_proposal(session, dispute, proposal_id)
    _invalid({"accepted_on": dispute_rules.day_problem(accepted_on, not_before=proposal.made_on,
                                                       today=today or date.today())})
    dispute.compromise_amount, dispute.compromise_on = dispute_rules.compromise(proposal.amount, proposal.made_on,
                                                                                accepted_on)
    proposal.status = dispute_rules.ProposalStatus.ACCEPTED.value
    dispute.stage, dispute.closed_on = DisputeStage.CLOSED.value, accepted_on
    session.flush()
    with force_locale("fr"):
        summary = _("Compromise of %(amount)s agreed", amount=_euros(dispute.compromise_amount))
    timeline.record(session, actor, claim, "proposal_accepted", summary,
                    {"dispute_id": dispute.id, "proposal_id": proposal.id, "amount": str(dispute.compromise_amount),
                     "compromise_on": accepted_on.isoformat()})
    audit.record(session, actor, "claim.dispute_compromise", "claim", claim.id,
                 after={"dispute_id": dispute.id, "proposal_id": proposal.id,
                        "compromise_amount": dispute.compromise_amount, "compromise_on": accepted_on})
    return dispute


def refuse_proposal(session: Session, actor, claim: Claim, dispute: ClaimDispute, proposal_id: int, *,
                    version: str) -> DisputeProposal:
    """The open proposal is refused; mediation goes on (a counter-proposal) or goes to court."""
    _check(dispute, version, "answer")
    proposal = _open_proposal(session, dispute, proposal_id)
    proposal.status = dispute_rules.ProposalStatus.REFUSED.value
    _touch(dispute)
    session.flush()
    with force_locale("fr"):
        summary = _("Proposal of %(amount)s refused", amount=_euros(proposal.amount))
    timeline.record(session, actor, claim, "proposal_refused", summary,
                    {"dispute_id": dispute.id, "proposal_id": proposal.id, "amount": str(proposal.amount)})
    audit.record(session, actor, "claim.dispute_refuse", "claim", claim.id,
                 after={"dispute_id": dispute.id, "proposal_id": proposal.id})
    return proposal


def start_litigation(session: Session, actor, claim: Claim, dispute: ClaimDispute, *, lawyer_id: str,
                     court: str, case_number: str | None, started_on: date | None, version: str,
                     today: date | None = None) -> ClaimDispute:
    """The dispute goes to court, with the firm's lawyer; an open proposal lapses (refused)."""
    _check(dispute, version, "litigate")
    lawyer = session.get(Provider, int(lawyer_id)) if str(lawyer_id or "").isdigit() else None
    _invalid({"lawyer_id": None if lawyer is not None and lawyer.kind == ProviderKind.LAWYER and lawyer.is_active
              else "lawyer_required",
              "court": dispute_rules.text_problem(court, required=True, limit=dispute_rules.MAX_NAME),
              "case_number": dispute_rules.text_problem(case_number, required=False,
                                                        limit=dispute_rules.MAX_CASE_NUMBER),
              "started_on": dispute_rules.day_problem(started_on, not_before=dispute.opened_on,
                                                      today=today or date.today())})
    lapsed = [p.id for p in session.scalars(select(DisputeProposal).where(
        DisputeProposal.dispute_id == dispute.id, DisputeProposal.status == dispute_rules.ProposalStatus.OPEN.value))]
    for proposal_id in lapsed:
        session.get(DisputeProposal, proposal_id).status = dispute_rules.ProposalStatus.REFUSED.value
    dispute.stage, dispute.lawyer_id = DisputeStage.LITIGATION.value, lawyer.id
    dispute.court, dispute.case_number = court.strip(), (case_number or "").strip() or None
    dispute.litigation_started_on = started_on
    session.flush()
    with force_locale("fr"):
        summary = _("Before %(court)s, lawyer %(lawyer)s", court=dispute.court, lawyer=lawyer.name)
    timeline.record(session, actor, claim, "litigation_started", summary,
                    {"dispute_id": dispute.id, "court": dispute.court, "case_number": dispute.case_number,
                     "lawyer": lawyer.name, "started_on": started_on.isoformat(), "lapsed_proposal_ids": lapsed})
    audit.record(session, actor, "claim.dispute_litigation", "claim", claim.id,
                 after={"dispute_id": dispute.id, "lawyer_id": lawyer.id, "court": dispute.court,
                        "case_number": dispute.case_number, "started_on": started_on})
    return dispute


def hearing_at(day: str | None, hour: str | None) -> datetime | None:
    """The date and time typed in the form, in Paris time (9:00 without a time)."""
    parsed = dispute_rules.parse_day(day)
    if parsed is None:
        return None
    try:
        moment = time.fromisoformat(hour.strip()) if (hour or "").strip() else time(9, 0)
    except ValueError:
        return None
    return datetime.combine(parsed, moment, tzinfo=PARIS)


def schedule(session: Session, actor, claim: Claim, dispute: ClaimDispute, *, kind: str, at: datetime | None,
             place: str | None, note: str | None, version: str, now: datetime | None = None) -> DisputeHearing:
    """A hearing or another dated step, with a high-priority task for the
    claim's handler due that day."""
    _check(dispute, version, "schedule")
    _invalid({"kind": None if kind in dispute_rules.kinds_for(dispute.stage) else "choice_invalid",
              "at": dispute_rules.schedule_problem(at, now=now or utcnow()),
              "place": dispute_rules.text_problem(place, required=False, limit=dispute_rules.MAX_NAME),
              "hearing_note": dispute_rules.text_problem(note, required=False, limit=dispute_rules.MAX_SUMMARY)})
    with force_locale("fr"):  # tasks and the timeline are in the firm's language
        kind_label = str(dispute_labels.HEARING_LABELS[kind])
        when = format_datetime(at, "short")
        title = _("%(kind)s on %(when)s — claim %(reference)s", kind=kind_label, when=when,
                  reference=claim.reference)
        summary = _("%(kind)s on %(when)s", kind=kind_label, when=when)
    details = " · ".join(part for part in (dispute.court, (place or "").strip(), (note or "").strip()) if part)
    task = followup.add_task(session, actor, session.get(Client, claim.client_id), title=title, details=details,
                             due_on=at.astimezone(PARIS).date(),
                             assignee_id=claim.handler_id or getattr(actor, "id", None), source=("claim", claim.id),
                             priority="high")
    hearing = DisputeHearing(dispute_id=dispute.id, at=at, kind=kind, place=(place or "").strip() or None,
                             note=(note or "").strip() or None, task_id=task.id)
    session.add(hearing)
    _touch(dispute)
    session.flush()
    timeline.record(session, actor, claim, "hearing_scheduled", summary,
                    {"dispute_id": dispute.id, "hearing_id": hearing.id, "kind": kind, "at": at.isoformat(),
                     "place": hearing.place, "task_id": task.id})
    audit.record(session, actor, "claim.dispute_hearing", "claim", claim.id,
                 after={"dispute_id": dispute.id, "hearing_id": hearing.id, "kind": kind, "at": at,
                        "place": hearing.place, "task_id": task.id})
    return hearing


def add_papers(session: Session, actor, claim: Claim, uploads: list[claims.Upload]) -> list[ClaimAttachment]:
    """Papers for the lawyers, experts and courts, kept in the workspace."""
    if not uploads:
        raise DisputeError("invalid", {"papers": "required"})
    if len(uploads) > MAX_UPLOADS:
        raise DisputeError("invalid", {"papers": "too_many"})
    try:
        added = [claims.attach(session, actor, claim, upload, "firm", category=AttachmentCategory.LITIGATION.value,
                               visible_to_client=False) for upload in uploads]
    except claims.ClaimError as exc:
        raise DisputeError("invalid", {"papers": exc.code}) from exc
    names = ", ".join(upload.filename for upload in uploads)
    timeline.record(session, actor, claim, "document_added", names[:300],
                    {"attachment_ids": [item.id for item in added], "category": AttachmentCategory.LITIGATION.value,
                     "visible_to_client": False})
    audit.record(session, actor, "claim.litigation_papers", "claim", claim.id,
                 after={"attachment_ids": [item.id for item in added]})
    return added


def send_papers(session: Session, actor, claim: Claim, *, provider_id: str, attachment_ids: list[str],
                message: str | None, tenant, locale: str) -> str:
    """Email a selection of the claim's documents to a lawyer or an expert;
    return the address."""
    provider = session.get(Provider, int(provider_id)) if str(provider_id or "").isdigit() else None
    chosen = sorted({int(value) for value in attachment_ids if str(value).isdigit()})
    items = list(session.scalars(select(ClaimAttachment).where(ClaimAttachment.claim_id == claim.id,
                                                               ClaimAttachment.id.in_(chosen)))) if chosen else []
    _invalid({"provider_id": None if provider is not None and provider.is_active and provider.email and provider.kind in
              (ProviderKind.LAWYER, ProviderKind.EXPERT) else "recipient_required",
              "attachment_ids": None if items and len(items) == len(chosen) else "documents_required",
              "message": dispute_rules.text_problem(message, required=False, limit=dispute_rules.MAX_SUMMARY)})
    files = [documents.file_of(session, item.document_id) for item in items]
    if sum(len(content) for _document, content in files) > MAX_SENT_BYTES:
        raise DisputeError("invalid", {"attachment_ids": "documents_too_large"})
    with force_locale(locale):
        subject = _("Claim %(reference)s: documents", reference=claim.reference)
    queue_email(session, tenant.slug, provider.email, subject, "dispute_papers", sender_name=tenant.name,
                locale=locale, firm=tenant.name, provider=provider, claim=claim, message=(message or "").strip(),
                filenames=[document.filename for document, _content in files],
                attachments=tuple((document.filename, document.content_type, content) for document, content in files))
    with force_locale("fr"):
        summary = _("Documents sent to %(name)s: %(files)s", name=provider.name,
                    files=", ".join(document.filename for document, _content in files))
    timeline.record(session, actor, claim, "documents_sent", summary[:300],
                    {"provider_id": provider.id, "to": provider.email, "attachment_ids": [item.id for item in items]})
    audit.record(session, actor, "claim.papers_sent", "claim", claim.id,
                 after={"provider_id": provider.id, "to": provider.email,
                        "attachment_ids": [item.id for item in items]})
    return provider.email


def close(session: Session, actor, claim: Claim, dispute: ClaimDispute, *, outcome: str, awarded_amount: str,
          closed_on: date | None, version: str, today: date | None = None) -> ClaimDispute:
    """The dispute ends: what was decided, the amount awarded (if any)."""
    _check(dispute, version, "close")
    amount, amount_problem = (None, None) if not (awarded_amount or "").strip() else \
        dispute_rules.parse_amount(awarded_amount, allow_zero=True)
    _invalid({"outcome": dispute_rules.text_problem(outcome, required=True, limit=dispute_rules.MAX_SUMMARY),
              "awarded_amount": amount_problem,
              "closed_on": dispute_rules.day_problem(closed_on, not_before=dispute.opened_on,
                                                     today=today or date.today())})
    before = {"stage": dispute.stage}
    dispute.stage, dispute.outcome = DisputeStage.CLOSED.value, outcome.strip()
    dispute.awarded_amount, dispute.closed_on = amount, closed_on
    session.flush()
    timeline.record(session, actor, claim, "dispute_closed", dispute.outcome[:300],
                    {"dispute_id": dispute.id, "awarded_amount": str(amount) if amount is not None else None,
                     "closed_on": closed_on.isoformat()})
    audit.record(session, actor, "claim.dispute_close", "claim", claim.id, before=before,
                 after={"dispute_id": dispute.id, "stage": dispute.stage, "outcome": dispute.outcome,
                        "awarded_amount": amount, "closed_on": closed_on})
    return dispute
