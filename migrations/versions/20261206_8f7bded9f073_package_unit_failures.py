"""Package units: how many sessions failed each, for routing to the course's refresher.

Revision ID: 8f7bded9f073
Revises: 2e08af8e7b67
Create Date: 2026-12-06 08:43:22.996422

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "8f7bded9f073"
down_revision = "2e08af8e7b67"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("package_unit_progress", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failures", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("package_unit_progress", schema=None) as batch_op:
        batch_op.drop_column("failures")
