"""Failures answer properly: a body too large is refused before it is read (413), an unforeseen
error is a Problem or a page in the user's language (500), a busy database is 503 with
Retry-After, and /healthz reads without taking any write lock."""

import socket
import sqlite3
import time
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from casework.app import create_app
from casework.config import DatabaseSettings
from casework.db import is_sqlite, make_engine
from casework.security import body_limit
from casework.services import cases as case_service
from tests.casework.security.conftest import live_server, make_case, sign_in

CASE = {
    "kind": "complaint",
    "channel": "letter",
    "subject": "Bruit du chantier",
    "received_at": "2026-11-20T10:00:00-05:00",
}


@contextmanager
def write_lock_held(engine):
    """Hold the database's write lock from another connection (SQLite: the write lock;
    PostgreSQL: an exclusive lock on the cases and users tables)."""
    if is_sqlite(engine):
        connection = sqlite3.connect(make_url(engine.url).database, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            connection.rollback()
            connection.close()
        return
    with engine.connect() as connection:
        connection.execute(text("LOCK TABLE cases, users IN ACCESS EXCLUSIVE MODE"))
        try:
            yield
        finally:
            connection.rollback()


@pytest.fixture
def quick_app(ctx):
    """The application with a busy timeout of a fifth of a second."""
    settings = ctx.settings.model_copy(
        update={"database": DatabaseSettings(url=ctx.settings.database.url, busy_timeout_ms=200)}
    )
    engine = make_engine(settings.database)
    yield create_app(settings, engine=engine, clock=ctx.clock)
    engine.dispose()


def test_a_body_larger_than_the_limit_is_refused_before_it_is_read(app):
    def body():
        for _ in range(3):
            yield b"a" * 1_000_000

    response = TestClient(app).post(
        "/login",
        content=body(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Content-Length": "3000000"},
    )
    assert response.status_code == 413
    assert "Requête trop volumineuse" in response.text
    assert "au plus 1\u00a0Mo" in response.text
    assert response.headers["connection"] == "close"


def test_a_chunked_body_is_refused_once_it_passes_the_limit(app, officer_key):
    def body():
        for _ in range(50):
            yield b"a" * 100_000

    response = TestClient(app, headers={"Accept-Language": "en"}).post(
        "/api/cases",
        content=body(),
        headers={"Content-Type": "application/json", "X-API-Key": officer_key},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"
    assert response.json()["detail"] == (
        "The request is too large: at most 1 MB are accepted here."
    )


def first_line_of_answer(port: int, head: bytes, body: bytes = b"") -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(head + body)
        return connection.recv(65536).split(b"\r\n", 1)[0]


def test_over_http_a_declared_400_mib_post_is_refused_before_a_byte_of_it_arrives(app):
    head = (
        b"POST /login HTTP/1.1\r\nHost: casework\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 419430400\r\n\r\n"
    )
    with live_server(app) as port:
        assert first_line_of_answer(port, head).startswith(b"HTTP/1.1 413 ")


def test_over_http_a_chunked_post_is_refused_once_it_passes_the_limit(app):
    head = (
        b"POST /login HTTP/1.1\r\nHost: casework\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"%x\r\n%s\r\n" % (100_000, b"a" * 100_000)
    with live_server(app) as port:
        # 1.1 MB sent, the end of the body never: the server answers without waiting for it.
        assert first_line_of_answer(port, head, chunk * 11).startswith(b"HTTP/1.1 413 ")


def test_a_body_within_the_limit_is_read_whole(client):
    description = "é" * 400_000  # 800,000 bytes of UTF-8 in a JSON body under 1 MB
    response = client.post("/api/cases", json={**CASE, "description": description[:20000]})
    assert response.status_code == 201


def test_only_the_document_uploads_accept_the_larger_limit(ctx):
    settings = ctx.settings.server
    assert body_limit.limit_for(settings, "/api/cases/PLT-2026-00001/documents") == 80_000_000
    assert body_limit.limit_for(settings, "/cases/PLT-2026-00001/documents") == 80_000_000
    assert body_limit.limit_for(settings, "/api/cases/PLT-2026-00001/notes") == 1_000_000
    assert body_limit.limit_for(settings, "/api/cases/PLT-2026-00001/documents/3") == 1_000_000


def test_an_unforeseen_failure_is_a_problem_in_the_users_language(client, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(case_service, "open_case", broken)
    response = client.post("/api/cases", json=CASE)
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.json()["code"] == "internal_error"
    assert response.json()["detail"].startswith("Une défaillance imprévue a arrêté la requête")
    assert any("unhandled failure: POST /api/cases" in r.getMessage() for r in caplog.records)


def test_an_unforeseen_failure_on_a_page_is_a_page_in_english_when_asked(app, people, monkeypatch):
    officer = sign_in(app, "officer", headers={"Accept-Language": "en"})

    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(case_service, "search", broken)
    response = officer.get("/queue")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Something went wrong</h1>" in response.text
    assert "nothing was changed" in response.text
    assert "simulated" not in response.text  # no technical detail for the user


def test_a_lock_held_longer_than_the_busy_timeout_answers_503_with_retry_after(
    quick_app, ctx, officer_key
):
    client = TestClient(quick_app, headers={"X-API-Key": officer_key})
    with write_lock_held(ctx.engine):
        started = time.perf_counter()
        response = client.post("/api/cases", json=CASE)
        waited = time.perf_counter() - started
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json()["code"] == "database_busy"
    assert "Réessayez dans quelques secondes" in response.json()["detail"]
    assert waited < 3
    # Nothing was half-written: the next creation takes the first reference.
    created = client.post("/api/cases", json=CASE)
    assert created.status_code == 201
    assert created.json()["reference"] == "PLT-2026-00001"


def test_a_busy_database_on_a_page_answers_a_page(quick_app, ctx, people):
    reference = make_case(ctx).reference
    officer = sign_in(quick_app, "officer")
    with write_lock_held(ctx.engine):
        response = officer.post(
            f"/cases/{reference}/notes",
            data={"text": "Appel reçu", "csrf_token": officer.headers["X-CSRF-Token"]},
        )
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/html")
    assert "Service occupé" in response.text


def test_healthz_answers_while_another_command_holds_the_write_lock(quick_app, ctx):
    client = TestClient(quick_app)
    with write_lock_held(ctx.engine):
        started = time.perf_counter()
        response = client.get("/healthz")
        waited = time.perf_counter() - started
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert waited < 0.2


def test_a_mistake_in_a_statement_is_a_failure_not_a_busy_database(client, monkeypatch, caplog):
    from sqlalchemy.exc import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError(
            "SELECT nothing FROM nowhere", {}, sqlite3.OperationalError("no such table: nowhere")
        )

    monkeypatch.setattr(case_service, "open_case", broken)
    response = client.post("/api/cases", json=CASE)
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
