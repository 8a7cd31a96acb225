"""The migrations are the schema: one head, and they build exactly what the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from lms import MIGRATIONS_DIR, create_app
from lms.database import db
from tests.conftest import test_settings
from tests.databases import fresh_database


def test_migrations_have_a_single_head():
    script = ScriptDirectory(MIGRATIONS_DIR)
    assert len(script.get_heads()) == 1, script.get_heads()


def test_models_and_migrations_agree(tmp_path):
    with fresh_database(tmp_path) as url:
        app = create_app(test_settings(url))
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR)
            with db.engine.connect() as connection:
                context = MigrationContext.configure(
                    connection, opts={"compare_type": True, "render_as_batch": True}
                )
                differences = compare_metadata(context, db.metadata)
            downgrade(directory=MIGRATIONS_DIR, revision="base")
            db.engine.dispose()
    assert differences == [], "models and migrations disagree; run `lms db migrate`:\n" + "\n".join(
        map(str, differences)
    )
