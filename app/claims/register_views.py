"""Claims: registration of a claim by the handler."""

from app.claims.views import bp  # noqa: F401
