"""`GET /healthz` tells a load balancer whether the application and its database answer."""

from fastapi.testclient import TestClient

from casework.app import create_app
from casework.config import DatabaseSettings, Settings
from casework.db import make_engine


def test_health_is_ok_when_the_database_answers(settings, engine):
    with TestClient(create_app(settings, engine=engine)) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "reason": None}


def test_health_is_503_with_the_reason_when_the_schema_is_missing(tmp_path):
    settings = Settings(database=DatabaseSettings(url=f"sqlite:///{tmp_path}/empty.db"))
    engine = make_engine(settings.database)
    with TestClient(create_app(settings, engine=engine)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert "casework db upgrade" in response.json()["reason"]


def test_health_is_503_when_the_database_server_is_unreachable():
    settings = Settings(
        database=DatabaseSettings(url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    )
    with TestClient(create_app(settings)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["reason"].startswith("database unavailable")


def test_openapi_documentation_is_served(settings, engine):
    with TestClient(create_app(settings, engine=engine)) as client:
        assert client.get("/docs").status_code == 200
        assert "/healthz" in client.get("/openapi.json").json()["paths"]
