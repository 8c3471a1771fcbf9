"""The triage queue's order, page after page, on five years of cases (the benchmark loader).

DESIGN §1 and the queue's issue: "new and unassigned cases first [...] sort by due date". Each
page must be the slice of that one order, whatever the filters: on PostgreSQL a queue of open
cases is read as two groups walked separately (migration 0018_queue_by_due_date), so the pages
are compared here with the order worked out from every case.
"""

from datetime import date

import pytest
from sqlalchemy import select
from sqlmodel import Session

from casework.models import Case
from casework.repositories.cases import OPEN, CaseFilters, search

TODAY = date(2026, 11, 23)
PAGE = 20


@pytest.fixture
def loaded(ctx):
    from benchmarks.data import load

    load(ctx.engine, ctx.settings, cases=3000, today=TODAY, seed=5)
    return ctx.engine


def expected_order(engine, filters: CaseFilters) -> list[int]:
    """The queue's order from the rule itself: new cases nobody is assigned to first, then by
    due date (cases without one last), then by id."""
    with Session(engine) as session:
        cases = session.execute(select(Case)).scalars().all()
    chosen = [
        c
        for c in cases
        if c.status in filters.status
        and (not filters.kind or c.kind in filters.kind)
        and (filters.assignee_id is None or c.assignee_id == filters.assignee_id)
    ]
    chosen.sort(
        key=lambda c: (
            not (c.status == "received" and c.assignee_id is None),
            c.next_due_on is None,
            c.next_due_on or date.min,
            c.id,
        )
    )
    return [c.id for c in chosen]


def pages(engine, filters: CaseFilters, offsets) -> list[list[int]]:
    with Session(engine) as session:
        return [
            [c.id for c in search(session, filters=filters, limit=PAGE, offset=o, triage=True)[0]]
            for o in offsets
        ]


@pytest.mark.parametrize(
    "name, filters",
    [
        ("every open case", CaseFilters(status=OPEN)),
        ("open complaints", CaseFilters(status=OPEN, kind=("complaint",))),
        ("received only", CaseFilters(status=("received",))),
        ("acknowledged only: no new case", CaseFilters(status=("acknowledged",))),
        ("closed: not an open queue", CaseFilters(status=("closed",))),
    ],
)
def test_each_page_of_the_queue_is_a_slice_of_the_triage_order(loaded, name, filters):
    order = expected_order(loaded, filters)
    assert order, name
    # The first three pages and the last one.
    offsets = sorted({0, PAGE, 2 * PAGE, (len(order) - 1) // PAGE * PAGE})
    for offset, page in zip(offsets, pages(loaded, filters, offsets), strict=True):
        assert page == order[offset : offset + PAGE], (name, offset)


def test_the_page_where_the_new_cases_give_way_to_the_others_follows_the_order(loaded):
    filters = CaseFilters(status=OPEN)
    with Session(loaded) as session:
        new = sum(
            1
            for c in session.execute(select(Case).where(Case.status.in_(OPEN))).scalars()
            if c.status == "received" and c.assignee_id is None
        )
    order = expected_order(loaded, filters)
    assert 0 < new < len(order) - PAGE
    offset = new - new % PAGE  # the page holding the last new case and the first others
    (page,) = pages(loaded, filters, [offset])
    assert page == order[offset : offset + PAGE]
