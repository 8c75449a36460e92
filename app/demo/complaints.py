"""The demo firm's complaints: a dozen, from the client space, by email,
phone and letter, about the firm and about insurers, some about the demo's
claims; acknowledged and answered (upheld, partly upheld, rejected: the
rejection's letter names the firm's mediator) or still running, one late to
acknowledge and one close to its answer deadline. Filed through the
complaints services on the day they came in (see :mod:`app.demo.clock`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from app.auth.models import User
from app.claims.models import Claim
from app.claims.settlement_models import ClaimPayment
from app.claims.rules import add_working_days
from app.complaints import answer_letter
from app.complaints import services as complaints
from app.contracts.models import Contract, ContractStatus
from app.contracts.rules import add_months
from app.crm.models import Client
from app.demo.claim_steps import Desk, working_day_before


@dataclass(frozen=True)
class ComplaintStory:
    """One complaint about the firm or an insurer, on a claim of the stories
    (``claim``) or a contract of ``line``: received ``ago`` days before
    today (0: three working days after the claim's first payment, or, for
    :data:`NEAR_ANSWER_DEADLINE`, two months less three days ago);
    acknowledged and answered that many working days after it was received
    (None: not yet), then closed or not."""

    key: str
    channel: str
    about: str
    ago: int
    subject: str
    description: str
    claim: str | None = None
    line: str | None = None
    acknowledged: int | None = None
    answered: int | None = None
    outcome: str | None = None
    answer: str = ""
    closed: bool = False


#: received two months less three days ago: its answer is due in three days
NEAR_ANSWER_DEADLINE = "near_answer_deadline"

COMPLAINTS = (
    ComplaintStory(
        "portal_glass_delay", "portal", "firm", 80, "Délai de remboursement de ma vitre cassée",
        "J'ai envoyé la facture du vitrier il y a trois semaines et je n'ai toujours rien reçu. Personne ne m'a "
        "tenu informé de l'avancement du dossier.", claim="home_portal_glass", acknowledged=2, answered=12,
        outcome="partly_upheld",
        answer="La facture du vitrier nous est bien parvenue le jour où vous l'avez déposée dans votre espace "
               "client ; elle n'a été transmise à l'assureur qu'une semaine plus tard, ce qui a retardé votre "
               "remboursement. Nous vous prions de nous en excuser.\n\nLe délai de règlement de l'assureur, une "
               "fois la facture reçue, est en revanche conforme au contrat (quinze jours). Le virement de 512,00 € "
               "a été émis ; nous avons revu notre circuit de transmission des factures pour que cela ne se "
               "reproduise pas."),
    ComplaintStory(
        "storm_refusal", "email", "insurer", 75, "Refus de prise en charge de ma voiture après la tempête",
        "Mon véhicule a été endommagé par une branche pendant la tempête et l'assureur refuse de payer. Personne ne "
        "m'a dit à la souscription que mon contrat ne couvrait pas ce cas : je conteste ce refus.",
        claim="motor_storm_no_cover", acknowledged=3, answered=18, outcome="rejected",
        answer="Nous avons réexaminé votre dossier avec l'assureur. Votre contrat couvre la responsabilité "
               "civile, le vol, l'incendie et le bris de glace, mais pas les dommages subis par le véhicule "
               "lui-même (garantie « dommages tous accidents » non souscrite). Le document d'information et de "
               "conseil que vous avez signé à la souscription présentait cette formule, retenue pour limiter la "
               "cotisation, et la formule tous risques proposée en regard.\n\nLes dommages au capot ne peuvent donc "
               "pas être pris en charge ; seul le pare-brise relève de la garantie bris de glace, et nous vous "
               "invitons à nous adresser la facture de son remplacement. Nous vous proposons par ailleurs un "
               "rendez-vous pour étudier une formule incluant les dommages tous accidents."),
    ComplaintStory(
        "attestation", "phone", "firm", 52, "Attestation d'assurance habitation non reçue",
        "Appel du client : il attend depuis dix jours l'attestation demandée pour son bailleur et risque de "
        "perdre le logement.", line="home", answered=1, outcome="upheld",
        answer="Votre demande d'attestation avait été enregistrée sans être traitée, ce que nous regrettons. "
               "L'attestation vous a été envoyée par email le jour même de votre appel, et une copie a été "
               "adressée directement à votre bailleur comme vous le souhaitiez."),
    ComplaintStory(
        "premium_increase", "letter", "insurer", 64, "Hausse de 18 % de ma cotisation à l'échéance",
        "Courrier du client : il conteste l'augmentation de sa cotisation auto à l'échéance, sans sinistre "
        "déclaré, et demande à l'assureur de la justifier.", line="motor", acknowledged=4, answered=25,
        outcome="partly_upheld",
        answer="L'assureur a revu l'ensemble de son tarif auto cette année (indexation de 3,5 %), et votre "
               "contrat supportait en plus une majoration liée au changement de zone de stationnement déclaré "
               "l'an dernier.\n\nSur notre intervention, l'assureur accepte de retirer cette majoration, votre "
               "véhicule étant désormais garé dans un box fermé : votre cotisation est ramenée à une hausse de "
               "3,5 %. L'indexation elle-même est prévue au contrat et reste due."),
    ComplaintStory(
        "direct_debit", "email", "firm", 24, "Changement de RIB non pris en compte, prélèvement rejeté",
        "J'ai envoyé mon nouveau RIB le mois dernier et le prélèvement a quand même été présenté sur mon ancien "
        "compte, clôturé. On me facture maintenant des frais de rejet.", line="health"),
    ComplaintStory(
        NEAR_ANSWER_DEADLINE, "letter", "insurer", 0, "Remboursement des dépassements d'honoraires",
        "Courrier recommandé : l'assuré conteste le remboursement de ses dépassements d'honoraires après une "
        "opération, calculé selon elle sur une mauvaise base.", line="health", acknowledged=6),
    ComplaintStory(
        "unreachable", "phone", "firm", 2, "Gestionnaire injoignable depuis deux semaines",
        "Appel du client, mécontent : trois messages laissés sur la ligne de son gestionnaire sans rappel au "
        "sujet de son avenant.", line="motor"),
    ComplaintStory(
        "vetuste", "email", "insurer", 0, "Contestation du coefficient de vétusté sur mon parquet",
        "L'assuré conteste la vétusté de 40 % retenue par l'expert sur le parquet du séjour : il avait été "
        "entièrement poncé et vitrifié il y a trois ans, factures à l'appui.", claim="home_mediation",
        acknowledged=2, answered=15, outcome="rejected",
        answer="L'assureur maintient la vétusté retenue par l'expert : le ponçage et la vitrification entretiennent "
               "le parquet mais n'en renouvellent pas les lames, posées il y a dix-sept ans. L'indemnité de la part "
               "non contestée vous a été versée.\n\nSi vous restez en désaccord, vous pouvez saisir le médiateur "
               "indiqué ci-dessous ; nous vous accompagnerons dans cette démarche."),
    ComplaintStory(
        "fees", "letter", "firm", 120, "Frais de dossier facturés à l'échéance",
        "Courrier du client : il refuse les 15 € de frais de dossier portés sur son avis d'échéance, qu'il "
        "estime injustifiés.", line="home", acknowledged=5, answered=15, outcome="rejected",
        answer="Les frais de dossier de 15 € figurent au document d'information et de conseil et aux conditions "
               "particulières que vous avez signés à la souscription ; ils rémunèrent la gestion annuelle de votre "
               "contrat par le cabinet. Ils restent donc dus."),
    ComplaintStory(
        "cyber_delay", "email", "insurer", 0, "Délai d'indemnisation de l'incident de messagerie",
        "Le gérant se plaint de ne pas avoir été remboursé des frais du prestataire d'investigation, réglés il y "
        "a plus d'un mois.", claim="cyber_phishing", acknowledged=1, answered=9, outcome="upheld",
        answer="L'assureur reconnaît un retard dans le traitement de votre facture. Le règlement des frais "
               "d'investigation et d'information de vos clients a été effectué par virement ; nous restons à "
               "votre disposition pour toute suite de cet incident.", closed=True),
    ComplaintStory(
        "hamon", "phone", "firm", 12, "Résiliation loi Hamon non traitée",
        "Appel de l'assuré : il a demandé la résiliation de son contrat habitation au titre de la loi Hamon "
        "il y a un mois et reçoit encore des appels de cotisation.", line="home", acknowledged=3),
    ComplaintStory(
        "decennial_slow", "letter", "insurer", 6, "Lenteur de l'expertise des infiltrations",
        "Le maître d'ouvrage écrit au cabinet : l'expert n'a toujours pas rendu son rapport et les infiltrations "
        "s'aggravent dans le séjour.", claim="decennial_leak"),
)


def _complaint_client(desk: Desk, item: ComplaintStory) -> tuple[Client, Contract | None, Claim | None] | None:
    """Who complains: the client of the story's claim, else of a contract of its line (each a different one)."""
    if item.claim:
        claim = desk.claims.get(item.claim)
        if claim is None:
            return None
        return desk.session.get(Client, claim.client_id), None, claim
    if item.channel == "portal" and desk.account is not None:
        client = desk.session.get(Client, desk.account.client_id)
        return client, None, None
    taken = {claim.client_id for claim in desk.claims.values()}
    rows = desk.session.execute(select(Contract, Client).join(Client, Client.id == Contract.client_id).where(
        Contract.line == item.line, Contract.status == ContractStatus.ACTIVE.value).order_by(Contract.id)).all()
    fresh = [(contract, client) for contract, client in rows if client.id not in taken
             and client.id not in desk.complainants] or list(rows)
    if not fresh:
        return None
    contract, client = desk.rng.choice(fresh)
    desk.complainants.add(client.id)
    return client, contract, None


def received_day(desk: Desk, item: ComplaintStory) -> date:
    """When it came in; a letter or a call on a working day."""
    if item.key == NEAR_ANSWER_DEADLINE:
        day = add_months(desk.today, -2) + timedelta(days=3)
    elif item.ago:
        day = desk.today - timedelta(days=item.ago)
    else:
        day = _received_after_claim(desk, item)
    return day if item.channel == "portal" else working_day_before(day)


def _received_after_claim(desk: Desk, item: ComplaintStory) -> date:
    """A complaint about a claim's outcome: a few days after its first payment (or its declaration)."""
    claim = desk.claims[item.claim]
    paid = desk.session.scalar(select(func.min(ClaimPayment.paid_on)).where(ClaimPayment.claim_id == claim.id))
    return min(add_working_days(paid or claim.declared_on, 3), desk.today)


def _file(desk: Desk, item: ComplaintStory, received_on: date) -> None:
    session = desk.session
    found = _complaint_client(desk, item)
    if found is None:
        return
    client, contract, claim = found
    portal = item.channel == "portal"
    handler_id = claim.handler_id if claim is not None else None
    taken_by = session.get(User, handler_id or (contract.handler_id if contract else None) or client.handler_id)
    with desk.clock.step(received_on):
        complaint = complaints.file(
            session, None if portal else taken_by or desk.admin, client, about=item.about, subject=item.subject,
            description=item.description, channel=item.channel, contract=contract, claim=claim,
            account_id=desk.account.id if portal else None, received_on=received_on, handler_id=handler_id,
            today=received_on)
        if portal:
            complaints.email_receipt(session, desk.tenant, complaint, to=desk.account.email,
                                     name=desk.account.display_name, locale="fr")
    handler = (session.get(User, complaint.handler_id) if complaint.handler_id else None) or desk.admin
    if item.acknowledged is not None:
        day = min(add_working_days(received_on, item.acknowledged), desk.today)
        with desk.clock.step(day):
            complaints.acknowledge(session, handler, complaint, on=day, version=complaint.version, today=day)
    if item.answered is not None:
        day = min(add_working_days(received_on, item.answered), desk.today)
        with desk.clock.step(day):
            complaints.answer(session, handler, complaint, on=day, text=item.answer, outcome=item.outcome,
                              version=complaint.version, mediator_set=True, today=day)
            letter = answer_letter.compose(session, handler, desk.tenant, complaint)
            answer_letter.send(session, handler, desk.tenant, complaint, letter, locale="fr")
        if item.closed:
            with desk.clock.step(min(add_working_days(day, 2), desk.today)):
                complaints.close(session, handler, complaint, version=complaint.version)


def add_complaints(desk: Desk) -> None:
    """File the complaints in the order they came in (those about a claim the demo made)."""
    items = [(received_day(desk, item), item) for item in COMPLAINTS if item.claim is None or item.claim in desk.claims]
    for day, item in sorted(items, key=lambda pair: (pair[0], pair[1].key)):
        desk.clock.reset()
        _file(desk, item, day)
