"""Claims: the disputes tab (mediation, litigation)."""

from app.claims.views import bp  # noqa: F401
