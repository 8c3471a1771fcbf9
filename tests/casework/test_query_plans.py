"""The dashboard's grouped counts and the searches are answered by their indexes, on a database
of five years of cases (the benchmark loader): the plans keep their shape.

On PostgreSQL, sequential scans are priced out of reach for the check, so that the plan shows
whether an index *can* answer (with so few rows the planner would rightly prefer reading the
table); on SQLite, the plan is the one it runs.
"""

from datetime import date, datetime, time

import pytest
from sqlalchemy import event

from casework.repositories import reports
from casework.repositories.cases import CaseFilters, matches_query
from workflows.deadlines import MONTREAL

TODAY = date(2026, 11, 23)


@pytest.fixture
def loaded(ctx):
    from benchmarks.data import load

    load(ctx.engine, ctx.settings, cases=3000, today=TODAY, seed=11)
    return ctx.engine


def plan(engine, query) -> str:
    """Return the plan of a query as text: the statement and parameters sent for it, explained."""
    sent = []
    with engine.connect() as connection:

        def grab(conn, cursor, statement, parameters, context, executemany):
            sent.append((statement, parameters))

        event.listen(connection, "before_cursor_execute", grab)
        connection.execute(query).fetchall()
        event.remove(connection, "before_cursor_execute", grab)
        statement, parameters = sent[-1]
        if engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            return "\n".join(row[-1] for row in rows)
        connection.exec_driver_sql("SET enable_seqscan = off")
        rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        return "\n".join(row[0] for row in rows)


def test_the_workload_reads_the_open_cases_from_their_covering_index(loaded):
    text = plan(loaded, reports.workload_query(today=TODAY, at_risk_until=date(2026, 11, 30)))
    assert "ix_cases_status_assignee_id_next_due_on" in text, text
    assert "ix_cases_assignee_id " not in text + " ", text


def test_the_ageing_counts_read_the_status_and_receipt_index(loaded):
    moments = {6: datetime.combine(date(2026, 11, 13), time(), MONTREAL)}
    text = plan(loaded, reports.ageing_query(moments))
    assert "ix_cases_status_received_at" in text, text


@pytest.mark.parametrize("people", [False, True])
def test_a_search_is_answered_by_the_full_text_indexes(loaded, people):
    sqlite = loaded.dialect.name == "sqlite"
    query = matches_query(CaseFilters(text="tremblay", people=people), sqlite=sqlite)
    text = plan(loaded, query)
    if sqlite:
        assert "cases_fts VIRTUAL TABLE INDEX" in text, text
        if people:
            assert "requesters_fts VIRTUAL TABLE INDEX" in text, text
            assert "ix_cases_requester_id" in text, text
    else:
        assert "ix_cases_search" in text, text
        if people:
            assert "ix_requesters_search" in text and "ix_cases_requester_id" in text, text
    assert "SCAN cases\n" not in text + "\n" and "Seq Scan" not in text, text
