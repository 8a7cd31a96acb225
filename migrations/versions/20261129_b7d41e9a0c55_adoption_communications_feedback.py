"""Adoption, communications and feedback.

Revision ID: b7d41e9a0c55
Revises: 50c5c7849823
Create Date: 2026-11-29 11:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d41e9a0c55'
down_revision = '50c5c7849823'
branch_labels = None
depends_on = None


def upgrade():
    # Tables are added below as the adoption, communications and feedback packages grow.
    pass


def downgrade():
    pass
