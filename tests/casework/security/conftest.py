"""Fixtures of the security tests: one account per role, an integration key, and a client signed
in as each of them (sessions, with their CSRF token), on each database."""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient

from casework.app import create_app
from casework.context import Actor
from casework.schemas import CaseCreate, TransitionIn
from casework.services import apikeys, users
from casework.services import cases as case_service
from workflows.case_flow import SPEC_OF, Trigger

PASSWORD = "un mot de passe assez long"
SYSTEM = Actor(label="test:setup", role="admin")
ACCOUNTS = {
    "admin": "admin",
    "officer": "officer",
    "supervisor": "supervisor",
    "agent_assigned": "agent",
    "agent_other": "agent",
}
CALLERS = ("anonymous", "integration", *ACCOUNTS)


@pytest.fixture
def app(ctx):
    """The application of this test."""
    return create_app(ctx.settings, engine=ctx.engine, clock=ctx.clock)


@pytest.fixture
def people(ctx) -> dict[str, int]:
    """One account per role (two agents); their ids by name."""
    return {
        name: users.add(
            ctx,
            actor=SYSTEM,
            username=name.replace("_", "-"),
            full_name=f"Compte {name}",
            role=role,
            password=PASSWORD,
        ).id
        for name, role in ACCOUNTS.items()
    }


@pytest.fixture
def integration_key(ctx) -> str:
    """The secret of an API key with the integration role (a web form)."""
    return apikeys.create(ctx, actor=SYSTEM, name="formulaire-web", role="integration")[1]


def sign_in(app, username: str, password: str = PASSWORD, **client_options) -> TestClient:
    """Return a client signed in over JSON, sending its CSRF token on every request."""
    client = TestClient(app, **client_options)
    response = client.post("/api/session", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


@pytest.fixture
def callers(app, people, integration_key) -> Iterator[dict[str, TestClient]]:
    """A client for each kind of caller: nobody, the integration key, and each account."""
    clients = {
        "anonymous": TestClient(app),
        "integration": TestClient(app, headers={"X-API-Key": integration_key}),
        **{name: sign_in(app, name.replace("_", "-")) for name in ACCOUNTS},
    }
    yield clients
    for client in clients.values():
        client.close()


def make_case(ctx, *, kind="complaint", assignee_id=None, path=(), requester=True, **fields):
    """Register a case through the service (as an officer would) and move it along `path`."""
    data = {
        "kind": kind,
        "channel": "letter",
        "subject": "Délai de traitement d'une demande de permis",
        "description": "La personne attend une réponse depuis trois mois.",
        "received_at": "2026-11-20T10:00:00-05:00",
        "assignee_id": assignee_id,
        **fields,
    }
    if requester:
        data["requester"] = {
            "name": "Marie Tremblay",
            "email": "marie.tremblay@example.org",
            "phone": "514 555-0199",
            "postal_address": "1234, rue Saint-Denis, Montréal (Québec)  H2X 3K1",
        }
    view = case_service.open_case(ctx, interface="api", actor=SYSTEM, data=CaseCreate(**data))
    for trigger in path:
        view = case_service.fire(
            ctx,
            interface="api",
            actor=SYSTEM,
            reference=view.case.reference,
            request=TransitionIn(**transition_fields(trigger, view.case.version, view.case.status)),
        )
    return view.case


# A value for each field of the transitions that is not a choice, as an officer would type it
# (the choices take the first value the trigger accepts from the case's state).
EXAMPLES = {
    "answer_summary": "Le permis a été délivré.",
    "comment": "Numéro de dossier manquant.",
    "protecteur_file_number": "PC-2026-0042",
    "escalated_on": "2026-11-20",
    "protecteur_reply_due_on": "2026-12-15",
    "facts_known_on": "2026-11-02",
    "redirected_to": "Société de l’assurance automobile du Québec, 1 800 361-7620",
    "service": "support_advice",
    "commitment": "clarity",
    "root_cause": "information",
    "remedy": "explanation",
    "protecteur_recommendations": "Revoir le délai de délivrance des permis.",
    "reason": "Nouvel élément fourni.",
}


def transition_fields(
    trigger: str, version: int, state: str = "received", *, leave_out: str | None = None
) -> dict:
    """What a trigger needs to succeed from a case in `state`: every field its specification
    reads from there (workflows.case_flow.SPECS), but the one named `leave_out`."""
    spec = SPEC_OF[Trigger(trigger)]
    data: dict = {"trigger": trigger, "version": version}
    for field in spec.fields_from(state):
        if field.name == leave_out:
            continue
        value = spec.choices(field, state)[0] if field.choices else EXAMPLES[field.name]
        (data.setdefault(field.part_of, {}) if field.part_of else data)[field.name] = value
    return data


@contextmanager
def live_server(app):
    """Serve the application over real HTTP (uvicorn, in a thread) on a free port."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)
