"""Words of a claim's disputes, letters and timeline: origins, stages,
sides, dated steps, problems. Lazy, so they follow the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

ORIGIN_LABELS = {"client_contests": _l("The client contests the outcome"),
                 "third_party_sues": _l("A third party sues")}
STAGE_LABELS = {"mediation": _l("Mediation"), "litigation": _l("Litigation"), "closed": _l("Closed")}
STAGE_BADGES = {"mediation": "text-bg-warning", "litigation": "text-bg-danger", "closed": "text-bg-secondary"}
SIDE_LABELS = {"firm": _l("Firm or insurer"), "client": _l("Client"), "third_party": _l("Third party")}
PROPOSAL_LABELS = {"open": lazy_pgettext("proposal", "Open"), "accepted": lazy_pgettext("proposal", "Accepted"),
                   "refused": lazy_pgettext("proposal", "Refused"),
                   "superseded": lazy_pgettext("proposal", "Superseded")}
PROPOSAL_BADGES = {"open": "text-bg-primary", "accepted": "text-bg-success", "refused": "text-bg-danger",
                   "superseded": "text-bg-light border"}
HEARING_LABELS = {"hearing": _l("Hearing"), "filing_deadline": _l("Filing deadline"),
                  "expert_meeting": _l("Expert meeting"), "judgment": _l("Judgment")}
#: who wrote a timeline entry
EVENT_SIDE_LABELS = {"firm": _l("Firm"), "client": _l("Client"), "insurer": _l("Insurer"), "system": _l("System")}
PROBLEMS = {
    "required": _l("This field is required."), "choice_invalid": _l("Choose one of the proposed values."),
    "date_invalid": _l("Enter a date."), "in_future": _l("This date is in the future."),
    "in_past": _l("This date is already past."), "too_far": _l("This date is more than ten years ahead."),
    "too_early": _l("This date comes before the step it follows."), "too_long": _l("This text is too long."),
    "amount_invalid": _l("Enter an amount in euros, such as 1 250,00."),
    "amount_not_positive": _l("Enter an amount above zero."), "amount_too_large": _l("This amount is too large."),
    "stale": _l("Someone changed this dispute meanwhile: reload the page and try again."),
    "stage": _l("This dispute is no longer at a stage that allows it: reload the page."),
    "dispute_open": _l("This claim already has an open dispute: close it first."),
    "proposal_closed": _l("This proposal is no longer open."),
    "lawyer_required": _l("Choose a lawyer of your providers' directory."),
    "recipient_required": _l("Choose a lawyer or an expert with an email address."),
    "documents_required": _l("Choose at least one document."),
    "documents_too_large": _l("These documents weigh more than 20 MB together: send fewer at once."),
    "no_email": _l("The client has no email address: add one on the client's page first."),
    "no_document": _l("The letter's PDF is missing: produce the letter again."),
    "attachment_too_large": _l("Each file must weigh less than 8 MB."),
    "attachment_empty": _l("One of the files is empty."),
    "attachment_unsupported_type": _l("Attach photos (JPEG, PNG, WebP) or PDF documents only."),
    "too_many": _l("Attach 10 files at most."),
    "empty": _l("The subject and the text are required."),
    "template_refused": _l("This template uses fields that do not exist: correct it in the letter templates."),
}


def problem(code: str) -> str:
    return str(PROBLEMS.get(code, code))


#: the parts of the handling the timeline filters on (``app.claims.timeline_rules.KIND_GROUPS``)
GROUP_LABELS = {"declaration": _l("Declaration and status"), "insurer": _l("Insurer"),
                "cover": _l("Cover and liability"), "expertise": _l("Experts"),
                "settlement": _l("Damages and settlement"), "dispute": _l("Disputes"),
                "correspondence": _l("Letters, messages and documents")}
#: names of the details of timeline entries
