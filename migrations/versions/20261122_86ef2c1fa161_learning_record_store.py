"""The learning record store.

Statements (whole, as JSON) with index tables of the agents and activities they mention, so
every filter of the xAPI query API is an indexed lookup; activity definitions; attachments by
SHA-2; State / Activity Profile / Agent Profile documents; LRS client credentials; and the
outbox of statements waiting to be forwarded to an enterprise LRS.

Revision ID: 86ef2c1fa161
Revises: 3c1e0b7d9a21
Create Date: 2026-11-22 10:45:50.437621

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '86ef2c1fa161'
down_revision = '3c1e0b7d9a21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.String(length=2048), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities')),
    sa.UniqueConstraint('activity_id', name=op.f('uq_activities_activity_id'))
    )
    op.create_table('lrs_clients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('secret_hash', sa.String(length=255), nullable=False),
    sa.Column('scopes', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lrs_clients')),
    sa.UniqueConstraint('key', name=op.f('uq_lrs_clients_key'))
    )
    op.create_table('statement_attachments',
    sa.Column('sha2', sa.String(length=128), nullable=False),
    sa.Column('content_type', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha2', name=op.f('pk_statement_attachments'))
    )
    op.create_table('xapi_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('activity_id', sa.String(length=2048), nullable=False),
    sa.Column('agent_key', sa.String(length=700), nullable=False),
    sa.Column('registration', sa.String(length=36), nullable=False),
    sa.Column('document_id', sa.String(length=1000), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('content_type', sa.String(length=255), nullable=False),
    sa.Column('etag', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_documents')),
    sa.UniqueConstraint('kind', 'activity_id', 'agent_key', 'registration', 'document_id', name=op.f('uq_xapi_documents_kind_activity_id_agent_key_registration_document_id'))
    )
    op.create_table('statements',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('statement_id', sa.String(length=36), nullable=False),
    sa.Column('verb_id', sa.String(length=2048), nullable=False),
    sa.Column('activity_id', sa.String(length=2048), nullable=True),
    sa.Column('target_statement_id', sa.String(length=36), nullable=True),
    sa.Column('actor_key', sa.String(length=700), nullable=False),
    sa.Column('registration', sa.String(length=36), nullable=True),
    sa.Column('timestamp', sa.DateTime(), nullable=False),
    sa.Column('stored', sa.DateTime(), nullable=False),
    sa.Column('voided', sa.Boolean(), nullable=False),
    sa.Column('is_voiding', sa.Boolean(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('document', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['lrs_clients.id'], name=op.f('fk_statements_client_id_lrs_clients'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_statements_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statements')),
    sa.UniqueConstraint('statement_id', name=op.f('uq_statements_statement_id'))
    )
    with op.batch_alter_table('statements', schema=None) as batch_op:
        batch_op.create_index('ix_statements_activity_id_id', ['activity_id', 'id'], unique=False)
        batch_op.create_index('ix_statements_actor_key_id', ['actor_key', 'id'], unique=False)
        batch_op.create_index('ix_statements_registration_id', ['registration', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_statements_stored'), ['stored'], unique=False)
        batch_op.create_index(batch_op.f('ix_statements_target_statement_id'), ['target_statement_id'], unique=False)
        batch_op.create_index('ix_statements_user_id_id', ['user_id', 'id'], unique=False)
        batch_op.create_index('ix_statements_verb_id_id', ['verb_id', 'id'], unique=False)

    op.create_table('statement_activities',
    sa.Column('statement_pk', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('activity_id', sa.String(length=2048), nullable=False),
    sa.Column('core', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['statement_pk'], ['statements.id'], name=op.f('fk_statement_activities_statement_pk_statements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('statement_pk', 'activity_id', 'core', name=op.f('pk_statement_activities'))
    )
    with op.batch_alter_table('statement_activities', schema=None) as batch_op:
        batch_op.create_index('ix_statement_activities_activity_statement', ['activity_id', 'statement_pk'], unique=False)

    op.create_table('statement_agents',
    sa.Column('statement_pk', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('agent_key', sa.String(length=700), nullable=False),
    sa.Column('core', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['statement_pk'], ['statements.id'], name=op.f('fk_statement_agents_statement_pk_statements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('statement_pk', 'agent_key', 'core', name=op.f('pk_statement_agents'))
    )
    with op.batch_alter_table('statement_agents', schema=None) as batch_op:
        batch_op.create_index('ix_statement_agents_agent_key_statement', ['agent_key', 'statement_pk'], unique=False)

    op.create_table('xapi_outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('statement_pk', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('enqueued_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('locked_by', sa.String(length=100), nullable=True),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.Column('dead_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_attempt_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['statement_pk'], ['statements.id'], name=op.f('fk_xapi_outbox_statement_pk_statements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_outbox')),
    sa.UniqueConstraint('statement_pk', name=op.f('uq_xapi_outbox_statement_pk'))
    )
    with op.batch_alter_table('xapi_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_xapi_outbox_pending', ['delivered_at', 'dead_at', 'next_attempt_at'], unique=False)



def downgrade():
    with op.batch_alter_table('xapi_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_xapi_outbox_pending')

    op.drop_table('xapi_outbox')
    with op.batch_alter_table('statement_agents', schema=None) as batch_op:
        batch_op.drop_index('ix_statement_agents_agent_key_statement')

    op.drop_table('statement_agents')
    with op.batch_alter_table('statement_activities', schema=None) as batch_op:
        batch_op.drop_index('ix_statement_activities_activity_statement')

    op.drop_table('statement_activities')
    with op.batch_alter_table('statements', schema=None) as batch_op:
        batch_op.drop_index('ix_statements_verb_id_id')
        batch_op.drop_index('ix_statements_user_id_id')
        batch_op.drop_index(batch_op.f('ix_statements_target_statement_id'))
        batch_op.drop_index(batch_op.f('ix_statements_stored'))
        batch_op.drop_index('ix_statements_registration_id')
        batch_op.drop_index('ix_statements_actor_key_id')
        batch_op.drop_index('ix_statements_activity_id_id')

    op.drop_table('statements')
    op.drop_table('xapi_documents')
    op.drop_table('statement_attachments')
    op.drop_table('lrs_clients')
    op.drop_table('activities')
