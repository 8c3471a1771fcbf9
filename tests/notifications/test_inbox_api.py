"""`GET /api/me/notifications` and `POST /api/me/notifications/{id}/read`: the in-app inbox of
the signed-in staff member, and nobody else's."""

import pytest
from fastapi.testclient import TestClient

from casework.app import create_app
from casework.context import Actor
from casework.security import authn
from casework.services import reminders
from notifications.delivery import deliver_pending
from tests.notifications.conftest import at, open_case


def client_as(ctx, actor: Actor | None) -> TestClient:
    """A client whose requests are authenticated as `actor` (the sign-in itself is tested with
    the security package)."""
    app = create_app(ctx.settings, engine=ctx.engine, clock=ctx.clock)
    if actor is not None:
        app.dependency_overrides[authn.authenticated] = lambda: actor
    return TestClient(app)


@pytest.fixture
def jean_has_two_reminders(ctx, staff):
    at(ctx, 2026, 12, 18, 16, 0)
    for _ in range(2):
        open_case(ctx, received_at="2026-11-26T10:00:00-05:00", assignee_id=staff.agent.id)
    at(ctx, 2026, 12, 21, 9, 0)
    reminders.sweep(ctx, worker="test")
    deliver_pending(ctx, worker="test")


def jean(staff) -> Actor:
    return Actor(label="user:jean.roy", user_id=staff.agent.id, role="agent")


def test_staff_member_reads_their_notifications_newest_first(ctx, staff, jean_has_two_reminders):
    with client_as(ctx, jean(staff)) as client:
        response = client.get("/api/me/notifications")
    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["unread"]) == (2, 2)
    first, second = body["items"]
    assert first["id"] > second["id"]
    assert first["case_reference"] == "PLT-2026-00002"
    assert first["title"].startswith("Rappel PLT-2026-00002 : l’échéance pour la réponse")
    assert first["link"] == "http://127.0.0.1:8000/cases/PLT-2026-00002"
    assert first["read"] is False


def test_marking_a_notification_read_keeps_the_first_reading_time(
    ctx, staff, jean_has_two_reminders
):
    with client_as(ctx, jean(staff)) as client:
        first = client.get("/api/me/notifications").json()["items"][0]
        at(ctx, 2026, 12, 21, 10, 0)
        read = client.post(f"/api/me/notifications/{first['id']}/read")
        at(ctx, 2026, 12, 21, 11, 0)
        again = client.post(f"/api/me/notifications/{first['id']}/read")
        unread = client.get("/api/me/notifications", params={"unread": True}).json()
    assert read.status_code == 200 and read.json()["read"] is True
    assert again.json()["read_at"] == read.json()["read_at"]
    assert read.json()["read_at"].startswith("2026-12-21T15:00:00")
    assert (unread["total"], unread["unread"]) == (1, 1)


def test_nobody_reads_or_marks_someone_elses_notifications(ctx, staff, jean_has_two_reminders):
    sophie = Actor(label="user:sophie.gagnon", user_id=staff.supervisor.id, role="supervisor")
    with client_as(ctx, jean(staff)) as client:
        mine = client.get("/api/me/notifications").json()["items"][0]["id"]
    with client_as(ctx, sophie) as client:
        assert client.get("/api/me/notifications").json()["total"] == 0
        refused = client.post(
            f"/api/me/notifications/{mine}/read", headers={"Accept-Language": "en"}
        )
    assert refused.status_code == 404
    assert refused.json()["detail"] == f"You have no notification with the id {mine}."


def test_without_credentials_the_inbox_answers_401_in_french(ctx):
    with client_as(ctx, None) as client:
        response = client.get("/api/me/notifications")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_an_api_key_has_no_inbox(ctx):
    key = Actor(label="apikey:formulaire", role="officer", api_key_id=1)
    with client_as(ctx, key) as client:
        response = client.get("/api/me/notifications", headers={"Accept-Language": "en"})
    assert response.status_code == 403
    assert (
        response.json()["detail"] == "Only a staff member signed in has an inbox, not an API key."
    )
