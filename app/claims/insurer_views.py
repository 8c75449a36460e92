"""Claims: the insurer panel (claim notice, answers recorded by hand)."""

from app.claims.views import bp  # noqa: F401
