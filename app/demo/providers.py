"""The demo firm's network of providers: loss adjusters for motor, home and
construction claims, a garage, craftsmen and a lawyer, around Paris, Lyon,
Nantes and Corsica. Names, addresses and SIRENs are invented (the SIRENs
pass the Luhn check); emails use the reserved ``.example`` domain."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.providers import services
from app.providers.models import Provider

PROVIDERS = [
    dict(kind="expert", name="Cabinet Delorme Expertises", contact_name="Thierry Delorme",
         email="missions@delorme-expertises.example", phone="01 45 22 18 90",
         address="27 rue de Rome\n75008 Paris", siren="812345676", specialties=["home", "multirisk"],
         areas="75, 77, 78, 91, 92, 93, 94, 95",
         notes="Dégâts des eaux et incendie ; rapport sous 10 jours ouvrés en moyenne."),
    dict(kind="expert", name="Rhône Auto Expertise", contact_name="Nadia Benali",
         email="nadia.benali@rhone-auto-expertise.example", phone="04 78 60 33 12",
         address="14 avenue Berthelot\n69007 Lyon", siren="792456188", specialties=["motor"],
         areas="01, 38, 42, 69, 71", notes="Expertises à distance sur photos pour les petits chocs."),
    dict(kind="expert", name="Atlantique Bâtiment Conseil", contact_name="Yann Le Goff",
         email="contact@atlantique-batiment.example", phone="02 40 35 77 41",
         address="5 boulevard Guist'hau\n44000 Nantes", siren="503128746",
         specialties=["home", "decennial", "multirisk"], areas="22, 29, 35, 44, 49, 56, 85"),
    dict(kind="expert", name="Expertises Corses Associées", contact_name="Paul-Antoine Santoni",
         email="missions@expertises-corses.example", phone="04 95 21 40 08",
         address="3 cours Napoléon\n20000 Ajaccio", siren="421987363", specialties=["home", "motor"],
         areas="2A, 2B"),
    dict(kind="garage", name="Garage du Parc — carrosserie agréée", contact_name="Didier Marchand",
         email="atelier@garage-du-parc.example", phone="01 46 42 10 10",
         address="88 avenue du Général-Leclerc\n92100 Boulogne-Billancourt", siren="833071525",
         specialties=["bodywork", "mechanics", "glazing"], areas="92, 75"),
    dict(kind="craftsman", name="Plomberie Vasseur", contact_name="Julie Vasseur",
         email="julie@plomberie-vasseur.example", phone="06 12 48 70 33",
         address="9 rue des Tanneurs\n69005 Lyon", siren="388441206",
         specialties=["plumbing", "leak_detection", "drying"], areas="69"),
    dict(kind="lawyer", name="Maître Hélène Carpentier", contact_name="Hélène Carpentier",
         email="cabinet@carpentier-avocat.example", phone="01 53 40 92 00",
         address="41 boulevard Haussmann\n75009 Paris", siren="901112334",
         specialties=["insurance_law", "personal_injury_law"], areas="75, 92, 93, 94",
         notes="Barreau de Paris ; convention d'honoraires au forfait pour la médiation."),
]


def add_providers(session: Session, admin) -> int:
    """Give the demo firm its network once; return how many providers were added."""
    if session.scalar(select(Provider.id).limit(1)) is not None:
        return 0
    for values in PROVIDERS:
        services.create(session, admin, values)
    session.commit()
    return len(PROVIDERS)
