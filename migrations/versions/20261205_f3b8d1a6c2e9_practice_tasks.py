"""Practice tasks (from each course's practice.yaml) and people's attempts at them, checked
against the training CRM; each skill's CRM objects, and how much of one's own use of them in
the live CRM makes a coach proficient (content/skills.yaml).

Revision ID: f3b8d1a6c2e9
Revises: e5a1c9d3b7f2
Create Date: 2026-12-05 23:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = 'f3b8d1a6c2e9'
down_revision = 'e5a1c9d3b7f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('skills') as batch:
        batch.add_column(sa.Column('crm_objects', sa.JSON(), nullable=False, server_default='[]'))
        batch.add_column(sa.Column('proficient_records', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('proficient_days', sa.Integer(), nullable=True))
    op.create_table(
        'practice_tasks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('skill_id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=80), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('instructions_html', sa.Text(), nullable=False),
        sa.Column('check_spec', sa.JSON(), nullable=False),
        sa.Column('hints', sa.JSON(), nullable=False),
        sa.Column('retired_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name='fk_practice_tasks_course_id_courses', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name='fk_practice_tasks_skill_id_skills'),
        sa.PrimaryKeyConstraint('id', name='pk_practice_tasks'),
        sa.UniqueConstraint('course_id', 'slug', name='uq_practice_tasks_course_id_slug'),
    )
    op.create_index('ix_practice_tasks_course_id', 'practice_tasks', ['course_id'])
    op.create_index('ix_practice_tasks_skill_id', 'practice_tasks', ['skill_id'])
    op.create_table(
        'practice_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.Column('checks', sa.Integer(), nullable=False),
        sa.Column('failed_checks', sa.Integer(), nullable=False),
        sa.Column('last_checked_at', sa.DateTime(), nullable=True),
        sa.Column('last_missing', sa.JSON(), nullable=False),
        sa.Column('last_record', sa.String(length=200), nullable=True),
        sa.Column('passed_at', sa.DateTime(), nullable=True),
        sa.Column('statement_id', sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(['task_id'], ['practice_tasks.id'], name='fk_practice_attempts_task_id_practice_tasks'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_practice_attempts_user_id_users', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_practice_attempts'),
        sa.UniqueConstraint('statement_id', name='uq_practice_attempts_statement_id'),
        sa.UniqueConstraint('task_id', 'user_id', name='uq_practice_attempts_task_id_user_id'),
    )
    op.create_index('ix_practice_attempts_task_id', 'practice_attempts', ['task_id'])
    op.create_index('ix_practice_attempts_user_id', 'practice_attempts', ['user_id'])


def downgrade():
    op.drop_table('practice_attempts')
    op.drop_table('practice_tasks')
    with op.batch_alter_table('skills') as batch:
        batch.drop_column('proficient_days')
        batch.drop_column('proficient_records')
        batch.drop_column('crm_objects')
