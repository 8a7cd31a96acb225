"""Each quiz question names the lesson that covers it (quiz_questions.lesson_id, from quiz.yaml's
`lesson`), so a failed attempt's page points to what to read again; empty for questions synced
before, until the next content sync.

Revision ID: c6e2a8f4d1b7
Revises: b1d5f7a3c9e2
Create Date: 2026-12-06 02:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = 'c6e2a8f4d1b7'
down_revision = 'b1d5f7a3c9e2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_questions') as batch:
        batch.add_column(sa.Column('lesson_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(
            'fk_quiz_questions_lesson_id_lessons', 'lessons', ['lesson_id'], ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('quiz_questions') as batch:
        batch.drop_constraint('fk_quiz_questions_lesson_id_lessons', type_='foreignkey')
        batch.drop_column('lesson_id')
