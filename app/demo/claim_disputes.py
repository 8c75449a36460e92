"""The demo claims' later turns: reopenings, a recourse against a third
party's insurer, a mediation and a lawsuit, through the claims services
(see :mod:`app.demo.claim_steps`)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from app.claims import disputes, payments, recourse, settlement
from app.claims import services as claims
from app.complaints import mediator as mediators
from app.demo.claim_steps import PARIS, Played, euros, working_day_before
from app.demo.text_pdf import text_pdf


def reopen_in_progress(played: Played, offset: int) -> None:
    """Reopened: the garage found hidden damage; a new item claimed, the reserve raised."""
    session, claim = played.session, played.claim
    offset += 25
    with played.step(offset):
        settlement.reopen(session, played.handler, claim, "Le garage signale un choc au train avant découvert au "
                          "démontage, non chiffré lors de l'expertise.", claim.version)
        settlement.add_damage(session, played.handler, claim, {
            "category": "material", "label": "Train avant : triangle et rotule de direction (devis complémentaire)",
            "claimed_amount": "740.00", "expert_amount": "", "agreed_amount": ""})
        settlement.set_reserve(session, played.handler, claim, "740.00",
                               "Devis complémentaire du garage après réouverture", claim.version)


def reopen_and_settle(played: Played, offset: int) -> None:
    """Reopened: the leak came back; a new item agreed and paid, then closed again."""
    session, claim = played.session, played.claim
    offset += 10
    with played.step(offset):
        settlement.reopen(session, played.handler, claim, "Nouvelle auréole au plafond de la chambre : la fuite "
                          "chez le voisin du dessus n'était pas entièrement réparée.", claim.version)
        settlement.add_damage(session, played.handler, claim, {
            "category": "material", "label": "Reprise du plafond de la chambre", "claimed_amount": "460.00",
            "expert_amount": "", "agreed_amount": "460.00"})
    with played.step(offset + 3):
        settlement.compute_indemnity(session, played.handler, claim, claim.version)
    day = played.day(offset + 6)
    with played.step(offset + 6):
        payments.record_payment(session, played.handler, claim, payments.PaymentInput(
            payee_kind="insured", payee_name=played.client.display_name,
            amount=euros(claim.indemnity - claim.paid_total), paid_on=day, method="transfer",
            reference=f"VIR {claim.insurer_reference or claim.reference} complément"), today=day)
    with played.step(offset + 9):
        settlement.close(session, played.handler, claim, "settled", "Complément réglé après la reprise de la fuite.",
                         claim.version, today=played.day(offset + 9))


def open_recourse(played: Played, offset: int) -> None:
    """Recourse against the liable driver's insurer, followed up."""
    session, claim, desk = played.session, played.claim, played.desk
    details = claim.details or {}
    claimed = (claim.paid_total + _deductible(played)).quantize(Decimal("0.01"))
    with played.step(offset + 3):
        found = recourse.open_recourse(session, played.handler, claim, {
            "third_party_name": details.get("third_party_name") or "Tiers responsable",
            "third_party_insurer": details.get("third_party_insurer") or "Assureur du tiers",
            "third_party_reference": details.get("third_party_policy") or "",
            "amount_claimed": euros(claimed),
            "next_follow_up_on": (desk.today + timedelta(days=9)).isoformat(),
            "notes": "Recours au titre de la convention IRSA : réparations réglées au garage et franchise de "
                     "l'assuré."}, today=played.day(offset + 3))
    with played.step(offset + 12):
        recourse.update_recourse(session, played.handler, claim, found, {
            "amount_recovered": "0", "status": "open",
            "notes": "Accord de principe de l'assureur adverse par email ; règlement annoncé sous quinze jours.",
            "next_follow_up_on": (desk.today + timedelta(days=9)).isoformat()}, str(found.version),
            today=played.day(offset + 12))


def _deductible(played: Played) -> Decimal:
    terms = settlement.cover_terms(played.session, played.claim).terms
    return (terms.deductible or Decimal(0)) if terms else Decimal(0)


def mediate(played: Played, offset: int) -> None:
    """The client contests the depreciation: mediation, a proposal and a counter-proposal."""
    session, claim = played.session, played.claim
    mediator = (mediators.of_firm(played.desk.tenant) or mediators.of_insurers()).name
    opened = offset + 30
    with played.step(opened):
        dispute = disputes.open_dispute(
            session, played.handler, claim, origin="client_contests",
            summary="L'assuré conteste la vétusté de 40 % appliquée au parquet (factures de rénovation à "
                    "l'appui) et, après le rejet de sa réclamation, a saisi le médiateur.",
            opened_on=played.day(opened), mediator=mediator, today=played.day(opened))
    base = claim.indemnity or Decimal(0)
    for step, side, extra, note in ((opened + 8, "firm", Decimal("600.00"),
                                     "L'assureur ramène la vétusté du parquet à 30 %."),
                                    (opened + 15, "client", Decimal("1900.00"),
                                     "L'assuré demande une vétusté limitée à 15 %, compte tenu de la rénovation.")):
        with played.step(step):
            disputes.make_proposal(session, played.handler, claim, dispute, side=side, amount=euros(base + extra),
                                   made_on=played.day(step), note=note, version=str(dispute.version),
                                   today=played.day(step))
    with played.step(opened + 16):
        disputes.add_papers(session, played.handler, claim, [claims.Upload("saisine-mediateur.pdf", text_pdf(
            f"Saisine du médiateur — sinistre {claim.reference}", [
                f"Médiateur : {mediator}", f"Assuré : {played.client.display_name}",
                f"Assureur : {played.insurer.name}, dossier {claim.insurer_reference or claim.reference}", "",
                "Objet du litige : coefficient de vétusté de 40 % appliqué au parquet chêne du séjour.",
                "Pièces jointes par l'assuré : factures de ponçage et de vitrification, photos avant sinistre.",
                "Demande : vétusté limitée à 15 %, soit un complément d'indemnité de 1 900,00 €."]))])
        meeting = datetime.combine(working_day_before(played.desk.today + timedelta(days=9)), time(14, 0),
                                   tzinfo=PARIS)
        disputes.schedule(session, played.handler, claim, dispute, kind="expert_meeting", at=meeting,
                          place=claim.place, note="Réunion contradictoire avec l'expert de l'assuré, à la demande "
                                                  "du médiateur.", version=str(dispute.version))


def litigate(played: Played, offset: int) -> None:
    """The injured driver sues: a proposal refused in mediation, then court, the lawyer, a hearing ahead."""
    session, claim, desk = played.session, played.claim, played.desk
    lawyer = desk.provider("Maître Hélène Carpentier", "lawyer")
    opened = offset + 20
    with played.step(opened):
        dispute = disputes.open_dispute(
            session, played.handler, claim, origin="third_party_sues",
            summary="La conductrice adverse refuse le partage de responsabilité et réclame la réparation intégrale "
                    "de son préjudice corporel ; son avocat a mis l'assuré en demeure.",
            opened_on=played.day(opened), mediator=None, today=played.day(opened))
        settlement.set_reserve(session, played.handler, claim, "24000.00",
                               "Réclamation corporelle de la conductrice adverse (mise en demeure de son avocat)",
                               claim.version)
    with played.step(opened + 5):
        proposal = disputes.make_proposal(
            session, played.handler, claim, dispute, side="firm", amount="6500.00", made_on=played.day(opened + 5),
            note="Offre de l'assureur sur la base du partage par moitié et du certificat médical initial.",
            version=str(dispute.version), today=played.day(opened + 5))
    with played.step(opened + 15):
        disputes.refuse_proposal(session, played.handler, claim, dispute, proposal.id, version=str(dispute.version))
    if lawyer is None:
        return
    started = opened + 25
    with played.step(started):
        disputes.start_litigation(session, played.handler, claim, dispute, lawyer_id=str(lawyer.id),
                                  court="Tribunal judiciaire de Lyon", case_number="RG 26/04817",
                                  started_on=played.day(started), version=str(dispute.version),
                                  today=played.day(started))
    hearing = datetime.combine(working_day_before(desk.today + timedelta(days=24)), time(9, 30), tzinfo=PARIS)
    with played.step(started + 10):
        disputes.schedule(session, played.handler, claim, dispute, kind="filing_deadline",
                          at=datetime.combine(working_day_before(desk.today + timedelta(days=10)), time(18, 0),
                                              tzinfo=PARIS),
                          place=None, note="Conclusions en défense à déposer par Maître Carpentier.",
                          version=str(dispute.version))
        disputes.schedule(session, played.handler, claim, dispute, kind="hearing", at=hearing,
                          place="Tribunal judiciaire de Lyon, 67 rue Servient, 69003 Lyon — salle 4",
                          note="Audience de plaidoirie.", version=str(dispute.version))
    with played.step(started + 1):
        disputes.add_papers(session, played.handler, claim, [
            claims.Upload("assignation-RG-26-04817.pdf", text_pdf(
                "Assignation devant le tribunal judiciaire de Lyon", [
                    "Demanderesse : Mme Laure Perrin, représentée par Maître Olivier Ferrand, avocat au barreau "
                    "de Lyon.", f"Défendeur : {played.client.display_name}, et son assureur {played.insurer.name}.",
                    "", "Objet : réparation intégrale du préjudice corporel et matériel consécutif à l'accident "
                        f"survenu au {claim.place}.",
                    "Demandes : 18 000,00 € au titre du préjudice corporel, 2 350,00 € au titre des frais "
                    "exposés, 1 500,00 € au titre de l'article 700 du code de procédure civile."])),
            claims.Upload("mise-en-demeure-avocat-adverse.pdf", text_pdf(
                "Mise en demeure", [
                    "Maître Olivier Ferrand, avocat au barreau de Lyon.",
                    f"À l'attention de {played.client.display_name}.", "",
                    "Ma cliente conteste tout partage de responsabilité : le feu était au vert pour elle, comme "
                    "en attestera un témoin qui s'est fait connaître depuis. À défaut d'offre d'indemnisation "
                    "intégrale sous quinze jours, je saisirai le tribunal judiciaire."]))])
    papers = [item.id for item in claims.attachments_of(session, claim)
              if item.category in ("expert_report", "litigation")]
    if papers and lawyer.email:
        with played.step(started + 11):
            disputes.send_papers(session, played.handler, claim, provider_id=str(lawyer.id),
                                 attachment_ids=[str(item) for item in papers],
                                 message="Maître, vous trouverez ci-joint l'assignation, la mise en demeure de "
                                         "l'avocat adverse et le rapport d'expertise pour préparer l'audience.",
                                 tenant=desk.tenant, locale="fr")
