"""How the application uses a PostgreSQL server: pool size and timeouts from the
environment (a bad value named), set on every connection; commands run without a
statement timeout."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from lms import create_app
from lms.cli import create_command_app
from lms.config import ConfigError, database_settings, engine_options
from lms.database import db
from tests.conftest import test_settings
from tests.databases import BACKEND, fresh_database

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/uptake"


def test_defaults():
    assert database_settings({}) == {
        "DATABASE_POOL_SIZE": 5,
        "DATABASE_STATEMENT_TIMEOUT_MS": 30_000,
        "DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS": 60_000,
    }


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_POOL_SIZE", "0"),
        ("DATABASE_POOL_SIZE", "five"),
        ("DATABASE_STATEMENT_TIMEOUT_MS", "-1"),
        ("DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS", "1.5"),
    ],
)
def test_a_bad_value_is_named(name, value):
    with pytest.raises(ConfigError, match=name):
        database_settings({name: value})


def test_postgresql_connections_get_the_pool_and_the_session_settings():
    settings = {"SQLALCHEMY_DATABASE_URI": PG_URL, **database_settings({"DATABASE_POOL_SIZE": "3"})}
    options = engine_options(settings)
    assert options["pool_size"] == 3 and options["max_overflow"] == 3
    assert options["pool_pre_ping"] is True
    assert options["connect_args"]["options"] == (
        "-c statement_timeout=30000 -c idle_in_transaction_session_timeout=60000 -c jit=off"
    )
    assert engine_options({"SQLALCHEMY_DATABASE_URI": "sqlite:///x.db"}) == {}


def test_commands_have_no_statement_timeout(monkeypatch):
    monkeypatch.setenv("DATABASE_STATEMENT_TIMEOUT_MS", "5000")
    assert create_command_app().config["DATABASE_STATEMENT_TIMEOUT_MS"] == 0


@pytest.mark.skipif(BACKEND != "postgresql", reason="session settings of PostgreSQL")
def test_a_statement_past_the_timeout_is_cancelled(tmp_path):
    with fresh_database(tmp_path) as url:
        app = create_app(test_settings(url) | {"DATABASE_STATEMENT_TIMEOUT_MS": 200})
        with app.app_context():
            try:
                shown = {
                    name: db.session.scalar(text(f"SHOW {name}"))
                    for name in ("statement_timeout", "idle_in_transaction_session_timeout", "jit")
                }
                assert shown == {
                    "statement_timeout": "200ms",
                    "idle_in_transaction_session_timeout": "1min",
                    "jit": "off",
                }
                with pytest.raises(OperationalError, match="statement timeout"):
                    db.session.execute(text("SELECT pg_sleep(2)"))
            finally:
                db.session.rollback()
                db.session.remove()
                db.engine.dispose()
