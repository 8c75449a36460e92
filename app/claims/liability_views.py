"""Claims: the liability tab."""

from app.claims.views import bp  # noqa: F401
