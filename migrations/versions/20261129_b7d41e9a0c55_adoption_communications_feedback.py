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
    # --- lms.adoption: weekly CRM use, the adoption target, signals ---
    op.create_table('adoption_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_percent', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('target_percent BETWEEN 1 AND 100', name=op.f('ck_adoption_settings_target_in_range')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_adoption_settings_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adoption_settings'))
    )
    op.create_table('adoption_signals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('value', sa.Double(), nullable=False),
    sa.Column('raised_at', sa.DateTime(), nullable=False),
    sa.Column('response', sa.String(length=30), nullable=True),
    sa.Column('acted_at', sa.DateTime(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.CheckConstraint("kind IN ('updating-drop', 'data-quality', 'few-reports', 'three-x')", name=op.f('ck_adoption_signals_known_kind')),
    sa.CheckConstraint("response IS NULL OR response IN ('assign_remedial', 'nudge', 'tell_manager')", name=op.f('ck_adoption_signals_known_response')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_adoption_signals_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adoption_signals')),
    sa.UniqueConstraint('user_id', 'kind', 'week_start', name=op.f('uq_adoption_signals_user_id_kind_week_start'))
    )
    op.create_index(op.f('ix_adoption_signals_user_id'), 'adoption_signals', ['user_id'], unique=False)
    op.create_index('ix_adoption_signals_week_kind', 'adoption_signals', ['week_start', 'kind'], unique=False)
    op.create_table('adoption_weeks',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('inputs', sa.Integer(), nullable=False),
    sa.Column('outputs', sa.Integer(), nullable=False),
    sa.Column('reports', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_adoption_weeks_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'week_start', name=op.f('pk_adoption_weeks'))
    )
    op.create_index('ix_adoption_weeks_week_user', 'adoption_weeks', ['week_start', 'user_id', 'inputs', 'outputs'], unique=False)
    # --- end lms.adoption ---


def downgrade():
    # --- lms.adoption ---
    op.drop_index('ix_adoption_weeks_week_user', table_name='adoption_weeks')
    op.drop_table('adoption_weeks')
    op.drop_index('ix_adoption_signals_week_kind', table_name='adoption_signals')
    op.drop_index(op.f('ix_adoption_signals_user_id'), table_name='adoption_signals')
    op.drop_table('adoption_signals')
    op.drop_table('adoption_settings')
    # --- end lms.adoption ---
