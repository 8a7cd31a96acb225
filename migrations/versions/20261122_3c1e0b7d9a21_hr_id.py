"""People's HR id (employee_id): the HR system's own identifier, optional and unique.

Revision ID: 3c1e0b7d9a21
Revises: 7a39ca891bc6
Create Date: 2026-11-22 11:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '3c1e0b7d9a21'
down_revision = '7a39ca891bc6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('employee_id', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_employee_id'), ['employee_id'])


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_employee_id'), type_='unique')
        batch_op.drop_column('employee_id')
