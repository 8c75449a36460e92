"""The built-in letter templates, in French and English.

A firm may reword any of them (a ``LetterTemplate`` row with the same code
replaces the built-in wording in every language) or add its own codes.
Merge fields: see ``app.letters.rules.MERGE_FIELDS``.
"""

from __future__ import annotations

from dataclasses import dataclass

FREE_LETTER = "free"
RENEWAL_NOTICE = "renewal_notice"


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
        BuiltinTemplate(FREE_LETTER, {
            "fr": Wording("Courrier libre", "Votre contrat n° {{ contract_number }}", _FREE_FR),
            "en": Wording("Free letter", "Your contract no. {{ contract_number }}", _FREE_EN),
        }),
    )
}
