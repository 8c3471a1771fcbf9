"""« Mon compte » (one's own password and language), the private calendar of one's deadlines, and
the site's icon; on SQLite and PostgreSQL."""

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from casework import demo
from casework.app import create_app
from casework.repositories.cases import CaseFilters
from casework.services import cases as case_service
from casework.services import users as user_service
from casework.services.door import CASEWORK
from tests.casework.web.test_web_pages import PASSWORDS, _signed_in, _token


@pytest.fixture
def app(ctx):
    demo.load(ctx)
    return create_app(ctx.settings, engine=ctx.engine, clock=ctx.clock)


def _user(ctx, username: str):
    return next(u for u in user_service.list_users(ctx) if u.username == username)


def test_the_header_names_the_person_not_the_username_and_links_to_their_account(app, ctx):
    agent = _signed_in(app, "agent")
    page = agent.get("/mine").text
    full_name = _user(ctx, "agent").full_name
    assert f"Session ouverte par {full_name}" in page
    assert "Session de" not in page
    assert '<a class="account-link" href="/me">Mon compte</a>' in page
    refused = agent.get("/dashboard")  # an error page names the person too
    assert refused.status_code == 403
    assert f"Session ouverte par {full_name}" in refused.text


def test_a_person_changes_their_password_stays_signed_in_and_other_sessions_end(app):
    mine = _signed_in(app, "agent")
    elsewhere = _signed_in(app, "agent")
    token = _token(mine.get("/me").text)
    new = "une phrase de passe assez longue"
    answer = mine.post(
        "/me/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORDS["agent"],
            "new_password": new,
            "confirm_password": new,
        },
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/me?done=password"
    assert "Votre mot de passe est changé." in mine.get("/me?done=password").text
    assert elsewhere.get("/mine").headers["location"].startswith("/login")
    fresh = TestClient(app, follow_redirects=False)
    login = _token(fresh.get("/login").text)
    signed = fresh.post(
        "/login", data={"username": "agent", "password": new, "csrf_token": login, "next": "/"}
    )
    assert signed.status_code == 303


def test_a_wrong_current_password_is_refused_next_to_its_field_and_nothing_changes(app, ctx):
    before = _user(ctx, "agent").password_hash
    mine = _signed_in(app, "agent")
    token = _token(mine.get("/me").text)
    answer = mine.post(
        "/me/password",
        data={
            "csrf_token": token,
            "current_password": "pas le bon",
            "new_password": "une phrase de passe assez longue",
            "confirm_password": "une phrase de passe assez longue",
        },
    )
    assert answer.status_code == 422
    assert 'id="current_password-error"' in answer.text
    assert "Ce n’est pas votre mot de passe actuel." in answer.text
    assert '<a href="#current_password">Mot de passe actuel\u00a0: ' in answer.text
    assert _user(ctx, "agent").password_hash == before


def test_two_different_new_passwords_are_refused(app):
    mine = _signed_in(app, "agent")
    token = _token(mine.get("/me").text)
    answer = mine.post(
        "/me/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORDS["agent"],
            "new_password": "une phrase de passe assez longue",
            "confirm_password": "une autre phrase de passe longue",
        },
    )
    assert answer.status_code == 422
    assert 'id="confirm_password-error"' in answer.text


def test_a_person_chooses_english_for_their_pages_and_reminders(app, ctx):
    mine = _signed_in(app, "agent")
    token = _token(mine.get("/me").text)
    answer = mine.post("/me/language", data={"csrf_token": token, "language": "en"})
    assert answer.status_code == 303
    assert _user(ctx, "agent").language == "en"
    assert "Your language is saved." in mine.get("/me?done=language").text
    refused = mine.post("/me/language", data={"csrf_token": token, "language": "de"})
    assert refused.status_code == 422
    assert _user(ctx, "agent").language == "en"


def _feed_url(client: TestClient) -> str:
    token = _token(client.get("/me").text)
    page = client.post("/me/calendar", data={"csrf_token": token}).text
    return re.search(r'id="feed-url" type="text" value="([^"]+)"', page).group(1)


def test_the_calendar_of_my_deadlines_holds_my_running_deadlines_and_no_requester(app, ctx):
    agent = _user(ctx, "agent")
    url = _feed_url(_signed_in(app, "agent"))
    assert url.startswith("http://127.0.0.1:8000/me/deadlines.ics?token=")
    answer = TestClient(app).get(url.removeprefix("http://127.0.0.1:8000"))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(answer.content)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}

    views, _ = case_service.search(
        ctx,
        actor=CASEWORK,
        interface="scheduler",
        filters=CaseFilters(assignee_id=agent.id),
        limit=500,
        by_due=True,
        with_requesters=True,
    )
    expected = {}
    for view in views:
        case = view.case
        if case.status == "received" and case.ack_due_on:
            expected[f"{case.reference}-acknowledgment@127.0.0.1"] = case.ack_due_on
        if case.status in ("received", "acknowledged") and case.answer_due_on:
            expected[f"{case.reference}-answer@127.0.0.1"] = case.answer_due_on
    assert expected, "the demo gives the agent open cases"
    assert {uid: e.decoded("dtstart") for uid, e in events.items()} == expected
    for event in events.values():
        assert isinstance(event.decoded("dtstart"), date)
        assert str(event["summary"]).startswith(("PLT-", "REN-", "MED-", "FRN-", "COM-"))
    text = answer.content.decode()
    for view in views:
        if view.requester is not None:
            assert view.requester.name not in text
            assert view.case.subject not in text


def test_a_renewed_calendar_address_replaces_the_old_one(app):
    agent = _signed_in(app, "agent")
    old = _feed_url(agent).removeprefix("http://127.0.0.1:8000")
    new = _feed_url(agent).removeprefix("http://127.0.0.1:8000")
    anyone = TestClient(app)
    assert anyone.get(old).status_code == 404
    assert anyone.get(new).status_code == 200
    assert anyone.get("/me/deadlines.ics?token=guessed").status_code == 404
    assert anyone.get("/me/deadlines.ics").status_code == 404


def test_the_site_icon_is_served(app):
    answer = TestClient(app).get("/favicon.ico")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/vnd.microsoft.icon"
    assert answer.content[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_the_calendar_of_a_disabled_account_is_no_longer_served(app, ctx):
    from casework.context import Actor

    url = _feed_url(_signed_in(app, "agent")).removeprefix("http://127.0.0.1:8000")
    user_service.disable(ctx, actor=Actor("user:admin"), username="agent")
    assert TestClient(app).get(url).status_code == 404
