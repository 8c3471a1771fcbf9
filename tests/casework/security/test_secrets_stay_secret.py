"""Passwords and API keys never appear in the logs, the answers, the events or the database (only
their hashes do)."""

import logging
import re

from fastapi.testclient import TestClient
from sqlalchemy import MetaData, select

from casework.context import Actor
from casework.services import apikeys, users
from tests.casework.security.conftest import SYSTEM


def test_passwords_and_keys_never_appear_in_logs_answers_events_or_tables(app, ctx, engine, caplog):
    caplog.set_level(logging.DEBUG)
    password = "Secret-Mot-De-Passe-Julie-1"
    wrong = "Mauvais-Mot-De-Passe-2"
    new_password = "Nouveau-Mot-De-Passe-3"
    too_long = "Trop-Long-" + "x" * 2000
    users.add(
        ctx, actor=SYSTEM, username="julie", full_name="Julie", password=password, role="officer"
    )
    _, key = apikeys.create(ctx, actor=Actor("cli:root"), name="formulaire", role="officer")
    secrets = [password, wrong, new_password, too_long, key]
    answers = []

    browser = TestClient(app)
    page = browser.get("/login")
    answers.append(page)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    for attempt in (wrong, password):
        answers.append(
            browser.post(
                "/login",
                data={"username": "julie", "password": attempt, "csrf_token": token},
                follow_redirects=False,
            )
        )
    answers.append(browser.get("/api/session"))
    csrf = answers[-1].json()["csrf_token"]
    created = browser.post(
        "/api/cases",
        headers={"X-CSRF-Token": csrf},
        json={
            "kind": "complaint",
            "channel": "letter",
            "subject": "Plainte",
            "received_at": "2026-11-20T10:00:00-05:00",
            "requester": {"name": "Marie Tremblay"},
        },
    )
    answers.append(created)
    reference = created.json()["reference"]

    integration = TestClient(app, headers={"X-API-Key": key})
    answers.append(integration.get(f"/api/cases/{reference}"))
    answers.append(
        integration.post(
            f"/api/cases/{reference}/transitions", json={"trigger": "acknowledge", "version": 1}
        )
    )
    answers.append(integration.get(f"/api/cases/{reference}/events"))
    answers.append(integration.get(f"/api/cases/{reference}/access-log"))
    answers.append(integration.get("/api/session"))
    api = TestClient(app)
    answers.append(api.post("/api/session", json={"username": "julie", "password": wrong}))
    answers.append(api.post("/api/session", json={"username": "julie", "password": too_long}))
    answers.append(api.post("/api/session", json={"username": password, "password": password}))
    users.set_password(ctx, actor=SYSTEM, username="julie", password=new_password)
    answers.append(api.post("/api/session", json={"username": "julie", "password": new_password}))
    assert answers[-1].status_code == 200

    shown = (
        "\n".join(f"{a.status_code} {dict(a.headers)} {a.text}" for a in answers)
        + "\n"
        + caplog.text
    )
    with engine.connect() as connection:
        tables = MetaData()
        tables.reflect(connection)
        stored = "\n".join(
            str(row) for table in tables.sorted_tables for row in connection.execute(select(table))
        )
    for secret in secrets:
        assert secret not in shown
        assert secret not in stored
    assert "user:julie" in stored and "apikey:formulaire" in stored  # the events name them
    assert "$argon2id$" in stored
