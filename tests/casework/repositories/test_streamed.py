"""Long lists read a batch at a time (casework.db.streamed): the ageing spreadsheet lists every
open case, oldest receipt first, with the values the ORM would give, and a reader that stops
half-way (a person who closes the download) leaves the connection ready for the next query."""

from datetime import UTC, date
from itertools import islice

import pytest
from sqlalchemy import func, select

from casework.db import read_session, streamed
from casework.models import Case
from casework.repositories.cases import OPEN
from casework.repositories.reports import open_cases, open_cases_query

TODAY = date(2026, 11, 23)


@pytest.fixture
def loaded(ctx):
    from benchmarks.data import load

    load(ctx.engine, ctx.settings, cases=6000, today=TODAY, seed=11)
    return ctx.engine


def test_the_ageing_list_gives_every_open_case_oldest_receipt_first_in_several_batches(loaded):
    sqlite = loaded.dialect.name == "sqlite"
    with read_session(loaded) as session:
        cases = session.execute(select(Case).where(Case.status.in_(OPEN))).scalars().all()
        listed = list(open_cases(session))
        in_batches = list(streamed(session, open_cases_query(sqlite=sqlite), rows=50))
    expected = sorted(cases, key=lambda c: (c.received_at, c.id))
    assert len(expected) > 300  # several batches of 50
    assert (
        listed
        == in_batches
        == [
            (c.reference, c.kind, c.status, c.subject, c.received_at, c.assignee_id)
            for c in expected
        ]
    )
    assert all(row[4].utcoffset() == UTC.utcoffset(None) for row in listed)


def test_a_reader_that_stops_half_way_leaves_the_session_ready(loaded):
    with read_session(loaded) as session:
        query = open_cases_query(sqlite=loaded.dialect.name == "sqlite")
        rows = streamed(session, query, rows=50)
        first = list(islice(rows, 5))
        rows.close()
        assert len(first) == 5
        count = session.execute(select(func.count()).select_from(Case)).scalar_one()
    assert count == 6000
