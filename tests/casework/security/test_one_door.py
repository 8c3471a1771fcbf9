"""One door to a case (DESIGN §2.5): walked through every route of the API and of the pages that
takes a case reference, and every command of the command line that shows a case. An agent to whom
the complaint is not assigned never sees its requester (name, email address, telephone); a
supervisor and the agent it is assigned to see it, and each of their looks leaves at most one
access-log entry, with its interface, and exactly one when the answer shows the requester.

The routes come from the application itself (`app.routes`), so that a new one is walked too.
"""

import importlib
import io
import re

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select
from sqlmodel import Session

from casework.db import unit_of_work
from casework.models import AccessLogEntry, CaseEvent
from casework.repositories import cases as cases_repo
from casework.repositories import letters as letters_repo
from casework.services import documents
from casework.services.door import CASEWORK
from tests.casework.security.conftest import make_case
from tests.cli import invoked
from workflows.events import EventKind

NAME, EMAIL, PHONE = "Marie Tremblay", "marie.tremblay@example.org", "514 555-0199"
WHO = ("supervisor", "agent_assigned")  # allowed to see the requester
# Routes that change a case are walked by the agent not assigned only (an allowed person's
# commands are checked by tests/casework/security/test_access_log.py, with the bodies each one
# needs).
READS = {"GET"}


@pytest.fixture
def complaint(ctx, people):
    """A complaint assigned to one agent, acknowledged (a letter by email), with a document and
    an addition from the status page that name the person."""
    case = make_case(ctx, assignee_id=people["agent_assigned"], path=("acknowledge",))
    (document,) = documents.attach(
        ctx,
        actor=CASEWORK,
        interface="scheduler",
        reference=case.reference,
        uploads=[
            documents.Upload(
                filename="lettre.txt", stream=io.BytesIO(f"Lettre de {NAME}, {PHONE}".encode())
            )
        ],
    )
    # What the person wrote on their status page names them too.
    with unit_of_work(ctx.engine) as session:
        cases_repo.add_event(
            session,
            CaseEvent(
                case_id=case.id,
                at=ctx.now(),
                actor="public:status",
                kind=EventKind.PORTAL_ADDITION,
                reason=f"Je suis {NAME}, joignable au {PHONE}.",
                data={"resumed": False, "documents": []},
            ),
        )
    with Session(ctx.engine) as session:
        (letter,) = letters_repo.for_case(session, case.id)
    return {
        "reference": case.reference,
        "case_id": case.id,
        "letter_id": str(letter.id),
        "document_id": str(document.id),
    }


def _routes(routes):
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _routes(included.routes)
        elif isinstance(route, APIRoute):
            yield route


def _case_routes(app, *, api: bool):
    """Every route of the API (or of the pages) that takes a case reference, with its methods;
    the others are about no one case (lists, the account, the calendar...) and are left out."""
    found = []
    for route in _routes(app.routes):
        if "{reference}" not in route.path or route.path.startswith("/api/") != api:
            continue
        if route.path.startswith("/api/public") or route.path.startswith("/suivi"):
            continue  # the requester's own side: the private token is the key, no staff account
        for method in sorted(route.methods - {"HEAD"}):
            found.append((method, route.path))
    return found


def _path(template: str, complaint: dict) -> str:
    def fill(match):
        name = match.group(1)
        if name == "trigger":
            return "close"
        if name in ("measure_id", "hold_id"):
            return "1"
        assert name in complaint, f"{template}: say what fills {{{name}}} in this test"
        return complaint[name]

    return re.sub(r"\{([^}]+)\}", fill, template)


def _entries(engine, case_id):
    with Session(engine) as session:
        query = select(AccessLogEntry).where(AccessLogEntry.case_id == case_id)
        return list(session.execute(query.order_by(AccessLogEntry.id)).scalars())


def _shows_requester(body: bytes) -> bool:
    text = body.decode("utf-8", errors="replace")
    return any(value in text for value in (NAME, EMAIL, PHONE))


def _walk(clients, routes, complaint, engine, interface):
    walked = 0
    for method, template in routes:
        path = _path(template, complaint)
        refused = clients["agent_other"].request(method, path, json={}, data=None)
        assert not _shows_requester(refused.content), (method, template, refused.status_code)
        if method not in READS:
            continue
        for who in WHO:
            before = len(_entries(engine, complaint["case_id"]))
            answer = clients[who].request(method, path)
            assert answer.status_code < 500, (who, template, answer.status_code)
            written = _entries(engine, complaint["case_id"])[before:]
            assert len(written) <= 1, (who, template, [e.what for e in written])
            assert all(e.interface == interface for e in written), (who, template)
            if _shows_requester(answer.content):
                assert len(written) == 1, (who, template, answer.status_code)
        walked += 1
    return walked


def test_every_api_route_of_a_case_hides_the_requester_and_logs_each_look_once(
    app, callers, complaint, engine
):
    routes = _case_routes(app, api=True)
    assert ("GET", "/api/cases/{reference}") in routes
    assert _walk(callers, routes, complaint, engine, "api") > 5
    # The case itself: the supervisor and the assigned agent see the person, logged once each.
    for who in WHO:
        before = len(_entries(engine, complaint["case_id"]))
        shown = callers[who].get(f"/api/cases/{complaint['reference']}").json()["requester"]
        assert (shown["name"], shown["email"], shown["phone"]) == (NAME, EMAIL, PHONE)
        (entry,) = _entries(engine, complaint["case_id"])[before:]
        assert (entry.interface, entry.what) == ("api", "read")
    hidden = callers["agent_other"].get(f"/api/cases/{complaint['reference']}").json()
    assert hidden["requester"]["redacted"] is True


def test_every_page_of_a_case_hides_the_requester_and_logs_each_look_once(
    app, callers, complaint, engine
):
    clients = callers  # the session of /api/session is the pages' too
    routes = _case_routes(app, api=False)
    assert ("GET", "/cases/{reference}") in routes
    assert _walk(clients, routes, complaint, engine, "web") >= 3
    for who in WHO:
        before = len(_entries(engine, complaint["case_id"]))
        page = clients[who].get(f"/cases/{complaint['reference']}")
        assert page.status_code == 200
        assert NAME in page.text and EMAIL in page.text
        (entry,) = _entries(engine, complaint["case_id"])[before:]
        assert (entry.interface, entry.what) == ("web", "read")
    page = clients["agent_other"].get(f"/cases/{complaint['reference']}")
    assert page.status_code == 200
    assert NAME not in page.text


# The command line's commands that take a case reference and change it: they print the case's
# reference and state (or the documents added), never its requester.
CHANGES = {"fire", "extend", "set-reply-date", "attach"}


def _cli_commands():
    """Each command of every group that takes a case reference (`casework case show REF`...)."""
    main = importlib.import_module("casework.cli.main")
    found = []
    for group_name in main.GROUPS:
        group = main._load(group_name)
        commands = getattr(group, "commands", {})
        for name, command in commands.items():
            if any(param.name == "reference" for param in command.params):
                found.append((group_name, name))
    return found


@pytest.fixture
def run(ctx, monkeypatch, people):
    """Run a command in process, as one of the accounts of `people` (`--as`)."""
    for module in ("cases", "documents", "letters"):
        monkeypatch.setattr(f"casework.cli.{module}.context", lambda: ctx)

    def invoke(*args, account):
        return invoked("--as", account, *args)

    return invoke


def test_every_command_that_shows_a_case_hides_the_requester_and_logs_each_look_once(
    ctx, run, complaint, engine
):
    commands = _cli_commands()
    assert ("case", "show") in commands
    shown = [c for c in commands if c[1] not in CHANGES]
    reference = complaint["reference"]
    for group, name in shown:
        for extra in ((), ("--json",)):
            if extra and name == "letters":
                continue  # `case letters` has no --json
            args = (group, name, reference, *extra)
            refused = run(*args, account="agent-other")
            assert not _shows_requester(refused.output.encode()), (args, refused.output)
            for who in ("supervisor", "agent-assigned"):
                before = len(_entries(engine, complaint["case_id"]))
                answer = run(*args, account=who)
                written = _entries(engine, complaint["case_id"])[before:]
                assert len(written) <= 1, (args, who, [e.what for e in written])
                assert all(e.interface == "cli" for e in written)
                if _shows_requester(answer.output.encode()):
                    assert len(written) == 1, (args, who)
    before = len(_entries(engine, complaint["case_id"]))
    answer = run("case", "show", reference, account="supervisor")
    assert answer.exit_code == 0, answer.output
    assert NAME in answer.output
    (entry,) = _entries(engine, complaint["case_id"])[before:]
    assert (entry.interface, entry.what, entry.actor) == ("cli", "read", "user:supervisor")
