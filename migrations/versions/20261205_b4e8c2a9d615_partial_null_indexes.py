"""Partial indexes on statements.registration and points_entries.reverses_id: most rows have
neither (every CRM statement has no registration; only reversals reverse), so each insert
wrote an index entry for a NULL that no query looks up.

Revision ID: b4e8c2a9d615
Revises: 9a7c3e5d1f20
Create Date: 2026-12-05 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = 'b4e8c2a9d615'
down_revision = '9a7c3e5d1f20'
branch_labels = None
depends_on = None


def _where(condition):
    return {"sqlite_where": sa.text(condition), "postgresql_where": sa.text(condition)}


def upgrade():
    op.drop_index('ix_statements_registration_id', table_name='statements')
    op.create_index(
        'ix_statements_registration_id', 'statements', ['registration', 'id'],
        **_where('registration IS NOT NULL'),
    )
    op.drop_index('ix_points_entries_reverses_id', table_name='points_entries')
    op.create_index(
        'ix_points_entries_reverses_id', 'points_entries', ['reverses_id'],
        **_where('reverses_id IS NOT NULL'),
    )


def downgrade():
    op.drop_index('ix_points_entries_reverses_id', table_name='points_entries')
    op.create_index('ix_points_entries_reverses_id', 'points_entries', ['reverses_id'])
    op.drop_index('ix_statements_registration_id', table_name='statements')
    op.create_index('ix_statements_registration_id', 'statements', ['registration', 'id'])
