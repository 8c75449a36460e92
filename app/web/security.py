"""Response headers: a Content-Security-Policy with no inline script, and friends."""

from __future__ import annotations

from flask import Flask, Response, current_app


def content_security_policy() -> str:
    domain = current_app.config["PLATFORM_DOMAIN"]
    # Signing up on the bare domain redirects to the firm's own sub-domain.
    form_targets = f"'self' *.{domain}:*" if domain == "localhost" else f"'self' https://*.{domain}"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
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
