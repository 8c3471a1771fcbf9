"""case handlers: the number of people who handled each case, kept on the case

Revision ID: 0017_case_handlers
Revises: 0016_page_indexes
Create Date: 2026-12-01 16:10:00.000000

Issue 16 (the declaration page under a second at a million cases): « le moins d'intervenants
possible entre le demandeur et la réponse » counted each answered case's distinct assignees by
reading every assignment event of the period and parsing its JSON. `cases.handlers` keeps that
number on the case, written where assignments happen (casework.services.cases, through
workflows.accountability.people_who_handled), so that the report groups one column.

The backfill counts, for every case, the distinct people among its current assignee and the
`from` and `to` of its assignment events, in one set-based UPDATE on each database (the same
count the report made from the trail). A case nobody was ever assigned to keeps 0.

On PostgreSQL, an index of the cases by receipt carrying the clock columns the declaration's
figures group (the acknowledgment's and the first answer's due dates, outcomes and days, and
`handlers`) answers both of its grouped counts from the index alone: the table is wide (some
70,000 pages at a million cases), the index a seventh of it. Index-only scans need the
visibility map: after this backfill, the rows it rewrote are read from the table until the next
VACUUM (autovacuum, or `VACUUM ANALYZE cases` after the upgrade).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0017_case_handlers'
down_revision: str | None = '0016_page_indexes'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECEIVED_CLOCK = 'ix_cases_received_at_clock'


def _backfill(dialect: str) -> str:
    if dialect == 'postgresql':
        person = "CAST(data ->> '{}' AS INTEGER)"
    else:
        person = "json_extract(data, '$.{}')"
    return f"""
        UPDATE cases SET handlers = counted.people
        FROM (
            SELECT case_id, count(DISTINCT person) AS people
            FROM (
                SELECT id AS case_id, assignee_id AS person FROM cases
                UNION ALL
                SELECT case_id, {person.format('from')} FROM case_events
                WHERE kind = 'assignment'
                UNION ALL
                SELECT case_id, {person.format('to')} FROM case_events
                WHERE kind = 'assignment'
            ) AS persons
            WHERE person IS NOT NULL
            GROUP BY case_id
        ) AS counted
        WHERE cases.id = counted.case_id
    """


def upgrade() -> None:
    # Added in place on both databases (no "move and copy" on SQLite, which would drop the
    # full-text triggers of 0010): a column with a constant default rewrites no row.
    op.add_column(
        'cases', sa.Column('handlers', sa.Integer(), server_default=sa.text('0'), nullable=False)
    )
    dialect = op.get_bind().dialect.name
    op.execute(_backfill(dialect))
    if dialect == 'postgresql':
        op.execute(
            f'CREATE INDEX {RECEIVED_CLOCK} ON cases (received_at) INCLUDE (ack_due_on, '
            'ack_outcome, ack_met_on, answer_due_on, answer_counted_on, answer_outcome, '
            'answered_at, handlers)'
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'DROP INDEX IF EXISTS {RECEIVED_CLOCK}')
    op.drop_column('cases', 'handlers')
