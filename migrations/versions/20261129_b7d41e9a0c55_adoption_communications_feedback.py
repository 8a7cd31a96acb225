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
    op.create_table('adoption_people',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('division_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['division_id'], ['divisions.id'], name=op.f('fk_adoption_people_division_id_divisions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_adoption_people_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_adoption_people'))
    )
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
    sa.Column('division_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['division_id'], ['divisions.id'], name=op.f('fk_adoption_weeks_division_id_divisions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_adoption_weeks_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'week_start', name=op.f('pk_adoption_weeks'))
    )
    op.create_index('ix_adoption_weeks_week_division', 'adoption_weeks', ['week_start', 'division_id', 'inputs', 'outputs'], unique=False)
    # --- end lms.adoption ---

    # --- lms.communications: notifications, their e-mail, muting ---
    op.create_table('notification_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('mute_non_essential', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_preferences'))
    )
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('essential', sa.Boolean(), nullable=False),
    sa.Column('muted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('user_id', 'key', name=op.f('uq_notifications_user_id_key'))
    )
    op.create_index(op.f('ix_notifications_created_at'), 'notifications', ['created_at'], unique=False)
    op.create_index(op.f('ix_notifications_kind'), 'notifications', ['kind'], unique=False)
    op.create_index(op.f('ix_notifications_user_id'), 'notifications', ['user_id'], unique=False)
    op.create_table('mail_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('queued_at', sa.DateTime(), nullable=False),
    sa.Column('last_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('failed', 'pending', 'sent')", name=op.f('ck_mail_deliveries_known_status')),
    sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'], name=op.f('fk_mail_deliveries_notification_id_notifications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_deliveries')),
    sa.UniqueConstraint('notification_id', name=op.f('uq_mail_deliveries_notification_id'))
    )
    op.create_index(op.f('ix_mail_deliveries_status'), 'mail_deliveries', ['status'], unique=False)
    # --- end lms.communications ---

    # --- lms.feedback: problems and suggestions about the CRM, and their triage ---
    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=12), nullable=False),
    sa.Column('area', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('triaged_at', sa.DateTime(), nullable=True),
    sa.Column('triaged_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("area IN ('campaigns', 'contacts', 'leads', 'mobile', 'opportunities', 'orders', 'other', 'quotes', 'reports', 'search', 'service')", name=op.f('ck_feedback_known_area')),
    sa.CheckConstraint("category IN ('problem', 'suggestion')", name=op.f('ck_feedback_known_category')),
    sa.CheckConstraint("status IN ('done', 'new', 'planned', 'wont_do')", name=op.f('ck_feedback_known_status')),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_feedback_reporter_id_users')),
    sa.ForeignKeyConstraint(['triaged_by_id'], ['users.id'], name=op.f('fk_feedback_triaged_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback'))
    )
    op.create_index(op.f('ix_feedback_reporter_id'), 'feedback', ['reporter_id'], unique=False)
    op.create_index(op.f('ix_feedback_status'), 'feedback', ['status'], unique=False)
    # --- end lms.feedback ---


def downgrade():
    # --- lms.feedback ---
    op.drop_index(op.f('ix_feedback_status'), table_name='feedback')
    op.drop_index(op.f('ix_feedback_reporter_id'), table_name='feedback')
    op.drop_table('feedback')
    # --- end lms.feedback ---
    # --- lms.communications ---
    op.drop_index(op.f('ix_mail_deliveries_status'), table_name='mail_deliveries')
    op.drop_table('mail_deliveries')
    op.drop_index(op.f('ix_notifications_user_id'), table_name='notifications')
    op.drop_index(op.f('ix_notifications_kind'), table_name='notifications')
    op.drop_index(op.f('ix_notifications_created_at'), table_name='notifications')
    op.drop_table('notifications')
    op.drop_table('notification_preferences')
    # --- end lms.communications ---
    # --- lms.adoption ---
    op.drop_index('ix_adoption_weeks_week_division', table_name='adoption_weeks')
    op.drop_table('adoption_weeks')
    op.drop_index('ix_adoption_signals_week_kind', table_name='adoption_signals')
    op.drop_index(op.f('ix_adoption_signals_user_id'), table_name='adoption_signals')
    op.drop_table('adoption_signals')
    op.drop_table('adoption_settings')
    op.drop_table('adoption_people')
    # --- end lms.adoption ---
