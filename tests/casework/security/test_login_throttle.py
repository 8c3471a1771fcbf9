"""Bad logins: the password is checked outside any transaction, so guesses never stall the
writes of others; repeated failures slow down the client address that makes them, never the
account's owner elsewhere (docs/security.md)."""

import http.client
import json
import logging
import re
import sqlite3
import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from casework.app import create_app
from casework.db import is_sqlite
from casework.security import passwords
from casework.services import users
from tests.casework.security.conftest import PASSWORD, live_server

ATTACKER = ("203.0.113.7", 40000)
OWNER = ("198.51.100.2", 50000)
TOO_MANY = "Trop de tentatives échouées depuis cette adresse."


def login_form(app, username: str, password: str, client=ATTACKER):
    browser = TestClient(app, client=client)
    page = browser.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return browser.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def write_lock_is_free(engine, user_id: int) -> bool:
    """Tell whether another connection could write the account at once, without waiting."""
    if is_sqlite(engine):
        connection = sqlite3.connect(make_url(engine.url).database, timeout=0)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.rollback()
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            connection.close()
    with engine.connect() as connection:
        connection.execute(text("SET LOCAL lock_timeout = '1ms'"))
        try:
            connection.execute(
                text("SELECT id FROM users WHERE id = :id FOR UPDATE NOWAIT"), {"id": user_id}
            )
            return True
        except Exception:
            return False
        finally:
            connection.rollback()


@pytest.mark.parametrize("password", [PASSWORD, "pas le bon"])
@pytest.mark.parametrize("username", ["officer", "personne"])
def test_the_password_is_checked_while_nobody_is_kept_from_writing(
    ctx, engine, people, monkeypatch, username, password
):
    seen = []
    verify = passwords.verify_password

    def verify_and_look(settings, stored_hash, given):
        seen.append(write_lock_is_free(engine, people["officer"]))
        return verify(settings, stored_hash, given)

    monkeypatch.setattr(passwords, "verify_password", verify_and_look)
    result = users.authenticate(ctx, username=username, password=password, address="192.0.2.1")
    assert seen == [True]
    assert (result.user is not None) == (username == "officer" and password == PASSWORD)


def test_failures_are_counted_in_the_account_and_a_success_clears_them(ctx, people):
    for _ in range(3):
        users.authenticate(ctx, username="agent-other", password="non", address="192.0.2.1")
    counts = {u.username: u.failed_logins for u in users.list_users(ctx)}
    assert counts["agent-other"] == 3
    users.authenticate(ctx, username="agent-other", password=PASSWORD, address="192.0.2.9")
    counts = {u.username: u.failed_logins for u in users.list_users(ctx)}
    assert counts["agent-other"] == 0


def test_concurrent_bad_logins_do_not_stop_a_case_being_registered(ctx, people):
    from tests.casework.security.conftest import make_case

    errors: list[BaseException] = []

    def guess(n: int) -> None:
        try:
            for i in range(3):
                users.authenticate(
                    ctx,
                    username=("officer", f"inconnu{n}")[i % 2],
                    password=f"essai {n} {i}",
                    address=f"192.0.2.{n}",
                )
        except BaseException as exc:  # the test reports it below
            errors.append(exc)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    created = [make_case(ctx).reference for _ in range(3)]
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(created)) == 3


def test_five_failures_refuse_that_address_for_that_account_but_not_its_owner(
    app, ctx, people, caplog
):
    caplog.set_level(logging.INFO, logger="casework.security")
    for _ in range(ctx.settings.security.login_max_failures):
        assert login_form(app, "officer", "pas le bon").status_code == 401
    assert any(
        "account officer locked for 203.0.113.7" in r.getMessage() and r.levelno == logging.WARNING
        for r in caplog.records
    )
    refused = login_form(app, "officer", PASSWORD)  # even the right password, from there
    assert refused.status_code == 429
    assert TOO_MANY in refused.text
    assert 14 * 60 < int(refused.headers["retry-after"]) <= 15 * 60 + 1
    # The owner, from their own desk, signs in; the attacker's address may still sign in to
    # another account (it is not refused as a whole yet).
    assert login_form(app, "officer", PASSWORD, client=OWNER).status_code == 303
    assert login_form(app, "supervisor", PASSWORD).status_code == 303


def test_a_refused_attempt_costs_no_password_check(app, ctx, people, monkeypatch):
    for _ in range(ctx.settings.security.login_max_failures):
        login_form(app, "officer", "pas le bon")
    checks = []
    verify = passwords.verify_password
    monkeypatch.setattr(
        passwords, "verify_password", lambda *args: checks.append(1) or verify(*args)
    )
    assert login_form(app, "officer", "encore").status_code == 429
    assert checks == []


def test_many_failures_from_one_address_refuse_it_for_every_account(app, ctx, people, caplog):
    caplog.set_level(logging.WARNING, logger="casework.security")
    limit = ctx.settings.security.login_address_max_failures
    for n in range(limit):
        assert login_form(app, f"inconnu{n}", "pas le bon").status_code == 401
    assert any("logins from 203.0.113.7 refused" in r.getMessage() for r in caplog.records)
    assert login_form(app, "supervisor", PASSWORD).status_code == 429
    assert login_form(app, "supervisor", PASSWORD, client=OWNER).status_code == 303


def test_the_api_refuses_with_a_problem_and_retry_after(app, ctx, people):
    client = TestClient(app, client=ATTACKER, headers={"Accept-Language": "en"})
    for _ in range(ctx.settings.security.login_max_failures):
        wrong = client.post("/api/session", json={"username": "officer", "password": "non"})
        assert wrong.status_code == 401
    refused = client.post("/api/session", json={"username": "officer", "password": PASSWORD})
    assert refused.status_code == 429
    assert refused.json()["code"] == "too_many_attempts"
    assert refused.json()["detail"].startswith("Too many failed attempts from this address.")
    assert int(refused.headers["retry-after"]) > 60


def test_logins_waiting_for_a_password_check_never_hold_up_other_requests(
    ctx, people, officer_key, monkeypatch
):
    settings = ctx.settings.model_copy(
        update={
            "security": ctx.settings.security.model_copy(update={"concurrent_password_checks": 1})
        }
    )
    app = create_app(settings, engine=ctx.engine, clock=ctx.clock)
    entered, release = threading.Event(), threading.Event()
    verify = passwords.verify_password

    def slow_verify(*args):
        entered.set()
        release.wait(30)  # a very slow password check, until the test lets it go
        return verify(*args)

    monkeypatch.setattr(passwords, "verify_password", slow_verify)

    def bad_login(port: int, n: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        body = json.dumps({"username": f"inconnu{n}", "password": "non"})
        connection.request("POST", "/api/session", body, {"Content-Type": "application/json"})
        connection.getresponse().read()
        connection.close()

    with live_server(app) as port:
        # More logins than the server has threads for ordinary requests (40).
        flood = [threading.Thread(target=bad_login, args=(port, n)) for n in range(45)]
        for thread in flood:
            thread.start()
        assert entered.wait(10)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request(
            "POST",
            "/api/cases",
            json.dumps(
                {
                    "kind": "complaint",
                    "channel": "letter",
                    "subject": "Bruit",
                    "received_at": "2026-11-20T10:00:00-05:00",
                }
            ),
            {"Content-Type": "application/json", "X-API-Key": officer_key},
        )
        created = connection.getresponse()
        status = created.status
        created.read()
        connection.close()
        release.set()
        for thread in flood:
            thread.join(30)
    assert status == 201
