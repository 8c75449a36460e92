"""Claims: the timeline tab."""

from app.claims.views import bp  # noqa: F401
