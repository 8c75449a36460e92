"""Claims: the letters tab."""

from app.claims.views import bp  # noqa: F401
