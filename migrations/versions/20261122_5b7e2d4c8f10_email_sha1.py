"""People's e-mail SHA-1 (users.email_sha1), so statements naming people by mbox_sha1sum are
an indexed lookup. Existing people are filled in before the column becomes required.

Revision ID: 5b7e2d4c8f10
Revises: 86ef2c1fa161
Create Date: 2026-11-22 11:40:00

"""
import hashlib

from alembic import op
import sqlalchemy as sa


revision = '5b7e2d4c8f10'
down_revision = '86ef2c1fa161'
branch_labels = None
depends_on = None

users = sa.table('users', sa.column('id', sa.Integer), sa.column('email', sa.String), sa.column('email_sha1', sa.String))


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_sha1', sa.String(length=40), nullable=True))
    connection = op.get_bind()
    for user_id, email in connection.execute(sa.select(users.c.id, users.c.email)).all():
        digest = hashlib.sha1(f"mailto:{email}".encode()).hexdigest()
        connection.execute(users.update().where(users.c.id == user_id).values(email_sha1=digest))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('email_sha1', existing_type=sa.String(length=40), nullable=False)
        batch_op.create_index(batch_op.f('ix_users_email_sha1'), ['email_sha1'], unique=False)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_email_sha1'))
        batch_op.drop_column('email_sha1')
