"""page indexes: the indexes the dashboard's rates and the triage queue read at a million cases

Revision ID: 0016_page_indexes
Revises: 0014
Create Date: 2026-12-01 13:15:00.000000

Issue 19 (a million cases): each page reads only the index entries of what it shows.
- The on-time rates (dashboard, service standards report) count the acknowledgments and first
  answers due in a period by the case clock's outcome: (ack_due_on, ack_outcome) and
  (answer_counted_on, answer_outcome) answer those grouped counts from the index alone; the
  second replaces the index on answer_counted_on alone.
- The triage queue sorts the open cases (new unassigned ones first, then by due date) to show
  twenty: on PostgreSQL the (status, assignee_id, next_due_on) index also carries the case's id,
  so that the sort reads the index only and the page then fetches its twenty cases (SQLite's
  indexes always carry the rowid).
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0016_page_indexes'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIAGE = 'ix_cases_status_assignee_id_next_due_on'
TRIAGE_COLUMNS = ['status', 'assignee_id', 'next_due_on']


def upgrade() -> None:
    op.create_index('ix_cases_ack_due_on_ack_outcome', 'cases', ['ack_due_on', 'ack_outcome'])
    op.create_index(
        'ix_cases_answer_counted_on_answer_outcome',
        'cases',
        ['answer_counted_on', 'answer_outcome'],
    )
    op.drop_index('ix_cases_answer_counted_on', 'cases')
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index(TRIAGE, 'cases')
        op.create_index(TRIAGE, 'cases', TRIAGE_COLUMNS, postgresql_include=['id'])


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index(TRIAGE, 'cases')
        op.create_index(TRIAGE, 'cases', TRIAGE_COLUMNS)
    op.create_index('ix_cases_answer_counted_on', 'cases', ['answer_counted_on'])
    op.drop_index('ix_cases_answer_counted_on_answer_outcome', 'cases')
    op.drop_index('ix_cases_ack_due_on_ack_outcome', 'cases')
