"""Quizzes laid out per attempt: a pool a quiz draws from (courses.quiz_draw), questions whose
choices keep their order (quiz_questions.fixed_order), the sitting a learner has open
(quiz_sittings), and what each attempt showed and when it began (quiz_attempts.shown,
started_at; empty for attempts made before).

Revision ID: a8c4e2f1d9b3
Revises: f3b8d1a6c2e9
Create Date: 2026-12-06 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = 'a8c4e2f1d9b3'
down_revision = 'f3b8d1a6c2e9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('courses') as batch:
        batch.add_column(sa.Column('quiz_draw', sa.Integer(), nullable=True))
    with op.batch_alter_table('quiz_questions') as batch:
        batch.add_column(sa.Column('fixed_order', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('quiz_attempts') as batch:
        batch.add_column(sa.Column('started_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('shown', sa.JSON(), nullable=True))
    op.create_table(
        'quiz_sittings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enrollment_id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('shown', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name='fk_quiz_sittings_enrollment_id_enrollments', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_quiz_sittings'),
        sa.UniqueConstraint('enrollment_id', name='uq_quiz_sittings_enrollment_id'),
    )


def downgrade():
    op.drop_table('quiz_sittings')
    with op.batch_alter_table('quiz_attempts') as batch:
        batch.drop_column('shown')
        batch.drop_column('started_at')
    with op.batch_alter_table('quiz_questions') as batch:
        batch.drop_column('fixed_order')
    with op.batch_alter_table('courses') as batch:
        batch.drop_column('quiz_draw')
