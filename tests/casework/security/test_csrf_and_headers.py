"""CSRF tokens on every form post and on every state-changing request a session cookie vouches
for; security headers on the pages; no inline script in the templates."""

import re

import pytest
from fastapi.testclient import TestClient

from tests import ROOT
from tests.casework.security.conftest import PASSWORD, sign_in

TEMPLATES = ROOT / "casework" / "templates"
CASE = {
    "kind": "complaint",
    "channel": "letter",
    "subject": "Plainte",
    "received_at": "2026-11-20T10:00:00-05:00",
}


def token_of(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_a_login_form_without_its_valid_token_is_403_and_signs_nobody_in(app, people, token):
    client = TestClient(app)
    client.get("/login")
    data = {"username": "officer", "password": PASSWORD}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/login", data=data, follow_redirects=False)
    assert response.status_code == 403
    assert "Formulaire expiré" in response.text
    assert client.get("/api/session").status_code == 401


def test_a_form_post_without_any_session_is_403(app, people):
    response = TestClient(app).post(
        "/login", data={"username": "officer", "password": PASSWORD, "csrf_token": "x"}
    )
    assert response.status_code == 403


def test_the_token_of_another_session_is_refused(app, people):
    mine, theirs = TestClient(app), TestClient(app)
    mine.get("/login")
    their_token = token_of(theirs.get("/login"))
    response = mine.post(
        "/login",
        data={"username": "officer", "password": PASSWORD, "csrf_token": their_token},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_signing_in_gives_a_new_token(app, people):
    client = TestClient(app)
    before = token_of(client.get("/login"))
    client.post("/login", data={"username": "officer", "password": PASSWORD, "csrf_token": before})
    after = client.get("/api/session").json()["csrf_token"]
    assert after != before


def test_a_sign_out_form_without_the_token_is_403_and_the_session_stays(app, people):
    client = sign_in(app, "officer")
    token = client.headers.pop("X-CSRF-Token")
    refused = client.post("/logout", data={"next": "/"}, follow_redirects=False)
    assert refused.status_code == 403
    assert client.get("/api/session").status_code == 200
    signed_out = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert signed_out.status_code == 303
    assert client.get("/api/session").status_code == 401


def test_a_form_post_to_the_api_needs_the_token_too(app, people):
    client = sign_in(app, "officer")
    del client.headers["X-CSRF-Token"]
    response = client.post("/api/cases", data=CASE)
    assert response.status_code == 403
    # The API answers with its own problem, not the page's.
    assert response.json()["code"] == "csrf_failed"


def test_a_json_request_on_a_session_needs_the_token_header(app, people):
    client = sign_in(app, "officer")
    token = client.headers.pop("X-CSRF-Token")
    refused = client.post("/api/cases", json=CASE)
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    assert (
        client.post("/api/cases", json=CASE, headers={"X-CSRF-Token": "wrong"}).status_code == 403
    )
    assert client.post("/api/cases", json=CASE, headers={"X-CSRF-Token": token}).status_code == 201
    assert client.get("/api/cases").status_code == 200  # reading needs no token


def test_an_api_key_needs_no_token(app, ctx):
    from casework.context import Actor
    from casework.services import apikeys

    secret = apikeys.create(
        ctx, actor=Actor("test", role="admin"), name="integration", role="officer"
    )[1]
    assert (
        TestClient(app, headers={"X-API-Key": secret}).post("/api/cases", json=CASE).status_code
        == 201
    )


def test_pages_carry_the_security_headers(app):
    page = TestClient(app).get("/login")
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"


def test_json_answers_are_not_sniffed_nor_framed_nor_cached_when_authenticated(app, people):
    anonymous = TestClient(app).get("/healthz")
    assert anonymous.headers["x-content-type-options"] == "nosniff"
    assert (
        anonymous.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    )
    signed_in = sign_in(app, "officer").get("/api/cases")
    assert signed_in.headers["cache-control"] == "no-store"


def test_the_api_documentation_still_works_under_its_own_policy(app):
    client = TestClient(app)
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "cdn.jsdelivr.net" in docs.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in docs.headers["content-security-policy"]
    assert client.get("/openapi.json").status_code == 200


def test_templates_have_no_inline_script_style_or_event_handler():
    for template in TEMPLATES.rglob("*.html"):
        source = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", source), template
        assert "<style" not in source, template
        assert not re.search(r"\sstyle=", source), template
        assert not re.search(r"\son[a-z]+=", source), template


def test_every_form_in_the_templates_posts_a_csrf_token():
    for template in TEMPLATES.rglob("*.html"):
        source = template.read_text()
        for form in re.findall(r"<form[^>]*>.*?</form>", source, flags=re.S):
            if re.search(r'method="post"', form, flags=re.I):
                # the field itself, or a macro that writes it
                assert 'name="csrf_token"' in form or "csrf()" in form, template


def test_the_login_page_is_french_by_default_and_english_on_request(app):
    client = TestClient(app)
    french = client.get("/login")
    assert '<html lang="fr-CA">' in french.text
    assert "Nom d’utilisateur" in french.text or "Nom d&#39;utilisateur" in french.text
    english = client.get("/login", headers={"Accept-Language": "en-CA"})
    assert '<html lang="en-CA">' in english.text
    assert "Username" in english.text
    assert '<label for="password">' in english.text


def test_a_malformed_form_is_refused_without_a_server_error(app):
    client = TestClient(app, raise_server_exceptions=False)
    client.get("/login")
    response = client.post(
        "/login",
        content=b"--xx\r\nbroken",
        headers={"content-type": "multipart/form-data; boundary=xx"},
    )
    assert response.status_code == 403
