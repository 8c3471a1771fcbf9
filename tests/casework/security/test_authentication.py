"""Authentication: API keys and sessions; revoked keys, disabled accounts, lockout, the session's
idle timeout and cookie; wrong passwords that never say whether the account exists.

`test_a_key_revoked_from_the_command_line_is_refused_two_seconds_after_its_last_check` revokes
the key from a real `casework` process (the smoke test of the `apikeys` group); the other
commands run in process."""

import re
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select
from sqlmodel import Session

import tests.cli
from casework.app import create_app
from casework.context import AppContext
from casework.db import unit_of_work
from casework.models import ApiKey, Requester, User
from casework.repositories import cases as cases_repo
from casework.services import apikeys, users
from casework.services.calendar import refresh
from tests.casework.security.conftest import PASSWORD, SYSTEM, sign_in

FAILED = "Le nom d’utilisateur ou le mot de passe est incorrect."


def login_form(client: TestClient, username: str, password: str):
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def without_token(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", html)


def test_an_api_key_authenticates_and_its_last_use_is_recorded(app, ctx, clock, integration_key):
    client = TestClient(app, headers={"X-API-Key": integration_key})
    assert client.get("/api/session").json()["actor"] == "apikey:formulaire-web"
    (key,) = apikeys.list_keys(ctx)
    assert key.last_used_at == clock.current
    clock.current += timedelta(hours=2)
    client.get("/api/cases")
    assert apikeys.list_keys(ctx)[0].last_used_at == clock.current


def test_a_revoked_key_is_401(app, ctx, integration_key):
    client = TestClient(app, headers={"X-API-Key": integration_key})
    assert client.get("/api/cases").status_code == 200
    apikeys.revoke(ctx, actor=SYSTEM, name="formulaire-web")
    response = client.get("/api/cases")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert "X-API-Key" in response.headers["www-authenticate"]


def test_a_key_revoked_from_the_command_line_is_refused_two_seconds_after_its_last_check(
    app, clock, database_url, tmp_path, integration_key
):
    """The web server trusts a key it found live for two seconds without reading it again; a key
    revoked by another process (`casework apikeys revoke`) is refused once they are over."""
    client = TestClient(app, headers={"X-API-Key": integration_key})
    assert client.get("/api/cases").status_code == 200
    revoked = tests.cli.real_casework(
        "apikeys",
        "revoke",
        "formulaire-web",
        env={"CASEWORK_DATABASE__URL": database_url},
        cwd=tmp_path,
    )
    assert revoked.returncode == 0, revoked.stderr
    clock.current += timedelta(seconds=2)
    response = client.get("/api/cases")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_key_check_leaves_its_connection_ready_for_an_all_or_nothing_command(
    ctx, engine, integration_key
):
    """The key check reads outside any transaction on PostgreSQL; the pooled connection it used
    must come back transactional, or the next command's rollback would keep half its writes."""
    assert apikeys.authenticate(ctx, key=integration_key).name == "formulaire-web"
    assert engine.pool.checkedin() == 1  # the command below gets the very same connection
    with pytest.raises(RuntimeError), unit_of_work(engine) as session:
        cases_repo.insert_row(session, Requester(name="Marie Tremblay"))
        raise RuntimeError("the command fails after its first write")
    with Session(engine) as session:
        assert session.execute(select(Requester)).first() is None


@pytest.mark.parametrize("key", ["", "cwk_", "cwk_wrong", "nope", "x" * 5000])
def test_an_unknown_key_is_401(app, key):
    assert TestClient(app, headers={"X-API-Key": key}).get("/api/cases").status_code == 401


def test_a_wrong_key_is_not_rescued_by_a_session(app, people):
    client = sign_in(app, "officer")
    assert client.get("/api/cases").status_code == 200
    assert client.get("/api/cases", headers={"X-API-Key": "cwk_wrong"}).status_code == 401


def test_a_key_is_stored_only_as_its_hash(ctx, engine):
    _key, secret = apikeys.create(ctx, actor=SYSTEM, name="passerelle-courriel")
    with Session(engine) as session:
        row = session.execute(select(ApiKey)).scalar_one()
    assert secret not in str(row.model_dump())
    assert row.key_hash == apikeys.hash_key(secret)
    assert secret.startswith(row.prefix)
    assert len(secret) >= 40


def test_a_disabled_account_is_401_at_once_and_cannot_sign_in_again(app, ctx, people):
    client = sign_in(app, "officer")
    users.disable(ctx, actor=SYSTEM, username="officer")
    assert client.get("/api/cases").status_code == 401
    again = TestClient(app).post("/api/session", json={"username": "officer", "password": PASSWORD})
    assert again.status_code == 401
    assert again.json()["detail"].startswith(FAILED)


def test_a_new_role_applies_at_the_next_request(app, ctx, people):
    client = sign_in(app, "agent-other")
    assert client.get("/api/cases/PLT-2026-00001/access-log").status_code == 403
    users.set_role(ctx, actor=SYSTEM, username="agent-other", role="officer")
    assert client.get("/api/cases/PLT-2026-00001/access-log").status_code == 404


def test_a_wrong_password_and_an_unknown_account_get_the_same_answer(app, people):
    wrong = login_form(TestClient(app), "officer", "pas le bon")
    unknown = login_form(TestClient(app), "personne", "pas le bon")
    disabled_name = login_form(TestClient(app), "officer ", "")
    assert wrong.status_code == unknown.status_code == disabled_name.status_code == 401
    assert FAILED in wrong.text
    assert without_token(wrong.text) == without_token(unknown.text).replace(
        'value="personne"', 'value="officer"'
    )
    json_wrong = TestClient(app).post(
        "/api/session", json={"username": "officer", "password": "pas le bon"}
    )
    json_unknown = TestClient(app).post(
        "/api/session", json={"username": "personne", "password": "pas le bon"}
    )
    assert json_wrong.status_code == json_unknown.status_code == 401
    assert json_wrong.json() == json_unknown.json()


def test_a_wrong_password_takes_about_as_long_as_an_unknown_account(ctx, people):
    def timed(username):
        started = time.perf_counter()
        for _ in range(3):
            users.authenticate(slow, username=username, password="pas le bon", address="192.0.2.1")
        return time.perf_counter() - started

    # Both verify one Argon2 hash of the configured cost; without the dummy hash, an unknown name
    # would be answered at once.
    slow = AppContext(
        settings=ctx.settings.model_copy(
            update={
                "security": ctx.settings.security.model_copy(
                    update={"argon2_time_cost": 2, "argon2_memory_kib": 8192}
                )
            }
        ),
        engine=ctx.engine,
        clock=ctx.clock,
    )
    refresh(slow)
    users.set_password(slow, actor=SYSTEM, username="agent-other", password=PASSWORD)
    users.enable(slow, actor=SYSTEM, username="agent-other")
    known, unknown = timed("agent-other"), timed("personne")
    assert unknown > known / 3


def test_a_successful_login_form_opens_a_session_and_goes_where_asked(app, people):
    client = TestClient(app)
    page = client.get("/login", params={"next": "/api/workflow"})
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/login",
        data={
            "username": "Officer",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "/api/workflow",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/api/workflow"
    assert client.get("/api/session").json()["actor"] == "user:officer"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil", "jav"])
def test_login_never_sends_the_browser_to_another_site(app, people, target):
    client = TestClient(app)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/login",
        data={"username": "officer", "password": PASSWORD, "csrf_token": token, "next": target},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"  # the home page of the officer's role


def test_a_success_resets_the_count_of_failures(app, ctx, people):
    for _ in range(ctx.settings.security.login_max_failures - 1):
        login_form(TestClient(app), "officer", "pas le bon")
    assert login_form(TestClient(app), "officer", PASSWORD).status_code == 303
    for _ in range(ctx.settings.security.login_max_failures - 1):
        login_form(TestClient(app), "officer", "pas le bon")
    assert login_form(TestClient(app), "officer", PASSWORD).status_code == 303


def test_a_failed_login_is_slowed_down(ctx, people):
    settings = ctx.settings.model_copy(
        update={
            "security": ctx.settings.security.model_copy(update={"failed_login_delay_seconds": 0.3})
        }
    )
    app = create_app(settings, engine=ctx.engine, clock=ctx.clock)
    started = time.perf_counter()
    response = TestClient(app).post(
        "/api/session", json={"username": "officer", "password": "pas le bon"}
    )
    assert response.status_code == 401
    assert time.perf_counter() - started >= 0.3


def test_a_session_ends_after_the_idle_timeout_and_slides_while_used(app, ctx, clock, people):
    idle = timedelta(minutes=ctx.settings.security.session_idle_minutes)
    client = sign_in(app, "officer")
    for _ in range(3):  # used every idle-1 minutes, it stays open
        clock.current += idle - timedelta(minutes=1)
        assert client.get("/api/cases").status_code == 200
    clock.current += idle + timedelta(minutes=1)
    assert client.get("/api/cases").status_code == 401
    assert "casework_session" not in client.cookies


def test_a_session_ends_after_its_maximum_age_even_when_used(app, ctx, clock, people):
    client = sign_in(app, "officer")
    step = timedelta(minutes=ctx.settings.security.session_idle_minutes - 1)
    end = clock.current + timedelta(hours=ctx.settings.security.session_max_hours)
    while clock.current + step < end:
        clock.current += step
        assert client.get("/api/cases").status_code == 200
    clock.current += step
    assert client.get("/api/cases").status_code == 401


def test_signing_out_ends_the_session_even_for_a_copied_cookie(app, people):
    client = sign_in(app, "officer")
    copied = client.cookies["casework_session"]
    assert client.delete("/api/session").status_code == 204
    assert client.get("/api/cases").status_code == 401
    thief = TestClient(app, cookies={"casework_session": copied})
    assert thief.get("/api/cases").status_code == 401


def test_a_new_password_ends_the_open_sessions(app, ctx, people):
    client = sign_in(app, "officer")
    users.set_password(ctx, actor=SYSTEM, username="officer", password="un autre mot de passe")
    assert client.get("/api/cases").status_code == 401
    assert sign_in(app, "officer", "un autre mot de passe").get("/api/cases").status_code == 200


def test_a_forged_or_altered_cookie_is_401(app, people):
    client = sign_in(app, "agent-other")
    value = client.cookies["casework_session"]
    payload, _, _signature = value.rpartition(".")
    for forged in (payload + ".AAAA", "x" + value, "", "not-a-cookie"):
        assert (
            TestClient(app, cookies={"casework_session": forged}).get("/api/cases").status_code
            == 401
        )
    other_secret = create_app(
        app.state.settings.model_copy(
            update={
                "security": app.state.settings.security.model_copy(
                    update={"secret_key": SecretStr("another-secret")}
                )
            }
        ),
        engine=app.state.engine,
        clock=app.state.context.clock,
    )
    assert (
        TestClient(other_secret, cookies={"casework_session": value}).get("/api/cases").status_code
        == 401
    )


def test_the_session_cookie_is_httponly_samesite_strict_and_secure_over_https(app, people):
    plain = TestClient(app).post("/api/session", json={"username": "officer", "password": PASSWORD})
    cookie = plain.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "secure" not in cookie
    assert "expires" not in cookie and "max-age" not in cookie  # ends with the browser
    https = TestClient(app, base_url="https://casework.example").post(
        "/api/session", json={"username": "officer", "password": PASSWORD}
    )
    assert "secure" in https.headers["set-cookie"].lower()


def test_events_record_the_authenticated_user_or_key(callers, ctx, people):
    created = (
        callers["integration"]
        .post(
            "/api/cases",
            json={
                "kind": "complaint",
                "channel": "web_form",
                "subject": "Plainte en ligne",
                "received_at": "2026-11-20T10:00:00-05:00",
            },
        )
        .json()
    )
    reference = created["reference"]
    callers["officer"].post(
        f"/api/cases/{reference}/transitions", json={"trigger": "acknowledge", "version": 1}
    )
    callers["supervisor"].post(f"/api/cases/{reference}/notes", json={"text": "Vu."})
    events = callers["officer"].get(f"/api/cases/{reference}/events").json()
    assert [e["actor"] for e in events] == [
        "apikey:formulaire-web",
        "user:officer",
        "user:supervisor",
    ]


def test_accounts_are_created_with_a_hashed_password_and_checked_rules(ctx, engine):
    user = users.add(
        ctx, actor=SYSTEM, username="julie", full_name="Julie Lavoie", password=PASSWORD
    )
    with Session(engine) as session:
        stored = session.get(User, user.id).password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    from casework.services.errors import InvalidInput

    for bad in [
        {"username": "julie", "password": PASSWORD},  # taken
        {"username": "Julie Lavoie", "password": PASSWORD},  # not a login name
        {"username": "marc", "password": "court"},  # too short
        {"username": "marc-antoine-1", "password": "marc-antoine-1"},  # the username
        {"username": "marc", "password": PASSWORD, "role": "root"},
        {"username": "marc", "password": PASSWORD, "email": "marc@@organisme"},
    ]:
        with pytest.raises(InvalidInput):
            users.add(ctx, actor=SYSTEM, full_name="Marc", **bad)
    with pytest.raises(InvalidInput) as refused:
        users.set_email(ctx, actor=SYSTEM, username="julie", email="julie.lavoie@organisme")
    assert (refused.value.field, refused.value.message("fr")) == (
        "email",
        "Cette adresse courriel n’est pas valide.",
    )
    assert users.set_email(ctx, actor=SYSTEM, username="julie", email=" ").email is None


def test_the_last_administrator_cannot_be_disabled_or_demoted(ctx, people):
    from casework.services.errors import InvalidInput

    with pytest.raises(InvalidInput, match="last active administrator"):
        users.disable(ctx, actor=SYSTEM, username="admin")
    with pytest.raises(InvalidInput, match="last active administrator"):
        users.set_role(ctx, actor=SYSTEM, username="admin", role="officer")
    users.add(ctx, actor=SYSTEM, username="admin2", full_name="A", password=PASSWORD, role="admin")
    users.disable(ctx, actor=SYSTEM, username="admin")


def test_the_first_administrator_is_made_on_the_command_line(ctx, tmp_path):
    environment = {
        "CASEWORK_DATABASE__URL": ctx.settings.database.url,
        "CASEWORK_SECURITY__ARGON2_TIME_COST": "1",
        "CASEWORK_SECURITY__ARGON2_MEMORY_KIB": "64",
        "CASEWORK_SECURITY__ARGON2_PARALLELISM": "1",
    }

    def casework(*args, stdin=None):
        return tests.cli.casework(*args, env=environment, cwd=tmp_path, stdin=stdin)

    made = casework(
        "users",
        "add",
        "chef",
        "--full-name",
        "Chef",
        "--role",
        "admin",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert made.returncode == 0, made.stderr
    assert PASSWORD not in made.stdout + made.stderr
    assert "chef\tadmin\tactif" in casework("users", "list").stdout
    key = casework("apikeys", "create", "--name", "formulaire", "--role", "integration")
    assert key.returncode == 0, key.stderr
    secret = key.stdout.strip()
    assert secret.startswith("cwk_")
    assert secret not in casework("apikeys", "list").stdout
    assert casework("apikeys", "revoke", "formulaire").returncode == 0
    assert "révoquée" in casework("apikeys", "list").stdout
    assert casework("users", "set-role", "chef", "officer").returncode == 2  # the last admin
    short = casework("users", "set-password", "chef", "--password-stdin", stdin="court\n")
    assert short.returncode == 2
    assert "au moins" in short.stderr
    assert casework("users", "disable", "personne").returncode == 2
    assert authenticate_ok(ctx, "chef")


def authenticate_ok(ctx, username):
    result = users.authenticate(ctx, username=username, password=PASSWORD, address="192.0.2.1")
    return result.user is not None
