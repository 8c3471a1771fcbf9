"""deadline feeds: the private calendar address of each person's deadlines

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-01 06:00:00.000000

Issue 17, item 16: one row per person who subscribed; only the SHA-256 of the address's token is
kept, so a copy of the database does not give anyone's calendar.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import casework.models.types


revision: str = '0007'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('deadline_feeds',
    sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', casework.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_deadline_feeds_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_deadline_feeds')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_deadline_feeds_token_hash'))
    )


def downgrade() -> None:
    op.drop_table('deadline_feeds')
