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
from casework.repositories.cases import (
    CaseFilters,
    matches_query,
    triage_query,
    walked_query,
    whole_words_query,
)
from workflows.case_flow import OPEN_STATES
from workflows.deadlines import MONTREAL

TODAY = date(2026, 11, 23)


@pytest.fixture
def loaded(ctx):
    from benchmarks.data import load

    load(ctx.engine, ctx.settings, cases=3000, today=TODAY, seed=11)
    return ctx.engine


def plan(engine, query, *settings: str) -> str:
    """Return the plan of a query as text: the statement and parameters sent for it, explained
    (on PostgreSQL, after these planner settings)."""
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
        for setting in ("SET enable_seqscan = off", *settings):
            connection.exec_driver_sql(setting)
        rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        return "\n".join(row[0] for row in rows)


# On PostgreSQL, the partial index of the open cases (migration 0016_page_indexes) carries what
# the workload and the ageing counts read too; either covering index answers them.
OPEN_INDEX = "ix_cases_open_received_at"


def test_the_workload_reads_the_open_cases_from_their_covering_index(loaded):
    text = plan(loaded, reports.workload_query(today=TODAY, at_risk_until=date(2026, 11, 30)))
    assert "ix_cases_status_assignee_id_next_due_on" in text or OPEN_INDEX in text, text
    assert "ix_cases_assignee_id " not in text + " ", text
    if loaded.dialect.name == "postgresql":
        assert "Index Only Scan" in text, text


def test_the_ageing_counts_read_the_status_and_receipt_index(loaded):
    moments = {6: datetime.combine(date(2026, 11, 13), time(), MONTREAL)}
    text = plan(loaded, reports.ageing_query(moments))
    assert "ix_cases_status_received_at" in text or OPEN_INDEX in text, text
    if loaded.dialect.name == "postgresql":
        assert "Index Only Scan" in text, text


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
        # The words taken whole, read first to tell a common word: the same index.
        whole = plan(loaded, whole_words_query(CaseFilters(text="tremblay", people=people)))
        assert "ix_cases_search" in whole and "Seq Scan" not in whole, whole
    assert "SCAN cases\n" not in text + "\n" and "Seq Scan" not in text, text


@pytest.mark.parametrize("name", ["acknowledgment", "answer"])
def test_the_on_time_rates_count_the_outcomes_from_their_due_date_index_alone(loaded, name):
    text = plan(loaded, reports.outcome_queries(start=date(2026, 8, 31))[name])
    index = {
        "acknowledgment": "ix_cases_ack_due_on_ack_outcome",
        "answer": "ix_cases_answer_counted_on_answer_outcome",
    }[name]
    assert index in text, text
    if loaded.dialect.name == "sqlite":
        assert "COVERING INDEX" in text, text
    else:
        assert "Index Only Scan" in text, text


def test_the_triage_queue_sorts_the_open_cases_from_their_index_alone(loaded):
    open_states = tuple(sorted(state.value for state in OPEN_STATES))
    sqlite = loaded.dialect.name == "sqlite"
    query = triage_query(CaseFilters(status=open_states), sqlite=sqlite, limit=20, offset=40)
    if sqlite:
        text = plan(loaded, query)
        assert "ix_cases_status_assignee_id_next_due_on" in text, text
        assert "COVERING INDEX" in text, text
    else:
        # The two groups each stopped at the page's end (the third Limit is the page's), the
        # open cases already in due-date order in their partial index (0018_queue_by_due_date):
        # with a few thousand cases sorting them is cheaper, so sorts are priced out here.
        text = plan(loaded, query, "SET enable_sort = off")
        assert text.count("Limit") == 3, text
        assert "ix_cases_open_next_due_on" in text, text


def test_a_common_word_walks_the_receipt_index_to_the_end_of_the_page(loaded):
    sqlite = loaded.dialect.name == "sqlite"
    query = walked_query(CaseFilters(text="remboursement", people=True), sqlite=sqlite).limit(50)
    text = plan(loaded, query)
    if sqlite:
        # The matches are read once into lists; the cases are not sorted, the index is walked.
        assert "SCAN cases USING INDEX ix_cases_received_at_id" in text, text
        assert "TEMP B-TREE" not in text, text
    else:
        assert "ix_cases_received_at_id" in text and "Sort" not in text, text
        # Each walked case's requester is checked by its key, not a hash of all the matching
        # people built before the first case.
        assert "pk_requesters" in text and "hashed" not in text, text


def test_the_ageing_list_reads_the_open_cases_in_receipt_order(loaded):
    sqlite = loaded.dialect.name == "sqlite"
    text = plan(loaded, reports.open_cases_query(sqlite=sqlite))
    if sqlite:
        # Not the whole receipt index walked to spare sorting the open cases.
        assert "ix_cases_received_at_id" not in text, text
    else:
        # Their partial index, carrying what the list shows: neither the table nor a sort.
        assert "Index Only Scan using ix_cases_open_received_at" in text, text
        assert "Sort" not in text, text


def test_the_declarations_grouped_counts_read_the_clock_index_alone(loaded):
    # Migration 0017_case_handlers: on PostgreSQL the cases by receipt carry every column the
    # acknowledgment and answer counts group (and `handlers`): neither reads the wide table.
    # SQLite has no index with included columns: it reads the cases of the period by receipt.
    from sqlmodel import Session

    from casework.repositories import accountability

    start = datetime.combine(date(2025, 4, 1), time(), MONTREAL)
    end = datetime.combine(date(2026, 4, 1), time(), MONTREAL)
    span = {"start": start, "end": end, "until": end, "zone": MONTREAL, "trace": False}
    sent = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    with Session(loaded) as session:
        accountability.for_counting(session, MONTREAL)
        connection = session.connection()
        event.listen(connection, "before_cursor_execute", grab)
        accountability.acknowledgments(session, **span)
        accountability.answers(session, **span)
        event.remove(connection, "before_cursor_execute", grab)
        if loaded.dialect.name == "sqlite":
            for statement, parameters in sent[-2:]:
                rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
                text = "\n".join(row[-1] for row in rows)
                assert "SEARCH cases USING INDEX ix_cases_received_at_id" in text, text
            return
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        for statement, parameters in sent[-2:]:
            rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
            text = "\n".join(row[0] for row in rows)
            assert "Index Only Scan using ix_cases_received_at_clock" in text, text


def test_the_cases_a_closure_can_move_are_read_through_their_due_date_indexes(loaded):
    # A closure on a day moves only open deadlines due that day or later: the three (status,
    # due date) indexes give those cases; on PostgreSQL combined into one bitmap, so that the
    # cases are read once in table order (not gathered, then fetched one by one by their key).
    from sqlmodel import Session

    from casework.repositories import closures

    with Session(loaded) as session:
        text = plan(loaded, closures.reaching(session, date(2026, 11, 26)))
    for index in (
        "ix_cases_status_ack_due_on",
        "ix_cases_status_answer_due_on",
        "ix_cases_status_protecteur_reply_due_on",
    ):
        assert index in text, text
    if loaded.dialect.name == "sqlite":
        assert "SCAN cases" not in text, text
    else:
        assert "BitmapOr" in text and "Hash" not in text, text
