"""Pure rules of the client file: search normalisation, duplicate keys,
identity checks shared by the form and the import, cross-selling.

No database, no Flask: problems are returned as codes, worded by
``app.crm.labels``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from email_validator import EmailNotValidError, validate_email
from stdnum.fr import siren as siren_number
from stdnum.fr import siret as siret_number

KINDS = ("individual", "business")
STATUSES = ("prospect", "customer", "former")
CIVILITIES = ("mr", "mrs")
FAMILY_STATUSES = ("single", "married", "civil_partnership", "cohabiting", "divorced", "widowed")
AML_RISKS = ("low", "medium", "high")
INTERACTION_KINDS = ("call", "email", "letter", "visit", "note")
DIRECTIONS = ("in", "out")
INDIVIDUAL_FIELDS = ("civility", "first_name", "last_name", "birth_date", "profession", "family_status")
BUSINESS_FIELDS = ("legal_name", "siren", "siret", "naf_code", "legal_form", "turnover", "headcount")

#: Nobody older than this is a plausible client (the oldest French person
#: ever recorded lived to 122).
OLDEST_PLAUSIBLE_AGE = 120
NAF_PATTERN = re.compile(r"^(\d{2})\.?(\d{2})([A-Z])$")
PHONE_CHARACTERS = re.compile(r"^\+?[\d\s.\-()]+$")
CENT = Decimal("0.01")
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})


# --- search ---------------------------------------------------------------

def normalise(text: str | None) -> str:
    """Lower-case ``text``, strip accents (NFKD), spell out ligatures NFKD
    keeps (œ, æ, ß), turn every run of non-alphanumerics into one space."""
    decomposed = unicodedata.normalize("NFKD", (text or "").lower().translate(LIGATURES))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.split(r"[^a-z0-9]+", plain)).strip()


def digits(text: str | None) -> str:
    return re.sub(r"\D", "", text or "")


def display_name(values: dict) -> str:
    """"Dupont Jean" for a person (last name first, as files are sorted), the
    legal name for a business."""
    if values.get("kind") == "business":
        return (values.get("legal_name") or "").strip()
    return " ".join(part.strip() for part in (values.get("last_name"), values.get("first_name")) if part)


def search_text(values: dict) -> str:
    """The normalised text a client is found by: names, email, phone digits,
    city, postal code, SIREN/SIRET and reference (also its bare number)."""
    reference = values.get("reference") or ""
    parts = [
        display_name(values), values.get("first_name"), values.get("last_name"), values.get("legal_name"),
        values.get("email"), digits(values.get("phone")), values.get("city"), values.get("postal_code"),
        values.get("siren"), values.get("siret"), reference, digits(reference).lstrip("0"),
    ]
    return normalise(" ".join(part for part in parts if part))


def search_query(typed: str | None) -> str | None:
    """A ``to_tsquery`` string matching every typed word as a prefix, or None.

    Built only from ``[a-z0-9]`` words, so nothing typed reaches tsquery
    syntax. A query made only of digits ("06 12 34") is one number: phone
    numbers are indexed without their spaces.
    """
    words = normalise(typed).split()
    if not words:
        return None
    if all(word.isdigit() for word in words):
        words = ["".join(words)]
    return " & ".join(f"{word}:*" for word in words)


# --- duplicates -----------------------------------------------------------

def person_key(last_name: str | None, first_name: str | None, birth_date: date | None) -> tuple | None:
    """Two individuals with the same key are probably one person; None when
    the birth date or a name is missing (names alone are too common)."""
    if not (last_name and first_name and birth_date):
        return None
    return normalise(last_name), normalise(first_name), birth_date


def duplicate_key(values: dict) -> tuple | None:
    """SIREN for a business, names and birth date for a person."""
    if values.get("kind") == "business":
        return ("siren", values["siren"]) if values.get("siren") else None
    key = person_key(values.get("last_name"), values.get("first_name"), values.get("birth_date"))
    return ("person", *key) if key else None


# --- parsing typed values (import cells) ----------------------------------

class BadValue(ValueError):
    """A cell that cannot be read as the expected type; ``code`` says which."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def parse_date(value) -> date | None:
    """Read ``2024-03-31``, ``31/03/2024`` or a spreadsheet date."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(str(value).strip(), pattern).date()
        except ValueError:
            continue
    raise BadValue("date_format")


def parse_decimal(value) -> Decimal | None:
    """Read ``12 500,50`` or ``12500.5`` as a Decimal rounded half-up to the cent."""
    if value in (None, ""):
        return None
    text = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise BadValue("number_format") from exc
    if not number.is_finite():
        raise BadValue("number_format")
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_integer(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(" ", ""))
    except InvalidOperation as exc:
        raise BadValue("integer_format") from exc
    if not number.is_finite() or number != number.to_integral_value():
        raise BadValue("integer_format")
    return int(number)


# --- identity checks (form and import) ------------------------------------

def naf_code(value: str | None) -> str | None:
    """``6201Z`` or ``62.01z`` as ``62.01Z``; None when not a NAF code."""
    found = NAF_PATTERN.match((value or "").strip().upper())
    return f"{found[1]}.{found[2]}{found[3]}" if found else None


def email_problem(email: str | None) -> str | None:
    if not email:
        return None
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return "email_invalid"
    return None


def birth_date_problem(birth_date: date | None, today: date) -> str | None:
    if birth_date is None:
        return None
    if birth_date >= today:
        return "birth_date_future"
    if today.year - birth_date.year > OLDEST_PLAUSIBLE_AGE:
        return "birth_date_implausible"
    return None


def phone_problem(phone: str | None) -> str | None:
    if not phone:
        return None
    if not PHONE_CHARACTERS.match(phone) or not 6 <= len(digits(phone)) <= 15:
        return "phone_invalid"
    return None


def postal_code_problem(postal_code: str | None, country: str | None) -> str | None:
    """A French postal code has five digits; other countries are not checked."""
    if postal_code and (country or "FR") == "FR" and not re.fullmatch(r"\d{5}", postal_code):
        return "postal_code_invalid"
    return None


def siren_siret_problems(siren: str | None, siret: str | None) -> dict[str, str]:
    """Checksums (Luhn) of SIREN and SIRET, and a SIRET that starts with the SIREN."""
    problems = {}
    if siren and not siren_number.is_valid(siren):
        problems["siren"] = "siren_invalid"
    if siret and not siret_number.is_valid(siret):
        problems["siret"] = "siret_invalid"
    if siren and siret and not problems and not siret_number.compact(siret).startswith(siren_number.compact(siren)):
        problems["siret"] = "siret_not_of_siren"
    return problems


def _required(values: dict, kind: str) -> dict[str, str]:
    needed = ("legal_name",) if kind == "business" else ("last_name",)
    return {name: "required" for name in needed if not (values.get(name) or "").strip()}


def _choice(values: dict, name: str, allowed: tuple[str, ...]) -> dict[str, str]:
    return {name: "choice_invalid"} if values.get(name) and values[name] not in allowed else {}


def client_problems(values: dict, today: date) -> dict[str, str]:
    """Return ``{field: problem code}`` for a client's identity values
    (already typed: dates, Decimal, int). Empty when everything is right."""
    kind = values.get("kind")
    if kind not in KINDS:
        return {"kind": "choice_invalid"}
    problems = _required(values, kind)
    problems |= _choice(values, "status", STATUSES)
    checks = {
        "email": email_problem(values.get("email")),
        "phone": phone_problem(values.get("phone")),
        "postal_code": postal_code_problem(values.get("postal_code"), values.get("country")),
    }
    if values.get("country") and not re.fullmatch(r"[A-Z]{2}", values["country"]):
        checks["country"] = "country_invalid"
    if kind == "individual":
        problems |= _choice(values, "civility", CIVILITIES) | _choice(values, "family_status", FAMILY_STATUSES)
        checks["birth_date"] = birth_date_problem(values.get("birth_date"), today)
    else:
        problems |= siren_siret_problems(values.get("siren"), values.get("siret"))
        if values.get("naf_code") and naf_code(values["naf_code"]) is None:
            checks["naf_code"] = "naf_invalid"
        if values.get("turnover") is not None and values["turnover"] < 0:
            checks["turnover"] = "negative"
        if values.get("headcount") is not None and values["headcount"] < 0:
            checks["headcount"] = "negative"
    return {name: code for name, code in checks.items() if code} | problems


def clean_identity(values: dict) -> dict:
    """Stored forms: compact SIREN/SIRET, NAF with its dot, upper-case country,
    empty strings as None, fields of the other kind cleared."""
    cleaned = {name: (value.strip() or None) if isinstance(value, str) else value for name, value in values.items()}
    if cleaned.get("siren"):
        cleaned["siren"] = siren_number.compact(cleaned["siren"])
    if cleaned.get("siret"):
        cleaned["siret"] = siret_number.compact(cleaned["siret"])
    if cleaned.get("naf_code"):
        cleaned["naf_code"] = naf_code(cleaned["naf_code"]) or cleaned["naf_code"]
    cleaned["country"] = (cleaned.get("country") or "FR").upper()
    if cleaned.get("email"):
        cleaned["email"] = cleaned["email"].lower()
    other = BUSINESS_FIELDS if cleaned.get("kind") == "individual" else INDIVIDUAL_FIELDS
    return cleaned | {name: None for name in other if name in cleaned}



def reference_for(number: int) -> str:
    return f"CLI-{number:06d}"


# --- cross-selling ---------------------------------------------------------

@dataclass(frozen=True)
class Suggestion:
    """A cover the client lacks; ``code`` names the rule (and its wording)."""

    code: str
    line: str


def cross_sell(kind: str, lines_held: set[str], headcount: int | None, has_premises: bool) -> list[Suggestion]:
    """Covers to offer, from the lines the client holds (here or elsewhere)."""
    wanted: list[tuple[str, str, bool]]
    if kind == "business":
        wanted = [
            ("business_rc_pro", "rc_pro", True),
            ("business_cyber", "cyber", True),
            ("business_protection", "protection", (headcount or 0) > 0),
            ("business_multirisk", "multirisk", has_premises),
        ]
    else:
        wanted = [
            ("individual_home", "home", "motor" in lines_held),
            ("individual_health", "health", True),
        ]
    return [Suggestion(code, line) for code, line, applies in wanted if applies and line not in lines_held]
