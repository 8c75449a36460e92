"""The standard grid of accident cases a firm may load into its empty
liability grid, then edit as it likes.

These cases are the firm's data, not interface strings: they are written in
French, the language the firm's handlers and the insurers' conventions use,
and are not translated. They follow the manner of the grid annexed to the
IRSA convention between French motor insurers (a code, the situation of two
vehicles A and B, each one's share of liability) but are **not** the official
IRSA table: they are a sensible default, which the firm checks against the
convention it applies and changes from the grid's page.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StandardCase:
    code: str
    title: str
    description: str
    share_a: int
    share_b: int


STANDARD_CASES: tuple[StandardCase, ...] = (
    StandardCase("10", "Même sens, même file : heurt à l'arrière",
                 "A heurte l'arrière de B qui circule devant lui dans la même file, ou qui est arrêté "
                 "ou ralentit dans cette file.", 100, 0),
    StandardCase("13", "Même sens, files différentes : changement de file",
                 "A change de file et heurte B qui circule dans la file qu'il rejoint.", 100, 0),
    StandardCase("15", "Même sens : changement de file simultané",
                 "A et B changent de file en même temps l'un vers l'autre, ou l'on ne peut établir "
                 "lequel a changé de file.", 50, 50),
    StandardCase("17", "Sens inverse : franchissement de l'axe médian",
                 "A circule sur la partie de la chaussée réservée au sens inverse et heurte B qui "
                 "reste dans sa moitié.", 100, 0),
    StandardCase("18", "Sens inverse : position des véhicules non établie",
                 "A et B circulent en sens inverse et l'on ne peut établir lequel a franchi l'axe "
                 "médian de la chaussée.", 50, 50),
    StandardCase("20", "Heurt d'un véhicule en stationnement",
                 "A heurte B en stationnement ou à l'arrêt à un emplacement autorisé.", 100, 0),
    StandardCase("21", "Sortie d'un stationnement",
                 "A quitte une place de stationnement ou s'insère dans la circulation et heurte B qui "
                 "circule normalement.", 100, 0),
    StandardCase("23", "Ouverture de portière",
                 "A, arrêté ou en stationnement, ouvre une portière qui heurte B circulant à côté.", 100, 0),
    StandardCase("25", "Sortie d'une propriété ou d'un chemin de terre",
                 "A sort d'un parking, d'une propriété privée, d'un chemin de terre ou d'une station-"
                 "service et heurte B qui circule sur la voie.", 100, 0),
    StandardCase("30", "Marche arrière",
                 "A circule en marche arrière et heurte B, en mouvement ou à l'arrêt.", 100, 0),
    StandardCase("32", "Demi-tour",
                 "A effectue un demi-tour et heurte B qui circule normalement.", 100, 0),
    StandardCase("40", "Intersection : priorité à droite",
                 "À une intersection sans signalisation, A vient de la gauche de B et ne lui cède pas "
                 "le passage.", 100, 0),
    StandardCase("41", "Intersection : stop ou cédez-le-passage non respecté",
                 "A ne respecte pas un panneau stop ou cédez-le-passage et heurte B qui circule sur la "
                 "voie prioritaire.", 100, 0),
    StandardCase("43", "Intersection : feu rouge non respecté",
                 "A franchit un feu rouge et heurte B qui passe au vert.", 100, 0),
    StandardCase("44", "Intersection : signalisation non établie",
                 "A et B se heurtent à une intersection réglée par des feux et l'on ne peut établir "
                 "lequel avait le feu rouge.", 50, 50),
    StandardCase("47", "Sens interdit",
                 "A circule en sens interdit ou à contresens d'une voie à sens unique et heurte B.", 100, 0),
    StandardCase("49", "Giratoire : entrée",
                 "A entre dans un carrefour giratoire et heurte B qui y circule déjà.", 100, 0),
    StandardCase("50", "Giratoire : sortie",
                 "A, dans le giratoire, coupe la trajectoire de B qui circule sur l'anneau pour en sortir, "
                 "ou quitte l'anneau depuis la voie intérieure.", 100, 0),
)
