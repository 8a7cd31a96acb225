"""The `lms` command: Flask's CLI (`lms run`, `lms db upgrade`, ...) plus Uptake's commands."""

from flask.cli import FlaskGroup

from lms import create_app


def main() -> None:
    FlaskGroup(create_app=create_app, help="Uptake: learning for a CRM rollout.")()
