"""Statement retention (`lms xapi prune`): the record of each prune (statement_prunes); the
statement mention tables lose their foreign key to statements (the store removes their rows by
key with the statement, and the key made each removal read the table whole, having no index by
statement); badge_awards.statement_pk gets the index such a removal looks it up by; a
data-quality sample outlives its archived statement (statement_pk becomes optional).

Revision ID: e5a1c9d3b7f2
Revises: c7d3f1e8a402
Create Date: 2026-12-05 23:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = 'e5a1c9d3b7f2'
down_revision = 'c7d3f1e8a402'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
MENTIONS = {'statement_agents': ('agent_key', sa.String(length=700)), 'statement_activities': ('activity_id', sa.String(length=2048))}


def upgrade():
    op.create_table(
        'statement_prunes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('before', sa.DateTime(), nullable=False),
        sa.Column('first_kept_pk', BigId, nullable=False),
        sa.Column('archive', sa.String(length=1000), nullable=False),
        sa.Column('archive_sha256', sa.String(length=64), nullable=True),
        sa.Column('archived', sa.BigInteger(), nullable=False),
        sa.Column('kept', sa.BigInteger(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name='pk_statement_prunes'),
    )
    for table, (column, type_) in MENTIONS.items():
        if op.get_bind().dialect.name == 'sqlite':
            _rebuild(table, column, type_, foreign_key=False)
        else:
            op.drop_constraint(f'fk_{table}_statement_pk_statements', table, type_='foreignkey')
    op.create_index('ix_badge_awards_statement_pk', 'badge_awards', ['statement_pk'])
    with op.batch_alter_table('quality_samples') as batch:
        batch.alter_column('statement_pk', existing_type=BigId, nullable=True)


def downgrade():
    with op.batch_alter_table('quality_samples') as batch:
        batch.alter_column('statement_pk', existing_type=BigId, nullable=False)
    op.drop_index('ix_badge_awards_statement_pk', table_name='badge_awards')
    for table, (column, type_) in MENTIONS.items():
        if op.get_bind().dialect.name == 'sqlite':
            _rebuild(table, column, type_, foreign_key=True)
        else:
            op.create_foreign_key(
                f'fk_{table}_statement_pk_statements', table, 'statements',
                ['statement_pk'], ['id'], ondelete='CASCADE',
            )
    op.drop_table('statement_prunes')


def _rebuild(table, column, type_, *, foreign_key):
    """SQLite cannot drop or add a foreign key: copy into a new table, keyed and WITHOUT
    ROWID as before."""
    key = [sa.ForeignKeyConstraint(
        ['statement_pk'], ['statements.id'],
        name=f'fk_{table}_statement_pk_statements', ondelete='CASCADE',
    )] if foreign_key else []
    op.create_table(
        f'{table}_new',
        sa.Column(column, type_, nullable=False),
        sa.Column('statement_pk', BigId, nullable=False),
        sa.Column('core', sa.Boolean(), nullable=False),
        *key,
        sa.PrimaryKeyConstraint(column, 'statement_pk', 'core', name=f'pk_{table}'),
        sqlite_with_rowid=False,
    )
    op.execute(f'INSERT INTO {table}_new ({column}, statement_pk, core) SELECT {column}, statement_pk, core FROM {table}')
    op.drop_table(table)
    op.rename_table(f'{table}_new', table)
