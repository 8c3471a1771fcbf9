"""access: API keys, the access log, login throttling; an append-only audit trail

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 06:03:57.035212

DESIGN §2.5: "Who viewed personal information is logged. The audit trail cannot be edited through
any interface." Beside the tables, this revision makes `case_events` and `access_log` append-only
in the database itself: a trigger refuses every UPDATE and DELETE of their rows, whoever sends it.
On SQLite, a later migration that rebuilds one of these tables (batch "move and copy") drops its
triggers and must create them again (`_append_only` below).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import casework.models.types


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ('case_events', 'access_log')


def _append_only(table: str) -> None:
    """Refuse every UPDATE and DELETE of the rows of `table`."""
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            f'CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} '
            'FOR EACH ROW EXECUTE FUNCTION casework_refuse_change()'
        )
        return
    for action in ('update', 'delete'):
        op.execute(
            f'CREATE TRIGGER {table}_no_{action} BEFORE {action.upper()} ON {table} '
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: its rows cannot be changed "
            "or deleted'); END"
        )


def _drop_append_only(table: str) -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'DROP TRIGGER IF EXISTS {table}_append_only ON {table}')
        return
    for action in ('update', 'delete'):
        op.execute(f'DROP TRIGGER IF EXISTS {table}_no_{action}')


def upgrade() -> None:
    op.create_table('api_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('key_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_at', casework.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('last_used_at', casework.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', casework.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_api_keys_key_hash')),
    sa.UniqueConstraint('name', name=op.f('uq_api_keys_name'))
    )
    op.create_table('access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', casework.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('api_key_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('interface', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('what', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.ForeignKeyConstraint(['api_key_id'], ['api_keys.id'], name=op.f('fk_access_log_api_key_id_api_keys')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_access_log_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_access_log_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log'))
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_log_case_id'), ['case_id'], unique=False)

    # Existing accounts start with no failed login and their first session generation.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default=sa.text('0')))
        batch_op.add_column(sa.Column('locked_until', casework.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_login_at', casework.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), nullable=False, server_default=sa.text('0')))

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            """
            CREATE FUNCTION casework_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: its rows cannot be changed or deleted',
                    TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
            END
            $$
            """
        )
    for table in APPEND_ONLY:
        _append_only(table)


def downgrade() -> None:
    for table in APPEND_ONLY:
        _drop_append_only(table)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS casework_refuse_change()')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
        batch_op.drop_column('last_login_at')
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')

    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_log_case_id'))

    op.drop_table('access_log')
    op.drop_table('api_keys')
