"""The demo firm's insurer panel: six fictional insurers and their products
across the eight lines, with plausible guarantees and tariffs.

Names are invented (no real company); figures are of the right order for the
French market in 2026 so that comparisons look like a broker's real day.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.catalog.models import CommissionAgreement, Guarantee, Insurer, InsurerContact, Product

D = Decimal

INSURERS = [
    dict(name="Atlantique Mutuelle", legal_name="Atlantique Mutuelle d'Assurances SAM",
         registration="Entreprise régie par le Code des assurances — RCS Nantes", siren="775684764",
         address_line1="12 quai de la Fosse", postal_code="44000", city="Nantes", phone="02 40 00 12 12",
         website="https://www.atlantique-mutuelle.example", claims_email="sinistres@atlantique-mutuelle.example",
         placement_channel="email", placement_email="souscription@atlantique-mutuelle.example",
         contact=("Nathalie Guérin", "Inspectrice commerciale", "n.guerin@atlantique-mutuelle.example")),
    dict(name="Azur Assurances", legal_name="Azur Assurances SA",
         registration="SA au capital de 48 000 000 € — RCS Nice", siren="552120222",
         address_line1="8 promenade des Anglais", postal_code="06000", city="Nice", phone="04 93 00 45 45",
         website="https://www.azur-assurances.example", claims_email="sinistres@azur-assurances.example",
         placement_channel="api", api_endpoint="https://api.azur-assurances.example/v2/placements",
         api_secret="whsec_demo_azur_5f1c0a", placement_email="courtage@azur-assurances.example",
         contact=("Marc Olivier", "Responsable courtage", "m.olivier@azur-assurances.example")),
    dict(name="Garonne IARD", legal_name="Garonne IARD SA",
         registration="SA — RCS Toulouse", siren="383474814",
         address_line1="3 allées Jean-Jaurès", postal_code="31000", city="Toulouse", phone="05 61 00 30 30",
         website="https://www.garonne-iard.example", claims_email="sinistres@garonne-iard.example",
         placement_channel="email", placement_email="placements@garonne-iard.example",
         contact=("Hélène Marty", "Souscriptrice entreprises", "h.marty@garonne-iard.example")),
    dict(name="Hexa Prévoyance", legal_name="Hexa Prévoyance — institution de prévoyance",
         registration="Institution régie par le Code de la sécurité sociale", siren="784647349",
         address_line1="40 rue de la Victoire", postal_code="75009", city="Paris", phone="01 44 00 60 60",
         website="https://www.hexa-prevoyance.example", claims_email="prestations@hexa-prevoyance.example",
         placement_channel="email", placement_email="adhesions@hexa-prevoyance.example",
         contact=("Thomas Nguyen", "Chargé de partenariats", "t.nguyen@hexa-prevoyance.example")),
    dict(name="Vauban Construction", legal_name="Vauban Construction Assurances SA",
         registration="SA — RCS Lille Métropole", siren="410910095",
         address_line1="22 rue Nationale", postal_code="59000", city="Lille", phone="03 20 00 80 80",
         website="https://www.vauban-construction.example", claims_email="sinistres@vauban-construction.example",
         placement_channel="email", placement_email="souscription@vauban-construction.example",
         contact=("Pierre Delattre", "Souscripteur construction", "p.delattre@vauban-construction.example")),
    dict(name="Rempart Cyber", legal_name="Rempart Specialty Insurance SE",
         registration="SE — RCS Lyon", siren="821727670",
         address_line1="5 place Bellecour", postal_code="69002", city="Lyon", phone="04 72 00 90 90",
         website="https://www.rempart-cyber.example", claims_email="incident@rempart-cyber.example",
         placement_channel="api", api_endpoint="https://partners.rempart-cyber.example/api/placements",
         api_secret="whsec_demo_rempart_93ab11", placement_email="souscription@rempart-cyber.example",
         contact=("Inès Benali", "Cyber underwriter", "i.benali@rempart-cyber.example")),
]


def bands(attribute: str, label: str, rows: list[tuple[int, int | None, str]]) -> dict:
    return {"label": label, "attribute": attribute, "kind": "bands",
            "bands": [{"min": low, "max": high, "multiplier": factor} for low, high, factor in rows]}


def table(attribute: str, label: str, values: dict[str, str]) -> dict:
    return {"label": label, "attribute": attribute, "kind": "table", "values": values}


def per_unit(attribute: str, label: str, unit: str, rate: str) -> dict:
    return {"label": label, "attribute": attribute, "kind": "per_unit", "unit": unit, "rate": rate}


def tariff(base: str, factors: list[dict], minimum: str, fees: str) -> dict:
    return {"base": base, "factors": factors, "minimum": minimum, "fees": fees}


def scaled(amount: str, factor: str) -> str:
    return str((D(amount) * D(factor)).quantize(D("0.01")))


TARIFFS = {
    "motor": lambda k: tariff(scaled("380.00", k), [
        bands("driver_age", "Âge du conducteur", [(16, 21, "1.90"), (21, 25, "1.45"), (25, 70, "1.00"), (70, None, "1.25")]),
        bands("licence_date", "Ancienneté du permis", [(0, 3, "1.35"), (3, None, "1.00")]),
        {"label": "Bonus-malus", "attribute": "bonus_malus", "kind": "coefficient"},
        table("use", "Usage", {"private": "0.95", "commute": "1.00", "business": "1.20", "delivery": "1.45"}),
        table("parking", "Stationnement", {"garage": "0.90", "car_park": "0.95", "street": "1.10"}),
        per_unit("vehicle_value", "Valeur du véhicule", "1000", scaled("6.00", k)),
    ], scaled("220.00", k), "20.00"),
    "home": lambda k: tariff(scaled("95.00", k), [
        table("occupancy", "Qualité", {"owner": "1.25", "tenant": "1.00", "non_occupying_owner": "0.80"}),
        table("dwelling", "Type de logement", {"flat": "1.00", "house": "1.30"}),
        per_unit("surface", "Surface", "10", scaled("3.20", k)),
        per_unit("contents_value", "Capital mobilier", "1000", scaled("1.80", k)),
        table("security", "Protection", {"none": "1.10", "armoured_door": "1.00", "alarm": "0.90"}),
    ], scaled("120.00", k), "12.00"),
    "rc_pro": lambda k: tariff(scaled("250.00", k), [
        per_unit("turnover", "Chiffre d'affaires", "10000", scaled("4.50", k)),
        bands("headcount", "Effectif", [(0, 1, "1.00"), (1, 10, "1.15"), (10, 50, "1.40"), (50, None, "1.90")]),
        bands("claims_3y", "Sinistres sur 3 ans", [(0, 1, "1.00"), (1, 3, "1.30"), (3, None, "1.80")]),
    ], scaled("300.00", k), "25.00"),
    "multirisk": lambda k: tariff(scaled("300.00", k), [
        table("premises", "Locaux", {"none": "0.60", "office": "1.00", "shop": "1.25", "workshop": "1.50",
                                     "warehouse": "1.40"}),
        per_unit("premises_surface", "Surface des locaux", "50", scaled("9.00", k)),
        per_unit("contents_value", "Matériel et marchandises", "1000", scaled("2.40", k)),
    ], scaled("450.00", k), "30.00"),
    "decennial": lambda k: tariff(scaled("900.00", k), [
        table("trades", "Activité", {"masonry": "1.60", "carpentry": "1.50", "plumbing": "1.10",
                                     "electricity": "1.00", "joinery": "0.90", "painting": "0.70",
                                     "general": "1.80"}),
        per_unit("turnover", "Chiffre d'affaires", "10000", scaled("38.00", k)),
        bands("years_in_business", "Ancienneté", [(0, 2, "1.40"), (2, 5, "1.15"), (5, None, "1.00")]),
    ], scaled("1200.00", k), "50.00"),
    "health": lambda k: tariff("0.00", [
        per_unit("people_covered", "Personnes couvertes", "1", scaled("480.00", k)),
        bands("oldest_age", "Âge du plus âgé", [(0, 30, "0.80"), (30, 50, "1.00"), (50, 65, "1.35"), (65, None, "1.80")]),
        table("level_wanted", "Niveau", {"1": "0.70", "2": "1.00", "3": "1.30", "4": "1.60"}),
    ], scaled("300.00", k), "10.00"),
    "protection": lambda k: tariff("0.00", [
        per_unit("payroll", "Masse salariale", "1000", scaled("14.00", k)),
        bands("average_age", "Âge moyen", [(16, 35, "0.80"), (35, 50, "1.00"), (50, None, "1.50")]),
    ], scaled("200.00", k), "0.00"),
    "cyber": lambda k: tariff(scaled("600.00", k), [
        per_unit("turnover", "Chiffre d'affaires", "100000", scaled("45.00", k)),
        bands("records_held", "Données personnelles détenues", [(0, 1000, "1.00"), (1000, 100000, "1.30"),
                                                                 (100000, None, "1.80")]),
        table("backups", "Sauvegardes hors ligne", {"true": "0.85", "false": "1.20"}),
    ], scaled("900.00", k), "0.00"),
}

#: guarantee code -> (ceiling, deductible, exclusions) at the "standard" level
GUARANTEES = {
    "motor": {
        "third_party": (None, None, "Conducteur non autorisé ; alcoolémie."),
        "legal": ("15000", "0", None), "glass": (None, "60", None),
        "theft_fire": ("vehicle", "300", "Vol sans effraction ; clés sur le véhicule."),
        "all_risks": ("vehicle", "450", "Usure ; défaut d'entretien."),
        "driver": ("500000", "0", None), "assistance": (None, "0", None),
    },
    "home": {
        "civil_liability": ("4500000", "0", None), "fire": ("contents", "150", None),
        "water_damage": ("contents", "150", "Défaut d'entretien ; infiltrations par façade."),
        "theft": ("contents", "150", "Vol sans effraction ; inoccupation > 90 jours."),
        "glass": ("3000", "0", None), "natural_disasters": ("contents", "380", None),
        "valuables": ("8000", "150", "Bijoux hors coffre au-delà de 2 000 €."),
    },
    "rc_pro": {
        "operating_liability": ("5000000", "500", "Dommages intentionnels ; amiante."),
        "professional_liability": ("1500000", "1000", "Amendes ; engagements contractuels au-delà du droit commun."),
        "legal": ("20000", "0", None), "defence": ("30000", "0", None),
        "data_loss": ("50000", "500", None),
    },
    "multirisk": {
        "fire": ("contents", "500", None), "water_damage": ("contents", "500", None),
        "theft": ("contents", "750", "Vol par un préposé ; marchandises en vitrine la nuit."),
        "business_interruption": ("150000", "3 jours", None), "machinery": ("50000", "750", "Usure."),
        "operating_liability": ("3000000", "500", None),
    },
    "decennial": {
        "decennial": (None, "1500", "Activités non déclarées ; techniques non courantes."),
        "good_working_order": ("150000", "750", None),
        "operating_liability": ("3000000", "1000", None), "damage_during_works": ("200000", "1500", None),
    },
    "health": {
        "hospital": (None, "0", None), "routine_care": ("1500", "0", None), "optical": ("400", "0", None),
        "dental": ("1200", "0", "Implants au-delà du plafond."), "hearing": ("1700", "0", None),
    },
    "protection": {
        "death": ("300000", "0", "Suicide la première année."), "disability": ("300000", "0", None),
        "incapacity": ("80000", "90", None), "education_annuity": ("40000", "0", None),
    },
    "cyber": {
        "incident_response": ("250000", "2500", None), "data_restoration": ("250000", "2500", None),
        "business_interruption": ("500000", "12 heures", None),
        "cyber_liability": ("1000000", "5000", "Amendes administratives non assurables."),
        "ransom": ("100000", "10000", "Paiement sans accord préalable de l'assureur."),
    },
}

#: (insurer index, line, code, name, price factor, commission %, level, options)
PRODUCTS = [
    (0, "motor", "AUTO-ESS", "Auto Essentielle", "0.92", "12.00", "eco", ("assistance",)),
    (1, "motor", "AUTO-CONF", "Azur Auto Confort", "1.00", "14.00", "standard", ("driver",)),
    (2, "motor", "AUTO-PREM", "Garonne Auto Premium", "1.18", "13.00", "premium", ()),
    (0, "home", "MRH-LOC", "Habitation Locataire", "0.85", "18.00", "eco", ("valuables",)),
    (1, "home", "MRH-CONF", "Azur Habitation Confort", "1.00", "20.00", "standard", ("valuables",)),
    (2, "home", "MRH-PREM", "Garonne Habitation Premium", "1.22", "19.00", "premium", ()),
    (1, "rc_pro", "RCP-TPE", "Azur RC Pro TPE", "1.00", "16.00", "standard", ("data_loss",)),
    (2, "rc_pro", "RCP-CONS", "Garonne RC Pro Conseil", "1.12", "15.00", "premium", ()),
    (0, "rc_pro", "RCP-ART", "RC Pro Artisans & Commerçants", "0.90", "15.00", "eco", ("legal",)),
    (2, "multirisk", "MRP-COM", "Garonne Multirisque Commerce", "1.00", "17.00", "standard", ("machinery",)),
    (0, "multirisk", "MRP-BUR", "Multirisque Bureaux", "0.88", "16.00", "eco", ()),
    (4, "decennial", "DEC-ART", "Vauban Décennale Artisan", "1.00", "12.00", "standard", ("damage_during_works",)),
    (4, "decennial", "DEC-ENT", "Vauban Décennale Entreprise", "1.15", "11.00", "premium", ()),
    (2, "decennial", "DEC-BAT", "Garonne Bâtisseurs", "1.08", "12.50", "standard", ()),
    (3, "health", "SANTE-IND", "Hexa Santé Individuelle", "1.00", "15.00", "standard", ("hearing",)),
    (0, "health", "SANTE-FAM", "Santé Famille", "0.94", "14.00", "eco", ()),
    (3, "health", "SANTE-COL", "Hexa Santé Collective", "0.90", "8.00", "premium", ()),
    (3, "protection", "PREV-TNS", "Hexa Prévoyance TNS", "1.00", "12.00", "standard", ("education_annuity",)),
    (1, "protection", "PREV-COL", "Azur Prévoyance Collective", "0.95", "9.00", "standard", ()),
    (5, "cyber", "CYB-PME", "Rempart Cyber PME", "1.00", "15.00", "standard", ("ransom",)),
    (5, "cyber", "CYB-ESS", "Rempart Cyber Essentiel", "0.80", "15.00", "eco", ()),
    (1, "cyber", "CYB-AZ", "Azur Cyber Protect", "1.10", "14.00", "premium", ()),
]

LEVELS = {"eco": D("0.60"), "standard": D("1.00"), "premium": D("1.60")}

#: the sums insured that depend on the risk are shown as typical amounts
TYPICAL = {"vehicle": "25000", "contents": "40000"}

ELIGIBILITY = {
    "AUTO-ESS": [{"attribute": "driver_age", "op": "gte", "value": 21}],
    "AUTO-PREM": [{"attribute": "bonus_malus", "op": "lte", "value": "0.85"},
                  {"attribute": "claims_3y", "op": "lte", "value": 1}],
    "MRH-LOC": [{"attribute": "occupancy", "op": "eq", "value": "tenant"}],
    "RCP-CONS": [{"attribute": "turnover", "op": "lte", "value": "5000000"}],
    "RCP-ART": [{"attribute": "headcount", "op": "lte", "value": 20}],
    "MRP-BUR": [{"attribute": "premises", "op": "in", "value": ["office"]}],
    "DEC-ART": [{"attribute": "headcount", "op": "lte", "value": 10}],
    "DEC-ENT": [{"attribute": "years_in_business", "op": "gte", "value": 3}],
    "SANTE-COL": [{"attribute": "people_covered", "op": "gte", "value": 2}],
    "CYB-ESS": [{"attribute": "records_held", "op": "lt", "value": 100000}],
}

EXCLUDED_AT_ECO = {"all_risks", "driver", "valuables", "data_loss", "machinery", "education_annuity",
                   "ransom", "hearing", "damage_during_works"}


def _amount(value: str | None, level: str) -> Decimal | None:
    if value is None or not value[0].isdigit() or " " in value:
        return None
    return (D(TYPICAL.get(value, value)) * LEVELS[level]).quantize(D("1"))


def _deductible(value: str | None, level: str) -> Decimal | None:
    if value is None or not value.isdigit():
        return None
    factor = {"eco": D("1.50"), "standard": D("1.00"), "premium": D("0.50")}[level]
    return (D(value) * factor).quantize(D("1"))


def _guarantees(line: str, level: str, options: tuple[str, ...]) -> list[Guarantee]:
    guarantees = []
    for position, (code, (ceiling, deductible, exclusions)) in enumerate(GUARANTEES[line].items()):
        is_option = code in options
        if level == "eco" and code in EXCLUDED_AT_ECO and not is_option:
            continue
        guarantees.append(Guarantee(
            code=code, label=str(_label(line, code)), ceiling=_amount(TYPICAL.get(ceiling, ceiling), level),
            deductible=_deductible(deductible, level), exclusions=exclusions, is_option=is_option,
            option_premium=D("45.00") if is_option else None, position=position,
        ))
    return guarantees


def _label(line: str, code: str):
    from app.catalog.lines import line_definition

    return line_definition(line).guarantee_label(code)


def add_panel(session) -> list[Product]:
    """Insert the demo insurers, agreements and products; return the products."""
    insurers = []
    for data in INSURERS:
        data = dict(data)
        name, role, email = data.pop("contact")
        insurer = Insurer(**data)
        insurer.contacts.append(InsurerContact(name=name, role=role, email=email))
        insurer.agreements.append(CommissionAgreement(
            line=None, new_business_rate=D("15.00"), renewal_rate=D("12.00"),
            starts_on=date(2024, 1, 1), reference=f"PROT-{data['siren'][:4]}",
        ))
        session.add(insurer)
        insurers.append(insurer)
    products = []
    for index, line, code, name, factor, commission, level, options in PRODUCTS:
        product = Product(
            insurer=insurers[index], line=line, code=code, name=name, commission_rate=D(commission),
            description=f"{name} — formule {dict(eco='essentielle', standard='confort', premium='premium')[level]}.",
            payment_options=["annual", "half_yearly", "quarterly", "monthly"] if level != "eco"
            else ["annual", "monthly"],
            eligibility=ELIGIBILITY.get(code, []), tariff=TARIFFS[line](factor),
        )
        product.guarantees.extend(_guarantees(line, level, options))
        session.add(product)
        products.append(product)
    session.flush()
    return products
