"""cmi5 sessions: when the AU read its learner's preferences (cmi5 11.0: before any statement).

Revision ID: 2e08af8e7b67
Revises: 5efb0f2c30df
Create Date: 2026-12-06 08:29:46.303684

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "2e08af8e7b67"
down_revision = "5efb0f2c30df"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("package_launch_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("preferences_read_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("package_launch_sessions", schema=None) as batch_op:
        batch_op.drop_column("preferences_read_at")
