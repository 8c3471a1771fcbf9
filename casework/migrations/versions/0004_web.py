"""web: closure days decided in the administration pages

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 09:00:00.000000

DESIGN §2.3: closures "can be added or removed"; each decision is a row of `calendar_closures`,
append-only like the audit trail (the trigger function comes from revision 0003).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import casework.models.types


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = 'calendar_closures'


def upgrade() -> None:
    op.create_table(TABLE,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('name_fr', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('created_at', casework.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_closures'))
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_closures_day'), ['day'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            f'CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} '
            'FOR EACH ROW EXECUTE FUNCTION casework_refuse_change()'
        )
    else:
        for action in ('update', 'delete'):
            op.execute(
                f'CREATE TRIGGER {TABLE}_no_{action} BEFORE {action.upper()} ON {TABLE} '
                f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: its rows cannot be changed "
                "or deleted'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}')
    else:
        for action in ('update', 'delete'):
            op.execute(f'DROP TRIGGER IF EXISTS {TABLE}_no_{action}')
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_closures_day'))
    op.drop_table(TABLE)
