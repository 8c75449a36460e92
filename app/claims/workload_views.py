"""Claims: the per-handler workload view."""

from app.claims.views import bp  # noqa: F401
