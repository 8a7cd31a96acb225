"""CRM connections: their cursors, the CRM's users matched to people, the records people
created or changed with their data quality, duplicate keys, and webhook deliveries taken.

Revision ID: 9a7c3e5d1f20
Revises: 8f2a1b3c4d5e
Create Date: 2026-12-05 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '9a7c3e5d1f20'
down_revision = '8f2a1b3c4d5e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('crm_connections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('purpose', sa.String(length=10), nullable=False),
    sa.Column('base_url', sa.String(length=500), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('secret_env', sa.String(length=100), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_sync_at', sa.DateTime(), nullable=True),
    sa.Column('last_success_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_error_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['lrs_clients.id'], name=op.f('fk_crm_connections_client_id_lrs_clients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_connections')),
    sa.UniqueConstraint('name', name=op.f('uq_crm_connections_name'))
    )
    op.create_table('crm_cursors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('stream', sa.String(length=40), nullable=False),
    sa.Column('cursor', sa.Text(), nullable=True),
    sa.Column('events_read', sa.Integer(), nullable=False),
    sa.Column('last_event_at', sa.DateTime(), nullable=True),
    sa.Column('last_success_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_error_at', sa.DateTime(), nullable=True),
    sa.Column('retry_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['connection_id'], ['crm_connections.id'], name=op.f('fk_crm_cursors_connection_id_crm_connections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_cursors')),
    sa.UniqueConstraint('connection_id', 'stream', name=op.f('uq_crm_cursors_connection_id_stream'))
    )
    op.create_table('crm_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('crm_id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('hr_id', sa.String(length=64), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('matched_by', sa.String(length=10), nullable=True),
    sa.Column('events_unmatched', sa.Integer(), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(), nullable=False),
    sa.Column('last_event_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['connection_id'], ['crm_connections.id'], name=op.f('fk_crm_accounts_connection_id_crm_connections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['users.id'], name=op.f('fk_crm_accounts_person_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_accounts')),
    sa.UniqueConstraint('connection_id', 'crm_id', name=op.f('uq_crm_accounts_connection_id_crm_id'))
    )
    with op.batch_alter_table('crm_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crm_accounts_person_id'), ['person_id'], unique=False)

    op.create_table('crm_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('object', sa.String(length=20), nullable=False),
    sa.Column('external_id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('failed', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_crm_records_changed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['connection_id'], ['crm_connections.id'], name=op.f('fk_crm_records_connection_id_crm_connections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_crm_records_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_records')),
    sa.UniqueConstraint('connection_id', 'object', 'external_id', name=op.f('uq_crm_records_connection_id_object_external_id'))
    )
    with op.batch_alter_table('crm_records', schema=None) as batch_op:
        batch_op.create_index('ix_crm_records_changed_by', ['changed_by_id', 'object'], unique=False)

    op.create_table('crm_duplicate_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('object', sa.String(length=20), nullable=False),
    sa.Column('rule', sa.String(length=60), nullable=False),
    sa.Column('value', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['connection_id'], ['crm_connections.id'], name=op.f('fk_crm_duplicate_keys_connection_id_crm_connections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['crm_records.id'], name=op.f('fk_crm_duplicate_keys_record_id_crm_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_duplicate_keys')),
    sa.UniqueConstraint('record_id', 'rule', name=op.f('uq_crm_duplicate_keys_record_id_rule'))
    )
    with op.batch_alter_table('crm_duplicate_keys', schema=None) as batch_op:
        batch_op.create_index('ix_crm_duplicate_keys_lookup', ['connection_id', 'object', 'rule', 'value'], unique=False)

    op.create_table('crm_webhook_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.String(length=100), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['connection_id'], ['crm_connections.id'], name=op.f('fk_crm_webhook_deliveries_connection_id_crm_connections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_webhook_deliveries')),
    sa.UniqueConstraint('connection_id', 'delivery_id', name=op.f('uq_crm_webhook_deliveries_connection_id_delivery_id'))
    )
    with op.batch_alter_table('crm_webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crm_webhook_deliveries_received_at'), ['received_at'], unique=False)


def downgrade():
    with op.batch_alter_table('crm_webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crm_webhook_deliveries_received_at'))
    op.drop_table('crm_webhook_deliveries')
    with op.batch_alter_table('crm_duplicate_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_crm_duplicate_keys_lookup')
    op.drop_table('crm_duplicate_keys')
    with op.batch_alter_table('crm_records', schema=None) as batch_op:
        batch_op.drop_index('ix_crm_records_changed_by')
    op.drop_table('crm_records')
    with op.batch_alter_table('crm_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crm_accounts_person_id'))
    op.drop_table('crm_accounts')
    op.drop_table('crm_cursors')
    op.drop_table('crm_connections')
