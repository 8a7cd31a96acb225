"""Coaching and the onboarding gate.

Sign-offs of the four coaching steps per learner and skill, coach delegations, and onboarding
completions. Nothing is deleted: withdrawn, revoked and reopened rows stay as history, and a
partial unique index on the live rows makes two simultaneous sign-offs of one step (or two
completions of one onboarding) impossible on both SQLite and PostgreSQL.

Revision ID: 919a795acd2d
Revises: 5b7e2d4c8f10
Create Date: 2026-11-22 11:34:40.362294

"""
from alembic import op
import sqlalchemy as sa


revision = '919a795acd2d'
down_revision = '5b7e2d4c8f10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('coach_delegations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('coach_id', sa.Integer(), nullable=False),
    sa.Column('delegated_by_id', sa.Integer(), nullable=False),
    sa.Column('delegated_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['coach_id'], ['users.id'], name=op.f('fk_coach_delegations_coach_id_users')),
    sa.ForeignKeyConstraint(['delegated_by_id'], ['users.id'], name=op.f('fk_coach_delegations_delegated_by_id_users')),
    sa.ForeignKeyConstraint(['learner_id'], ['users.id'], name=op.f('fk_coach_delegations_learner_id_users')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_coach_delegations_revoked_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coach_delegations'))
    )
    with op.batch_alter_table('coach_delegations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coach_delegations_coach_id'), ['coach_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coach_delegations_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index('uq_coach_delegations_live', ['learner_id', 'coach_id'], unique=True, sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))

    op.create_table('coaching_sign_offs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('coach_id', sa.Integer(), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('how', sa.String(length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('override_reason', sa.Text(), nullable=True),
    sa.Column('statement_id', sa.String(length=36), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawal_reason', sa.Text(), nullable=True),
    sa.Column('fell_back_with_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("how IS NULL OR how IN ('one_to_one', 'recording', 'team_session')", name=op.f('ck_coaching_sign_offs_known_how')),
    sa.CheckConstraint('step IN (1, 2, 3, 4)', name=op.f('ck_coaching_sign_offs_known_step')),
    sa.ForeignKeyConstraint(['coach_id'], ['users.id'], name=op.f('fk_coaching_sign_offs_coach_id_users')),
    sa.ForeignKeyConstraint(['fell_back_with_id'], ['coaching_sign_offs.id'], name=op.f('fk_coaching_sign_offs_fell_back_with_id_coaching_sign_offs')),
    sa.ForeignKeyConstraint(['learner_id'], ['users.id'], name=op.f('fk_coaching_sign_offs_learner_id_users')),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_coaching_sign_offs_skill_id_skills')),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name=op.f('fk_coaching_sign_offs_withdrawn_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coaching_sign_offs')),
    sa.UniqueConstraint('statement_id', name=op.f('uq_coaching_sign_offs_statement_id'))
    )
    with op.batch_alter_table('coaching_sign_offs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coaching_sign_offs_coach_id'), ['coach_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coaching_sign_offs_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coaching_sign_offs_skill_id'), ['skill_id'], unique=False)
        batch_op.create_index('uq_coaching_sign_offs_live_step', ['learner_id', 'skill_id', 'step'], unique=True, sqlite_where=sa.text('withdrawn_at IS NULL'), postgresql_where=sa.text('withdrawn_at IS NULL'))

    op.create_table('onboarding_completions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=False),
    sa.Column('reopened_at', sa.DateTime(), nullable=True),
    sa.Column('reopen_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['users.id'], name=op.f('fk_onboarding_completions_person_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_onboarding_completions'))
    )
    with op.batch_alter_table('onboarding_completions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_onboarding_completions_person_id'), ['person_id'], unique=False)
        batch_op.create_index('uq_onboarding_completions_live', ['person_id'], unique=True, sqlite_where=sa.text('reopened_at IS NULL'), postgresql_where=sa.text('reopened_at IS NULL'))



def downgrade():
    with op.batch_alter_table('onboarding_completions', schema=None) as batch_op:
        batch_op.drop_index('uq_onboarding_completions_live', sqlite_where=sa.text('reopened_at IS NULL'), postgresql_where=sa.text('reopened_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_onboarding_completions_person_id'))

    op.drop_table('onboarding_completions')
    with op.batch_alter_table('coaching_sign_offs', schema=None) as batch_op:
        batch_op.drop_index('uq_coaching_sign_offs_live_step', sqlite_where=sa.text('withdrawn_at IS NULL'), postgresql_where=sa.text('withdrawn_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_coaching_sign_offs_skill_id'))
        batch_op.drop_index(batch_op.f('ix_coaching_sign_offs_learner_id'))
        batch_op.drop_index(batch_op.f('ix_coaching_sign_offs_coach_id'))

    op.drop_table('coaching_sign_offs')
    with op.batch_alter_table('coach_delegations', schema=None) as batch_op:
        batch_op.drop_index('uq_coach_delegations_live', sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_coach_delegations_learner_id'))
        batch_op.drop_index(batch_op.f('ix_coach_delegations_coach_id'))

    op.drop_table('coach_delegations')
