"""Uptake: learning management and gamification for a CRM rollout."""

from pathlib import Path

from flask import Flask

from lms import config
from lms.database import db
from lms.extensions import csrf, login_manager, migrate

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(test_config: dict | None = None) -> Flask:
    """The application: settings from the environment (or `test_config`), extensions,
    blueprints, error pages."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(config.from_environment(Path(app.instance_path)))
    if test_config:
        app.config.update(test_config)
    _import_models()
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    _register_blueprints(app)
    _register_cli(app)
    return app


def _import_models() -> None:
    """Every model module, so the metadata (and Alembic) sees every table."""
    import lms.auth.models
    import lms.courses.models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from lms import pages
    from lms.auth import people_views, views  # noqa: F401  (people_views adds routes to bp)
    from lms.courses import views as courses_views

    app.register_blueprint(views.bp)
    app.register_blueprint(courses_views.bp)
    pages.register(app)


def _register_cli(app: Flask) -> None:
    from lms.auth.cli import users_cli
    from lms.courses.cli import content_cli
    from lms.demo import demo_command

    app.cli.add_command(users_cli)
    app.cli.add_command(content_cli)
    app.cli.add_command(demo_command)
