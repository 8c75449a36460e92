"""What a certificate states, line by line, in the reader's language (see
``app.attestations.rules`` for the mentions each line requires)."""

from __future__ import annotations

from datetime import date

from flask_babel import format_currency, format_date
from flask_babel import gettext as _

from app.catalog.lines import line_definition
from app.letters.services import client_address


def title_for(line: str) -> str:
    titles = {
        "decennial": _("Certificate of ten-year liability insurance"),
        "rc_pro": _("Certificate of professional liability insurance"),
        "home": _("Certificate of home insurance"),
        "motor": _("Certificate of motor insurance"),
    }
    return titles.get(line, _("Certificate of insurance"))


def _choice_label(line: str, attribute: str, value) -> str:
    definition = line_definition(line).attribute(attribute)
    labels = {code: str(label) for code, label in (definition.choices if definition else ())}
    return labels.get(value, value or "")


def _amounts(contract) -> list[dict]:
    return [{"label": g.get("label") or g.get("code"),
             "ceiling": format_currency(g["ceiling"], "EUR") if g.get("ceiling") else _("unlimited"),
             "deductible": format_currency(g["deductible"], "EUR") if g.get("deductible") else _("none")}
            for g in contract.guarantees or [] if g.get("included", True)]


def _activities(contract) -> str:
    risk = contract.risk or {}
    if risk.get("activities"):
        return str(risk["activities"])
    if contract.line == "decennial":
        return _choice_label("decennial", "trades", risk.get("trades"))
    return str(risk.get("activity") or "")


def _address(insurer) -> str:
    town = " ".join(part for part in (insurer.postal_code, insurer.city) if part)
    return ", ".join(part for part in (insurer.address_line1, insurer.address_line2, town) if part)


def details_for(contract, client, insurer, valid_from: date, valid_to: date) -> dict:
    """The certificate's facts, formatted; kept with the attestation row."""
    risk = contract.risk or {}
    details = {
        "insurer_name": insurer.legal_name or insurer.name, "insurer_address": _address(insurer),
        "insured_name": contract.insured_name or client.display_name,
        "insured_address": client_address(client).replace("\n", ", "), "insured_siren": client.siren or "",
        "contract_number": contract.policy_number or "", "valid_from": format_date(valid_from, "long"),
        "valid_to": format_date(valid_to, "long"), "line_label": str(line_definition(contract.line).label),
    }
    if contract.line in ("decennial", "rc_pro"):
        details |= {"activities": _activities(contract), "amounts": _amounts(contract),
                    "geographic_scope": risk.get("geographic_scope") or _(
                        "Works and services carried out in metropolitan France and the overseas departments")}
    if contract.line == "decennial":
        details |= {
            "site_condition": _("Works whose site opened between the start and the end of the period of validity."),
            "cover_nature": _("Mandatory ten-year liability (articles 1792 and following of the Civil Code, "
                              "L241-1 and L241-2 of the Insurance Code), for ten years from acceptance of the works. "
                              "Housing works: cover up to the cost of repairing the damage; other works: up to the "
                              "ceiling stated below, per claim."),
        }
    if contract.line == "home":
        details |= {"insured_premises": risk.get("address") or details["insured_address"],
                    "amounts": _amounts(contract)}
    if contract.line == "motor":
        details |= {"vehicle": str(risk.get("vehicle") or ""), "registration": str(risk.get("registration") or "")}
    return details
