"""Template globals and filters: navigation, money and dates by locale."""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request
from flask_babel import format_currency, format_date, format_datetime, format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.audit.labels import ACTION_LABELS, OBJECT_LABELS
from app.auth.forms import ROLE_LABELS
from app.auth.rules import Permission, can

#: The workspace's areas, in the order of a broker's work. An area with no
#: endpoint (or whose blueprint is not registered) is shown greyed, so the
#: layout does not move as areas land.
NAVIGATION = [
    ("home.index", _l("Dashboard"), None),
    ("tasks.index", _l("Tasks"), None),
    ("crm.index", _l("Clients"), None),
    ("quotes.index", _l("Offers"), None),
    ("placements.index", _l("Placements"), None),
    ("contracts.index", _l("Contracts"), None),
    ("renewals.index", _l("Renewals"), None),
    ("client_requests.index", _l("Client requests"), None),
    ("billing.index", _l("Premiums"), None),
    ("commissions.index", _l("Commissions"), None),
    ("claims.index", _l("Claims"), None),
    ("complaints.index", _l("Complaints"), None),
    ("providers.index", _l("Providers"), None),
    ("catalog.index", _l("Insurers"), None),
    ("settings.team", _l("Settings"), Permission.MANAGE_TEAM),
]

def navigation():
    role = getattr(current_user, "role", None)
    return [
        (endpoint if endpoint in current_app.view_functions else None, label)
        for endpoint, label, permission in NAVIGATION
        if permission is None or (role and can(role, permission))
    ]


def _template_context() -> dict:
    return {
        "tenant": g.get("tenant"),
        "get_locale": get_locale,
        "navigation": navigation,
        "role_label": lambda role: ROLE_LABELS.get(role, role),
        "audit_action_label": lambda action: ACTION_LABELS.get(action, action),
        "audit_object_label": lambda kind: OBJECT_LABELS.get(kind, kind),
        "can": lambda permission: bool(getattr(current_user, "role", None))
        and can(current_user.role, Permission(permission)),
        "languages": current_app.config["LANGUAGES"],
        "current_path": request.full_path.rstrip("?") if has_request_context() else "/",
    }


def money(value, currency: str = "EUR") -> str:
    """``1 234,56 €`` in French, ``€1,234.56`` in English; blank for None."""
    return "" if value is None else format_currency(value, currency)


def percent(value) -> str:
    """A rate kept in percent (``18.00``) as ``18 %`` / ``18%``."""
    if value is None:
        return ""
    number = format_decimal(value, format="#,##0.##")
    return f"{number}\u202f%" if str(get_locale()) == "fr" else f"{number}%"


def init_templating(app: Flask) -> None:
    app.context_processor(_template_context)
    app.jinja_env.filters["datetime"] = lambda value, fmt="short": format_datetime(value, fmt) if value else ""
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["percent"] = percent
