"""SCIM 2.0 provisioning: the bearer tokens identity providers present (scim_tokens, only a
hash of each kept) and how the provider names each person it provisioned (scim_identities:
userName as sent, externalId, and when the provider DELETEd them).

Revision ID: 7684fa24f0cb
Revises: 8721a69301d3
Create Date: 2026-12-06 06:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '7684fa24f0cb'
down_revision = '8721a69301d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'scim_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('key', sa.String(length=32), nullable=False),
        sa.Column('secret_sha256', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name='fk_scim_tokens_created_by_id_users', ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name='pk_scim_tokens'),
        sa.UniqueConstraint('key', name='uq_scim_tokens_key'),
    )
    op.create_table(
        'scim_identities',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('user_name', sa.String(length=254), nullable=False),
        sa.Column('user_name_key', sa.String(length=254), nullable=False),
        sa.Column('external_id', sa.String(length=255), nullable=True),
        sa.Column('sent', sa.JSON(), nullable=True),
        sa.Column('deprovisioned_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_scim_identities_user_id_users', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name='pk_scim_identities'),
        sa.UniqueConstraint('user_name_key', name='uq_scim_identities_user_name_key'),
    )
    op.create_index('ix_scim_identities_external_id', 'scim_identities', ['external_id'])


def downgrade():
    op.drop_index('ix_scim_identities_external_id', table_name='scim_identities')
    op.drop_table('scim_identities')
    op.drop_table('scim_tokens')
