"""Response headers: a Content-Security-Policy with no inline script, and friends."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app


def _origin(url: str | None) -> str | None:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def _sources(*origins: str | None) -> str:
    return " ".join(dict.fromkeys(["'self'", *(origin for origin in origins if origin)]))


def content_security_policy() -> str:
    config = current_app.config
    domain = config["PLATFORM_DOMAIN"]
    # Signing up on the bare domain redirects to the firm's own sub-domain.
    form_targets = f"'self' *.{domain}:*" if domain == "localhost" else f"'self' https://*.{domain}"
    # The portal's payment pages load Stripe.js (or localstripe's stand-in), which
    # frames its fields and calls Stripe's API from the browser.
    stripe_js, stripe_api = _origin(config.get("STRIPE_JS_URL")), _origin(config.get("STRIPE_API_BASE"))
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {_sources(stripe_js)}",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src {_sources(stripe_js, stripe_api)}",
            f"frame-src {_sources(stripe_js)}",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
            f"form-action {form_targets}",
        ]
    )


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", content_security_policy())
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def init_security(app: Flask) -> None:
    app.after_request(add_security_headers)
