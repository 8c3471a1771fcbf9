"""The access log: every answer that shows a requester leaves one entry per case (who, when,
which case, through which interface), and nothing else does; officers and administrators read
it; nobody can change it, nor the event trail (DESIGN §2.5)."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from casework.models import AccessLogEntry
from tests.casework.security.conftest import make_case
from tests.cli import casework
from tests.conftest import command_line_account


def entries(engine, case_id=None):
    with Session(engine) as session:
        query = select(AccessLogEntry).order_by(AccessLogEntry.id)
        if case_id is not None:
            query = query.where(AccessLogEntry.case_id == case_id)
        return list(session.execute(query).scalars())


def test_reading_a_case_records_who_when_which_case_and_the_interface(
    callers, ctx, clock, engine, people
):
    case = make_case(ctx, assignee_id=people["agent_assigned"])
    callers["officer"].get(f"/api/cases/{case.reference}")
    clock.current += timedelta(minutes=5)
    callers["agent_assigned"].get(f"/api/cases/{case.reference}")
    log = callers["admin"].get(f"/api/cases/{case.reference}/access-log")
    assert log.status_code == 200
    assert [(e["actor"], e["user_id"], e["interface"], e["what"]) for e in log.json()] == [
        ("user:officer", people["officer"], "api", "read"),
        ("user:agent-assigned", people["agent_assigned"], "api", "read"),
    ]
    first, second = entries(engine, case.id)
    assert first.at == clock.current - timedelta(minutes=5)
    assert second.at == clock.current


def test_redacted_answers_and_answers_without_personal_information_leave_no_entry(
    callers, ctx, engine, people
):
    case = make_case(ctx, assignee_id=people["agent_assigned"])
    callers["agent_other"].get(f"/api/cases/{case.reference}")
    callers["agent_other"].get("/api/cases")
    callers["integration"].get(f"/api/cases/{case.reference}")
    callers["officer"].get(f"/api/cases/{case.reference}/events")
    callers["officer"].get(f"/api/cases/{case.reference}/deadlines")
    callers["officer"].get(f"/api/cases/{case.reference}/access-log")
    callers["officer"].post(f"/api/cases/{case.reference}/notes", json={"text": "Rappel"})
    created = callers["integration"].post(
        "/api/cases",
        json={
            "kind": "complaint",
            "channel": "web_form",
            "subject": "Formulaire",
            "received_at": "2026-11-20T10:00:00-05:00",
            "requester": {"name": "Luc Gagnon"},
        },
    )
    assert created.json()["requester"]["redacted"] is True
    anonymous = make_case(ctx, requester=False)
    callers["officer"].get(f"/api/cases/{anonymous.reference}")
    assert entries(engine) == []


def test_a_list_records_one_entry_per_case_whose_requester_it_shows(callers, ctx, engine, people):
    mine = make_case(ctx, assignee_id=people["agent_assigned"])
    other = make_case(ctx, kind="information_request")
    nobody = make_case(ctx, kind="comment", requester=False)
    callers["officer"].get("/api/cases")
    assert sorted(e.case_id for e in entries(engine)) == sorted([mine.id, other.id])
    assert {e.what for e in entries(engine)} == {"list"}
    callers["agent_assigned"].get("/api/cases")
    agent_entries = [e for e in entries(engine) if e.actor == "user:agent-assigned"]
    assert [e.case_id for e in agent_entries] == [mine.id]
    assert nobody.id not in {e.case_id for e in entries(engine)}


def test_commands_that_answer_with_the_requester_are_recorded(callers, ctx, engine, people):
    officer = callers["officer"]
    created = officer.post(
        "/api/cases",
        json={
            "kind": "complaint",
            "channel": "letter",
            "subject": "Plainte",
            "received_at": "2026-11-20T10:00:00-05:00",
            "requester": {"name": "Luc Gagnon"},
        },
    ).json()
    reference = created["reference"]
    moved = officer.post(
        f"/api/cases/{reference}/transitions", json={"trigger": "acknowledge", "version": 1}
    ).json()
    officer.patch(f"/api/cases/{reference}", json={"version": moved["version"], "priority": "high"})
    officer.post(
        f"/api/cases/{reference}/extensions",
        json={"version": moved["version"] + 1, "days": 5, "reason": "Analyse"},
    )
    whats = [e["what"] for e in officer.get(f"/api/cases/{reference}/access-log").json()]
    assert whats == ["create", "transition", "update", "extension"]


def test_api_key_reads_are_attributed_to_the_key(app, ctx, engine):
    from fastapi.testclient import TestClient

    from casework.context import Actor
    from casework.services import apikeys

    key, secret = apikeys.create(
        ctx, actor=Actor("test", role="admin"), name="tableau-de-bord", role="officer"
    )
    case = make_case(ctx)
    TestClient(app, headers={"X-API-Key": secret}).get(f"/api/cases/{case.reference}")
    (entry,) = entries(engine)
    assert (entry.actor, entry.api_key_id, entry.user_id) == (
        "apikey:tableau-de-bord",
        key.id,
        None,
    )


@pytest.mark.parametrize("caller", ["agent_assigned", "agent_other", "supervisor", "integration"])
def test_only_officers_and_administrators_read_the_access_log(caller, callers, ctx, people):
    case = make_case(ctx, assignee_id=people["agent_assigned"])
    assert callers[caller].get(f"/api/cases/{case.reference}/access-log").status_code == 403


def test_the_access_log_of_an_unknown_case_is_404(callers):
    assert callers["officer"].get("/api/cases/PLT-2026-99999/access-log").status_code == 404


def test_no_interface_changes_or_deletes_the_log_or_the_trail(callers, ctx):
    case = make_case(ctx)
    officer = callers["officer"]
    for path in (f"/api/cases/{case.reference}/access-log", f"/api/cases/{case.reference}/events"):
        for method in ("put", "patch", "delete"):
            assert getattr(officer, method)(path).status_code == 405, (method, path)


@pytest.mark.parametrize("table", ["access_log", "case_events"])
@pytest.mark.parametrize(
    "statement", ["UPDATE {table} SET actor = 'someone else'", "DELETE FROM {table}"]
)
def test_the_database_refuses_to_change_or_delete_the_log_and_the_trail(
    table, statement, callers, ctx, engine
):
    case = make_case(ctx)
    callers["officer"].get(f"/api/cases/{case.reference}")
    with engine.connect() as connection:
        count = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    assert count >= 1
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement.format(table=table)))
    with engine.connect() as connection:
        assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == count
        assert (
            connection.execute(
                text(f"SELECT count(*) FROM {table} WHERE actor = 'someone else'")
            ).scalar_one()
            == 0
        )


def test_the_command_line_records_what_it_prints(ctx, engine, tmp_path):
    case = make_case(ctx)
    url = ctx.settings.database.url
    shown = casework(
        *("case", "show", case.reference, "--json"),
        env={"CASEWORK_DATABASE__URL": url, **command_line_account(url)},
        cwd=tmp_path,
    )
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["requester"]["name"] == "Marie Tremblay"
    (entry,) = entries(engine, case.id)
    assert entry.interface == "cli"
    assert entry.actor == "user:operateur"
    assert entry.what == "read"


def test_letters_carry_the_requester_and_are_read_and_logged_under_the_same_rule(
    callers, ctx, engine, people
):
    case = make_case(ctx, assignee_id=people["agent_assigned"])
    fired = callers["officer"].post(
        f"/api/cases/{case.reference}/transitions",
        json={"trigger": "acknowledge", "version": case.version},
    )
    assert fired.status_code == 200
    before = len(entries(engine, case.id))
    letters_url = f"/api/cases/{case.reference}/letters"

    for role in ("agent_other", "integration"):
        assert callers[role].get(letters_url).status_code == 403
        assert callers[role].get(f"{letters_url}/1").status_code == 403
    assert len(entries(engine, case.id)) == before  # nothing shown, nothing logged

    listed = callers["agent_assigned"].get(letters_url)
    assert listed.status_code == 200
    assert [(x["kind"], x["channel"]) for x in listed.json()] == [("acknowledgment", "email")]
    assert "Marie Tremblay" in listed.json()[0]["text"]
    pdf = callers["officer"].get(f"{letters_url}/1", headers={"Accept": "application/pdf"})
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert [(e.actor, e.what) for e in entries(engine, case.id)][before:] == [
        ("user:agent-assigned", "letters"),
        ("user:officer", "letter"),
    ]
    # The trail says a letter was written, without the person's name or address.
    events = callers["agent_other"].get(f"/api/cases/{case.reference}/events").json()
    acknowledged = next(e for e in events if e["trigger"] == "acknowledge")
    assert acknowledged["data"]["letter_id"] == 1
    assert "Marie Tremblay" not in json.dumps(events)
