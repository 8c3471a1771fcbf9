"""report indexes: the escalations of a period and the assignments in the trail

Revision ID: 0015_report_indexes
Revises: 0014
Create Date: 2026-12-01 13:40:00.000000

The annual report counts the cases taken to the Protecteur du citoyen in its fiscal year (by
`escalated_on`) and the people who handled each case from the assignments of their trail (by
event kind and case): both read an index instead of every case and every event.
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0015_report_indexes'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_cases_escalated_on', 'cases', ['escalated_on'], unique=False)
    op.create_index('ix_case_events_kind_case_id', 'case_events', ['kind', 'case_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_case_events_kind_case_id', table_name='case_events')
    op.drop_index('ix_cases_escalated_on', table_name='cases')
