"""Assurdesk: the Flask application factory."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from app import config
from app.extensions import babel, csrf, db, htmx, limiter, login_manager, tenancy
from app.web.i18n import select_locale, select_timezone

PLATFORM_BLUEPRINTS = {"platform"}
ANYHOST_BLUEPRINTS = {"home"}
SHARED_ENDPOINTS = {"web.healthz", "web.set_language", "static"}


class RowIdConverter(IntegerConverter):
    """``<int:...>`` in every route: a number a BIGINT id can hold, so an id
    past 2**63 - 1 in a URL is a 404 rather than a database error."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(url_map, *args, **kwargs)


def create_app(overrides: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, tenancy, blueprints."""
    app = Flask(
        __name__,
        template_folder=str(config.ROOT / "templates"),
        static_folder=str(config.ROOT / "static"),
        instance_path=config.instance_path().as_posix(),
    )
    app.config.update(config.load(overrides))
    app.url_map.converters["int"] = RowIdConverter
    _init_extensions(app)
    _register_blueprints(app)
    _register_commands(app)
    return app


def _init_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (complete metadata before tenancy uses it)

    db.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(config.ROOT / "app" / "translations"),
    )
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.session_protection = "basic"
    tenancy.init_app(
        app,
        db=db,
        tenant_metadata=db.metadata,
        shared_migrations=str(config.ROOT / "migrations" / "shared"),
        tenant_migrations=str(config.ROOT / "migrations" / "tenant"),
        files_root=app.config["FILES_ROOT"],
        platform_domain=app.config["PLATFORM_DOMAIN"],
        platform_blueprints=PLATFORM_BLUEPRINTS,
        shared_endpoints=SHARED_ENDPOINTS,
        anyhost_blueprints=ANYHOST_BLUEPRINTS,
    )
    from app.jobs.queue import configure_queue
    from app.platform.onboarding import create_firm_from_cli
    from app.web.errors import init_errors
    from app.web.security import init_security
    from app.web.templating import init_templating

    tenancy.register_creator(app, create_firm_from_cli)
    configure_queue(app)
    init_errors(app)
    init_security(app)
    init_templating(app)


def _register_blueprints(app: Flask) -> None:
    from app.attestations.views import bp as attestations_bp
    from app.auth.views import bp as auth_bp
    from app.billing.views import bp as billing_bp
    from app.catalog.views import bp as catalog_bp
    from app.claims.views import bp as claims_bp
    from app.commissions.views import bp as commissions_bp
    from app.complaints.views import bp as complaints_bp
    from app.contracts.views import bp as contracts_bp
    from app.crm.views import bp as crm_bp
    from app.devmail.views import bp as devmail_bp
    from app.documents.views import bp as documents_bp
    from app.insurer_api.keys_views import bp as api_keys_bp
    from app.insurer_api.views import bp as insurer_api_bp
    from app.letters.views import bp as letters_bp
    from app.placements.views import bp as placements_bp
    from app.providers.views import bp as providers_bp
    from app.platform.views import bp as platform_bp
    from app.portal.request_staff_views import bp as client_requests_bp
    from app.portal.staff_views import bp as client_portal_bp
    from app.portal.views import bp as portal_bp
    from app.quotes.views import bp as quotes_bp
    from app.renewals.views import bp as renewals_bp
    from app.settings.views import bp as settings_bp
    from app.tasks.views import bp as tasks_bp
    from app.web.views import bp as web_bp
    from app.workspace.views import home_bp

    for blueprint in (web_bp, home_bp, platform_bp, auth_bp, settings_bp, devmail_bp,
                      crm_bp, documents_bp, catalog_bp, quotes_bp, placements_bp, contracts_bp,
                      letters_bp, attestations_bp, renewals_bp, api_keys_bp, insurer_api_bp, billing_bp,
                      commissions_bp, portal_bp, client_portal_bp, client_requests_bp, claims_bp,
                      complaints_bp, providers_bp, tasks_bp):
        app.register_blueprint(blueprint)


def _register_commands(app: Flask) -> None:
    from app.jobs.cli import jobs_cli

    app.cli.add_command(jobs_cli)
