"""The demo's claims on businesses' contracts (multi-risk, professional and
ten-year liability, cyber, group protection), as stories
(:class:`app.demo.claim_stories.Story`)."""

from __future__ import annotations

from app.demo.claim_stories import Story, report

BUSINESS = (
    # --- business multi-risk ------------------------------------------------------------------------------
    Story("business_fire_advance", "multirisk", "fire", "phone", 246, "paid", handler="julien", hour="03:20",
          naf="49.41B", needs=("fire",), reserve="40000",
          place="ZI des Chanoux, 12 rue Gay-Lussac, 93330 Neuilly-sur-Marne",
          text="Incendie d'origine électrique dans l'entrepôt pendant la nuit, parti du local de charge des "
               "transpalettes. Marchandises en stock et deux chariots détruits, bureau attenant enfumé. "
               "Intervention des pompiers, site fermé deux jours.",
          details={"police_report": "yes", "police_station": "Commissariat de Neuilly-sur-Marne",
                   "police_report_number": "2026/93-0611", "injured": "no",
                   "damaged_goods": "Marchandises, chariots élévateurs, bureau, installation électrique",
                   "estimated_amount": "38000"},
          expert={"name": "Cabinet Delorme Expertises", "appointment": True,
                  "report": report("Court-circuit sur le chargeur d'un transpalette (rapport du SDIS joint).",
                                    "31450.00", None,
                                    "Stock détruit chiffré sur l'inventaire comptable ; chariots remplacés à "
                                    "neuf moins vétusté de 20 %.")},
          damages=(("material", "Marchandises détruites (inventaire au jour du sinistre)", "21800.00",
                    "19650.00", "19650.00"),
                   ("material", "Deux chariots élévateurs électriques", "9400.00", "7520.00", "7520.00"),
                   ("material", "Remise en état du bureau et de l'installation électrique", "4300.00",
                    "4280.00", "4280.00")),
          payments=(("insured", "0.5", "transfer"), ("insured", "all", "transfer"))),
    Story("business_burglary", "multirisk", "theft", "email", 19, "acknowledged", handler="karim",
          naf="62.02A", needs=("theft",), reserve="6500",
          place="18 rue de la Paix, 21000 Dijon",
          text="Effraction des bureaux pendant le week-end : porte vitrée brisée, six ordinateurs portables et "
               "un écran volés. Plainte déposée lundi matin.",
          details={"police_report": "yes", "police_station": "Commissariat central de Dijon",
                   "police_report_number": "2026/21-5480", "injured": "no",
                   "damaged_goods": "Six ordinateurs portables, un écran, porte vitrée",
                   "estimated_amount": "8200"}),
    Story("business_water_expert", "multirisk", "water_damage", "phone", 9, "acknowledged", handler="sophie",
          naf="43.99C", needs=("water_damage",), reserve="5000",
          place="Parc d'activités de la Bérangerais, 44240 La Chapelle-sur-Erdre",
          text="Toiture du dépôt endommagée par la grêle, infiltrations dans le bureau attenant : faux plafond "
               "effondré, deux postes informatiques mouillés.",
          details={"police_report": "no", "injured": "no",
                   "damaged_goods": "Faux plafond, postes informatiques, archives", "estimated_amount": "6000"},
          expert={"name": "Atlantique Bâtiment Conseil", "appointment": True}),
    Story("business_water_new", "multirisk", "water_damage", "email", 4, "declared", unassigned=True,
          naf="71.11Z", needs=("water_damage",),
          place="9 quai Saint-Vincent, 69001 Lyon",
          text="Canalisation d'évacuation bouchée : refoulement dans les toilettes et l'entrée de l'agence, "
               "moquette à changer. Email du gérant avec photos.",
          details={"police_report": "no", "injured": "no", "damaged_goods": "Moquette de l'entrée",
                   "estimated_amount": "1800"}),
    # --- professional liability ---------------------------------------------------------------------------
    Story("rc_pro_advice", "rc_pro", "liability", "letter", 121, "damages", handler="julien", naf="62.02A",
          needs=("professional_liability",), reserve="12000",
          place="Siège du client, 26000 Valence",
          text="Un client reproche une erreur de paramétrage de son logiciel de facturation : factures émises "
               "sans TVA pendant trois mois. Il réclame le redressement payé et ses frais de mise en conformité.",
          details={"third_party_name": "SARL Drôme Primeurs", "police_report": "no", "injured": "no",
                   "damaged_goods": "Préjudice financier du client", "estimated_amount": "18500"},
          liability=(None, None, "75", "Erreur de paramétrage reconnue ; le client n'a pas signalé l'anomalie "
                                       "visible sur ses déclarations."),
          damages=(("consequential", "Redressement de TVA et pénalités de retard réclamés", "14200.00", None, None),
                   ("consequential", "Frais de mise en conformité du logiciel", "4300.00", None, None))),
    Story("rc_pro_restaurant", "rc_pro", "liability", "email", 268, "closed", handler="karim", naf="56.10A",
          needs=("operating_liability",), guarantee="operating_liability", reserve="3000",
          place="Salle du restaurant, 09000 Foix",
          text="Une cliente a glissé sur le sol mouillé près des toilettes juste après le nettoyage, sans "
               "panneau de signalisation. Poignet fracturé, elle demande réparation.",
          details={"third_party_name": "Mme Chantal Vidal", "police_report": "no", "injured": "yes",
                   "injured_details": "La cliente : fracture du poignet gauche, plâtre six semaines.",
                   "damaged_goods": "Préjudice corporel de la cliente", "estimated_amount": "3000"},
          liability=(None, None, "100", "Sol mouillé sans signalisation : responsabilité de l'exploitant."),
          damages=(("bodily", "Préjudice corporel de la cliente (offre acceptée)", "3200.00", None, "2850.00"),),
          payments=(("third:Mme Chantal Vidal", "all", "transfer"),)),
    Story("rc_pro_tax_penalties", "rc_pro", "liability", "letter", 158, "closed", handler="sophie",
          naf="69.20Z", needs=("professional_liability",), reserve=None,
          place="Cabinet, 28000 Chartres",
          text="Un client reproche au cabinet le dépôt tardif de sa déclaration de TVA et réclame les majorations "
               "appliquées par l'administration fiscale.",
          details={"third_party_name": "EURL Beauce Paysages", "police_report": "no", "injured": "no",
                   "damaged_goods": "Majorations fiscales", "estimated_amount": "2900"},
          cover={"exclusion": "all", "note": "Les majorations fiscales sont des amendes : exclues au contrat "
                                             "(« Amendes »)."},
          decision=("refused", "Majorations fiscales exclues (amendes)."),
          close=("no_cover", "Exclusion des amendes confirmée par l'assureur ; le client a été informé par "
                             "téléphone.")),
    Story("rc_pro_works", "rc_pro", "liability", "phone", 58, "paid", handler="karim", naf="43.99C",
          needs=("operating_liability",), guarantee="operating_liability", reserve="2000",
          place="Chantier chez un particulier, 89000 Auxerre",
          text="En perçant une cloison, un ouvrier a touché une canalisation encastrée : dégât des eaux chez le "
               "client, parquet de l'entrée abîmé.",
          details={"third_party_name": "M. et Mme Fontaine", "police_report": "no", "injured": "no",
                   "damaged_goods": "Parquet de l'entrée du client", "estimated_amount": "1900"},
          liability=(None, None, "100", "Canalisation percée par l'ouvrier pendant l'intervention."),
          damages=(("material", "Parquet de l'entrée du client (facture)", "1860.00", None, "1860.00"),),
          payments=(("third:M. et Mme Fontaine", "all", "transfer"),)),
    # --- ten-year building liability ---------------------------------------------------------------------
    Story("decennial_leak", "decennial", "liability", "letter", 33, "acknowledged", handler="julien",
          naf="43.22A", needs=("decennial",), reserve="9000",
          place="Maison individuelle, 15 rue des Vignes, 94300 Vincennes",
          text="Le maître d'ouvrage signale des infiltrations au plafond du séjour, sous la salle de bains créée "
               "par l'entreprise et réceptionnée il y a sept mois. Mise en cause par lettre recommandée.",
          details={"third_party_name": "M. Antoine Brunet (maître d'ouvrage)", "police_report": "no",
                   "injured": "no", "damaged_goods": "Plafond du séjour, réseau d'évacuation",
                   "estimated_amount": "9000"},
          expert={"name": "Atlantique Bâtiment Conseil", "appointment": True, "sent": 12}),
    # --- cyber --------------------------------------------------------------------------------------------
    Story("cyber_ransomware", "cyber", "theft", "phone", 47, "damages", handler="julien", hour="07:15",
          naf="56.10A", needs=("ransom",), reserve="15000",
          place="Restaurant, 09000 Foix",
          text="Rançongiciel : le logiciel de caisse et le serveur des réservations sont chiffrés depuis ce "
               "matin, demande de rançon en bitcoins. Aucun paiement fait, la cellule de crise de l'assureur "
               "a été appelée.",
          details={"police_report": "yes", "police_station": "Gendarmerie de Foix", "injured": "no",
                   "damaged_goods": "Serveur, logiciel de caisse, fichier des réservations",
                   "estimated_amount": "15000"},
          damages=(("consequential", "Intervention de l'équipe de réponse à incident", "6800.00", None, None),
                   ("material", "Restauration des données et réinstallation du serveur", "3900.00", None, None),
                   ("consequential", "Perte d'exploitation (deux jours de fermeture)", "5400.00", None, None))),
    Story("cyber_phishing", "cyber", "other", "email", 142, "closed", handler="karim", naf="69.20Z",
          needs=("incident_response",), reserve="6000",
          place="Cabinet, 02000 Laon",
          text="Messagerie d'une collaboratrice compromise après un hameçonnage : un faux message de changement "
               "de RIB a été envoyé à une quarantaine de clients. Mots de passe réinitialisés le jour même.",
          details={"police_report": "yes", "police_station": "Commissariat de Laon", "injured": "no",
                   "damaged_goods": "Messagerie, fichier clients", "estimated_amount": "6000"},
          damages=(("consequential", "Investigation et réponse à incident (prestataire de l'assureur)", "5200.00",
                    None, "5200.00"),
                   ("consequential", "Information des clients et avocat (notification CNIL)", "1450.00", None,
                    "1450.00")),
          payments=(("insured", "all", "transfer"),), special="insurer_api"),
    Story("cyber_backup_new", "cyber", "other", "email", 14, "acknowledged", handler="julien", naf="43.99C",
          needs=("incident_response",), reserve="8000",
          place="Siège de l'entreprise",
          text="Serveur de sauvegarde inaccessible après une intrusion détectée par l'antivirus ; le prestataire "
               "informatique suspecte une exfiltration de données.",
          details={"police_report": "no", "injured": "no", "damaged_goods": "Serveur de sauvegarde",
                   "estimated_amount": "8000"}),
    Story("protection_incapacity", "protection", "other", "email", 23, "acknowledged", handler="julien",
          needs=("incapacity",), reserve="6000", place="Chantier, 44000 Nantes",
          text="Un salarié est tombé d'un échafaudage sur un chantier : fracture de la cheville, arrêt de travail "
               "de trois mois. Demande d'indemnités journalières complémentaires.",
          details={"injured": "yes", "injured_details": "Un ouvrier : fracture de la cheville, arrêt de 90 jours."}),
)
