"""case clock: what the clock says of each deadline, stored for the indexed lists and the rates

Revision ID: 0005
Revises: 0012
Create Date: 2026-12-01 09:40:00.000000

workflows.case_clock owns what every deadline means; these columns keep its outcome per case so
that the on-time rates count in SQL. Existing cases are marked with a calendar version no
calendar has, so that the scheduler's next pass derives their clock and fills the columns.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0005'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ack_met_on', sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column('ack_outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        batch_op.add_column(sa.Column('answer_met_on', sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column('answer_outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        batch_op.add_column(sa.Column('answer_counted_on', sa.Date(), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_cases_answer_counted_on'), ['answer_counted_on'], unique=False
        )
    op.execute("UPDATE cases SET calendar_version = 'before-case-clock'")


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_answer_counted_on'))
        batch_op.drop_column('answer_counted_on')
        batch_op.drop_column('answer_outcome')
        batch_op.drop_column('answer_met_on')
        batch_op.drop_column('ack_outcome')
        batch_op.drop_column('ack_met_on')
