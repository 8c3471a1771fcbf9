"""The OpenAPI document is complete and true: for each kind of caller, generated requests over
every operation pass every check schemathesis has (no server error, statuses, content types,
headers and bodies as documented, valid data accepted, invalid data refused, authentication not
ignored, Allow on 405), in a bounded run."""

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS, load_all_checks

from casework import demo
from casework.app import create_app
from casework.security import sessions
from casework.services import users
from tests.casework.security.conftest import ACCOUNTS, PASSWORD

CODES = {
    "service": "support_advice",
    "commitment": "diligence",
    "root_cause": "delay",
    "remedy": "apology",
    "aspect": "courtesy",
}
SURVEY_CSV = (
    "respondent,answered_on,service,aspect,rating\nQ-1,2024-02-29,support_advice,courtesy,4\n"
)
EXAMPLES = 12  # per operation and caller: about 15 operations, 7 callers


def every_check():
    load_all_checks()
    return CHECKS.get_by_names(CHECKS.get_all_names())


def credentials(app, ctx, caller: str) -> dict[str, str]:
    """The headers a caller sends: none, an API key, or a session cookie and its CSRF token."""
    from casework.context import Actor
    from casework.services import apikeys

    system = Actor(label="test:setup", role="admin")
    if caller == "anonymous":
        return {}
    if caller in ("integration", "officer_key"):
        role = "integration" if caller == "integration" else "officer"
        return {"X-API-Key": apikeys.create(ctx, actor=system, name=caller, role=role)[1]}
    users.add(
        ctx,
        actor=system,
        username="contract-" + caller.replace("_", "-"),
        full_name=caller,
        role=ACCOUNTS[caller],
        password=PASSWORD,
    )
    browser = TestClient(app)
    opened = browser.post(
        "/api/session",
        json={"username": "contract-" + caller.replace("_", "-"), "password": PASSWORD},
    )
    return {
        "Cookie": f"{sessions.COOKIE}={browser.cookies[sessions.COOKIE]}",
        "X-CSRF-Token": opened.json()["csrf_token"],
    }


@pytest.mark.parametrize(
    "caller",
    ["anonymous", "integration", "officer_key", "officer", "supervisor", "agent_other", "admin"],
)
def test_every_operation_honours_its_documented_contract(ctx, caller):
    demo.load(ctx)  # cases to read, so that generated references sometimes exist
    app = create_app(ctx.settings, engine=ctx.engine, clock=ctx.clock)
    headers = credentials(app, ctx, caller)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    checks = every_check()
    assignee = next(u.id for u in users.list_users(ctx) if u.is_active and u.role == "agent")
    checked = []
    # Closure days to add (weekdays of March 2031 that are not closures, each once) and to remove
    # (the public holidays of 2032 to 2041, each once).
    days = (3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 17, 18, 19, 20, 21, 24, 25, 26, 27, 28)
    weekdays = iter([f"2031-03-{d:02d}" for d in days])
    holidays = iter(
        [c.day.isoformat() for year in range(2032, 2042) for c in ctx.calendar.closures(year)]
    )
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() == "DELETE" and operation.path == "/api/session":
            continue  # signing out would end the caller's session for the operations after it

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def honours_contract(case):
            # Rules OpenAPI cannot state, made true as a real caller would: an assignee is an
            # account that exists, a receipt is not in the future, and an incident happened in
            # the past and was known after it happened.
            body = case.body if isinstance(case.body, dict) else {}
            if isinstance(body.get("assignee_id"), int | float):
                body["assignee_id"] = assignee
            received = body.get("received_at")
            if isinstance(received, str) and received[:4].isdigit() and received[:4] > "2025":
                body["received_at"] = "2024" + received[4:]  # a leap year
            if body.get("facts_known_on") is not None:
                body["facts_known_on"] = "2000-01-01"  # before any receipt or escalation
            if "occurred_on" in body:
                body["occurred_on"], body["known_on"] = "2026-11-02", "2026-11-03"
                for name in ("cai_notified_on", "people_notified_on"):
                    if body.get(name) is not None:
                        body[name] = "2026-11-04"
            # What a case is about and survey answers use the configured codes; a measure is
            # done, and an answer given, on a day already past; a period ends after it starts.
            for item in [body, *(a for a in body.get("answers", []) if isinstance(a, dict))]:
                for name, code in CODES.items():
                    if item.get(name) is not None:
                        item[name] = code
                for name in ("done_on", "answered_on"):
                    if name in item:
                        item[name] = "2024-02-29"
                item.pop("case_reference", None)
            if isinstance(body.get("classification"), dict):
                body["classification"] = None
            if "notes" in body or "documents" in body:
                body["notes"], body["documents"] = [], []
            query = case.query or {}
            received_q = query.get("received")
            if isinstance(received_q, str) and received_q.startswith("2000-01-01"):
                # Midnight UTC on 1 January 2000 is still 1999 in Montreal, before the calendar.
                query["received"] = "2000-01-02" + received_q[10:]
            if "from" in query and "to" in query:
                query["from"], query["to"] = "2026-04-01", "2027-03-31"  # at most three years
            # A closure day is added on a weekday not yet closed, and removed once added.
            if case.operation.path == "/api/calendar/closures":
                if case.operation.method.upper() == "POST" and isinstance(case.body, dict):
                    if "day" in case.body:
                        case.body["day"] = next(weekdays, "2031-03-31")
                elif case.operation.method.upper() == "DELETE" and "day" in query:
                    query["day"] = next(holidays, "2031-01-01")
            if case.operation.path == "/api/public/submissions":
                # A person sends a kind the body offers, leaves the hidden field empty, chooses
                # no service (none is configured) and gives the contact of the way they prefer.
                if body.get("kind") not in ("complaint", "information_request", "comment"):
                    body["kind"] = "complaint"
                body["website"] = ""
                body.pop("service", None)
                if isinstance(body.get("requester"), dict):
                    body["requester"]["email"] = "personne@example.com"
                    body["requester"]["preferred_channel"] = "email"
            if case.operation.path == "/api/survey/imports":
                case.body = SURVEY_CSV
            case.call_and_validate(headers=headers, checks=checks)

        honours_contract()
        checked.append(operation.label)
    assert len(checked) >= 14, checked
