"""The demo's claims on individuals' contracts (motor, home, health), as
stories: what happened, how it was declared, and how far its handling
went (see :mod:`app.demo.claims`). The French texts are written as a
handler would have taken them down; places are real French streets, people
and companies are invented."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Story:
    """One claim as it happened. ``ago``: days between its declaration and
    today; ``occurred``: days between the loss and its declaration. The
    contract is one of ``line`` holding the guarantees ``needs`` and none of
    ``lacks`` (of a client of NAF code ``naf`` when there is one; the portal
    account's own when ``portal``). Damage items are (category, label,
    claimed, expert's, agreed) amounts; payments (payee, share of what
    remains: "all" or a fraction, method), the payee being "insured", a
    provider's name or "third:<name>"."""

    key: str
    line: str
    kind: str
    channel: str
    ago: int
    until: str
    place: str
    text: str
    handler: str | None = None
    unassigned: bool = False
    occurred: int = 1
    hour: str = "14:30"
    details: dict = field(default_factory=dict)
    needs: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()
    naf: str | None = None
    portal: bool = False
    reserve: str | None = None
    guarantee: str | None = None
    cover: dict | None = None
    override: tuple[str, str] | None = None
    expert: dict | None = None
    liability: tuple | None = None
    decision: tuple[str, str | None] = ("accepted", None)
    damages: tuple = ()
    payments: tuple = ()
    close: tuple[str, str | None] = ("settled", None)
    letters: tuple[str, ...] = ()
    messages: tuple[tuple[str, str], ...] = ()
    special: str | None = None


def report(cause: str, amount: str | None, opinion: int | None, conclusions: str) -> dict:
    return {"cause": cause, "assessed_amount": amount, "liability_opinion": opinion, "conclusions": conclusions}


PERSONAL = (
    # --- motor --------------------------------------------------------------------------------------------
    Story("motor_litigation", "motor", "collision", "phone", 236, "damages", handler="julien", occurred=2,
          hour="08:10", needs=("all_risks",), reserve="9500",
          place="Carrefour du cours Émile-Zola et de la rue Francis-de-Pressensé, 69100 Villeurbanne",
          text="Collision au carrefour à feux avec une Renault Clio. Chacun soutient être passé au vert, pas de "
               "témoin. La conductrice adverse se plaint de douleurs cervicales et a été examinée aux urgences "
               "de l'hôpital Édouard-Herriot. Avant droit du véhicule de l'assuré enfoncé, constat amiable "
               "signé mais case « feu » laissée vide des deux côtés.",
          details={"third_party_name": "Mme Laure Perrin", "third_party_insurer": "Mutuelle des Pays de Saône",
                   "third_party_registration": "FR-318-KD", "police_report": "yes",
                   "police_station": "Commissariat de Villeurbanne", "police_report_number": "PV 2026/01842",
                   "injured": "yes", "injured_details": "La conductrice adverse : entorse cervicale, ITT de 8 jours.",
                   "vehicle_registration": "GH-205-TR", "vehicle_drivable": "no"},
          expert={"name": "Rhône Auto Expertise", "appointment": True,
                  "report": report("Choc frontal latéral au carrefour, vitesse modérée des deux véhicules.",
                                    "6840.00", 50,
                                    "Réparation économiquement justifiée (valeur à dire d'expert 14 500 €). "
                                    "Les déclarations contradictoires ne permettent pas d'établir qui a franchi "
                                    "le feu rouge : partage par moitié.")},
          liability=("44", "A", None, ""),
          damages=(("material", "Réparation du véhicule de l'assuré (avant droit, radiateur)", "7120.00", "6840.00",
                    None),
                   ("bodily", "Préjudice corporel de la conductrice adverse (réclamé par son avocat)", "18000.00",
                    None, None),
                   ("consequential", "Frais de véhicule de location pendant l'immobilisation", "620.00", "480.00",
                    None)),
          special="litigation"),
    Story("motor_reopened", "motor", "collision", "phone", 171, "closed", handler="karim", hour="17:45",
          needs=("all_risks",), reserve="3000",
          place="Angle de la rue Garibaldi et de la rue Servient, 69003 Lyon",
          text="L'assuré venait de la rue Servient et n'a pas laissé la priorité à droite à une camionnette de "
               "livraison. Choc sur l'aile avant gauche, constat amiable signé sur place, pas de blessé.",
          details={"third_party_name": "Transports Express Rhodaniens", "third_party_insurer": "Garonne IARD",
                   "third_party_registration": "EX-902-LB", "police_report": "no", "injured": "no",
                   "vehicle_registration": "FK-611-PA", "vehicle_drivable": "yes"},
          expert={"name": "Rhône Auto Expertise", "appointment": True,
                  "report": report("Défaut de priorité à droite de l'assuré (cas IRSA 40).", "2460.00", 100,
                                    "Aile, optique et pare-chocs avant gauche à remplacer ; pas de dommage "
                                    "structurel visible.")},
          liability=("40", "A", None, ""),
          damages=(("material", "Réparation de l'aile et de l'optique avant gauche", "2680.00", "2460.00",
                    "2460.00"),),
          payments=(("insured", "all", "transfer"),), special="reopen_in_progress"),
    Story("motor_glass_closed", "motor", "glass", "email", 203, "closed", handler="sophie", hour="07:50",
          needs=("glass",), reserve="700",
          place="Autoroute A6, aire de Venoy, 89290 Venoy",
          text="Gravillon projeté par un poids lourd sur l'A6 : impact au milieu du pare-brise devenu une fissure "
               "de 30 cm le lendemain matin. Pare-brise remplacé par un centre de vitrage à Auxerre.",
          details={"police_report": "no", "injured": "no", "vehicle_registration": "EZ-477-RS",
                   "vehicle_drivable": "yes"},
          damages=(("material", "Remplacement du pare-brise avec capteur de pluie (facture)", "684.00", None,
                    "684.00"),),
          payments=(("insured", "all", "transfer"),)),
    Story("motor_storm_no_cover", "motor", "natural_event", "phone", 108, "closed", handler="karim",
          hour="22:15", lacks=("all_risks",), reserve=None,
          place="Rue des Lilas, 44300 Nantes",
          text="Nuit de tempête : une grosse branche du platane de la rue est tombée sur le capot et le pare-brise "
               "du véhicule garé devant le domicile. Capot enfoncé, pare-brise éclaté.",
          details={"police_report": "no", "injured": "no", "vehicle_registration": "DV-146-CN",
                   "vehicle_drivable": "no"},
          decision=("refused", "Garantie dommages tous accidents non souscrite : le contrat ne couvre ni les "
                               "événements climatiques ni les dommages au véhicule hors bris de glace."),
          letters=("claim_cover_refusal",), close=("no_cover", "Refus de l'assureur, courrier de refus envoyé ; "
                                                              "la ville de Nantes a été sollicitée pour l'arbre.")),
    Story("motor_mirror_below", "motor", "other", "letter", 127, "closed", handler="sophie", occurred=9,
          needs=("all_risks",), reserve="300",
          place="Parking de la gare, place de la Gare, 37000 Tours",
          text="Rétroviseur extérieur droit arraché pendant la nuit sur le parking de la gare, sans tiers "
               "identifié. L'assuré ne s'en est aperçu qu'à son retour de déplacement.",
          details={"police_report": "no", "injured": "no", "vehicle_registration": "GA-318-HT",
                   "vehicle_drivable": "yes"},
          damages=(("material", "Rétroviseur extérieur droit (devis du garage)", "190.00", None, None),),
          close=("below_deductible", "Devis de 190 € inférieur à la franchise dommages : rien à indemniser."),
          special="below_deductible"),
    Story("motor_recourse", "motor", "collision", "phone", 81, "paid", handler="sophie", hour="18:20",
          needs=("all_risks",), reserve="4000",
          place="Avenue du Général-Leclerc, 92100 Boulogne-Billancourt",
          text="À l'arrêt au feu rouge, l'assuré a été percuté à l'arrière par un utilitaire. Le conducteur "
               "adverse reconnaît son inattention, constat amiable signé sans réserve.",
          details={"third_party_name": "M. Olivier Garnier",
                   "third_party_insurer": "Assurances Mutuelles d'Île-de-France", "third_party_policy": "AMIF-772-0193",
                   "third_party_registration": "FV-552-QN", "police_report": "no", "injured": "no",
                   "vehicle_registration": "GD-740-MC", "vehicle_drivable": "yes"},
          expert={"name": "Rhône Auto Expertise", "appointment": False,
                  "instructions": "Expertise à distance sur les photos et le devis du Garage du Parc, où le "
                                  "véhicule est immobilisé.",
                  "report": report("Choc arrière par un tiers à l'arrêt (cas IRSA 10) : l'assuré n'est pas "
                                    "responsable.", "3385.00", 0,
                                    "Bouclier, hayon et feu arrière gauche à remplacer ; devis du garage "
                                    "conforme.")},
          liability=("10", "B", None, ""),
          damages=(("material", "Bouclier arrière, hayon et feu arrière gauche (Garage du Parc)", "3520.00",
                    "3385.00", "3385.00"),),
          payments=(("Garage du Parc — carrosserie agréée", "all", "transfer"),), special="recourse"),
    Story("motor_vandalism_partial", "motor", "other", "email", 62, "agreed", handler="karim",
          needs=("all_risks",), reserve="1500",
          place="Rue Saint-Ferréol, 13001 Marseille",
          text="Véhicule rayé sur tout le côté droit pendant la nuit, dans la rue. Plainte déposée le lendemain "
               "matin. Le pare-chocs arrière porte aussi un choc.",
          details={"police_report": "yes", "police_station": "Commissariat de Marseille 1er",
                   "police_report_number": "2026/13-0457", "injured": "no", "vehicle_registration": "FP-903-ZE",
                   "vehicle_drivable": "yes"},
          override=("partial", "Les rayures du côté droit relèvent de l'acte de vandalisme déclaré ; le choc du "
                               "pare-chocs arrière est ancien (visible sur les photos de souscription) et reste "
                               "à la charge de l'assuré."),
          damages=(("material", "Peinture des deux portières et de l'aile arrière droites", "1380.00", None,
                    "1380.00"),
                   ("material", "Pare-chocs arrière (dommage antérieur, non retenu)", "520.00", None, "0.00"))),
    Story("motor_corsica", "motor", "collision", "phone", 54, "agreed", handler="sophie", hour="11:40",
          needs=("all_risks",), reserve="2500",
          place="Route des Sanguinaires, 20000 Ajaccio",
          text="En sortie de rond-point, deux véhicules ont changé de file en même temps : accrochage latéral. "
               "Constat amiable signé, chacun pense avoir été dans son droit.",
          details={"third_party_name": "Mme Marie-Josée Ferracci", "third_party_insurer": "Garonne IARD",
                   "third_party_registration": "GS-240-AJ", "police_report": "no", "injured": "no",
                   "vehicle_registration": "GB-188-CR", "vehicle_drivable": "yes"},
          expert={"name": "Expertises Corses Associées", "appointment": True,
                  "report": report("Changement de file simultané (cas IRSA 15).", "2210.00", 50,
                                    "Portières avant et arrière gauches à redresser et peindre.")},
          liability=("15", "A", None, ""),
          damages=(("material", "Portières gauches : redressage et peinture", "2350.00", "2210.00", "2210.00"),)),
    Story("motor_glass_api", "motor", "glass", "phone", 34, "paid", handler="karim", needs=("glass",),
          naf=None, reserve="900",
          place="Boulevard périphérique, porte de Bagnolet, 75020 Paris",
          text="Impact de gravillon sur le pare-brise, fissure qui s'est étendue sur toute la largeur. Pare-brise "
               "remplacé le surlendemain.",
          details={"police_report": "no", "injured": "no", "vehicle_registration": "GF-820-LN",
                   "vehicle_drivable": "yes"},
          damages=(("material", "Remplacement du pare-brise et recalibrage de la caméra", "846.00", None,
                    "846.00"),),
          payments=(("insured", "all", "transfer"),), special="insurer_api"),
    Story("motor_theft", "motor", "theft", "phone", 12, "acknowledged", handler="sophie", occurred=1,
          hour="06:30", needs=("theft_fire",), reserve="14000",
          place="Résidence Les Cèdres, 31 avenue de Lattre-de-Tassigny, 06400 Cannes",
          text="Véhicule volé dans le parking souterrain de la résidence pendant la nuit ; porte du parking "
               "forcée. Plainte déposée le matin même, les deux clés sont en possession de l'assuré.",
          details={"police_report": "yes", "police_station": "Commissariat de Cannes",
                   "police_report_number": "2026/06-11873", "injured": "no", "vehicle_registration": "GC-452-NV",
                   "vehicle_drivable": "no"}),
    Story("motor_parking_new", "motor", "collision", "phone", 5, "declared", handler="karim", hour="12:50",
          place="Parking du centre commercial Carré Sénart, 77127 Lieusaint",
          text="En marche arrière pour sortir d'une place, l'assuré a heurté un véhicule qui circulait dans "
               "l'allée. Pare-chocs arrière abîmé des deux côtés, constat signé.",
          details={"third_party_name": "M. Kevin Lopes", "third_party_insurer": "Atlantique Mutuelle",
                   "third_party_registration": "GE-716-PS", "police_report": "no", "injured": "no",
                   "vehicle_registration": "FS-120-BD", "vehicle_drivable": "yes"}),
    Story("motor_glass_new", "motor", "glass", "email", 3, "declared", unassigned=True, needs=("glass",),
          place="Rue de la République, 84000 Avignon",
          text="Vitre latérale arrière brisée pour voler un sac laissé sur la banquette. Plainte en ligne "
               "déposée.",
          details={"police_report": "yes", "police_station": "Commissariat d'Avignon (pré-plainte en ligne)",
                   "injured": "no", "vehicle_registration": "EY-309-KA", "vehicle_drivable": "yes"}),
    Story("motor_roundabout_new", "motor", "collision", "letter", 2, "declared", handler="sophie",
          needs=("all_risks",), occurred=6,
          place="Rond-point de l'Europe, 51100 Reims",
          text="En entrant dans le giratoire, l'assuré a heurté un véhicule qui y circulait déjà. Dommages légers "
               "à l'avant. Déclaration reçue par courrier avec le constat.",
          details={"third_party_name": "Mme Sandrine Collet", "third_party_insurer": "Azur Assurances",
                   "third_party_registration": "GK-058-RS", "police_report": "no", "injured": "no",
                   "vehicle_registration": "FN-884-EL", "vehicle_drivable": "yes"}),
    # --- home ---------------------------------------------------------------------------------------------
    Story("home_mediation", "home", "water_damage", "phone", 214, "paid", handler="sophie", hour="08:40",
          needs=("water_damage",), reserve="9000",
          place="42 rue de la Roquette, 75011 Paris",
          text="Rupture du flexible d'alimentation du lave-vaisselle pendant un week-end d'absence. Eau dans la "
               "cuisine et le séjour, parquet en chêne gondolé sur 35 m², plinthes et bas des meubles de "
               "cuisine gonflés, plafond du voisin du dessous taché.",
          details={"third_party_name": "M. et Mme Aubert (appartement du 3e étage)", "police_report": "no",
                   "injured": "no", "damaged_goods": "Parquet du séjour, cuisine équipée, plafond du voisin",
                   "estimated_amount": "12000"},
          expert={"name": "Cabinet Delorme Expertises", "appointment": True,
                  "report": report("Rupture du flexible d'alimentation du lave-vaisselle (usure), sinistre "
                                    "accidentel.", "7650.00", None,
                                    "Parquet posé en 2009 : vétusté de 40 % appliquée. Meubles bas de cuisine "
                                    "à remplacer, embellissements du voisin à reprendre.")},
          damages=(("material", "Parquet chêne du séjour (35 m²), dépose et repose", "7900.00", "4740.00",
                    "4740.00"),
                   ("material", "Meubles bas de cuisine et plinthes", "2600.00", "2150.00", "2150.00"),
                   ("material", "Plafond du voisin du dessous (peinture)", "760.00", "760.00", "760.00")),
          payments=(("insured", "0.6", "transfer"),), special="mediation"),
    Story("home_plumber_reopened", "home", "water_damage", "phone", 153, "closed", handler="karim",
          needs=("water_damage",), reserve="2500",
          place="14 rue Paul-Bert, 69003 Lyon",
          text="Infiltration au plafond de la salle de bains venant de l'appartement du dessus (joint de douche "
               "défectueux). Recherche de fuite faite par Plomberie Vasseur à la demande de l'assuré.",
          details={"third_party_name": "M. Hugo Marchetti (4e étage)", "police_report": "no", "injured": "no",
                   "damaged_goods": "Plafond et peinture de la salle de bains", "estimated_amount": "1900"},
          damages=(("material", "Recherche de fuite (Plomberie Vasseur)", "380.00", None, "380.00"),
                   ("material", "Reprise du plafond et peinture de la salle de bains", "1520.00", None,
                    "1450.00")),
          payments=(("Plomberie Vasseur", "0.3", "transfer"), ("insured", "all", "transfer")),
          special="reopen_closed"),
    Story("home_break_in_override", "home", "break_in", "phone", 139, "closed", handler="sophie", hour="19:30",
          needs=("theft",), reserve="1800",
          place="7 allée des Tilleuls, 44240 La Chapelle-sur-Erdre",
          text="Cambriolage en fin d'après-midi : porte d'entrée fracturée, tiroirs vidés. Volés : 120 € en "
               "espèces et une tablette. Plainte déposée le soir même.",
          details={"police_report": "yes", "police_station": "Gendarmerie de La Chapelle-sur-Erdre",
                   "police_report_number": "2026/44-3391", "injured": "no",
                   "damaged_goods": "Espèces volées", "estimated_amount": "120"},
          override=("covered", "Le montant déclaré ne compte que les espèces : la porte fracturée (devis de "
                               "1 240 €) et la tablette volée relèvent aussi de la garantie vol, le sinistre "
                               "dépasse largement la franchise."),
          damages=(("material", "Porte d'entrée fracturée : remplacement (devis du menuisier)", "1240.00", None,
                    "1240.00"),
                   ("material", "Tablette volée (facture d'achat)", "429.00", None, "390.00"),
                   ("material", "Espèces", "120.00", None, "0.00")),
          payments=(("insured", "all", "transfer"),)),
    Story("home_scooter_liability", "home", "liability", "email", 118, "closed", handler="karim",
          needs=("civil_liability",), reserve="800",
          place="Rue Nationale, 59800 Lille",
          text="Le fils de l'assuré (14 ans) a perdu le contrôle de sa trottinette et rayé la portière d'un "
               "véhicule en stationnement. Le propriétaire demande la prise en charge de la réparation.",
          details={"third_party_name": "M. Bertrand Lefebvre", "third_party_insurer": "Atlantique Mutuelle",
                   "police_report": "no", "injured": "no", "damaged_goods": "Portière avant gauche du tiers",
                   "estimated_amount": "640"},
          liability=(None, None, "100", "Le fils de l'assuré reconnaît avoir heurté le véhicule en "
                                        "stationnement."),
          damages=(("material", "Portière avant gauche du véhicule du tiers (facture)", "640.00", None,
                    "612.00"),),
          payments=(("third:M. Bertrand Lefebvre", "all", "cheque"),)),
    Story("home_portal_glass", "home", "glass", "portal", 97, "closed", portal=True, needs=("glass",),
          place="Domicile de l'assuré",
          text="Un ballon a cassé la grande vitre du séjour. J'ai fait poser un panneau provisoire, le vitrier "
               "passe la semaine prochaine.",
          details={"police_report": "no", "injured": "no", "damaged_goods": "Vitre du séjour",
                   "estimated_amount": "480"},
          damages=(("material", "Remplacement du double vitrage du séjour (facture du vitrier)", "512.00", None,
                    "512.00"),),
          payments=(("insured", "all", "transfer"),),
          messages=(("client", "Voici la facture du vitrier, la vitre est posée depuis hier."),
                    ("firm", "Merci, la facture est transmise à l'assureur. Le remboursement suivra par virement."))),
    Story("home_withdrawn", "home", "water_damage", "phone", 88, "closed", handler="sophie",
          needs=("water_damage",), reserve="1200",
          place="27 cours Vitton, 69006 Lyon",
          text="Traces d'humidité au bas du mur de la cuisine, le long de la colonne d'eau de l'immeuble.",
          details={"police_report": "no", "injured": "no", "damaged_goods": "Mur et placard de la cuisine",
                   "estimated_amount": "900"},
          close=("withdrawn", "L'assuré retire sa déclaration : la fuite vient de la colonne d'eau commune, "
                              "réparée et prise en charge par l'assurance de l'immeuble."),
          special="withdrawn"),
    Story("home_fire_late_expert", "home", "fire", "phone", 41, "decided", handler="karim", hour="20:05",
          needs=("fire",), reserve="15000",
          place="Chemin de la Pietrina, 20090 Ajaccio",
          text="Feu de friteuse dans la cuisine : hotte, meubles hauts et plafond noircis, fumée dans tout le "
               "rez-de-chaussée. Les pompiers sont intervenus, personne n'a été blessé.",
          details={"police_report": "no", "injured": "no",
                   "damaged_goods": "Cuisine équipée, plafond, peintures du rez-de-chaussée, électroménager",
                   "estimated_amount": "18000"},
          expert={"name": "Expertises Corses Associées", "appointment": True, "late": 2}),
    Story("home_water_insurer", "home", "water_damage", "email", 16, "acknowledged", handler="sophie",
          needs=("water_damage",), reserve="2200",
          place="5 rue Sainte-Catherine, 33000 Bordeaux",
          text="Débordement de la baignoire de l'appartement du dessus : plafond de la chambre taché et "
               "cloquant, moquette humide.",
          details={"third_party_name": "Mme Inès Roussel (2e étage)", "police_report": "no", "injured": "no",
                   "damaged_goods": "Plafond et moquette de la chambre", "estimated_amount": "2200"}),
    Story("home_break_in_new", "home", "break_in", "phone", 6, "handled", handler="karim", hour="09:10",
          needs=("theft",), reserve="3500",
          place="3 impasse des Mésanges, 35000 Rennes",
          text="Cambriolage pendant les congés : fenêtre de la cuisine forcée, bijoux et ordinateur portable "
               "volés. Plainte déposée au retour.",
          details={"police_report": "yes", "police_station": "Commissariat de Rennes",
                   "police_report_number": "2026/35-9921", "injured": "no",
                   "damaged_goods": "Bijoux, ordinateur portable, fenêtre de la cuisine",
                   "estimated_amount": "3500"}),
    Story("home_leak_new", "home", "water_damage", "letter", 1, "declared", unassigned=True,
          needs=("water_damage",),
          place="11 rue des Carmes, 45000 Orléans",
          text="Fuite sur le ballon d'eau chaude dans le cellier, sol et bas des murs mouillés. Courrier reçu "
               "avec deux photos.",
          details={"police_report": "no", "injured": "no", "damaged_goods": "Cellier, ballon d'eau chaude",
                   "estimated_amount": "1500"}),
    # --- health ----------------------------------------------------------------------------------------
    Story("health_fees", "health", "illness", "email", 191, "closed", handler="sophie", needs=("hospital",),
          reserve="900", place="Clinique du Parc, 69006 Lyon",
          text="Opération du genou en clinique : dépassements d'honoraires du chirurgien et de l'anesthésiste "
               "non remboursés, décompte de la Sécurité sociale joint.",
          details={"injured": "yes", "injured_details": "L'assuré : ligamentoplastie du genou droit."},
          damages=(("bodily", "Dépassements d'honoraires (chirurgien et anesthésiste)", "850.00", None,
                    "850.00"),),
          payments=(("insured", "all", "transfer"),)),
    Story("health_no_follow_up", "health", "illness", "phone", 150, "closed", handler="karim",
          needs=("routine_care",), reserve="300", place="Cabinet médical",
          text="Séances de kinésithérapie après une entorse : l'assuré n'a pas reçu le remboursement de la "
               "part complémentaire.",
          details={"injured": "yes", "injured_details": "L'assuré : entorse de la cheville, 12 séances."},
          letters=("claim_documents_request",),
          close=("no_follow_up", "Ni facture ni décompte reçus malgré la demande de pièces et une relance "
                                 "téléphonique."), special="no_follow_up"),
    Story("health_hospital", "health", "illness", "letter", 44, "paid", handler="sophie", needs=("hospital",),
          reserve="1200", place="Hôpital privé Jacques-Cartier, 91300 Massy",
          text="Hospitalisation de cinq jours : chambre particulière et forfait hospitalier restés à charge.",
          details={"injured": "yes", "injured_details": "L'assuré : hospitalisation pour une appendicite."},
          damages=(("bodily", "Chambre particulière (5 nuits) et forfait journalier", "610.00", None, "610.00"),),
          payments=(("insured", "all", "transfer"),)),
)
