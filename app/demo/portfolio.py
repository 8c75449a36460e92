"""The demo firm's clients: 60 fictional people and businesses (Faker fr_FR,
seeded, so every `make run` shows the same portfolio), with their timeline,
tasks, AML records and needs analyses.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from faker import Faker

from app.crm import services as clients
from app.crm.rules import normalise
from app.crm.models import Contact, Interaction, Task
from app.quotes.models import NeedsAnalysis

INDIVIDUALS = 35
BUSINESSES = 25
SEED = 2026

#: (activity, NAF code, legal forms, lines it needs)
ACTIVITIES = [
    ("Expertise comptable", "69.20Z", ("SARL", "SAS"), ("rc_pro", "cyber", "multirisk")),
    ("Conseil en systèmes informatiques", "62.02A", ("SAS", "SASU"), ("rc_pro", "cyber")),
    ("Boulangerie-pâtisserie", "10.71C", ("SARL", "EURL"), ("multirisk", "protection")),
    ("Travaux de maçonnerie générale", "43.99C", ("SARL", "SAS"), ("decennial", "rc_pro")),
    ("Travaux d'installation électrique", "43.21A", ("EURL", "SARL"), ("decennial",)),
    ("Restauration traditionnelle", "56.10A", ("SARL", "SAS"), ("multirisk", "health")),
    ("Cabinet d'architecture", "71.11Z", ("SARL", "SELARL"), ("rc_pro", "cyber")),
    ("Commerce de détail d'optique", "47.78A", ("SAS", "SARL"), ("multirisk", "rc_pro")),
    ("Transports routiers de fret", "49.41B", ("SAS",), ("motor", "protection")),
    ("Travaux de plomberie et chauffage", "43.22A", ("EURL", "SARL"), ("decennial", "motor")),
]

INTERACTIONS = [
    ("call", "in", "Question sur l'attestation d'assurance", "Le client demande une attestation pour son bailleur.",
     "Attestation envoyée par email le jour même."),
    ("call", "out", "Point annuel sur les contrats", "Revue des garanties et des besoins de l'année.",
     "Le client souhaite une étude sur la prévoyance."),
    ("email", "in", "Demande de devis", "Le client demande un devis pour un nouveau véhicule.",
     "Recueil des besoins ouvert, pièces demandées."),
    ("visit", "in", "Rendez-vous au cabinet", "Présentation de l'activité et des locaux.",
     "Visite des locaux prévue, relevé d'information à fournir."),
    ("letter", "out", "Envoi des conditions générales", None, "Conditions générales envoyées par courrier."),
    ("email", "out", "Relance pièces manquantes", "Kbis de moins de 3 mois et relevé de sinistres.",
     "Le client s'engage à les envoyer cette semaine."),
]

#: a plausible yearly budget by line (EUR), before the client's own variation
BUDGETS = {"motor": 700, "home": 350, "rc_pro": 2500, "multirisk": 1800, "decennial": 4500, "health": 1600,
           "protection": 2500, "cyber": 2200}

TASKS = ["Rappeler pour le relevé d'information", "Préparer le comparatif", "Envoyer le document de conseil",
         "Vérifier le Kbis", "Point téléphonique de suivi"]


def _rng_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days))


def _individual(fake: Faker, rng: random.Random) -> dict:
    female = rng.random() < 0.5
    return {
        "kind": "individual", "civility": "mrs" if female else "mr",
        "first_name": fake.first_name_female() if female else fake.first_name_male(),
        "last_name": fake.last_name(),
        "birth_date": _rng_date(rng, date(1945, 1, 1), date(2004, 12, 31)),
        "profession": fake.job()[:150],
        "family_status": rng.choice(["single", "married", "civil_partnership", "cohabiting", "divorced"]),
        "email": None, "phone": fake.phone_number(), "address_line1": fake.street_address(),
        "postal_code": fake.postcode(), "city": fake.city(), "country": "FR",
    }


def _business(fake: Faker, rng: random.Random) -> tuple[dict, tuple]:
    activity, naf, forms, lines = rng.choice(ACTIVITIES)
    siret = fake.siret().replace(" ", "")
    values = {
        "kind": "business", "legal_name": f"{fake.last_name()} {activity.split()[0]}"[:250],
        "legal_form": rng.choice(forms), "siren": siret[:9], "siret": siret, "naf_code": naf,
        "turnover": Decimal(rng.randrange(80, 4000)) * 1000, "headcount": rng.choice([0, 1, 2, 4, 7, 12, 25, 48]),
        "email": None, "phone": fake.phone_number(), "address_line1": fake.street_address(),
        "postal_code": fake.postcode(), "city": fake.city(), "country": "FR",
    }
    return values, (activity, lines)


def _email(values: dict) -> str:
    name = values.get("legal_name") or f"{values['first_name']}.{values['last_name']}"
    local = "".join(c for c in normalise(name).replace(" ", ".") if c.isalnum() or c == ".")
    return f"{local}@exemple.fr"


def _risk(line: str, values: dict, rng: random.Random) -> dict:
    turnover = str(values.get("turnover") or Decimal(250000))
    headcount = values.get("headcount") or 0
    return {
        "motor": {"vehicle": rng.choice(["Peugeot 308", "Renault Clio V", "Toyota Yaris", "Tesla Model 3"]),
                  "first_registration": str(_rng_date(rng, date(2015, 1, 1), date(2025, 6, 1))),
                  "vehicle_value": str(rng.randrange(9, 45) * 1000), "use": rng.choice(["private", "commute"]),
                  "parking": rng.choice(["garage", "street", "car_park"]), "driver_age": rng.randrange(22, 75),
                  "licence_date": str(_rng_date(rng, date(1985, 1, 1), date(2021, 1, 1))),
                  "bonus_malus": rng.choice(["0.50", "0.64", "0.76", "0.90", "1.00"]), "claims_3y": rng.choice([0, 0, 1])},
        "home": {"occupancy": rng.choice(["owner", "tenant"]), "dwelling": rng.choice(["flat", "house"]),
                 "surface": rng.randrange(28, 180), "rooms": rng.randrange(1, 7),
                 "contents_value": str(rng.randrange(10, 80) * 1000), "security": rng.choice(["none", "armoured_door"]),
                 "postal_code": values.get("postal_code")},
        "rc_pro": {"activity": values.get("_activity", "Conseil"), "turnover": turnover, "headcount": headcount,
                   "premises": "office", "claims_3y": rng.choice([0, 0, 1])},
        "multirisk": {"activity": values.get("_activity", "Commerce"), "turnover": turnover, "headcount": headcount,
                      "premises": rng.choice(["office", "shop", "workshop"]), "premises_surface": rng.randrange(40, 600),
                      "contents_value": str(rng.randrange(20, 300) * 1000)},
        "decennial": {"trades": rng.choice(["masonry", "electricity", "plumbing", "general"]), "turnover": turnover,
                      "headcount": headcount, "years_in_business": rng.randrange(1, 25), "subcontracting_share": 10},
        "health": {"people_covered": rng.randrange(1, 5), "oldest_age": rng.randrange(25, 70),
                   "level_wanted": rng.choice(["2", "3"])},
        "protection": {"people_covered": max(headcount, 1), "average_age": rng.randrange(28, 52),
                       "payroll": str(max(headcount, 1) * 38000)},
        "cyber": {"turnover": turnover, "records_held": rng.choice([800, 5000, 40000]), "headcount": headcount,
                  "backups": rng.random() < 0.6},
    }[line]


def _wanted(line: str) -> list[dict]:
    from app.catalog.lines import line_definition

    return [{"code": g.code, "ceiling": None, "deductible": None} for g in line_definition(line).guarantees[:3]]


def add_portfolio(session, actor, staff: list) -> list:
    """Create the demo clients with their timeline, tasks and needs analyses."""
    fake, rng = Faker("fr_FR"), random.Random(SEED)
    fake.seed_instance(SEED)
    handlers = [user for user in staff if user.role in ("admin", "handler", "manager")] or staff
    created = []
    for index in range(INDIVIDUALS + BUSINESSES):
        if index < INDIVIDUALS:
            values, activity, lines = _individual(fake, rng), None, rng.choice([("motor",), ("home",), ("health",)])
        else:
            values, (activity, lines) = _business(fake, rng)
        values["email"] = _email(values)
        values["status"] = "customer" if rng.random() < 0.55 else "prospect"
        handler = rng.choice(handlers)
        client = clients.create(session, actor, values, handler_id=handler.id)
        _enrich(session, client, handler, rng, fake, activity)
        line = lines[0]
        needs = NeedsAnalysis(client_id=client.id, line=line, handler_id=handler.id,
                              risk=_risk(line, values | {"_activity": activity}, rng), wanted=_wanted(line),
                              budget=Decimal(BUDGETS[line]) * rng.choice([Decimal("0.8"), 1, Decimal("1.3")]),
                              wanted_effective_date=date(2027, 1, 1),
                              notes="Étude demandée lors du dernier échange.")
        session.add(needs)
        created.append((client, needs))
    session.flush()
    _compare_and_recommend(session, actor, [needs for _client, needs in created], rng)
    return [client for client, _needs in created]


def _compare_and_recommend(session, actor, analyses: list[NeedsAnalysis], rng: random.Random) -> None:
    """Two needs analyses in three are compared; half of those carry the
    handler's recommendation of the best-fitting offer."""
    from app.quotes.comparison import compare
    from app.quotes.decisions import recommend

    for index, needs in enumerate(analyses):
        if index % 3 == 0:
            continue
        offers = compare(session, actor, needs)
        session.flush()
        if offers and rng.random() < 0.5:
            best = max(offers, key=lambda offer: (offer.fit_score, -offer.total))
            recommend(session, actor, needs, best, version=needs.version, reasons=(
                "Meilleure adéquation aux garanties demandées, plafonds conformes aux souhaits du client "
                "et prime dans le budget annoncé."))


def _enrich(session, client, handler, rng: random.Random, fake: Faker, activity: str | None) -> None:
    client.aml_risk = rng.choices(["low", "medium", "high"], weights=[80, 17, 3])[0]
    client.aml_reason = {"low": "Client résident, revenus connus, opérations courantes.",
                         "medium": "Paiements en provenance d'un compte tiers.",
                         "high": "Personne politiquement exposée : vigilance renforcée."}[client.aml_risk]
    client.aml_checks = "Pièce d'identité vérifiée ; justificatif de domicile ; consultation des listes de gel."
    client.aml_checked_on = _rng_date(rng, date(2025, 1, 1), date(2026, 11, 1))
    client.marketing_consent = rng.random() < 0.4
    client.marketing_consent_on = client.aml_checked_on if client.marketing_consent else None
    if client.is_business:
        client.contacts.append(Contact(civility="mrs", first_name=fake.first_name_female(), last_name=fake.last_name(),
                                       role="Gérante", email=f"direction.{client.id}@exemple.fr",
                                       phone=fake.phone_number(), is_primary=True))
        client.contacts.append(Contact(civility="mr", first_name=fake.first_name_male(), last_name=fake.last_name(),
                                       role="Responsable administratif et financier", phone=fake.phone_number()))
        client.notes = f"Activité : {activity}."
    for kind, direction, subject, asked, answered in rng.sample(INTERACTIONS, rng.randrange(1, 4)):
        when = datetime.combine(_rng_date(rng, date(2026, 1, 5), date(2026, 11, 20)), time(rng.randrange(8, 18), 30),
                                tzinfo=UTC)
        session.add(Interaction(client_id=client.id, kind=kind, direction=direction, occurred_at=when,
                                subject=subject, asked=asked, answered=answered, author_id=handler.id))
    if rng.random() < 0.4:
        session.add(Task(client_id=client.id, title=rng.choice(TASKS), assignee_id=handler.id,
                         created_by_id=handler.id, due_on=_rng_date(rng, date(2026, 11, 15), date(2026, 12, 31))))
