"""Quiz attempts indexed by when they were submitted: HR's incentive pages read a day's or a
board period's passes, to flag those too fast to have been read.

Revision ID: b1d5f7a3c9e2
Revises: a8c4e2f1d9b3
Create Date: 2026-12-06 00:30:00.000000

"""
from alembic import op


revision = 'b1d5f7a3c9e2'
down_revision = 'a8c4e2f1d9b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_quiz_attempts_submitted_at', 'quiz_attempts', ['submitted_at'])


def downgrade():
    op.drop_index('ix_quiz_attempts_submitted_at', table_name='quiz_attempts')
