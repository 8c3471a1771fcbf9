"""Every endpoint requires authentication except /healthz, the public deadline calculator and
the closure list; OpenAPI documents 401 and 403 and the two ways to authenticate; the
permission table of docs/security.md is the one in the code."""

import re

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from casework.security import policy
from tests import ROOT

PUBLIC = {
    ("GET", "/healthz"),
    ("GET", "/api/calendar/closures"),
    ("GET", "/api/calendar/due"),
    # signing in, and the page that does it; signing out (without a session, it ends nothing)
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/api/session"),
    ("POST", "/logout"),
    # a body's own website form sends a complaint, a request or a comment (docs/public.md)
    ("POST", "/api/public/submissions"),
}
# Paths with a public reading and protected changes: the session (signing in), and the closure
# days (anyone reads them; an administrator adds or removes one, issue 11).
MIXED_PATHS = {"/api/session", "/api/calendar/closures"}
# Pages anyone may open: choosing the language of the pages (before signing in too), the site's
# icon, and the calendar of one's deadlines (its private token is the key: 404 without it).
PUBLIC_PAGES = {
    ("GET", "/language/{language}"),
    ("GET", "/favicon.ico"),
    ("GET", "/me/deadlines.ics"),
    # the citizen's side (docs/public.md): the forms, and the status page and survey whose
    # private token is the key
    *(
        (method, path)
        for path in ("/plainte", "/complaint", "/demande", "/request", "/commentaire", "/comment")
        for method in ("GET", "POST")
    ),
    ("GET", "/suivi/{token}"),
    ("POST", "/suivi/{token}"),
    ("GET", "/suivi/{token}/letters/{letter_id}"),
    ("GET", "/sondage/{token}"),
    ("POST", "/sondage/{token}"),
}
# Every operation of these routers checks a permission of the policy table, so may answer 403.
GUARDED = ("/api/cases", "/api/workflow")
DOCS = ROOT / "docs" / "security.md"


def _api_routes(routes):
    for route in routes:
        included = getattr(route, "original_router", None)  # a router included in the app
        if included is not None:
            yield from _api_routes(included.routes)
        elif isinstance(route, APIRoute):
            yield route


def _operations(app):
    for route in _api_routes(app.routes):
        for method in route.methods - {"HEAD"}:
            yield method, route


def _example_path(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "PLT-2026-00001", path)


def test_every_operation_but_the_public_ones_is_401_without_credentials(app):
    client = TestClient(app, follow_redirects=False)
    seen = set()
    for method, route in _operations(app):
        seen.add((method, route.path))
        if (method, route.path) in PUBLIC | PUBLIC_PAGES:
            continue
        response = client.request(method, _example_path(route.path), json={})
        if route.include_in_schema:
            assert response.status_code == 401, (method, route.path, response.status_code)
        else:  # a page sends the browser to the login page
            assert response.status_code in (401, 303), (method, route.path)
            if response.status_code == 303:
                assert response.headers["location"].startswith("/login"), (method, route.path)
    assert seen >= PUBLIC


def test_openapi_documents_401_403_and_both_credentials_on_each_protected_operation(app):
    schema = TestClient(app).get("/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["apiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": schemes["apiKey"]["description"],
    }
    assert schemes["session"]["in"] == "cookie"
    public_paths = {path for _, path in PUBLIC}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if (method.upper(), path) in PUBLIC or path in public_paths - MIXED_PATHS:
                assert "security" not in operation, (method, path)
                continue
            assert "401" in operation["responses"], (method, path)
            assert {"apiKey": []} in operation.get("security", []), (method, path)
            if path.startswith(GUARDED):
                assert "403" in operation["responses"], (method, path)


def test_docs_security_md_shows_the_permission_table_of_the_code():
    assert policy.as_markdown() in DOCS.read_text(encoding="utf-8")


def test_every_permission_is_described_and_every_role_is_known():
    assert set(policy.DESCRIPTIONS) == set(policy.PERMISSIONS)
    for grants in policy.PERMISSIONS.values():
        assert set(grants) <= set(policy.ROLES)
    assert policy.INTEGRATION not in policy.USER_ROLES
