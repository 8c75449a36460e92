"""Claims: the damages and settlement tab."""

from app.claims.views import bp  # noqa: F401
