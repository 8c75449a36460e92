"""Experts' missions on a claim: dispatching an expert of the firm's network
with a mission letter (a PDF kept with the claim and emailed to the
expert), the appointment (told to the client in the claim's messages and
by email), reminders while no report comes (by hand, or by the daily job),
the report with its conclusions, and cancelling a mission.

Each step writes the claim's timeline and the audit log in the same
transaction; emails are queued in it too. The caller commits. Texts the
firm keeps (timeline, tasks) and what goes to the expert are written in the
firm's language (``BABEL_DEFAULT_LOCALE``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import force_locale, format_currency, format_date, format_time
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.auth.models import User
from app.catalog.models import Insurer
from app.claims import labels, mission_rules, timeline
from app.claims import services as claims
from app.claims.models import AttachmentCategory, Claim, ClaimAttachment, ExpertMission, MissionStatus
from app.columns import utcnow
from app.contracts.models import Contract
from app.crm import followup
from app.crm.models import Client, Task
from app.documents import services as documents
from app.documents.rules import sniff
from app.letters.pdf import render_pdf
from app.letters.services import client_address
from app.mail.services import queue_email
from app.providers import rules as provider_rules
from app.providers.models import Provider
from app.settings import branding

PARIS = ZoneInfo("Europe/Paris")
PDF = "application/pdf"


class MissionError(Exception):
    def __init__(self, code: str, problems: dict | None = None) -> None:
        super().__init__(code)
        self.code, self.problems = code, problems or {}


@dataclass(frozen=True)
class Parties:
    """Who a mission concerns, loaded once."""
    client: Client
    contract: Contract
    insurer: Insurer
    provider: Provider
    handler: User | None


def firm_locale() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def missions_of(session: Session, claim: Claim) -> list[tuple[ExpertMission, Provider]]:
    return list(session.execute(
        select(ExpertMission, Provider).join(Provider, Provider.id == ExpertMission.provider_id)
        .where(ExpertMission.claim_id == claim.id)
        .order_by(ExpertMission.created_at.desc(), ExpertMission.id.desc())).all())


def mission_of(session: Session, claim: Claim, mission_id: int) -> ExpertMission | None:
    """One of ``claim``'s missions, or None when the claim has no such mission."""
    return session.scalar(select(ExpertMission).where(ExpertMission.id == mission_id,
                                                      ExpertMission.claim_id == claim.id))


def claim_departement(session: Session, claim: Claim) -> str | None:
    """Where the loss happened: the postal code in the claim's place, else the client's."""
    client = session.get(Client, claim.client_id)
    return provider_rules.departement_in(claim.place) or provider_rules.departement_of_postal_code(
        client.postal_code if client else None)


def default_instructions(claim: Claim) -> str:
    """The instructions the dispatch form proposes, in the firm's language."""
    with force_locale(firm_locale()):
        return _("Please examine the loss of %(day)s (%(kind)s) at %(place)s with the insured: establish its "
                 "cause and circumstances, list and value the damage, say whether repairs are needed to prevent "
                 "it from getting worse, and give your opinion on the insured's share of liability.",
                 day=format_date(claim.occurred_at.astimezone(PARIS).date(), "long"),
                 kind=labels.KIND_LABELS.get(claim.kind, claim.kind), place=claim.place)


def _parties(session: Session, claim: Claim, mission: ExpertMission) -> Parties:
    contract = session.get(Contract, claim.contract_id)
    return Parties(client=session.get(Client, claim.client_id), contract=contract,
                   insurer=session.get(Insurer, contract.insurer_id),
                   provider=session.get(Provider, mission.provider_id),
                   handler=session.get(User, claim.handler_id) if claim.handler_id else None)


def _day(value: date) -> str:
    return format_date(value, "long")


def mission_letter_pdf(session: Session, tenant, claim: Claim, mission: ExpertMission, parties: Parties) -> bytes:
    """The mission letter, in the current locale, with the firm's header."""
    settings = getattr(tenant, "settings", None) or {}
    return render_pdf(render_template(
        "claims/mission_letter_pdf.html", header=branding.document_header(session, tenant),
        siren=settings.get("siren"), claim=claim, mission=mission, parties=parties,
        insured_address=client_address(parties.client), kind=labels.KIND_LABELS.get(claim.kind, claim.kind),
        occurred_at=claim.occurred_at.astimezone(PARIS), issued_on=utcnow().astimezone(PARIS).date()))


def letter_filename(claim: Claim, mission: ExpertMission) -> str:
    return f"mission-{claim.reference}-{mission.id}.pdf"


def _handler_id(claim: Claim, client: Client) -> int | None:
    return claim.handler_id or client.handler_id


def dispatch(session: Session, actor, claim: Claim, tenant, *, provider_id: int | None, instructions: str,
             report_due_on: date | None, today: date | None = None) -> ExpertMission:
    """Send an active expert of the firm's network on ``claim``: the mission,
    its letter (kept with the claim, not shown to the client) emailed to the
    expert, the handler's task at the report's due date. Raises
    MissionError("invalid", problems by field)."""
    today = today or date.today()
    provider = session.get(Provider, provider_id) if provider_id else None
    problems = {}
    if provider is None or provider.kind != "expert" or not provider.is_active:
        problems["provider_id"] = "provider_unknown"
    elif not provider.email:
        problems["provider_id"] = "provider_no_email"
    instructions = (instructions or "").strip()
    if not instructions:
        problems["instructions"] = "required"
    elif len(instructions) > mission_rules.MAX_INSTRUCTIONS:
        problems["instructions"] = "too_long"
    if problem := mission_rules.report_due_problem(report_due_on, today):
        problems["report_due_on"] = problem
    if problems:
        raise MissionError("invalid", problems)
    mission = ExpertMission(claim_id=claim.id, provider_id=provider.id, status=MissionStatus.SENT.value,
                            instructions=instructions, sent_at=utcnow(), report_due_on=report_due_on,
                            created_by_id=getattr(actor, "id", None))
    session.add(mission)
    session.flush()
    parties = _parties(session, claim, mission)
    with force_locale(firm_locale()):
        pdf = mission_letter_pdf(session, tenant, claim, mission, parties)
        filename = letter_filename(claim, mission)
        letter = claims.attach(session, actor, claim, claims.Upload(filename, pdf), "firm",
                               category=AttachmentCategory.MISSION_LETTER.value, visible_to_client=False)
        queue_email(session, tenant.slug, provider.email,
                    _("Expert mission: claim %(reference)s", reference=claim.reference), "expert_mission",
                    locale=firm_locale(), sender_name=tenant.name, attachments=((filename, PDF, pdf),),
                    firm=tenant.name, claim=claim, mission=mission, parties=parties)
        task = followup.add_task(
            session, actor, parties.client, title=_("Expert's report due: %(reference)s (%(expert)s)",
                                                    reference=claim.reference, expert=provider.name),
            details=instructions[:500], due_on=report_due_on, assignee_id=_handler_id(claim, parties.client),
            source=("claim", claim.id))
        summary = _("Mission sent to %(expert)s; report due on %(day)s.", expert=provider.name,
                    day=_day(report_due_on))
    mission.letter_attachment_id, mission.task_id = letter.id, task.id
    timeline.record(session, actor, claim, "expert_sent", summary,
                    {"mission_id": mission.id, "provider_id": provider.id, "report_due_on": report_due_on.isoformat(),
                     "attachment_id": letter.id})
    audit.record(session, actor, "claim.expert_sent", "claim", claim.id, after={
        "mission_id": mission.id, "provider_id": provider.id, "report_due_on": report_due_on})
    return mission


def _check(mission: ExpertMission, version: int | None) -> None:
    if version != mission.version:
        raise MissionError("stale")
    if mission.status not in mission_rules.OPEN_STATUSES:
        raise MissionError("mission_closed")


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise MissionError("stale") from None


def _close_task(session: Session, actor, mission: ExpertMission) -> None:
    task = session.get(Task, mission.task_id) if mission.task_id else None
    if task is not None and task.done_at is None and task.client_id:
        followup.complete_task(session, actor, session.get(Client, task.client_id), task)


def _sent_on(mission: ExpertMission) -> date:
    return (mission.sent_at or mission.created_at).astimezone(PARIS).date()


def schedule(session: Session, actor, claim: Claim, mission: ExpertMission, tenant, *,
             appointment_at: datetime | None, version: int | None) -> ExpertMission:
    """Record (or move) the expert's appointment; the client is told in the
    claim's messages (shared with the client space) and by email."""
    _check(mission, version)
    if problem := mission_rules.appointment_problem(appointment_at, _sent_on(mission)):
        raise MissionError("invalid", {"appointment_at": problem})
    before = mission.appointment_at
    mission.appointment_at, mission.status = appointment_at, MissionStatus.SCHEDULED.value
    _flush(session)
    parties = _parties(session, claim, mission)
    local = appointment_at.astimezone(PARIS)
    with force_locale(firm_locale()):
        words = {"expert": parties.provider.name, "day": _day(local.date()), "time": format_time(local, "short"),
                 "reference": claim.reference}
        summary = _("Appointment with %(expert)s on %(day)s at %(time)s.", **words)
        body = _("The expert %(expert)s will visit you on %(day)s at %(time)s about your claim %(reference)s. "
                 "Please be there with the damaged items, your photos, bills and receipts. If this time does not "
                 "suit you, tell us here.", **words)
        if parties.client.email:
            queue_email(session, tenant.slug, parties.client.email,
                        _("Claim %(reference)s: the expert's visit", reference=claim.reference),
                        "expert_appointment", locale=firm_locale(), sender_name=tenant.name, firm=tenant.name,
                        body=body, name=parties.client.display_name)
    timeline.record(session, actor, claim, "expert_appointment", summary,
                    {"mission_id": mission.id, "appointment_at": appointment_at.isoformat()})
    claims.post_message(session, actor, claim, body, side="firm")
    audit.record(session, actor, "claim.expert_appointment", "claim", claim.id,
                 before={"mission_id": mission.id, "appointment_at": before},
                 after={"mission_id": mission.id, "appointment_at": appointment_at})
    return mission


def _letter(session: Session, mission: ExpertMission) -> tuple[str, str, bytes] | None:
    attachment = session.get(ClaimAttachment, mission.letter_attachment_id) if mission.letter_attachment_id else None
    document = documents.get(session, attachment.document_id) if attachment else None
    return (document.filename, document.content_type, documents.content_of(session, document)) if document else None


def remind(session: Session, actor, claim: Claim, mission: ExpertMission, tenant, *, today: date,
           version: int | None = None) -> ExpertMission:
    """Remind the expert of the report (the mission letter attached again),
    at most once a day; after the third reminder the handler gets a
    high-priority task. ``actor`` None is the daily job (``version`` then
    unchecked: it holds the row's lock)."""
    _check(mission, mission.version if actor is None else version)
    if mission.last_reminder_on == today:
        raise MissionError("reminded_today")
    parties = _parties(session, claim, mission)
    if not parties.provider.email:
        raise MissionError("provider_no_email")
    mission.reminders_sent += 1
    mission.last_reminder_on = today
    _flush(session)
    letter = _letter(session, mission)
    with force_locale(firm_locale()):
        queue_email(session, tenant.slug, parties.provider.email,
                    _("Reminder: your report on claim %(reference)s", reference=claim.reference), "expert_reminder",
                    locale=firm_locale(), sender_name=tenant.name, attachments=(letter,) if letter else (),
                    firm=tenant.name, claim=claim, mission=mission, parties=parties)
        summary = _("Reminder no. %(count)s to %(expert)s: the report was due on %(day)s.",
                    count=mission.reminders_sent, expert=parties.provider.name, day=_day(mission.report_due_on))
        if mission_rules.escalates(mission.reminders_sent):
            _close_task(session, actor, mission)
            task = followup.add_task(
                session, actor, parties.client,
                title=_("No report from %(expert)s on %(reference)s after %(count)s reminders",
                        expert=parties.provider.name, reference=claim.reference, count=mission.reminders_sent),
                details=_("Call the expert, or cancel the mission and send another one."), due_on=today,
                assignee_id=_handler_id(claim, parties.client), source=("claim", claim.id), priority="high")
            mission.task_id = task.id
    timeline.record(session, actor, claim, "expert_reminder", summary,
                    {"mission_id": mission.id, "reminders_sent": mission.reminders_sent},
                    side="firm" if actor is not None else "system")
    audit.record(session, actor, "claim.expert_reminder", "claim", claim.id,
                 after={"mission_id": mission.id, "reminders_sent": mission.reminders_sent})
    return mission


def run_reminders(session: Session, tenant, today: date) -> dict:
    """The daily pass of one firm: remind the experts whose report is late
    (``mission_rules.reminder_due``). Locked rows are skipped, so two passes
    at once remind once; a second pass the same day finds nothing due."""
    due = session.scalars(
        select(ExpertMission).where(ExpertMission.status.in_(mission_rules.OPEN_STATUSES),
                                    ExpertMission.report_due_on < today)
        .order_by(ExpertMission.id).with_for_update(skip_locked=True))
    reminded = 0
    for mission in list(due):
        if not mission_rules.reminder_due(mission.status, mission.report_due_on, mission.last_reminder_on, today):
            continue
        try:
            remind(session, None, session.get(Claim, mission.claim_id), mission, tenant, today=today)
        except MissionError:
            continue
        reminded += 1
    return {"reminded": reminded}


def _report_problem(upload: claims.Upload | None) -> str | None:
    if upload is None or not upload.content:
        return "required"
    found = sniff(upload.content)
    return None if found and found[0] == PDF else "report_not_pdf"


def record_report(session: Session, actor, claim: Claim, mission: ExpertMission, *, upload: claims.Upload | None,
                  values: dict, share_with_client: bool, version: int | None,
                  today: date | None = None) -> ExpertMission:
    """File the expert's report (a PDF) with its conclusions: cause,
    assessed amount, liability opinion. Raises MissionError("invalid",
    problems by field)."""
    _check(mission, version)
    cleaned, problems = mission_rules.conclusions(values)
    if problem := _report_problem(upload):
        problems["report"] = problem
    if problems:
        raise MissionError("invalid", problems)
    try:
        report = claims.attach(session, actor, claim, upload, "firm", category=AttachmentCategory.EXPERT_REPORT.value,
                               visible_to_client=share_with_client)
    except claims.ClaimError as exc:
        raise MissionError("invalid", {"report": exc.code}) from None
    for name, value in cleaned.items():
        setattr(mission, name, value)
    mission.status, mission.report_attachment_id = MissionStatus.REPORTED.value, report.id
    mission.report_received_on = today or date.today()
    _close_task(session, actor, mission)
    _flush(session)
    provider = session.get(Provider, mission.provider_id)
    with force_locale(firm_locale()):
        summary = _("Report of %(expert)s: %(cause)s", expert=provider.name, cause=cleaned["cause"][:200])
        if cleaned["assessed_amount"] is not None:
            summary += " · " + _("damage assessed at %(amount)s",
                                 amount=format_currency(cleaned["assessed_amount"], "EUR"))
        if cleaned["liability_opinion"] is not None:
            summary += " · " + _("insured liable for %(share)s %%", share=cleaned["liability_opinion"])
    timeline.record(session, actor, claim, "expert_report", summary, {
        "mission_id": mission.id, "attachment_id": report.id, "shared_with_client": share_with_client,
        "assessed_amount": str(cleaned["assessed_amount"]) if cleaned["assessed_amount"] is not None else None,
        "liability_opinion": cleaned["liability_opinion"]})
    audit.record(session, actor, "claim.expert_report", "claim", claim.id,
                 after={"mission_id": mission.id, **cleaned, "shared_with_client": share_with_client})
    return mission


def cancel(session: Session, actor, claim: Claim, mission: ExpertMission, tenant, *, reason: str,
           version: int | None) -> ExpertMission:
    """Call the mission off (the expert is told by email); its task is done."""
    _check(mission, version)
    reason = (reason or "").strip()
    if len(reason) > mission_rules.MAX_TEXT:
        raise MissionError("invalid", {"reason": "too_long"})
    mission.status = MissionStatus.CANCELLED.value
    _close_task(session, actor, mission)
    _flush(session)
    parties = _parties(session, claim, mission)
    with force_locale(firm_locale()):
        if parties.provider.email:
            queue_email(session, tenant.slug, parties.provider.email,
                        _("Mission cancelled: claim %(reference)s", reference=claim.reference),
                        "expert_mission_cancelled", locale=firm_locale(), sender_name=tenant.name, firm=tenant.name,
                        claim=claim, mission=mission, parties=parties, reason=reason)
        summary = _("Mission of %(expert)s cancelled.", expert=parties.provider.name)
    timeline.record(session, actor, claim, "mission_cancelled", f"{summary} {reason}".strip(),
                    {"mission_id": mission.id})
    audit.record(session, actor, "claim.mission_cancelled", "claim", claim.id,
                 after={"mission_id": mission.id, "reason": reason})
    return mission
