"""The queue's CSV and the overdue CSV read the case clock (issue 11): a reopened answered case
is not overdue; an answer extended after its deadline runs to the date announced, and is
overdue the business day after it. Dates counted by hand."""

import csv
import io
from datetime import date

from casework.context import Actor
from casework.services import cases as case_service
from casework.services import reports
from tests.cases import OFFICER, fire, open_case
from tests.casework.web.test_web_account import app  # noqa: F401  (the fixture)
from tests.casework.web.test_web_pages import _signed_in
from tests.conftest import montreal

ADMIN = Actor(label="user:admin", role="admin")


def _rows(response) -> dict[str, dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    return {row["Référence"]: row for row in csv.DictReader(io.StringIO(text))}


def _reopened(ctx, clock):
    # Received Monday 2 November 2026 (answer due Monday 30 November), answered Friday
    # 20 November, closed, reopened Tuesday 1 December: a new answer is due Wednesday
    # 6 January 2027.
    clock.current = montreal(2026, 11, 2, 10, 0)
    case = open_case(ctx, montreal(2026, 11, 2, 9, 0), kind="information_request")
    clock.current = montreal(2026, 11, 20, 10, 0)
    case = fire(ctx, case, "answer", answer_summary="Renseignements transmis.")
    case = fire(ctx, case, "close", outcome="founded")
    clock.current = montreal(2026, 12, 1, 10, 0)
    return fire(ctx, case, "reopen", reason="Nouvelle question de la personne.")


def _extended_late(ctx, clock):
    # Received Friday 18 December 2026, acknowledged on the 21st: answer due Monday 25 January
    # 2027. Extended on Wednesday 27 January by 5 business days: announced for Monday
    # 1 February.
    clock.current = montreal(2026, 12, 18, 11, 0)
    case = open_case(ctx, montreal(2026, 12, 18, 10, 0))
    clock.current = montreal(2026, 12, 21, 10, 0)
    case = fire(ctx, case, "acknowledge")
    clock.current = montreal(2027, 1, 27, 10, 0)
    return case_service.extend(
        ctx,
        interface="api",
        actor=OFFICER,
        reference=case.reference,
        version=case.version,
        days=5,
        reason="Consultation du service juridique",
    ).case


def test_a_reopened_answered_case_is_in_the_queue_csv_but_not_the_overdue_csv(app, ctx, clock):  # noqa: F811
    case = _reopened(ctx, clock)
    clock.current = montreal(2026, 12, 2, 10, 0)
    officer = _signed_in(app, "responsable")
    queue = _rows(officer.get("/queue", params={"format": "csv", "status": "reopened"}))
    row = queue[case.reference]
    assert (row["Prochaine échéance"], row["Date"]) == ("Réponse", "2027-01-06")
    supervisor = _signed_in(app, "superviseure")
    overdue = _rows(supervisor.get("/dashboard/overdue.csv"))
    assert case.reference not in overdue
    assert overdue  # the demo's overdue cases are listed: the file is not empty by accident


def test_an_answer_extended_late_is_overdue_in_the_csv_only_after_the_date_announced(
    app,  # noqa: F811
    ctx,
    clock,
):
    case = _extended_late(ctx, clock)
    assert case.answer_due_on == date(2027, 2, 1)
    clock.current = montreal(2027, 1, 28, 10, 0)
    supervisor = _signed_in(app, "superviseure")
    assert case.reference not in _rows(supervisor.get("/dashboard/overdue.csv"))
    queue = _rows(supervisor.get("/queue", params={"format": "csv"}))
    assert queue[case.reference]["Date"] == "2027-02-01"
    # The rates keep it missed: due Monday 25 January, still unanswered, open and late.
    figures = reports.service_standards(
        ctx, actor=ADMIN, first=date(2027, 1, 25), last=date(2027, 1, 25)
    )["answer"]
    assert (figures.on_time, figures.late, figures.open_late) == (0, 0, 1)
    clock.current = montreal(2027, 2, 2, 10, 0)
    supervisor = _signed_in(app, "superviseure")
    overdue = _rows(supervisor.get("/dashboard/overdue.csv"))
    assert overdue[case.reference]["Date"] == "2027-02-01"
