"""Indexes for the request paths that read a growing table whole: each person's first CRM
record change (the early-adopter board), a day's awards (suspicious bursts) and HR's manual
points entries (the incentives audit).

Revision ID: c7d3f1e8a402
Revises: b4e8c2a9d615
Create Date: 2026-12-05 20:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = 'c7d3f1e8a402'
down_revision = 'b4e8c2a9d615'
branch_labels = None
depends_on = None

# As in lms.xapi.models.RECORD_CHANGE_BY_CLIENT and lms.gamification.models (PointsEntry),
# written out: a migration keeps the condition it created.
RECORD_CHANGE_BY_CLIENT = (
    "client_id IS NOT NULL AND verb_id IN ("
    "'http://activitystrea.ms/schema/1.0/update', 'http://activitystrea.ms/schema/1.0/create')"
)
MANUAL_ENTRY = "kind = 'manual'"


def _where(condition):
    return {"sqlite_where": sa.text(condition), "postgresql_where": sa.text(condition)}


def upgrade():
    op.create_index(
        'ix_statements_record_changes_user_timestamp', 'statements', ['user_id', 'timestamp'],
        **_where(RECORD_CHANGE_BY_CLIENT),
    )
    op.create_index('ix_points_entries_earned_at', 'points_entries', ['earned_at'])
    op.create_index(
        'ix_points_entries_manual_recorded', 'points_entries', ['recorded_at', 'id'],
        **_where(MANUAL_ENTRY),
    )


def downgrade():
    op.drop_index('ix_points_entries_manual_recorded', table_name='points_entries')
    op.drop_index('ix_points_entries_earned_at', table_name='points_entries')
    op.drop_index('ix_statements_record_changes_user_timestamp', table_name='statements')
