"""Pure rules of tenancy: slugs, schema names, host names. No DB, no Flask."""

from __future__ import annotations

import re

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
SCHEMA_PREFIX = "tenant_"

#: Sub-domains the platform keeps for itself or that would mislead users.
RESERVED_SLUGS = frozenset(
    {
        "admin", "api", "app", "assets", "auth", "billing", "blog", "cdn", "dev",
        "docs", "ftp", "help", "imap", "localhost", "login", "mail", "portal",
        "pop", "public", "root", "signup", "smtp", "static", "status", "staging",
        "support", "system", "tenant", "test", "www",
    }
)


class InvalidSlug(ValueError):
    """The slug cannot name a tenant; the message says why."""


def validate_slug(slug: str) -> str:
    """Return ``slug`` if it can name a tenant, else raise :class:`InvalidSlug`.

    Lowercase letters, digits and inner hyphens, 2 to 40 characters, no double
    hyphen, not a reserved word.
    """
    if not slug or len(slug) < 2 or len(slug) > 40:
        raise InvalidSlug("must be between 2 and 40 characters")
    if not SLUG_PATTERN.match(slug):
        raise InvalidSlug("only lowercase letters, digits and hyphens, not at either end")
    if "--" in slug:
        raise InvalidSlug("must not contain two hyphens in a row")
    if slug in RESERVED_SLUGS:
        raise InvalidSlug("is reserved")
    return slug


def schema_for(slug: str) -> str:
    """Return the PostgreSQL schema name of the tenant ``slug``."""
    return SCHEMA_PREFIX + slug.replace("-", "_")


def normalise_host(host: str) -> str:
    """Lower-case ``host`` and strip its port and trailing dot."""
    host = (host or "").strip().lower()
    if host.startswith("["):
        return host
    return host.split(":", 1)[0].rstrip(".")


def subdomain_slug(host: str, platform_domain: str) -> str | None:
    """Return the single label in front of ``platform_domain``, or None."""
    suffix = "." + platform_domain
    if not host.endswith(suffix):
        return None
    label = host[: -len(suffix)]
    if not label or "." in label:
        return None
    return label


DOMAIN_PATTERN = re.compile(
    r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)


def validate_domain(domain: str) -> str:
    """Return a normalised custom domain or raise ValueError."""
    domain = normalise_host(domain)
    if not DOMAIN_PATTERN.match(domain):
        raise ValueError("not a valid host name")
    return domain
