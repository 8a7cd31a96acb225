"""SCIM groups: the groups an identity provider pushes (scim_groups) and their members
(scim_group_members); membership of those named in SCIM_HR_GROUPS / SCIM_ADMIN_GROUPS grants
the access role.

Revision ID: 1559d701ec1d
Revises: 7684fa24f0cb
Create Date: 2026-12-06 06:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '1559d701ec1d'
down_revision = '7684fa24f0cb'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'scim_groups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('display_name', sa.String(length=255), nullable=False),
        sa.Column('display_name_key', sa.String(length=255), nullable=False),
        sa.Column('external_id', sa.String(length=255), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_scim_groups'),
        sa.UniqueConstraint('display_name_key', name='uq_scim_groups_display_name_key'),
    )
    op.create_table(
        'scim_group_members',
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['scim_groups.id'], name='fk_scim_group_members_group_id_scim_groups', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_scim_group_members_user_id_users', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('group_id', 'user_id', name='pk_scim_group_members'),
    )
    op.create_index('ix_scim_group_members_user_id', 'scim_group_members', ['user_id'])


def downgrade():
    op.drop_index('ix_scim_group_members_user_id', table_name='scim_group_members')
    op.drop_table('scim_group_members')
    op.drop_table('scim_groups')
