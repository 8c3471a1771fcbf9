"""The case clock from the terminal: `case show --json` deadlines, escalation with the date the
person learned of the facts, the Protecteur's reply date, extensions and closure days."""

import json
from datetime import date

import pytest

from casework.context import Actor
from casework.schemas import CaseCreate, TransitionIn
from casework.services import cases
from casework.services.door import CASEWORK
from tests.cli import invoked
from tests.conftest import command_line_account, montreal

OFFICER = Actor(label="user:officer", role="officer")


@pytest.fixture
def run(ctx, monkeypatch):
    monkeypatch.setattr("casework.cli.cases.context", lambda: ctx)
    monkeypatch.setattr("casework.cli.calendar.context", lambda: ctx)
    command_line_account(ctx.settings.database.url, username="administratrice", role="admin")

    def invoke(*args):
        return invoked("--as", "administratrice", *args)

    return invoke


def _call(ctx, received_at):
    return cases.open_case(
        ctx,
        interface="api",
        actor=OFFICER,
        data=CaseCreate(
            kind="complaint",
            channel="phone",
            subject="Appel sur un délai",
            received_at=received_at,
        ),
    ).case


def _letter(ctx, received_at):
    return cases.open_case(
        ctx,
        interface="api",
        actor=OFFICER,
        data=CaseCreate(
            kind="complaint", channel="letter", subject="Lettre", received_at=received_at
        ),
    ).case


def test_case_show_json_lists_the_deadlines_whose_dates_are_the_headline_ones(ctx, run):
    case = _letter(ctx, montreal(2026, 11, 20, 9, 0))
    result = run("case", "show", case.reference, "--json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    items = {d["name"]: d for d in shown["deadlines"]}
    assert list(items) == ["acknowledgment", "answer", "protecteur_reply"]
    assert shown["ack_due_on"] == items["acknowledgment"]["due_on"] == "2026-12-04"
    assert shown["answer_due_on"] == items["answer"]["due_on"] == "2026-12-18"
    assert shown["protecteur_reply_due_on"] is items["protecteur_reply"]["due_on"] is None
    assert items["acknowledgment"]["state"] == "on_track"  # Monday 23 November: 9 days left
    assert items["protecteur_reply"]["state"] == "not_applicable"
    assert {"name", "due_on", "state", "met_on", "late_by", "explanation"} <= set(items["answer"])
    assert items["answer"]["explanation"]["text"].startswith("Reçue le vendredi 20 novembre")


def test_a_phone_case_escalated_from_the_cli_warns_when_the_facts_are_over_a_year_old(
    ctx, clock, run
):
    # A call: no date of the facts was given at registration; the escalation gives it.
    case = _call(ctx, montreal(2026, 11, 20, 9, 0))
    result = run(
        "case",
        "fire",
        case.reference,
        "escalate",
        "--file-number",
        "PC-2026-0101",
        "--escalated-on",
        "2026-11-23",
        "--facts-known-on",
        "2025-09-15",
        "--reply-due-on",
        "2026-12-25",
    )
    assert result.exit_code == 0, result.output
    assert "art. 19" in result.output
    after = cases.get(ctx, actor=CASEWORK, interface="scheduler", reference=case.reference).case
    assert after.facts_known_on == date(2025, 9, 15)
    # Christmas is closed, then the weekend and Monday 28: Tuesday 29 December 2026.
    assert after.protecteur_reply_due_on == date(2026, 12, 29)
    result = run("case", "set-reply-date", case.reference, "2027-01-15")
    assert result.exit_code == 0, result.output
    assert cases.get(
        ctx, actor=CASEWORK, interface="scheduler", reference=case.reference
    ).case.protecteur_reply_due_on == date(2027, 1, 15)
    result = run("case", "set-reply-date", case.reference, "le 15 janvier")
    assert result.exit_code == 2
    assert "reply_due_on" in result.output


def test_case_extend_moves_the_answer_and_refuses_a_missing_reason(ctx, run):
    case = _letter(ctx, montreal(2026, 11, 20, 9, 0))
    result = run("case", "extend", case.reference, "--days", "5", "--reason", "Expertise")
    assert result.exit_code == 0, result.output
    # Answer due Friday 18 December 2026 + 5 business days: 21, 22, 23, 29, 30 December.
    assert cases.get(
        ctx, actor=CASEWORK, interface="scheduler", reference=case.reference
    ).case.answer_due_on == date(2026, 12, 30)
    result = run("case", "extend", case.reference, "--days", "0", "--reason", "Expertise")
    assert result.exit_code == 2
    assert "days" in result.output


def test_a_closure_added_and_removed_from_the_cli_moves_the_open_deadlines(ctx, run):
    # Received Friday 20 November 2026: acknowledgment due Friday 4 December, answer Friday
    # 18 December. Closing Friday 27 November moves them to Monday 7 and Monday 21 December.
    case = _letter(ctx, montreal(2026, 11, 20, 9, 0))
    result = run(
        "calendar", "closure", "add", "2026-11-27", "--name-fr", "Fermeture", "--name-en", "Closure"
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1:] == [
        f"{case.reference}\tacknowledgment\t2026-12-04\t2026-12-07",
        f"{case.reference}\tanswer\t2026-12-18\t2026-12-21",
    ]
    moved = [
        e
        for e in cases.events(ctx, actor=CASEWORK, interface="scheduler", reference=case.reference)
        if e.kind == "deadline_changed"
    ]
    assert len(moved) == 2
    result = run("calendar", "closure", "remove", "2026-11-27")
    assert result.exit_code == 0, result.output
    after = cases.get(ctx, actor=CASEWORK, interface="scheduler", reference=case.reference).case
    assert (after.ack_due_on, after.answer_due_on) == (date(2026, 12, 4), date(2026, 12, 18))
    result = run("calendar", "closure", "remove", "2026-11-27")
    assert result.exit_code == 2


def test_reports_service_standards_json_has_the_shape_of_the_api(ctx, clock, run, monkeypatch):
    monkeypatch.setattr("casework.cli.reports.context", lambda: ctx)
    # Received Monday 2 November 2026, acknowledged on the 5th: due Monday 16 November.
    clock.current = montreal(2026, 11, 2, 10, 0)
    case = _letter(ctx, montreal(2026, 11, 2, 9, 0))
    clock.current = montreal(2026, 11, 5, 10, 0)
    cases.fire(
        ctx,
        interface="api",
        actor=OFFICER,
        reference=case.reference,
        request=TransitionIn(trigger="acknowledge", version=case.version),
    )
    clock.current = montreal(2026, 11, 23, 10, 0)
    result = run(
        "reports", "service-standards", "--from", "2026-11-01", "--to", "2026-11-30", "--json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "acknowledgment": {
            "on_time": 1,
            "late": 0,
            "open_late": 0,
            "not_applicable": 0,
            "rate": 1.0,
        },
        "answer": {"on_time": 0, "late": 0, "open_late": 0, "not_applicable": 0, "rate": None},
    }
    result = run("reports", "service-standards", "--from", "novembre", "--to", "2026-11-30")
    assert result.exit_code == 2
