"""SAML 2.0 sign-in: the AuthnRequests Uptake sent (saml_requests, answered once, for ten
minutes) and the assertions that signed someone in (saml_used_assertions, kept until they
expire, so that none signs anyone in twice).

Revision ID: 8721a69301d3
Revises: 33881d7743bb
Create Date: 2026-12-06 05:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '8721a69301d3'
down_revision = '33881d7743bb'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'saml_requests',
        sa.Column('id', sa.String(length=100), nullable=False),
        sa.Column('next_url', sa.String(length=500), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name='pk_saml_requests'),
    )
    op.create_index('ix_saml_requests_expires_at', 'saml_requests', ['expires_at'])
    op.create_table(
        'saml_used_assertions',
        sa.Column('id', sa.String(length=100), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_saml_used_assertions'),
    )
    op.create_index('ix_saml_used_assertions_expires_at', 'saml_used_assertions', ['expires_at'])


def downgrade():
    op.drop_index('ix_saml_used_assertions_expires_at', table_name='saml_used_assertions')
    op.drop_table('saml_used_assertions')
    op.drop_index('ix_saml_requests_expires_at', table_name='saml_requests')
    op.drop_table('saml_requests')
