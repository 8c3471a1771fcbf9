"""page indexes: the indexes the dashboard's rates and the triage queue read at a million cases

Revision ID: 0016_page_indexes
Revises: 0015_report_indexes
Create Date: 2026-12-01 13:15:00.000000

Issue 19 (a million cases): each page reads only the index entries of what it shows.
- The on-time rates (dashboard, service standards report) count the acknowledgments and first
  answers due in a period by the case clock's outcome: (ack_due_on, ack_outcome) and
  (answer_counted_on, answer_outcome) answer those grouped counts from the index alone; the
  second replaces the index on answer_counted_on alone.
- The ageing list reads every open case, oldest receipt first: on PostgreSQL a partial index of
  the open cases by receipt and id, carrying the columns the list shows, gives them in order
  without reading the table (a few tens of thousands of entries at a million cases). It also
  carries what the triage queue sorts to show twenty open cases (state, assignee, due date, id),
  and what the workload and ageing counts read; on SQLite, the (status, assignee_id,
  next_due_on) index answers the triage sort alone (its entries carry the rowid).
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0016_page_indexes'
down_revision: str | None = '0015_report_indexes'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_RECEIVED = 'ix_cases_open_received_at'
# The open states of workflows.case_flow.OPEN_STATES when this revision was written.
OPEN_STATES = "'acknowledged', 'answered', 'awaiting_requester', 'escalated', 'received'"


def upgrade() -> None:
    op.create_index('ix_cases_ack_due_on_ack_outcome', 'cases', ['ack_due_on', 'ack_outcome'])
    op.create_index(
        'ix_cases_answer_counted_on_answer_outcome',
        'cases',
        ['answer_counted_on', 'answer_outcome'],
    )
    op.drop_index('ix_cases_answer_counted_on', 'cases')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            f'CREATE INDEX {OPEN_RECEIVED} ON cases (received_at, id) INCLUDE (reference, kind, '
            'status, subject, assignee_id, next_due_on, next_deadline) '
            f'WHERE status IN ({OPEN_STATES})'
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'DROP INDEX IF EXISTS {OPEN_RECEIVED}')
    op.create_index('ix_cases_answer_counted_on', 'cases', ['answer_counted_on'])
    op.drop_index('ix_cases_answer_counted_on_answer_outcome', 'cases')
    op.drop_index('ix_cases_ack_due_on_ack_outcome', 'cases')
