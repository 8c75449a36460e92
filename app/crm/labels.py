"""Words of the client file: choice labels, problem messages, cross-selling
reasons. Lazy, so they follow the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

KIND_LABELS = {"individual": _l("Individual"), "business": lazy_pgettext("client kind", "Business")}
STATUS_LABELS = {"prospect": _l("Prospect"), "customer": _l("Customer"), "former": _l("Former customer")}
STATUS_BADGES = {"prospect": "text-bg-info", "customer": "text-bg-success", "former": "text-bg-secondary"}
CIVILITY_LABELS = {"mr": _l("Mr"), "mrs": _l("Mrs")}
FAMILY_STATUS_LABELS = {
    "single": _l("Single"), "married": _l("Married"), "civil_partnership": _l("Civil partnership (PACS)"),
    "cohabiting": _l("Cohabiting"), "divorced": _l("Divorced"), "widowed": _l("Widowed"),
}
AML_RISK_LABELS = {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High")}
AML_RISK_BADGES = {"low": "text-bg-success", "medium": "text-bg-warning", "high": "text-bg-danger"}
INTERACTION_LABELS = {
    "call": _l("Call"), "email": _l("Email"), "letter": _l("Letter"), "visit": _l("Visit"), "note": _l("Note"),
}
DIRECTION_LABELS = {"in": _l("Incoming"), "out": _l("Outgoing")}

PROBLEMS = {
    "required": _l("This field is required."),
    "choice_invalid": _l("Choose one of the proposed values."),
    "email_invalid": _l("This email address is not valid."),
    "phone_invalid": _l("Enter a phone number: digits, spaces, dots or dashes, with an optional leading +."),
    "postal_code_invalid": _l("A French postal code has 5 digits."),
    "country_invalid": _l("Enter the country as a two-letter code (FR, BE, ...)."),
    "birth_date_future": _l("The birth date must be in the past."),
    "birth_date_implausible": _l("This birth date is not plausible."),
    "siren_invalid": _l("This SIREN number is not valid (9 digits with a check digit)."),
    "siret_invalid": _l("This SIRET number is not valid (14 digits with a check digit)."),
    "siret_not_of_siren": _l("The SIRET must start with the SIREN."),
    "naf_invalid": _l("A NAF code looks like 62.01Z."),
    "negative": _l("Enter a number of 0 or more."),
    "date_format": _l("Enter a date as DD/MM/YYYY or YYYY-MM-DD."),
    "number_format": _l("Enter a number, such as 12500.50."),
    "integer_format": _l("Enter a whole number."),
    "duplicate_in_file": _l("The same client appears earlier in the file (row %(row)s)."),
    "duplicate_existing": _l("This client already exists: %(reference)s."),
    "column_missing": _l("This column is required."),
    "column_unknown": _l("Unknown column: see the list of columns below."),
    "column_repeated": _l("This column appears twice."),
    "file_unreadable": _l("This file cannot be read: send a CSV (UTF-8, ; or , separated) or an Excel .xlsx file."),
    "file_empty": _l("This file has no client rows."),
    "file_too_large": _l("This file is too large: import at most %(rows)s clients at a time."),
    "import_expired": _l("This import is no longer available: upload the file again."),
    "payer_self": _l("A client cannot be its own payer."),
    "payer_unknown": _l("This payer does not exist."),
    "handler_unknown": _l("This colleague does not exist."),
    "stale": _l("Someone changed this client meanwhile: reload the page and try again."),
}

#: rule code -> (what to offer, why)
CROSS_SELL = {
    "business_rc_pro": (
        lazy_pgettext("line of business", "Professional liability"),
        _l("A business answers for the harm its work causes to clients and third parties; "
           "without RC Pro it pays them out of its own pocket."),
    ),
    "business_cyber": (
        _l("Cyber"),
        _l("Every business holds data and depends on its computers: a ransomware attack or a data "
           "leak stops the work and brings notification and liability costs."),
    ),
    "business_protection": (
        _l("Protection (prévoyance) for the staff"),
        _l("The business has employees and no protection contract: collective agreements often "
           "require one, and it covers death, incapacity and disability."),
    ),
    "business_multirisk": (
        _l("Business multi-risk"),
        _l("The business has premises but no multi-risk cover: fire, water damage, theft and the "
           "loss of business that follows are not insured."),
    ),
    "individual_home": (
        _l("Home (MRH)"),
        _l("The client insures a vehicle with us but not a home: home insurance is compulsory for "
           "tenants and a natural next step."),
    ),
    "individual_health": (
        _l("Health (complémentaire santé)"),
        _l("No complementary health cover is recorded: the public scheme leaves a large share of "
           "optical, dental and hospital costs to the client."),
    ),
}


HISTORY_LABELS = {
    "client.create": _l("File created"),
    "client.update": _l("Identity changed"),
    "client.contact_add": _l("Contact added"),
    "client.contact_update": _l("Contact changed"),
    "client.contact_remove": _l("Contact removed"),
    "client.interaction_add": _l("Exchange logged"),
    "client.task_add": _l("Task added"),
    "client.task_done": _l("Task done"),
    "client.aml_update": _l("AML assessment updated"),
    "client.consent_update": _l("Marketing consent updated"),
    "client.held_elsewhere_update": _l("Lines held elsewhere updated"),
    "client.cross_sell_dismiss": _l("Suggestion set aside"),
}


def problem_message(code: str, **values) -> str:
    message = PROBLEMS.get(code)
    return str(message) % values if message is not None and values else str(message or code)
