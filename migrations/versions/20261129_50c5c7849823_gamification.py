"""Gamification.

The append-only points ledger (points_entries) and the per-period tallies kept beside it,
data-quality samples and their tallies, Open Badges awards, level-up notices, people's
leaderboard preferences, contests and reward grants.

Revision ID: 50c5c7849823
Revises: 4d2f8a6c1e53
Create Date: 2026-11-29 11:22:03.041394

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '50c5c7849823'
down_revision = '4d2f8a6c1e53'
branch_labels = None
depends_on = None


def upgrade():
    # A person's own rank leaves out the (few) inactive people ahead of them: found by index.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_active'), ['active'], unique=False)

    op.create_table('board_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('show_name', sa.Boolean(), nullable=False),
    sa.Column('on_public_boards', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_board_preferences_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_board_preferences'))
    )
    op.create_table('contests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('metric', sa.String(length=20), nullable=False),
    sa.Column('verb_id', sa.String(length=2048), nullable=False),
    sa.Column('activity_type', sa.String(length=2048), nullable=False),
    sa.Column('activity_prefix', sa.String(length=2048), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('division_id', sa.Integer(), nullable=True),
    sa.Column('team_manager_id', sa.Integer(), nullable=True),
    sa.Column('eligible_roles', sa.Text(), nullable=False),
    sa.Column('min_samples', sa.Integer(), nullable=False),
    sa.Column('prize', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("metric IN ('count', 'average_score', 'time_to_first', 'points')", name=op.f('ck_contests_known_metric')),
    sa.CheckConstraint("period IN ('week', 'month', 'quarter')", name=op.f('ck_contests_known_period')),
    sa.CheckConstraint("scope IN ('company', 'division', 'team')", name=op.f('ck_contests_known_scope')),
    sa.CheckConstraint("status IN ('test', 'live', 'closed')", name=op.f('ck_contests_known_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_contests_created_by_id_users')),
    sa.ForeignKeyConstraint(['division_id'], ['divisions.id'], name=op.f('fk_contests_division_id_divisions')),
    sa.ForeignKeyConstraint(['team_manager_id'], ['users.id'], name=op.f('fk_contests_team_manager_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contests')),
    sa.UniqueConstraint('slug', name=op.f('uq_contests_slug'))
    )
    op.create_table('level_ups',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('reached_at', sa.DateTime(), nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_level_ups_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'level', name=op.f('pk_level_ups'))
    )
    op.create_table('points_tallies',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=5), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('reached_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("period IN ('week', 'month', 'all')", name=op.f('ck_points_tallies_known_period')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_points_tallies_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'period', 'period_start', name=op.f('pk_points_tallies'))
    )
    with op.batch_alter_table('points_tallies', schema=None) as batch_op:
        batch_op.create_index('ix_points_tallies_board', ['period', 'period_start', 'points', 'reached_at'], unique=False)

    op.create_table('quality_tallies',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=5), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('score_sum', sa.Integer(), nullable=False),
    sa.Column('samples', sa.Integer(), nullable=False),
    sa.Column('reached_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("period IN ('week', 'month', 'all')", name=op.f('ck_quality_tallies_known_period')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quality_tallies_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'period', 'period_start', name=op.f('pk_quality_tallies'))
    )
    with op.batch_alter_table('quality_tallies', schema=None) as batch_op:
        batch_op.create_index('ix_quality_tallies_period', ['period', 'period_start', 'user_id'], unique=False)

    op.create_table('badge_awards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('badge_key', sa.String(length=60), nullable=False),
    sa.Column('awarded_at', sa.DateTime(), nullable=False),
    sa.Column('statement_pk', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('salt', sa.String(length=32), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revocation_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_badge_awards_revoked_by_id_users')),
    sa.ForeignKeyConstraint(['statement_pk'], ['statements.id'], name=op.f('fk_badge_awards_statement_pk_statements')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_badge_awards_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_badge_awards')),
    sa.UniqueConstraint('user_id', 'badge_key', name=op.f('uq_badge_awards_user_id_badge_key')),
    sa.UniqueConstraint('uuid', name=op.f('uq_badge_awards_uuid'))
    )
    with op.batch_alter_table('badge_awards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_badge_awards_badge_key'), ['badge_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_badge_awards_user_id'), ['user_id'], unique=False)

    op.create_table('points_entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('rule_key', sa.String(length=80), nullable=False),
    sa.Column('object_id', sa.String(length=2048), nullable=False),
    sa.Column('object_hash', sa.String(length=40), nullable=False),
    sa.Column('award_key', sa.String(length=64), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('statement_pk', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('earned_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('reverses_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.CheckConstraint("kind IN ('rule', 'reversal', 'manual')", name=op.f('ck_points_entries_known_kind')),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_points_entries_granted_by_id_users')),
    sa.ForeignKeyConstraint(['reverses_id'], ['points_entries.id'], name=op.f('fk_points_entries_reverses_id_points_entries')),
    sa.ForeignKeyConstraint(['statement_pk'], ['statements.id'], name=op.f('fk_points_entries_statement_pk_statements')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_points_entries_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_entries')),
    sa.UniqueConstraint('user_id', 'award_key', name=op.f('uq_points_entries_user_id_award_key'))
    )
    with op.batch_alter_table('points_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_points_entries_reverses_id'), ['reverses_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_points_entries_statement_pk'), ['statement_pk'], unique=False)
        batch_op.create_index('ix_points_entries_user_object', ['user_id', 'object_hash'], unique=False)
        batch_op.create_index('ix_points_entries_user_rule_earned', ['user_id', 'rule_key', 'earned_at'], unique=False)

    op.create_table('quality_samples',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('statement_pk', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('scored_at', sa.DateTime(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['statement_pk'], ['statements.id'], name=op.f('fk_quality_samples_statement_pk_statements')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quality_samples_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_samples')),
    sa.UniqueConstraint('statement_pk', name=op.f('uq_quality_samples_statement_pk'))
    )
    with op.batch_alter_table('quality_samples', schema=None) as batch_op:
        batch_op.create_index('ix_quality_samples_user_scored', ['user_id', 'scored_at'], unique=False)

    op.create_table('reward_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('board_key', sa.String(length=120), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('prize', sa.String(length=300), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=False),
    sa.Column('granted_at', sa.DateTime(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contest_id'], ['contests.id'], name=op.f('fk_reward_grants_contest_id_contests')),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_reward_grants_granted_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reward_grants_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reward_grants')),
    sa.UniqueConstraint('board_key', 'period_start', name=op.f('uq_reward_grants_board_key_period_start'))
    )
    with op.batch_alter_table('reward_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reward_grants_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_active'))

    with op.batch_alter_table('reward_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reward_grants_user_id'))

    op.drop_table('reward_grants')
    with op.batch_alter_table('quality_samples', schema=None) as batch_op:
        batch_op.drop_index('ix_quality_samples_user_scored')

    op.drop_table('quality_samples')
    with op.batch_alter_table('points_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_points_entries_user_rule_earned')
        batch_op.drop_index('ix_points_entries_user_object')
        batch_op.drop_index(batch_op.f('ix_points_entries_statement_pk'))
        batch_op.drop_index(batch_op.f('ix_points_entries_reverses_id'))

    op.drop_table('points_entries')
    with op.batch_alter_table('badge_awards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_badge_awards_user_id'))
        batch_op.drop_index(batch_op.f('ix_badge_awards_badge_key'))

    op.drop_table('badge_awards')
    with op.batch_alter_table('quality_tallies', schema=None) as batch_op:
        batch_op.drop_index('ix_quality_tallies_period')

    op.drop_table('quality_tallies')
    with op.batch_alter_table('points_tallies', schema=None) as batch_op:
        batch_op.drop_index('ix_points_tallies_board')

    op.drop_table('points_tallies')
    op.drop_table('level_ups')
    op.drop_table('contests')
    op.drop_table('board_preferences')
