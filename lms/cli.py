"""The `lms` command: Flask's CLI (`lms run`, `lms db upgrade`, ...) plus Uptake's commands."""

from flask.cli import FlaskGroup

from lms import create_app


def main() -> None:
    FlaskGroup(create_app=create_command_app, help="Uptake: learning for a CRM rollout.")()


def create_command_app():
    """The application for a command: no statement timeout, since rebuilds, exports and
    migrations of a big store legitimately run long."""
    return create_app({"DATABASE_STATEMENT_TIMEOUT_MS": 0})
