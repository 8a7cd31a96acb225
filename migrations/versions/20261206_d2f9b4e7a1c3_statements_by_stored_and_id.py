"""Statements indexed by (stored, id) instead of stored alone: "the first statement stored
since a moment" (the busy-week badge, a prune's horizon) wants the least id among those
stored at that moment, and a batch of thousands shares one moment; with `stored` alone the
lookup read them all (11 ms a look in the CRM sync benchmark).

Revision ID: d2f9b4e7a1c3
Revises: c6e2a8f4d1b7
Create Date: 2026-12-06 02:40:00.000000

"""
from alembic import op


revision = 'd2f9b4e7a1c3'
down_revision = 'c6e2a8f4d1b7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_statements_stored_id', 'statements', ['stored', 'id'])
    op.drop_index('ix_statements_stored', table_name='statements')


def downgrade():
    op.create_index('ix_statements_stored', 'statements', ['stored'])
    op.drop_index('ix_statements_stored_id', table_name='statements')
