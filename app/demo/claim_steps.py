"""The steps of a demo claim's handling, each through the claims services on
its own day (see :mod:`app.demo.claims` for the order they are played in,
:mod:`app.demo.clock` for the days)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.catalog.models import Insurer, PlacementChannel
from app.claims import claim_letters, cover, insurer_answers, liability, missions, payments, settlement
from app.claims import services as claims
from app.claims.liability import LiabilityError
from app.claims.models import Claim, ExpertMission, LiabilityCase
from app.claims.rules import add_working_days, is_working_day
from app.crm import followup
from app.crm.models import Client, Task
from app.demo.claim_stories import Story
from app.demo.clock import Clock
from app.demo.text_pdf import text_pdf
from app.placements.services import InsurerActor
from app.portal.models import PortalAccount
from app.providers.models import Provider

PARIS = ZoneInfo("Europe/Paris")
#: the insurers' claim numbers, by insurer: a prefix before a number
INSURER_PREFIXES = {"Atlantique Mutuelle": "AM-SIN-", "Azur Assurances": "AZ-", "Garonne IARD": "GI/",
                    "Hexa Prévoyance": "HX-PR-", "Vauban Construction": "VC-", "Rempart Cyber": "RC-INC-"}
#: the steps of a claim's handling, in order; a story plays them up to its ``until``
STEPS = ("declared", "handled", "acknowledged", "decided", "reported", "damages", "agreed", "paid", "closed")


@dataclass
class Desk:
    """The firm, its people and what the stories are played with."""

    session: Session
    tenant: object
    today: date
    rng: random.Random
    clock: Clock
    admin: User
    staff: dict[str, User]
    providers: dict[str, Provider]
    account: PortalAccount | None
    #: how many claims each contract has had, and the clients who complained
    used: dict[int, int] = field(default_factory=dict)
    complainants: set[int] = field(default_factory=set)
    claims: dict[str, Claim] = field(default_factory=dict)

    def provider(self, name: str, kind: str) -> Provider | None:
        """The provider of the demo network named ``name``, else an active one of ``kind``."""
        found = self.providers.get(name)
        if found is not None and found.is_active:
            return found
        return next((item for item in self.providers.values() if item.kind == kind and item.is_active), None)


def working_day_before(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def euros(amount: Decimal) -> str:
    return str(amount.quantize(Decimal("0.01")))


@dataclass
class Played:
    """One story being played: its claim, who handles it, what is pending."""

    desk: Desk
    story: Story
    claim: Claim
    client: Client
    insurer: Insurer
    handler: User
    declared_on: date
    pending: list[Task] = field(default_factory=list)

    def day(self, offset: int) -> date:
        """The ``offset``-th working day after the declaration, today at the latest."""
        return min(add_working_days(self.declared_on, offset), self.desk.today)

    def step(self, offset: int, hour: str | None = None):
        return self.desk.clock.step(self.day(offset), hour)

    @property
    def session(self) -> Session:
        return self.desk.session

    @property
    def by_api(self) -> bool:
        return self.insurer.placement_channel == PlacementChannel.API

    def insurer_side(self) -> tuple[object, str]:
        """Who gives the insurer's answers: the insurer through its API, else the handler by hand."""
        if self.by_api:
            return InsurerActor(name=self.insurer.name, insurer_id=self.insurer.id), "insurer"
        return self.handler, "firm"

    def catch_up(self) -> None:
        """The handler deals with what was waiting (the first look, the insurer's decision)."""
        for task in self.pending:
            followup.complete_task(self.session, self.handler, self.client, task)
        self.pending.clear()

    def open_tasks(self) -> list[Task]:
        return list(self.session.scalars(select(Task).where(
            Task.source_type == "claim", Task.source_id == self.claim.id, Task.done_at.is_(None)).order_by(Task.id)))


def reached(story: Story, step: str) -> bool:
    return STEPS.index(step) <= STEPS.index(story.until)


def leave_unassigned(played: Played) -> None:
    """A new claim waiting in the queue for the manager to give it to someone: no handler yet."""
    claim = played.claim
    claim.handler_id = None
    for task in played.open_tasks():
        task.assignee_id = None
    played.session.flush()


def send_letter(played: Played, template: str) -> None:
    """Produce the claim letter from the firm's template and email it to the client."""
    desk = played.desk
    subject, body = claim_letters.draft(played.session, played.handler, played.claim, template, desk.tenant)
    letter = claim_letters.produce(played.session, played.handler, played.claim, template_code=template,
                                   subject=subject, body=body, tenant=desk.tenant)
    if (played.client.email or "").strip():
        claim_letters.send(played.session, played.handler, played.claim, letter, tenant=desk.tenant, locale="fr")


def handle(played: Played) -> None:
    """The handler's first look: being handled, the cover checked, a first reserve."""
    story, claim, session = played.story, played.claim, played.session
    with played.step(1):
        played.catch_up()
        claims.set_status(session, played.handler, claim, "in_progress", str(claim.version))
        _check_cover(played)
        if story.reserve:
            settlement.set_reserve(session, played.handler, claim, story.reserve,
                                   "Première évaluation d'après la déclaration", claim.version)
        if "claim_documents_request" in story.letters:
            send_letter(played, "claim_documents_request")


def _check_cover(played: Played) -> None:
    story, claim, session = played.story, played.claim, played.session
    choice = cover.Choice(guarantee_code=story.guarantee, exclusion=(story.cover or {}).get("exclusion", "none"),
                          exclusion_note=(story.cover or {}).get("note", ""))
    proposed = cover.check(session, claim, choice).proposal.verdict.value
    if story.override and story.override[0] != proposed:
        cover.override(session, played.handler, claim, choice, decision=story.override[0],
                       reason=story.override[1], version=claim.version)
    else:
        cover.confirm(session, played.handler, claim, choice, version=claim.version)


def _insurer_reference(played: Played) -> str:
    prefix = INSURER_PREFIXES.get(played.insurer.name, "SIN-")
    return f"{prefix}{played.declared_on:%y}{played.desk.rng.randrange(10000, 99999)}"


def acknowledge(played: Played) -> None:
    """The insurer acknowledges the notice and gives its claim number: with the insurer."""
    actor, side = played.insurer_side()
    with played.step(3) as moment:
        insurer_answers.acknowledge(played.session, actor, played.claim, moment, side=side)
        insurer_answers.set_reference(played.session, actor, played.claim, _insurer_reference(played), side=side)


def send_expert(played: Played) -> ExpertMission | None:
    """Dispatch the story's expert, then the appointment."""
    story, desk, claim = played.story, played.desk, played.claim
    provider = desk.provider(story.expert["name"], "expert")
    if provider is None or not provider.email:
        return None
    sent = story.expert.get("sent", 3)
    with played.step(sent):
        instructions = missions.default_instructions(claim)
        if story.expert.get("instructions"):
            instructions = f"{instructions}\n\n{story.expert['instructions']}"
        mission = missions.dispatch(played.session, played.handler, claim, desk.tenant, provider_id=provider.id,
                                    instructions=instructions,
                                    report_due_on=add_working_days(played.day(sent), 15), today=played.day(sent))
    if story.expert.get("appointment"):
        visit = datetime.combine(add_working_days(played.day(sent), 5), time(desk.rng.choice((9, 10, 14, 15)), 30),
                                 tzinfo=PARIS)
        with played.step(sent + 2):
            missions.schedule(played.session, played.handler, claim, mission, desk.tenant, appointment_at=visit,
                              version=mission.version)
    return mission


def decide(played: Played, mission: ExpertMission | None) -> None:
    """The insurer's decision on cover: the claim is the firm's to handle again."""
    actor, side = played.insurer_side()
    decision, note = played.story.decision
    offset = max(3, played.story.expert.get("sent", 3) if mission is not None else 3) + 2
    waiting = {task.id for task in played.open_tasks()}
    with played.step(offset):
        insurer_answers.decide(played.session, actor, played.claim, decision, note, side=side,
                               today=played.day(offset))
    played.pending.extend(task for task in played.open_tasks() if task.id not in waiting)
    if "claim_cover_refusal" in played.story.letters:
        with played.step(offset + 1):
            played.catch_up()
            send_letter(played, "claim_cover_refusal")


def remind(played: Played, mission: ExpertMission) -> None:
    """The report is late: the expert is reminded on the first working day after it was due, then 5 days later."""
    day = add_working_days(mission.report_due_on, 1)
    for _count in range(played.story.expert["late"]):
        if day > played.desk.today:
            return
        with played.desk.clock.step(day):
            missions.remind(played.session, played.handler, played.claim, mission, played.desk.tenant, today=day,
                            version=mission.version)
        day = add_working_days(day, 5)


def _report_pdf(played: Played, provider: Provider, report: dict, day: date) -> bytes:
    """The expert's report: a short PDF in the expert's name."""
    claim = played.claim
    opinion = report["liability_opinion"]
    return text_pdf(f"Rapport d'expertise — sinistre {claim.reference}", [
        provider.name, *(provider.address or "").splitlines(), "",
        f"Assuré : {played.client.display_name}",
        f"Assureur : {played.insurer.name}, dossier {claim.insurer_reference or 'en attente'}",
        f"Lieu du sinistre : {claim.place}", "",
        f"Cause : {report['cause']}",
        f"Dommages évalués : {report['assessed_amount'] or '—'} €",
        f"Avis sur la responsabilité : {opinion} % à la charge de l'assuré" if opinion is not None
        else "Avis sur la responsabilité : sans objet", "",
        f"Conclusions : {report['conclusions']}", "",
        f"Fait le {day:%d/%m/%Y}, {provider.contact_name or provider.name}"])


def record_report(played: Played, mission: ExpertMission) -> None:
    """The expert's report with its conclusions, and the reserve adjusted to it."""
    story, session, claim = played.story, played.session, played.claim
    report = story.expert["report"]
    provider = session.get(Provider, mission.provider_id)
    offset = story.expert.get("sent", 3) + 12
    with played.step(offset):
        pdf = _report_pdf(played, provider, report, played.day(offset))
        missions.record_report(session, played.handler, claim, mission,
                               upload=claims.Upload(f"rapport-expertise-{claim.reference}.pdf", pdf),
                               values={name: "" if value is None else str(value) for name, value in report.items()},
                               share_with_client=True, version=mission.version, today=played.day(offset))
        assessed = Decimal(report["assessed_amount"]) if report["assessed_amount"] else None
        if assessed is not None and assessed != claim.reserve:
            settlement.set_reserve(session, played.handler, claim, euros(assessed),
                                   f"Ajustée au rapport de {provider.name}", claim.version)


def offset_after_decision(played: Played, mission: ExpertMission | None) -> int:
    """The working day after which the damages are listed: the report's, else the decision's."""
    story = played.story
    if mission is not None and "report" in story.expert:
        return story.expert.get("sent", 3) + 12
    return 5


def _set_liability(played: Played) -> None:
    code, side, share, note = played.story.liability
    case = played.session.scalar(select(LiabilityCase).where(LiabilityCase.code == code)) if code else None
    try:
        liability.set_liability(played.session, played.handler, played.claim, case_id=str(case.id) if case else "",
                                side=side if case else "", share="" if case else share,
                                note=note or "", version=played.claim.version)
    except LiabilityError:
        if case is None:
            raise
        liability.set_liability(played.session, played.handler, played.claim, case_id="", side="",
                                share=str(case.share_a if side == "A" else case.share_b),
                                note=f"Cas {code} de la grille", version=played.claim.version)


def list_damages(played: Played, offset: int) -> int:
    """The damage items as claimed (and assessed), liability, and the client's messages."""
    story, session, claim = played.story, played.session, played.claim
    offset += 1
    with played.step(offset):
        played.catch_up()
        if story.liability:
            _set_liability(played)
        for category, label, claimed, expert, _agreed in story.damages:
            settlement.add_damage(session, played.handler, claim, {
                "category": category, "label": label, "claimed_amount": claimed or "",
                "expert_amount": expert or "", "agreed_amount": ""})
        if story.special == "below_deductible":
            cover.confirm(session, played.handler, claim, cover.Choice(), version=claim.version)
    for side, body in story.messages:
        offset += 1
        with played.step(offset):
            claims.post_message(session, None if side == "client" else played.handler, claim, body, side=side,
                                account_id=played.desk.account.id if side == "client" else None)
    return offset


def agree(played: Played, offset: int) -> int:
    """The amounts agreed, the indemnity computed, the reserve brought to it."""
    session, claim = played.session, played.claim
    agreed = [(damage, item) for damage, item in zip(settlement.damages_of(session, claim), played.story.damages)
              if item[4] is not None]
    if not agreed:
        return offset
    with played.step(offset):
        played.catch_up()
        for damage, (category, label, claimed, expert, amount) in agreed:
            settlement.change_damage(session, played.handler, claim, damage, {
                "category": category, "label": label, "claimed_amount": claimed or "", "expert_amount": expert or "",
                "agreed_amount": amount}, str(damage.version))
        settlement.compute_indemnity(session, played.handler, claim, claim.version)
        proposed = settlement.proposed_reserve(session, claim)
        if proposed != claim.reserve:
            settlement.set_reserve(session, played.handler, claim, euros(proposed),
                                   "Ramenée à l'indemnité calculée", claim.version)
    return offset


def _payee(played: Played, payee: str) -> tuple[str, str, int | None]:
    """(kind, name, provider id) of a story's payee."""
    if payee == "insured":
        return "insured", played.client.display_name, None
    if payee.startswith("third:"):
        return "third_party", payee.removeprefix("third:"), None
    provider = played.desk.provider(payee, "garage")
    if provider is None:
        return "insured", played.client.display_name, None
    return "provider", provider.name, provider.id


def pay(played: Played, offset: int) -> int:
    """The story's payments, each a week apart, by the insurer (through its API) or recorded by hand."""
    session, claim, desk = played.session, played.claim, played.desk
    if not claim.indemnity:
        return offset
    for number, (payee, share, method) in enumerate(played.story.payments):
        remaining = claim.indemnity - claim.paid_total
        if remaining <= 0:
            break
        amount = remaining if share == "all" else (remaining * Decimal(share)).quantize(Decimal("0.01"))
        kind, name, provider_id = _payee(played, payee)
        day = played.day(offset)
        actor, side = played.insurer_side()
        external = f"PAY-{claim.reference}-{number + 1}" if side == "insurer" else None
        with played.step(offset):
            played.catch_up()
            payments.record_payment(session, actor if side == "insurer" else played.handler, claim,
                                    payments.PaymentInput(
                                        payee_kind=kind, payee_name=name, amount=euros(amount), paid_on=day,
                                        method=method, provider_id=provider_id, external_id=external,
                                        reference=f"{'VIR' if method == 'transfer' else 'CHQ'} "
                                                  f"{claim.insurer_reference or claim.reference}",
                                        note=None if share == "all" else "Acompte"),
                                    source="insurer" if side == "insurer" else "firm", today=day)
            proposed = settlement.proposed_reserve(session, claim)
            if proposed != claim.reserve:
                settlement.set_reserve(session, played.handler, claim, euros(proposed),
                                       "Indemnité réglée" if proposed == 0 else "Acompte versé", claim.version)
        offset += 7
    return offset - 7


def close(played: Played, offset: int) -> int:
    """Close the claim with the story's reason (the closure letter first when the story sends one)."""
    reason, note = played.story.close
    with played.step(offset):
        played.catch_up()
        if "claim_closure" in played.story.letters:
            send_letter(played, "claim_closure")
        settlement.close(played.session, played.handler, played.claim, reason, note, played.claim.version,
                         today=played.day(offset))
    return offset
