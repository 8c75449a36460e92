"""Claims: the experts tab (missions, reports)."""

from app.claims.views import bp  # noqa: F401
