"""Statements lose their actor and activity indexes; the mention tables serve those lookups.

statement_agents and statement_activities already hold every statement's actor and object
activity (core = true), keyed by the lookup. The two indexes on statements repeated them and
cost each stored statement two more random-key index writes.

Revision ID: c3a9e5f1d2b7
Revises: b7d41e9a0c55
Create Date: 2026-11-29 12:00:00.000000

"""
from alembic import op

revision = 'c3a9e5f1d2b7'
down_revision = 'b7d41e9a0c55'
branch_labels = None
depends_on = None

INDEXES = {
    'ix_statements_actor_key_id': ['actor_key', 'id'],
    'ix_statements_activity_id_id': ['activity_id', 'id'],
}


def upgrade():
    for name in INDEXES:
        op.drop_index(name, table_name='statements')


def downgrade():
    for name, columns in INDEXES.items():
        op.create_index(name, 'statements', columns)
