"""letters: letters to the requester kept as sent, and how the requester wants them

Revision ID: 0008
Revises: 0009
Create Date: 2026-12-01 06:30:00.000000

DESIGN §2.7: "A letter is stored exactly as sent (PDF bytes and their hash) and sent by email
through the outbox, or listed for printing and mailing."
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import casework.models.types


revision: str = '0008'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True),
    sa.Column('letter_date', sa.Date(), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('text_body', sa.Text(), nullable=False),
    sa.Column('html_body', sa.Text(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('created_at', casework.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('mailed_on', sa.Date(), nullable=True),
    sa.Column('mailed_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('mailed_at', casework.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_letters_case_id_cases'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letters'))
    )
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letters_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_letters_channel_mailed_on', ['channel', 'mailed_on'], unique=False)
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('letter_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_outbox_messages_letter_id_letters'), 'letters', ['letter_id'], ['id'],
            ondelete='RESTRICT',
        )
    with op.batch_alter_table('requesters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True))
        batch_op.add_column(sa.Column('by_mail', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('requesters', schema=None) as batch_op:
        batch_op.drop_column('by_mail')
        batch_op.drop_column('title')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_letter_id_letters'), type_='foreignkey')
        batch_op.drop_column('letter_id')
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index('ix_letters_channel_mailed_on')
        batch_op.drop_index(batch_op.f('ix_letters_case_id'))
    op.drop_table('letters')
