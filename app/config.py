"""Settings from the environment, with safe defaults for a laptop."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def instance_path() -> Path:
    path = Path(os.environ.get("INSTANCE_PATH", ROOT / "instance"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(instance: Path) -> str:
    """Return ``SECRET_KEY``, or one generated once and kept under ``instance/``."""
    configured = os.environ.get("SECRET_KEY")
    if configured:
        return configured
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def database_url() -> str:
    """Return the SQLAlchemy URL of ``DATABASE_URL`` (psycopg 3 driver)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError(
            "DATABASE_URL is not set: start through `make run` (embedded PostgreSQL) or set it"
        )
    return sqlalchemy_url(url)


def sqlalchemy_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def stripe_js_url(api_base: str) -> str:
    """Stripe.js, or localstripe's stand-in served by the fake API itself."""
    if not api_base or "api.stripe.com" in api_base:
        return "https://js.stripe.com/v3/"
    return api_base.rstrip("/") + "/js.stripe.com/v3/"


def load(overrides: dict | None = None) -> dict:
    """Build the Flask configuration from the environment and ``overrides``."""
    overrides = overrides or {}
    instance = Path(overrides.get("INSTANCE_PATH") or instance_path())
    platform_url = overrides.get("PLATFORM_URL") or os.environ.get("PLATFORM_URL", "http://localhost:5000")
    parts = urlsplit(platform_url)
    config = {
        #: werkzeug's method for password hashes; tests set a cheap one
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": overrides.get("SQLALCHEMY_DATABASE_URI") or database_url(),
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": True,
            "pool_recycle": int(os.environ.get("DB_POOL_RECYCLE", "1800")),
            "pool_size": int(os.environ.get("DB_POOL_SIZE", "5")),
        },
        "PLATFORM_URL": platform_url.rstrip("/"),
        "PLATFORM_SCHEME": parts.scheme or "http",
        "PLATFORM_DOMAIN": (parts.hostname or "localhost").lower(),
        "PLATFORM_PORT": parts.port,
        "MAIL_URL": os.environ.get("MAIL_URL", ""),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "no-reply@assurdesk.localhost"),
        "MAIL_DIR": str(instance / "mail"),
        "FILES_ROOT": os.environ.get("FILES_ROOT", str(instance / "files")),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "5 per minute;30 per hour"),
        "INSURER_API_RATE_LIMIT": os.environ.get("INSURER_API_RATE_LIMIT", "120 per minute"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": parts.scheme == "https",
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SESSION_LIFETIME_SECONDS", str(12 * 3600))),
        "TOKEN_MAX_AGE_SECONDS": int(os.environ.get("TOKEN_MAX_AGE_SECONDS", str(24 * 3600))),
        "INVITATION_MAX_AGE_SECONDS": int(os.environ.get("INVITATION_MAX_AGE_SECONDS", str(7 * 24 * 3600))),
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "LANGUAGES": ("fr", "en"),
        "WTF_CSRF_TIME_LIMIT": None,
        "DEBUG_MAIL_PAGE": _bool("FLASK_DEBUG", False),
        # Stripe: the API address (make run points it at its localstripe), and the
        # platform's own keys, used for firms that pay through a connected account.
        "STRIPE_API_BASE": os.environ.get("STRIPE_API_BASE", "https://api.stripe.com"),
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY", ""),
        "STRIPE_PUBLISHABLE_KEY": os.environ.get("STRIPE_PUBLISHABLE_KEY", ""),
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET", ""),
        "STRIPE_JS_URL": os.environ.get("STRIPE_JS_URL") or stripe_js_url(os.environ.get("STRIPE_API_BASE", "")),
        "STRIPE_TIMEOUT_SECONDS": float(os.environ.get("STRIPE_TIMEOUT_SECONDS", "20")),
    }
    config.update(overrides)
    return config


def throwaway(database_url: str, instance_dir: Path, label: str) -> dict:
    """Overrides for a throwaway instance (tests, benchmarks): its own database
    and folder, a fresh secret, the platform on plain ``localhost``, no CSRF."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(instance_dir),
        "SECRET_KEY": f"{label}-secret-{secrets.token_hex(16)}",
        "FILES_ROOT": str(instance_dir / "files"),
        "MAIL_DIR": str(instance_dir / "mail"),
        "PLATFORM_URL": "http://localhost",
        "PLATFORM_DOMAIN": "localhost",
        "PLATFORM_PORT": None,
        "WTF_CSRF_ENABLED": False,
    }
