"""Claims: the cover check tab."""

from app.claims.views import bp  # noqa: F401
