"""Which identity-provider account is which person: sign_in_links (provider, subject) → user,
kept from the first sign-in through OpenID Connect or SAML so a changed e-mail still signs
the same person in.

Revision ID: 33881d7743bb
Revises: 6b519976c2e3
Create Date: 2026-12-06 05:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '33881d7743bb'
down_revision = '6b519976c2e3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sign_in_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('provider', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('linked_at', sa.DateTime(), nullable=False),
        sa.Column('last_signed_in_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_sign_in_links_user_id_users', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_sign_in_links'),
        sa.UniqueConstraint('provider', 'subject', name='uq_sign_in_links_provider_subject'),
    )
    op.create_index('ix_sign_in_links_user_id', 'sign_in_links', ['user_id'])


def downgrade():
    op.drop_index('ix_sign_in_links_user_id', table_name='sign_in_links')
    op.drop_table('sign_in_links')
