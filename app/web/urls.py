"""Absolute URLs of the platform and of a tenant's host, usable outside a request."""

from __future__ import annotations

from flask import current_app


def _host_url(host: str) -> str:
    config = current_app.config
    port = config.get("PLATFORM_PORT")
    return f"{config['PLATFORM_SCHEME']}://{host}{f':{port}' if port else ''}"


def platform_url(path: str = "/") -> str:
    return _host_url(current_app.config["PLATFORM_DOMAIN"]) + path


def tenant_url(slug: str, path: str = "/") -> str:
    """``http://<slug>.<platform domain>[:port]<path>``."""
    return _host_url(f"{slug}.{current_app.config['PLATFORM_DOMAIN']}") + path
