"""Each person's own language and time zone: users.locale and users.time_zone, both empty
(None) for everyone, which follows the company's DEFAULT_LOCALE and DEFAULT_TIME_ZONE.

Revision ID: 6b519976c2e3
Revises: d2f9b4e7a1c3
Create Date: 2026-12-06 05:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '6b519976c2e3'
down_revision = 'd2f9b4e7a1c3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('time_zone')
        batch_op.drop_column('locale')
