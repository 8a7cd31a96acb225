"""Uptake: learning management and gamification for a CRM rollout."""

from pathlib import Path

from flask import Flask

from lms import config, localisation
from lms.database import db
from lms.extensions import csrf, login_manager, migrate
from lms.request_values import IdConverter

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(test_config: dict | None = None) -> Flask:
    """The application: settings from the environment (or `test_config`), extensions,
    blueprints, error pages."""
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["int"] = IdConverter  # every <int:…> bounded (lms.request_values)
    app.config.from_mapping(config.from_environment(Path(app.instance_path)))
    if test_config:
        app.config.update(test_config)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", config.engine_options(app.config))
    _import_models()
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    localisation.init_app(app)
    _register_blueprints(app)
    _register_cli(app)
    _connect_reactions()
    return app


def _import_models() -> None:
    """Every model module, so the metadata (and Alembic) sees every table."""
    import lms.adoption.models
    import lms.auth.models
    import lms.auth.scim.models
    import lms.auth.sso.models
    import lms.auth.sso.saml.models
    import lms.coaching.models
    import lms.communications.models
    import lms.courses.models
    import lms.courses.packages.models
    import lms.crm.models
    import lms.feedback.models
    import lms.gamification.models
    import lms.practice.models
    import lms.xapi.models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    """Every blueprint. Gamification, the LRS's pages and the /xapi/ protocol each have one
    blueprint whose routes live in the modules of their sub-packages: importing those modules
    adds the routes."""
    from lms import pages
    from lms.adoption import views as adoption_views
    from lms.auth import champion_views, people_views, views  # noqa: F401  (add routes to bp)
    from lms.auth.audit import views as _audit_routes  # noqa: F401
    from lms.auth.scim import token_views as scim_token_pages
    from lms.auth.scim import views as scim_views
    from lms.auth.sso.oidc import views as oidc_views
    from lms.auth.sso.saml import views as saml_views
    from lms.coaching import views as coaching_views
    from lms.communications import views as communications_views
    from lms.courses import views as courses_views
    from lms.courses.packages import admin_views as packages_admin_views
    from lms.courses.packages import views as package_views
    from lms.crm import views as crm_views
    from lms.feedback import views as feedback_views
    from lms.gamification import views as gamification_views
    from lms.gamification.badges import views as _badge_routes  # noqa: F401
    from lms.gamification.boards import views as _board_routes  # noqa: F401
    from lms.gamification.incentives import views as _incentive_routes  # noqa: F401
    from lms.gamification.points import views as _points_routes  # noqa: F401
    from lms.practice import views as practice_views
    from lms.xapi import views as lrs_pages
    from lms.xapi.forwarding import views as _outbox_routes  # noqa: F401
    from lms.xapi.lrs import documents as _document_routes  # noqa: F401
    from lms.xapi.lrs import http
    from lms.xapi.lrs import statements as _statement_routes  # noqa: F401
    from lms.xapi.lrs.alternate_syntax import AlternateRequestSyntax

    app.register_blueprint(views.bp)
    app.register_blueprint(oidc_views.bp)
    app.register_blueprint(saml_views.bp)
    csrf.exempt(saml_views.acs)  # the IdP posts it; its signed assertion stands in for a token
    app.register_blueprint(courses_views.bp)
    app.register_blueprint(packages_admin_views.bp)
    app.register_blueprint(package_views.bp)
    csrf.exempt(package_views.fetch)  # the AU posts it; the single-use token is the secret
    app.register_blueprint(coaching_views.bp)
    app.register_blueprint(communications_views.bp)
    app.register_blueprint(feedback_views.bp)
    app.register_blueprint(gamification_views.bp)
    app.register_blueprint(adoption_views.bp)
    app.register_blueprint(crm_views.bp)
    app.register_blueprint(practice_views.bp)
    csrf.exempt(crm_views.webhook)  # signed by the CRM with its secret; there is no session
    app.register_blueprint(http.bp)
    csrf.exempt(http.bp)  # machines authenticate with HTTP Basic; there is no session to forge
    app.register_blueprint(scim_views.bp)
    csrf.exempt(scim_views.bp)  # identity providers present a bearer token; no session
    app.register_blueprint(scim_token_pages.bp)
    app.register_blueprint(lrs_pages.bp)
    app.wsgi_app = AlternateRequestSyntax(app.wsgi_app)
    pages.register(app)


def _connect_reactions() -> None:
    """Published events run what `lms.reactions.react` says follows them."""
    from lms import events, reactions

    events.connect(reactions.react)


def _register_cli(app: Flask) -> None:
    from lms.adoption.cli import adoption_cli
    from lms.auth.cli import users_cli
    from lms.coaching.cli import onboarding_cli
    from lms.communications.cli import notify_cli
    from lms.courses.cli import content_cli
    from lms.courses.packages.cli import packages_cli
    from lms.crm.cli import crm_cli
    from lms.demo.command import demo_command
    from lms.gamification.cli import gamification_cli
    from lms.xapi.cli import xapi_cli
    from lms.xapi.forwarding import cli as forwarding_cli  # noqa: F401  (adds its commands to xapi_cli)

    app.cli.add_command(users_cli)
    app.cli.add_command(adoption_cli)
    app.cli.add_command(onboarding_cli)
    app.cli.add_command(content_cli)
    app.cli.add_command(packages_cli)
    app.cli.add_command(crm_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(xapi_cli)
    app.cli.add_command(notify_cli)
    app.cli.add_command(gamification_cli)
