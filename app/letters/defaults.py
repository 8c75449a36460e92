"""The built-in letter templates, in French and English.

A firm may reword any of them (a ``LetterTemplate`` row with the same code
replaces the built-in wording in every language) or add its own codes.
Merge fields: see ``app.letters.rules.MERGE_FIELDS``.
"""

from __future__ import annotations

from dataclasses import dataclass

FREE_LETTER = "free"
RENEWAL_NOTICE = "renewal_notice"
#: the templates about a claim, offered from a claim's page only (they need its merge fields)
CLAIM_TEMPLATES = frozenset({"claim_acknowledgement", "claim_documents_request", "claim_cover_refusal",
                             "claim_settlement_offer", "claim_closure"})


@dataclass(frozen=True)
class Wording:
    title: str
    subject: str
    body: str


@dataclass(frozen=True)
class BuiltinTemplate:
    code: str
    wordings: dict[str, Wording]

    def wording(self, locale: str) -> Wording:
        return self.wordings.get(locale) or self.wordings["en"]


_CANCELLATION_FR = """Madame, Monsieur,

Nous vous confirmons la résiliation de votre contrat {{ line }} n° {{ contract_number }} souscrit auprès de {{ insurer_name }} (notre référence {{ contract_reference }}).

La résiliation prend effet le {{ cancellation_date }}. Vous n'êtes plus garanti au titre de ce contrat à partir de cette date ; la part de cotisation correspondant à la période non courue vous sera remboursée le cas échéant.

Nous restons à votre disposition pour étudier avec vous une nouvelle solution d'assurance.

Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées."""

_CANCELLATION_EN = """Dear Sir or Madam,

We confirm the cancellation of your {{ line }} contract no. {{ contract_number }} with {{ insurer_name }} (our reference {{ contract_reference }}).

The cancellation takes effect on {{ cancellation_date }}. From that date you are no longer covered by this contract; the premium for the period not run will be refunded where applicable.

We remain at your disposal to look for a new insurance solution with you.

Yours faithfully,"""

_DOCUMENTS_FR = """Madame, Monsieur,

Afin de poursuivre la gestion de votre contrat {{ line }} n° {{ contract_number }} souscrit auprès de {{ insurer_name }}, nous vous remercions de bien vouloir nous adresser les pièces suivantes :

{{ documents }}

Vous pouvez nous les transmettre par courrier électronique ou les déposer à notre cabinet.

Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées."""

_DOCUMENTS_EN = """Dear Sir or Madam,

To go on managing your {{ line }} contract no. {{ contract_number }} with {{ insurer_name }}, please send us the following documents:

{{ documents }}

You may send them by email or bring them to our office.

Yours faithfully,"""

_FORMAL_NOTICE_FR = """Lettre recommandée avec accusé de réception

Madame, Monsieur,

Sauf erreur de notre part, la cotisation de {{ amount }} due au titre de votre contrat {{ line }} n° {{ contract_number }} souscrit auprès de {{ insurer_name }} demeure impayée à ce jour.

Nous vous mettons en demeure de régler cette somme. Conformément à l'article L113-3 du Code des assurances, à défaut de paiement dans un délai de trente jours à compter de l'envoi de la présente lettre, la garantie sera suspendue ; l'assureur aura le droit de résilier le contrat dix jours après l'expiration de ce délai de trente jours.

Le paiement de la cotisation, ainsi que des frais de poursuite et de recouvrement éventuels, remettra le contrat en vigueur le lendemain à midi.

Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées."""

_FORMAL_NOTICE_EN = """Registered letter with acknowledgement of receipt

Dear Sir or Madam,

Unless we are mistaken, the premium of {{ amount }} due under your {{ line }} contract no. {{ contract_number }} with {{ insurer_name }} is still unpaid.

We hereby give you formal notice to pay this amount. Under article L113-3 of the French Insurance Code, if it is not paid within thirty days of the sending of this letter, the cover will be suspended; the insurer will be entitled to cancel the contract ten days after the end of these thirty days.

Paying the premium, and any collection costs, puts the contract back in force at noon on the following day.

Yours faithfully,"""

_RENEWAL_FR = """Madame, Monsieur,

Votre contrat {{ line }} n° {{ contract_number }} souscrit auprès de {{ insurer_name }} arrive à échéance le {{ renewal_date }}. Sauf résiliation de votre part, il sera reconduit tacitement pour une nouvelle période, moyennant une cotisation annuelle de {{ new_amount }}.

Si vous ne souhaitez pas le reconduire, vous pouvez le résilier en nous adressant votre demande au plus tard le {{ cancellation_deadline }}.

Conformément à l'article L113-15-1 du Code des assurances : lorsque cet avis vous est adressé moins de quinze jours avant la date limite de résiliation, ou après cette date, vous pouvez mettre un terme à la reconduction de votre contrat, par lettre ou tout autre support durable, dans un délai de vingt jours suivant la date d'envoi de cet avis. À défaut d'avoir reçu cet avis, vous pouvez mettre un terme au contrat, sans pénalités, à tout moment à compter de la date de reconduction.

Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées."""

_RENEWAL_EN = """Dear Sir or Madam,

Your {{ line }} contract no. {{ contract_number }} with {{ insurer_name }} reaches its renewal date on {{ renewal_date }}. Unless you cancel it, it will be tacitly renewed for a new period, for a yearly premium of {{ new_amount }}.

If you do not wish to renew it, you may cancel it by sending us your request no later than {{ cancellation_deadline }}.

Under article L113-15-1 of the French Insurance Code: when this notice is sent to you less than fifteen days before the cancellation deadline, or after it, you may end the renewal of your contract, by letter or any other durable medium, within twenty days of the date this notice was sent. If you did not receive this notice, you may end the contract, without penalty, at any time from the renewal date.

Yours faithfully,"""

_FREE_FR = """Madame, Monsieur,



Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées."""

_FREE_EN = """Dear Sir or Madam,



Yours faithfully,"""

_CLAIM_ACK_FR = """Madame, Monsieur,

Nous accusons réception de votre déclaration du {{ claim_declared_on }} concernant le sinistre survenu le {{ loss_date }} ({{ claim_kind }}, {{ loss_place }}), au titre de votre contrat {{ line }} n° {{ contract_number }} souscrit auprès de {{ insurer_name }}. Votre dossier est enregistré sous la référence {{ claim_reference }}, à rappeler dans toute correspondance.

Afin que nous puissions le transmettre à l'assureur et faire valoir vos droits, nous vous remercions de nous adresser dans les meilleurs délais les pièces suivantes :

{{ documents }}

Conservez les biens endommagés et n'engagez pas de réparations, hors mesures conservatoires, avant l'accord de l'assureur ou le passage de l'expert.

Nous restons à votre disposition pour toute question.

Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées."""

_CLAIM_ACK_EN = """Dear Sir or Madam,

We acknowledge receipt of your declaration of {{ claim_declared_on }} about the loss of {{ loss_date }} ({{ claim_kind }}, {{ loss_place }}), under your {{ line }} contract no. {{ contract_number }} with {{ insurer_name }}. Your claim is registered under reference {{ claim_reference }}: please quote it in all correspondence.

So that we can forward it to the insurer and assert your rights, please send us the following documents as soon as possible:

{{ documents }}

Keep the damaged items and do not start repairs, except to prevent further damage, before the insurer agrees or the expert visits.

We remain at your disposal for any question.

Yours faithfully,"""

_CLAIM_DOCUMENTS_FR = """Madame, Monsieur,

Pour poursuivre l'instruction de votre sinistre du {{ loss_date }} (notre référence {{ claim_reference }}, contrat n° {{ contract_number }}), nous restons dans l'attente des pièces suivantes :

{{ documents }}

Sans ces documents, l'assureur ne peut se prononcer ni sur la prise en charge ni sur le montant de l'indemnité. Vous pouvez nous les transmettre par courrier électronique, depuis votre espace client ou à notre cabinet.

Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées."""

_CLAIM_DOCUMENTS_EN = """Dear Sir or Madam,

To go on with your claim of {{ loss_date }} (our reference {{ claim_reference }}, contract no. {{ contract_number }}), we still need the following documents:

{{ documents }}

Without them, the insurer can decide neither on cover nor on the amount of the indemnity. You may send them by email, from your client space or bring them to our office.

Yours faithfully,"""

_CLAIM_REFUSAL_FR = """Madame, Monsieur,

Nous faisons suite à votre déclaration du {{ claim_declared_on }} (notre référence {{ claim_reference }}, référence de l'assureur {{ insurer_claim_number }}) relative au sinistre survenu le {{ loss_date }} à {{ loss_place }}.

Après examen de votre dossier au regard de votre contrat {{ line }} n° {{ contract_number }} souscrit auprès de {{ insurer_name }}, nous sommes au regret de vous informer que ce sinistre ne peut être pris en charge, en application des dispositions suivantes de votre contrat :

{{ cover_clauses }}

Si vous contestez cette décision, adressez-nous vos observations et tout élément nouveau : nous les transmettrons à l'assureur. Vous pouvez aussi adresser une réclamation au service réclamations de l'assureur puis, à défaut de réponse satisfaisante dans un délai de deux mois, saisir gratuitement la Médiation de l'Assurance (www.mediation-assurance.org).

Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées."""

_CLAIM_REFUSAL_EN = """Dear Sir or Madam,

Further to your declaration of {{ claim_declared_on }} (our reference {{ claim_reference }}, insurer's reference {{ insurer_claim_number }}) about the loss of {{ loss_date }} at {{ loss_place }}:

Having examined your claim against your {{ line }} contract no. {{ contract_number }} with {{ insurer_name }}, we regret to inform you that this loss cannot be covered, under the following terms of your contract:

{{ cover_clauses }}

If you contest this decision, send us your observations and any new information: we will forward them to the insurer. You may also complain to the insurer's complaints department and, without a satisfactory answer within two months, refer the matter free of charge to the insurance mediator, La Médiation de l'Assurance (www.mediation-assurance.org).

Yours faithfully,"""

_CLAIM_OFFER_FR = """Madame, Monsieur,

Nous faisons suite au sinistre survenu le {{ loss_date }} (notre référence {{ claim_reference }}, référence de l'assureur {{ insurer_claim_number }}), déclaré au titre de votre contrat {{ line }} n° {{ contract_number }}.

Au vu des dommages retenus et des garanties de votre contrat, {{ insurer_name }} vous propose une indemnité de {{ indemnity }}, franchise contractuelle de {{ deductible }} déduite. Les règlements déjà effectués s'élèvent à {{ paid_total }} ; le solde restant à vous verser est de {{ balance_due }}.

Si cette proposition vous convient, retournez-nous la présente lettre datée et signée, précédée de la mention « Bon pour accord » : le règlement interviendra dès réception de votre accord.

Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées."""

_CLAIM_OFFER_EN = """Dear Sir or Madam,

Further to the loss of {{ loss_date }} (our reference {{ claim_reference }}, insurer's reference {{ insurer_claim_number }}), declared under your {{ line }} contract no. {{ contract_number }}:

Given the damage agreed and the cover of your contract, {{ insurer_name }} offers you an indemnity of {{ indemnity }}, after the contractual deductible of {{ deductible }}. The payments already made amount to {{ paid_total }}; the balance still due to you is {{ balance_due }}.

If you accept this offer, please return this letter dated and signed, with the words "Agreed": payment will follow on receipt of your agreement.

Yours faithfully,"""

_CLAIM_CLOSURE_FR = """Madame, Monsieur,

Nous vous informons que votre dossier de sinistre {{ claim_reference }} (sinistre du {{ loss_date }}, contrat n° {{ contract_number }} souscrit auprès de {{ insurer_name }}) est clôturé.

Les règlements effectués au titre de ce sinistre s'élèvent à {{ paid_total }}.

Si un élément nouveau apparaissait, faites-nous en part : le dossier pourra être rouvert.

Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées."""

_CLAIM_CLOSURE_EN = """Dear Sir or Madam,

We inform you that your claim {{ claim_reference }} (loss of {{ loss_date }}, contract no. {{ contract_number }} with {{ insurer_name }}) is now closed.

The payments made on this claim amount to {{ paid_total }}.

Should anything new come up, let us know: the claim can be reopened.

Yours faithfully,"""

BUILTIN_TEMPLATES: dict[str, BuiltinTemplate] = {
    template.code: template for template in (
        BuiltinTemplate("cancellation_notice", {
            "fr": Wording("Confirmation de résiliation", "Résiliation de votre contrat n° {{ contract_number }}",
                          _CANCELLATION_FR),
            "en": Wording("Notice of cancellation", "Cancellation of your contract no. {{ contract_number }}",
                          _CANCELLATION_EN),
        }),
        BuiltinTemplate("documents_request", {
            "fr": Wording("Demande de pièces", "Pièces à nous transmettre — contrat n° {{ contract_number }}",
                          _DOCUMENTS_FR),
            "en": Wording("Request for documents", "Documents to send us — contract no. {{ contract_number }}",
                          _DOCUMENTS_EN),
        }),
        BuiltinTemplate("formal_notice", {
            "fr": Wording("Mise en demeure (L113-3)", "Mise en demeure — contrat n° {{ contract_number }}",
                          _FORMAL_NOTICE_FR),
            "en": Wording("Formal notice (L113-3)", "Formal notice — contract no. {{ contract_number }}",
                          _FORMAL_NOTICE_EN),
        }),
        BuiltinTemplate(RENEWAL_NOTICE, {
            "fr": Wording("Avis d'échéance (loi Chatel)", "Avis d'échéance — contrat n° {{ contract_number }}",
                          _RENEWAL_FR),
            "en": Wording("Renewal notice (loi Chatel)", "Renewal notice — contract no. {{ contract_number }}",
                          _RENEWAL_EN),
        }),
        BuiltinTemplate("claim_acknowledgement", {
            "fr": Wording("Accusé de réception de sinistre",
                          "Votre sinistre du {{ loss_date }} — référence {{ claim_reference }}", _CLAIM_ACK_FR),
            "en": Wording("Claim acknowledgement", "Your claim of {{ loss_date }} — reference {{ claim_reference }}",
                          _CLAIM_ACK_EN),
        }),
        BuiltinTemplate("claim_documents_request", {
            "fr": Wording("Demande de pièces (sinistre)", "Pièces à nous transmettre — sinistre {{ claim_reference }}",
                          _CLAIM_DOCUMENTS_FR),
            "en": Wording("Request for documents (claim)", "Documents to send us — claim {{ claim_reference }}",
                          _CLAIM_DOCUMENTS_EN),
        }),
        BuiltinTemplate("claim_cover_refusal", {
            "fr": Wording("Refus de garantie", "Refus de prise en charge — sinistre {{ claim_reference }}",
                          _CLAIM_REFUSAL_FR),
            "en": Wording("Refusal of cover", "Cover refused — claim {{ claim_reference }}", _CLAIM_REFUSAL_EN),
        }),
        BuiltinTemplate("claim_settlement_offer", {
            "fr": Wording("Proposition d'indemnisation", "Proposition d'indemnisation — sinistre {{ claim_reference }}",
                          _CLAIM_OFFER_FR),
            "en": Wording("Settlement offer", "Settlement offer — claim {{ claim_reference }}", _CLAIM_OFFER_EN),
        }),
        BuiltinTemplate("claim_closure", {
            "fr": Wording("Clôture de sinistre", "Clôture de votre dossier sinistre {{ claim_reference }}",
                          _CLAIM_CLOSURE_FR),
            "en": Wording("Claim closure", "Your claim {{ claim_reference }} is closed", _CLAIM_CLOSURE_EN),
        }),
        BuiltinTemplate(FREE_LETTER, {
            "fr": Wording("Courrier libre", "Votre contrat n° {{ contract_number }}", _FREE_FR),
            "en": Wording("Free letter", "Your contract no. {{ contract_number }}", _FREE_EN),
        }),
    )
}
