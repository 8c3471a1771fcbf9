"""The benchmark loader builds a database casework can work on: every case with its requester,
every state, deadlines from the calendar, and reference sequences that new cases continue."""

import re
from datetime import date

from sqlalchemy import func, select

from benchmarks.data import load
from casework.context import Actor
from casework.models import Case, CaseEvent, Requester
from casework.repositories.cases import CaseFilters
from casework.schemas import CaseCreate
from casework.services import cases as service
from casework.services.door import CASEWORK
from tests.conftest import montreal

TODAY = date(2026, 11, 23)  # the tests' clock


def test_loaded_cases_have_requesters_every_state_and_continuing_references(ctx):
    plan = load(ctx.engine, ctx.settings, cases=3000, today=TODAY, seed=1)

    with ctx.engine.connect() as connection:
        cases = connection.execute(select(Case.reference, Case.status, Case.requester_id)).all()
        requesters = connection.execute(select(func.count()).select_from(Requester)).scalar()
        events = connection.execute(select(func.count()).select_from(CaseEvent)).scalar()
        first = connection.execute(select(func.min(Case.received_at))).scalar()
    assert len(cases) == 3000 == plan.cases
    assert requesters == 3000 and all(row.requester_id for row in cases)
    assert len({row.reference for row in cases}) == 3000
    assert all(re.fullmatch(r"(PLT|REN|MED|FRN|COM)-20\d\d-\d{5}", row.reference) for row in cases)
    assert {row.status for row in cases} == {
        "received",
        "acknowledged",
        "awaiting_requester",
        "answered",
        "escalated",
        "closed",
    }
    assert events == plan.events and 3 * 3000 < events < 6 * 3000
    assert first.astimezone(ctx.tz).date() >= date(2021, 11, 23)

    # The overdue list the pages show counts what the loader says it made overdue.
    overdue, total = service.search(
        ctx,
        actor=CASEWORK,
        interface="scheduler",
        filters=CaseFilters(overdue_on=TODAY),
        limit=5,
        with_requesters=True,
    )
    assert total == plan.overdue > 0
    assert all(view.case.next_due_on < TODAY and view.requester for view in overdue)

    # A case opened today takes the next number of its year's sequence.
    with ctx.engine.connect() as connection:
        last = connection.execute(
            select(func.count()).where(Case.reference.like("PLT-2026-%"))
        ).scalar()
    opened = service.open_case(
        ctx,
        interface="api",
        actor=Actor("test", role="admin"),
        data=CaseCreate(
            kind="complaint",
            channel="email",
            subject="Nouvelle plainte",
            received_at=montreal(2026, 11, 23, 9, 0),
        ),
    )
    assert opened.case.reference == f"PLT-2026-{last + 1:05d}"
