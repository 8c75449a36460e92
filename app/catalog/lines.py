"""Lines of business: what each one asks of a risk, the guarantees it is made
of, the documents an insurer wants, and its default insurance tax.

Pure data shared by the catalog (products, tariffs), needs analyses and the
comparison. Labels are lazy so they follow the reader's language.

Insurance tax (taxe sur les conventions d'assurance, Art. 1001 CGI): 18 % for
land motor vehicles, 30 % for fire risks of homes (habitation: MRH), 9 % for
other risks; complementary health and protection contracts that are
"solidaires et responsables" carry 13.27 %, and professional liability and
business multi-risk the 9 % default. A firm can change a rate in its settings
(``LineSetting``), a premium call keeps the rate of the day it was issued.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext


class Line(StrEnum):
    MOTOR = "motor"
    HOME = "home"
    PROFESSIONAL_LIABILITY = "rc_pro"
    BUSINESS_MULTIRISK = "multirisk"
    DECENNIAL = "decennial"
    HEALTH = "health"
    PROTECTION = "protection"
    CYBER = "cyber"


class AttributeType(StrEnum):
    INTEGER = "integer"
    DECIMAL = "decimal"
    MONEY = "money"
    DATE = "date"
    TEXT = "text"
    CHOICE = "choice"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class RiskAttribute:
    """One question a needs analysis asks about the risk."""

    name: str
    label: object
    type: AttributeType
    choices: tuple[tuple[str, object], ...] = ()
    required_to_quote: bool = True
    minimum: Decimal | None = None
    maximum: Decimal | None = None


@dataclass(frozen=True)
class StandardGuarantee:
    code: str
    label: object


@dataclass(frozen=True)
class LineDefinition:
    line: Line
    label: object
    tax_rate: Decimal
    attributes: tuple[RiskAttribute, ...]
    guarantees: tuple[StandardGuarantee, ...]
    #: client document kinds an insurer wants before it quotes
    documents_to_quote: tuple[str, ...] = ()
    #: client document kinds an insurer wants before it issues a contract
    documents_to_place: tuple[str, ...] = ()
    for_individuals: bool = True
    for_businesses: bool = True
    extra: dict = field(default_factory=dict)

    def attribute(self, name: str) -> RiskAttribute | None:
        return next((a for a in self.attributes if a.name == name), None)

    def guarantee_label(self, code: str) -> object:
        return next((g.label for g in self.guarantees if g.code == code), code)


A = AttributeType
D = Decimal

USES = (("private", _l("Private")), ("commute", _l("Private and commuting")),
        ("business", lazy_pgettext("motor use", "Business")), ("delivery", _l("Delivery")))
PARKING = (("garage", _l("Locked garage")), ("car_park", _l("Private car park")),
           ("street", _l("Street")))
OCCUPANCY = (("owner", _l("Owner")), ("tenant", _l("Tenant")),
             ("non_occupying_owner", _l("Non-occupying owner")))
DWELLING = (("flat", _l("Flat")), ("house", _l("House")))
SECURITY = (("none", _l("None")), ("armoured_door", _l("Armoured door")),
            ("alarm", _l("Monitored alarm")))
PREMISES = (("none", _l("No premises")), ("office", _l("Office")), ("shop", _l("Shop")),
            ("workshop", _l("Workshop")), ("warehouse", _l("Warehouse")))
HEALTH_LEVELS = (("1", _l("Level 1 — essential")), ("2", _l("Level 2 — comfort")),
                 ("3", _l("Level 3 — high")), ("4", _l("Level 4 — premium")))
TRADES = (("masonry", _l("Masonry / structural work")), ("carpentry", _l("Carpentry / roofing")),
          ("plumbing", _l("Plumbing / heating")), ("electricity", _l("Electricity")),
          ("joinery", _l("Joinery")), ("painting", _l("Painting / finishing")),
          ("general", _l("General contractor")))

LINES: dict[Line, LineDefinition] = {
    Line.MOTOR: LineDefinition(
        Line.MOTOR, _l("Motor"), D("18.00"),
        attributes=(
            RiskAttribute("vehicle", _l("Vehicle (make, model)"), A.TEXT),
            RiskAttribute("registration", _l("Registration number"), A.TEXT, required_to_quote=False),
            RiskAttribute("first_registration", _l("First registration"), A.DATE),
            RiskAttribute("vehicle_value", _l("Vehicle value"), A.MONEY, minimum=D(0)),
            RiskAttribute("use", _l("Use"), A.CHOICE, USES),
            RiskAttribute("parking", _l("Overnight parking"), A.CHOICE, PARKING),
            RiskAttribute("driver_age", _l("Main driver's age"), A.INTEGER, minimum=D(16), maximum=D(110)),
            RiskAttribute("licence_date", _l("Driving licence date"), A.DATE),
            RiskAttribute("bonus_malus", _l("Bonus-malus coefficient"), A.DECIMAL,
                          minimum=D("0.50"), maximum=D("3.50")),
            RiskAttribute("claims_3y", _l("Claims in the last 3 years"), A.INTEGER, minimum=D(0), maximum=D(50)),
        ),
        guarantees=(
            StandardGuarantee("third_party", _l("Third-party liability")),
            StandardGuarantee("legal", _l("Legal protection")),
            StandardGuarantee("glass", _l("Glass breakage")),
            StandardGuarantee("theft_fire", _l("Theft and fire")),
            StandardGuarantee("all_risks", _l("Own damage (all risks)")),
            StandardGuarantee("driver", _l("Driver's bodily injury")),
            StandardGuarantee("assistance", _l("Assistance 0 km")),
        ),
        documents_to_quote=("driving_licence", "claims_record"),
        documents_to_place=("driving_licence", "registration_certificate", "claims_record", "id_card"),
    ),
    Line.HOME: LineDefinition(
        Line.HOME, _l("Home (MRH)"), D("30.00"),
        attributes=(
            RiskAttribute("occupancy", _l("Occupancy"), A.CHOICE, OCCUPANCY),
            RiskAttribute("dwelling", _l("Dwelling type"), A.CHOICE, DWELLING),
            RiskAttribute("surface", _l("Living area (m²)"), A.INTEGER, minimum=D(5), maximum=D(2000)),
            RiskAttribute("rooms", _l("Main rooms"), A.INTEGER, minimum=D(1), maximum=D(50)),
            RiskAttribute("contents_value", _l("Contents value"), A.MONEY, minimum=D(0)),
            RiskAttribute("security", _l("Security"), A.CHOICE, SECURITY),
            RiskAttribute("postal_code", _l("Postal code of the home"), A.TEXT),
        ),
        guarantees=(
            StandardGuarantee("civil_liability", _l("Civil liability")),
            StandardGuarantee("fire", _l("Fire and explosion")),
            StandardGuarantee("water_damage", _l("Water damage")),
            StandardGuarantee("theft", _l("Theft and vandalism")),
            StandardGuarantee("glass", _l("Glass breakage")),
            StandardGuarantee("natural_disasters", _l("Natural disasters")),
            StandardGuarantee("valuables", _l("Valuables")),
        ),
        documents_to_place=("id_card",),
        for_businesses=False,
    ),
    Line.PROFESSIONAL_LIABILITY: LineDefinition(
        Line.PROFESSIONAL_LIABILITY, lazy_pgettext("line of business", "Professional liability"), D("9.00"),
        attributes=(
            RiskAttribute("activity", _l("Activity"), A.TEXT),
            RiskAttribute("turnover", _l("Annual turnover"), A.MONEY, minimum=D(0)),
            RiskAttribute("headcount", _l("Headcount"), A.INTEGER, minimum=D(0), maximum=D(100000)),
            RiskAttribute("premises", _l("Premises"), A.CHOICE, PREMISES),
            RiskAttribute("claims_3y", _l("Claims in the last 3 years"), A.INTEGER, minimum=D(0), maximum=D(50)),
        ),
        guarantees=(
            StandardGuarantee("operating_liability", _l("Operating liability")),
            StandardGuarantee("professional_liability", lazy_pgettext("guarantee", "Professional liability")),
            StandardGuarantee("legal", _l("Legal protection")),
            StandardGuarantee("defence", _l("Defence and recourse")),
            StandardGuarantee("data_loss", _l("Loss of clients' documents and data")),
        ),
        documents_to_quote=("kbis",),
        documents_to_place=("kbis", "claims_record"),
        for_individuals=False,
    ),
    Line.BUSINESS_MULTIRISK: LineDefinition(
        Line.BUSINESS_MULTIRISK, _l("Business multi-risk"), D("9.00"),
        attributes=(
            RiskAttribute("activity", _l("Activity"), A.TEXT),
            RiskAttribute("turnover", _l("Annual turnover"), A.MONEY, minimum=D(0)),
            RiskAttribute("headcount", _l("Headcount"), A.INTEGER, minimum=D(0), maximum=D(100000)),
            RiskAttribute("premises", _l("Premises"), A.CHOICE, PREMISES),
            RiskAttribute("premises_surface", _l("Premises area (m²)"), A.INTEGER, minimum=D(0), maximum=D(100000)),
            RiskAttribute("contents_value", _l("Equipment and stock value"), A.MONEY, minimum=D(0)),
        ),
        guarantees=(
            StandardGuarantee("fire", _l("Fire and explosion")),
            StandardGuarantee("water_damage", _l("Water damage")),
            StandardGuarantee("theft", _l("Theft")),
            StandardGuarantee("business_interruption", _l("Business interruption")),
            StandardGuarantee("machinery", _l("Machinery breakdown")),
            StandardGuarantee("operating_liability", _l("Operating liability")),
        ),
        documents_to_quote=("kbis",),
        documents_to_place=("kbis", "claims_record"),
        for_individuals=False,
    ),
    Line.DECENNIAL: LineDefinition(
        Line.DECENNIAL, _l("Ten-year construction liability"), D("9.00"),
        attributes=(
            RiskAttribute("trades", _l("Main trade"), A.CHOICE, TRADES),
            RiskAttribute("turnover", _l("Annual turnover"), A.MONEY, minimum=D(0)),
            RiskAttribute("headcount", _l("Headcount"), A.INTEGER, minimum=D(0), maximum=D(100000)),
            RiskAttribute("years_in_business", _l("Years in business"), A.INTEGER, minimum=D(0), maximum=D(200)),
            RiskAttribute("subcontracting_share", _l("Share subcontracted (%)"), A.INTEGER,
                          minimum=D(0), maximum=D(100)),
        ),
        guarantees=(
            StandardGuarantee("decennial", _l("Ten-year liability (mandatory)")),
            StandardGuarantee("good_working_order", _l("Two-year good working order")),
            StandardGuarantee("operating_liability", _l("Operating liability")),
            StandardGuarantee("damage_during_works", _l("Damage during works")),
        ),
        documents_to_quote=("kbis", "qualifications", "turnover_statement"),
        documents_to_place=("kbis", "qualifications", "turnover_statement", "claims_record"),
        for_individuals=False,
    ),
    Line.HEALTH: LineDefinition(
        Line.HEALTH, _l("Health (complémentaire santé)"), D("13.27"),
        attributes=(
            RiskAttribute("people_covered", _l("People covered"), A.INTEGER, minimum=D(1), maximum=D(5000)),
            RiskAttribute("oldest_age", _l("Age of the oldest person"), A.INTEGER, minimum=D(0), maximum=D(120)),
            RiskAttribute("level_wanted", _l("Level wanted"), A.CHOICE, HEALTH_LEVELS),
            RiskAttribute("postal_code", _l("Postal code"), A.TEXT, required_to_quote=False),
        ),
        guarantees=(
            StandardGuarantee("hospital", _l("Hospitalisation")),
            StandardGuarantee("routine_care", _l("Routine care")),
            StandardGuarantee("optical", _l("Optical")),
            StandardGuarantee("dental", _l("Dental")),
            StandardGuarantee("hearing", _l("Hearing aids")),
        ),
        documents_to_place=("id_card",),
    ),
    Line.PROTECTION: LineDefinition(
        Line.PROTECTION, _l("Protection (prévoyance)"), D("9.00"),
        attributes=(
            RiskAttribute("people_covered", _l("People covered"), A.INTEGER, minimum=D(1), maximum=D(5000)),
            RiskAttribute("average_age", _l("Average age"), A.INTEGER, minimum=D(16), maximum=D(80)),
            RiskAttribute("payroll", _l("Annual payroll covered"), A.MONEY, minimum=D(0)),
        ),
        guarantees=(
            StandardGuarantee("death", _l("Death benefit")),
            StandardGuarantee("disability", _l("Disability")),
            StandardGuarantee("incapacity", _l("Incapacity for work")),
            StandardGuarantee("education_annuity", _l("Education annuity")),
        ),
        documents_to_place=("id_card",),
    ),
    Line.CYBER: LineDefinition(
        Line.CYBER, _l("Cyber"), D("9.00"),
        attributes=(
            RiskAttribute("turnover", _l("Annual turnover"), A.MONEY, minimum=D(0)),
            RiskAttribute("records_held", _l("Personal data records held"), A.INTEGER, minimum=D(0)),
            RiskAttribute("headcount", _l("Headcount"), A.INTEGER, minimum=D(0), maximum=D(100000)),
            RiskAttribute("backups", _l("Offline backups"), A.BOOLEAN),
        ),
        guarantees=(
            StandardGuarantee("incident_response", _l("Incident response")),
            StandardGuarantee("data_restoration", _l("Data restoration")),
            StandardGuarantee("business_interruption", _l("Business interruption")),
            StandardGuarantee("cyber_liability", _l("Liability towards third parties")),
            StandardGuarantee("ransom", _l("Cyber extortion")),
        ),
        documents_to_quote=("kbis",),
        documents_to_place=("kbis",),
        for_individuals=False,
    ),
}


def line_definition(code: str) -> LineDefinition:
    """Return the definition of line ``code`` (ValueError when unknown)."""
    return LINES[Line(code)]


def line_choices() -> list[tuple[str, object]]:
    return [(line.value, definition.label) for line, definition in LINES.items()]
