"""Statement index tables keyed by their lookup; partial indexes on rarely-set columns.

statement_agents and statement_activities get the lookup (agent or activity, then statement)
as their primary key and, on SQLite, are WITHOUT ROWID tables: one b-tree per row instead of
a table, its primary key and a lookup index, which storing a batch of statements wrote three
times over. statements.user_id and statements.target_statement_id are indexed only where set.

Revision ID: 4d2f8a6c1e53
Revises: 919a795acd2d
Create Date: 2026-11-29 11:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '4d2f8a6c1e53'
down_revision = '919a795acd2d'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
TABLES = {
    # table: (looked-up column and its type, old lookup index)
    'statement_agents': (('agent_key', sa.String(length=700)), 'ix_statement_agents_agent_key_statement'),
    'statement_activities': (('activity_id', sa.String(length=2048)), 'ix_statement_activities_activity_statement'),
}
PARTIAL = {
    'ix_statements_user_id_id': ['user_id', 'id'],
    'ix_statements_target_statement_id': ['target_statement_id'],
}


def upgrade():
    for table, ((column, type_), index) in TABLES.items():
        if op.get_bind().dialect.name == 'sqlite':
            _rebuild(table, column, type_, primary_key=[column, 'statement_pk', 'core'], without_rowid=True)
        else:
            op.drop_constraint(f'pk_{table}', table, type_='primary')
            op.create_primary_key(f'pk_{table}', table, [column, 'statement_pk', 'core'])
            op.drop_index(index, table_name=table)
    for name, columns in PARTIAL.items():
        op.drop_index(name, table_name='statements')
        where = sa.text(f'{columns[0]} IS NOT NULL')
        op.create_index(name, 'statements', columns, sqlite_where=where, postgresql_where=where)


def downgrade():
    for name, columns in PARTIAL.items():
        op.drop_index(name, table_name='statements')
        op.create_index(name, 'statements', columns)
    for table, ((column, type_), index) in TABLES.items():
        if op.get_bind().dialect.name == 'sqlite':
            _rebuild(table, column, type_, primary_key=['statement_pk', column, 'core'], without_rowid=False)
        else:
            op.drop_constraint(f'pk_{table}', table, type_='primary')
            op.create_primary_key(f'pk_{table}', table, ['statement_pk', column, 'core'])
        op.create_index(index, table, [column, 'statement_pk'])


def _rebuild(table, column, type_, *, primary_key, without_rowid):
    """SQLite cannot change a table's primary key or rowid: copy into a new table."""
    op.create_table(
        f'{table}_new',
        sa.Column(column, type_, nullable=False),
        sa.Column('statement_pk', BigId, nullable=False),
        sa.Column('core', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['statement_pk'], ['statements.id'], name=f'fk_{table}_statement_pk_statements', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint(*primary_key, name=f'pk_{table}'),
        sqlite_with_rowid=not without_rowid,
    )
    op.execute(f'INSERT INTO {table}_new ({column}, statement_pk, core) SELECT {column}, statement_pk, core FROM {table}')
    op.drop_table(table)
    op.rename_table(f'{table}_new', table)
