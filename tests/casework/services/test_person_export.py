"""A person's information (Loi sur l'accès, art. 83): the access officer finds every case of a
person by name, email address or telephone number, and exports what casework holds about them,
logged in the access log; on both databases.

Hand-built data: Gisèle Tremblay-Lévesque wrote three times, recorded three ways (her full name
and email; her name in capitals without accents and her telephone with the country code; an
initial and her email in capitals); another person, Gisèle Tremblay, wrote once.
"""

import io
import json
import re
import zipfile
from datetime import date

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from casework.app import create_app
from casework.config import DatabaseSettings, Settings
from casework.context import Actor, AppContext, FixedClock
from casework.db import make_engine
from casework.migrate import upgrade
from casework.schemas import CaseCreate, TransitionIn
from casework.services import access_log, apikeys, cases, documents, person
from casework.services.calendar import refresh
from casework.services.errors import Forbidden, InvalidInput, NotFound
from casework.services.person import Criteria
from tests.casework.services.test_retention_no_trace import _signed_in_records_officer
from tests.cli import casework
from tests.conftest import command_line_account, montreal

OFFICER = Actor(label="user:officer", user_id=None, role="officer")
ACCESS = Actor(label="user:acces", user_id=None, role="admin")
NAME, EMAIL, PHONE = "Gisèle Tremblay-Lévesque", "gisele.tl@courriel-gtl.ca", "418 555-0199"


def _open(ctx, clock, day: int, requester: dict, channel: str = "email") -> str:
    clock.current = montreal(2027, 3, day, 10, 0)
    return cases.open_case(
        ctx,
        interface="api",
        actor=OFFICER,
        data=CaseCreate(
            kind="complaint",
            channel=channel,
            subject=f"Plainte du {day} mars",
            description=f"Texte de la plainte du {day} mars.",
            received_at=montreal(2027, 3, day, 9, 0),
            requester=requester,
        ),
    ).case.reference


def _her_cases(ctx, clock) -> tuple[str, str, str, str]:
    first = _open(ctx, clock, 1, {"name": NAME, "email": EMAIL, "phone": PHONE})
    second = _open(
        ctx,
        clock,
        2,
        {
            "name": "GISELE TREMBLAY LEVESQUE",
            "phone": "+1 (418) 555-0199",
            "postal_address": "1 rue A",
        },
        channel="letter",
    )
    third = _open(ctx, clock, 3, {"name": "G. Tremblay", "email": "GISELE.TL@courriel-gtl.ca"})
    other = _open(
        ctx,
        clock,
        4,
        {"name": "Gisèle Tremblay", "email": "gt@ailleurs.ca", "phone": "514 555-0100"},
    )
    return first, second, third, other


def _found(ctx, **criteria) -> list[tuple[str, tuple[str, ...]]]:
    found = person.find(ctx, actor=ACCESS, criteria=Criteria(**criteria), interface="api")
    return [(item.reference, item.matched) for item in found]


def test_her_cases_are_found_by_name_email_or_telephone_and_not_a_namesakes(ctx, clock):
    first, second, third, other = _her_cases(ctx, clock)
    assert _found(ctx, name="gisele tremblay-levesque") == [(first, ("name",)), (second, ("name",))]
    assert _found(ctx, email="Gisele.TL@courriel-gtl.ca") == [
        (first, ("email",)),
        (third, ("email",)),
    ]
    assert _found(ctx, phone="4185550199") == [(first, ("phone",)), (second, ("phone",))]
    assert _found(ctx, name=NAME, email=EMAIL, phone=PHONE) == [
        (first, ("name", "email", "phone")),
        (second, ("name", "phone")),
        (third, ("email",)),
    ]
    assert _found(ctx, name="Gisèle Tremblay") == [(other, ("name",))]
    assert _found(ctx, name="Gisèle Tremblay-Lévesque-Roy") == []
    [shown] = person.find(ctx, actor=ACCESS, criteria=Criteria(phone=PHONE), interface="web")[1:]
    assert (shown.name, shown.phone) == ("GISELE TREMBLAY LEVESQUE", "+1 (418) 555-0199")
    logged = access_log.for_case(ctx, reference=second)
    assert [(e.actor, e.what) for e in logged][-1] == ("user:acces", "search")


def _zip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_export_holds_her_cases_their_trail_letters_and_documents_and_is_logged(ctx, clock):
    first, second, third, other = _her_cases(ctx, clock)
    clock.current = montreal(2027, 3, 2, 11, 0)
    acknowledged = cases.fire(
        ctx,
        interface="api",
        actor=OFFICER,
        reference=first,
        request=TransitionIn(trigger="acknowledge", version=1),
    ).case
    cases.add_note(
        ctx,
        interface="api",
        actor=OFFICER,
        reference=first,
        text="Note interne : personne insistante.",
    )
    cases.extend(
        ctx,
        interface="api",
        actor=OFFICER,
        reference=first,
        version=acknowledged.version,
        days=5,
        reason="Nous attendons l'avis du ministère.",
    )
    documents.attach(
        ctx,
        actor=OFFICER,
        interface="api",
        reference=first,
        uploads=[
            documents.Upload("sa-lettre.txt", io.BytesIO(b"Ma lettre du 1er mars"), "", True),
            documents.Upload("analyse.txt", io.BytesIO(b"Analyse interne"), "", False),
        ],
    )
    clock.current = montreal(2027, 3, 5, 14, 0)
    export = person.export(
        ctx, actor=ACCESS, criteria=Criteria(name=NAME, email=EMAIL), interface="cli"
    )
    assert export.references == (first, second, third)
    assert export.filename == "renseignements-personnels-2027-03-05.zip"
    files = _zip(export.content)
    summary = json.loads(files.pop("renseignements.json"))
    assert summary["criteria"] == {"name": NAME, "email": EMAIL}
    assert [c["reference"] for c in summary["cases"]] == [first, second, third]
    mine = summary["cases"][0]
    assert mine["requester"]["email"] == EMAIL and mine["subject"] == "Plainte du 1 mars"
    assert [(e["what"], e["to_state"]) for e in mine["trail"]] == [
        ("created", "received"),
        ("acknowledge", "acknowledged"),
        ("deadline_changed", None),
    ]
    assert mine["trail"][2]["reason"] == "Nous attendons l'avis du ministère."
    assert "insistante" not in json.dumps(summary, ensure_ascii=False)
    assert [(x["kind"], x["date"], x["channel"]) for x in mine["letters"]] == [
        ("acknowledgment", date(2027, 3, 2).isoformat(), "email"),
        ("extension_notice", date(2027, 3, 2).isoformat(), "email"),
    ]
    letter = mine["letters"][0]
    [sent] = mine["documents"]
    assert files[sent["file"]] == b"Ma lettre du 1er mars"
    assert b"Analyse interne" not in b"".join(files.values())
    pdf = PdfReader(io.BytesIO(files[letter["file"]])).pages[0].extract_text()
    assert first in pdf and "Tremblay-Lévesque" in pdf
    assert set(files) == {x["file"] for x in mine["letters"]} | {sent["file"]}
    for reference in (first, second, third):
        assert access_log.for_case(ctx, reference=reference)[-1].what == "person_export"
    assert all(e.what != "person_export" for e in access_log.for_case(ctx, reference=other))
    chosen = person.export(
        ctx, actor=ACCESS, criteria=Criteria(email=EMAIL), references=[third], interface="api"
    )
    assert chosen.references == (third,)
    with pytest.raises(NotFound) as stray:
        person.export(
            ctx, actor=ACCESS, criteria=Criteria(email=EMAIL), references=[other], interface="api"
        )
    assert stray.value.field == "cases" and other in stray.value.message("fr")


@pytest.mark.parametrize(
    ("criteria", "field"),
    [
        ({}, "name"),
        ({"name": "   "}, "name"),
        ({"email": "gisele.tl"}, "email"),
        ({"phone": "555-01"}, "phone"),
    ],
)
def test_a_search_without_a_usable_criterion_is_refused_naming_the_field(ctx, criteria, field):
    with pytest.raises(InvalidInput) as refused:
        person.find(ctx, actor=ACCESS, criteria=Criteria(**criteria), interface="api")
    assert refused.value.field == field


def test_only_the_access_officer_exports_a_persons_information(ctx, clock):
    _her_cases(ctx, clock)
    with pytest.raises(Forbidden):
        person.find(ctx, actor=OFFICER, criteria=Criteria(email=EMAIL), interface="api")
    with pytest.raises(Forbidden):
        person.export(ctx, actor=OFFICER, criteria=Criteria(email=EMAIL), interface="api")


@pytest.fixture
def as_role(ctx):
    app = create_app(ctx.settings, engine=ctx.engine, clock=ctx.clock)

    def client(role: str) -> TestClient:
        key = apikeys.create(ctx, actor=ACCESS, name=f"key-{role}", role=role)[1]
        return TestClient(app, headers={"X-API-Key": key})

    return client


def test_the_api_finds_and_exports_her_information_and_refuses_a_vague_search(ctx, clock, as_role):
    first, second, _, _ = _her_cases(ctx, clock)
    access = as_role("admin")
    found = access.post("/api/retention/person/search", json={"phone": PHONE})
    assert [(c["reference"], c["matched"]) for c in found.json()] == [
        (first, ["phone"]),
        (second, ["phone"]),
    ]
    exported = access.post("/api/retention/person/export", json={"email": EMAIL, "cases": [first]})
    assert exported.headers["content-type"] == "application/zip"
    summary = json.loads(_zip(exported.content)["renseignements.json"])
    assert [c["reference"] for c in summary["cases"]] == [first]
    vague = access.post("/api/retention/person/search", json={"email": "gisele"})
    assert (vague.status_code, vague.json()["field"]) == (422, "email")
    assert (
        as_role("officer").post("/api/retention/person/search", json={"phone": PHONE}).status_code
        == 403
    )


def test_the_page_finds_her_cases_lets_the_officer_choose_and_exports_them(ctx, clock):
    first, second, third, other = _her_cases(ctx, clock)
    web = _signed_in_records_officer(ctx)
    page = web.get("/records/person")
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    found = web.post("/records/person", data={"csrf_token": token, "name": NAME, "email": ""})
    assert found.status_code == 200
    assert first in found.text and second in found.text and third not in found.text
    assert "GISELE TREMBLAY LEVESQUE" in found.text
    bad = web.post("/records/person", data={"csrf_token": token, "phone": "555"})
    assert bad.status_code == 422
    assert "indicatif régional" in bad.text
    chosen = web.post(
        "/records/person/export",
        data={"csrf_token": token, "name": NAME, "cases": [second]},
    )
    assert chosen.headers["content-type"] == "application/zip"
    summary = json.loads(_zip(chosen.content)["renseignements.json"])
    assert [c["reference"] for c in summary["cases"]] == [second]
    stray = web.post(
        "/records/person/export",
        data={"csrf_token": token, "name": NAME, "cases": [first, other]},
    )
    assert stray.status_code == 404 and other in stray.text
    none = web.post("/records/person/export", data={"csrf_token": token, "name": NAME})
    assert none.status_code == 422 and "Choisissez au moins un dossier" in none.text


def test_the_access_officer_exports_from_the_command_line(tmp_path):
    settings = Settings(
        database=DatabaseSettings(url=f"sqlite:///{tmp_path}/cw.db"), data_dir=tmp_path / "var"
    )
    engine = make_engine(settings.database)
    upgrade(engine)
    clock = FixedClock(montreal(2027, 3, 1, 10, 0))
    ctx = AppContext(settings=settings, engine=engine, clock=clock)
    refresh(ctx)
    first, second, third, _ = _her_cases(ctx, clock)
    engine.dispose()
    env = {
        "CASEWORK_DATABASE__URL": f"sqlite:///{tmp_path}/cw.db",
        "CASEWORK_DATA_DIR": str(tmp_path / "var"),
        **command_line_account(f"sqlite:///{tmp_path}/cw.db", username="responsable", role="admin"),
    }
    done = casework(
        "retention",
        "person-export",
        "--email",
        EMAIL,
        "--phone",
        PHONE,
        "--output",
        str(tmp_path / "elle.zip"),
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [first, second, third]
    summary = json.loads(_zip((tmp_path / "elle.zip").read_bytes())["renseignements.json"])
    assert summary["criteria"] == {"email": EMAIL, "phone": PHONE}
    nobody = casework(
        "retention", "person-export", "--output", str(tmp_path / "x.zip"), env=env, cwd=tmp_path
    )
    assert nobody.returncode == 2 and "courriel" in nobody.stderr
    assert not (tmp_path / "x.zip").exists()
