"""After anonymization, nothing of the requester is left: not in any table (the full-text indexes
of migration 0010 included), not in the SQLite file itself, not in the files under the data
directory, not in what casework exports (issue 18; Loi sur l'accès, art. 73), while the annual
report's figures stay what they were. On both databases.

The requester below writes by email, is acknowledged (a letter emailed with its PDF), sends a
scanned letter and a PDF, gets an extension, an answer (a second letter), goes to the Protecteur du
citoyen, whose file is then closed; the case is anonymized seven years after its closing.
"""

import io
import re
import sqlite3
import unicodedata
import zipfile
from contextlib import closing
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import inspect, select, text

from casework import annual_report
from casework.app import create_app
from casework.context import Actor
from casework.db import read_session, unit_of_work
from casework.models.public import PortalToken, SurveyComment, TokenPurpose
from casework.pdf import render_pdf
from casework.schemas import CaseCreate, TransitionIn
from casework.services import (
    accountability_report,
    cases,
    documents,
    dossier,
    public,
    retention,
    users,
)
from casework.services.door import CASEWORK
from tests.conftest import montreal

OFFICER = Actor(label="user:officer", user_id=None, role="officer")
RECORDS = Actor(label="user:archives", user_id=None, role="admin")
NAME, EMAIL, PHONE = "Gisèle Tremblay-Lévesque", "gisele.tl@courriel-gtl.ca", "418 555-0199"
# What must be gone, folded as the full-text indexes fold words (lower case, no accents), and the
# telephone's digits alone as migration 0010 indexes them.
TRACES = ("gisele", "tremblay", "levesque", "courriel-gtl", "555-0199", "5550199", "corrige")
ABOUT = {
    "service": "support_advice",
    "commitment": "diligence",
    "root_cause": "delay",
    "remedy": "correction",
}


def _folded(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _traces_in(value: str) -> list[str]:
    folded = _folded(value)
    return [trace for trace in TRACES if trace in folded]


def _fire(ctx, reference, trigger, **fields):
    current = cases.get(ctx, actor=CASEWORK, interface="scheduler", reference=reference).case
    return cases.fire(
        ctx,
        interface="api",
        actor=OFFICER,
        reference=reference,
        request=TransitionIn(trigger=trigger, version=current.version, **fields),
    ).case


def _attach(ctx, reference, name: str, content: bytes) -> None:
    documents.attach(
        ctx,
        actor=OFFICER,
        interface="api",
        reference=reference,
        uploads=[
            documents.Upload(
                filename=name,
                stream=io.BytesIO(content),
                description=f"Envoyé par {NAME}",
                from_requester=True,
            )
        ],
    )


def _a_case_lived_and_closed(ctx, clock) -> str:
    clock.current = montreal(2027, 3, 1, 10, 0)
    reference = cases.open_case(
        ctx,
        interface="api",
        actor=OFFICER,
        data=CaseCreate(
            kind="complaint",
            channel="email",
            subject=f"Plainte de {NAME} sur le délai",
            description=f"{NAME} écrit de {EMAIL}; rappeler au {PHONE}.",
            received_at=montreal(2027, 3, 1, 9, 30),
            requester={"name": NAME, "email": EMAIL, "phone": PHONE},
        ),
    ).case.reference
    clock.current = montreal(2027, 3, 2, 10, 0)
    _fire(ctx, reference, "acknowledge")
    cases.add_note(
        ctx, interface="api", actor=OFFICER, reference=reference, text=f"Appel de {NAME}."
    )
    _attach(ctx, reference, "lettre-tremblay.txt", f"Lettre de {NAME}, {PHONE}".encode())
    scan = render_pdf(f"<p>Madame {NAME}</p><p>{EMAIL}</p>")
    _attach(ctx, reference, "numerisation.pdf", scan)
    cases.extend(
        ctx,
        interface="api",
        actor=OFFICER,
        reference=reference,
        version=cases.get(
            ctx, actor=CASEWORK, interface="scheduler", reference=reference
        ).case.version,
        days=5,
        reason=f"Attente d'un document de {NAME}",
    )
    clock.current = montreal(2027, 3, 15, 10, 0)
    _fire(ctx, reference, "answer", answer_summary=f"Madame {NAME}, nous avons corrigé le délai.")
    clock.current = montreal(2027, 4, 20, 10, 0)
    _fire(
        ctx,
        reference,
        "escalate",
        protecteur_file_number="PC-2027-0311",
        escalated_on=date(2027, 4, 19),
        comment=f"{NAME} s'adresse au Protecteur du citoyen.",
    )
    clock.current = montreal(2027, 6, 1, 10, 0)
    _fire(
        ctx,
        reference,
        "close",
        outcome="founded",
        classification=ABOUT,
        protecteur_conclusion="unfounded",
        protecteur_recommendations=f"Aucune recommandation pour {NAME}.",
    )
    # The person followed the case by a private link and commented in the survey.
    case_id = cases.get(ctx, actor=CASEWORK, interface="scheduler", reference=reference).case.id
    with unit_of_work(ctx.engine) as session:
        public.issue_token(session, case_id=case_id, purpose=TokenPurpose.STATUS, now=ctx.now())
        session.add(
            SurveyComment(
                case_id=case_id,
                kind="complaint",
                text=f"{NAME} remercie le personnel.",
                answered_on=date(2027, 6, 2),
                source="citizen_web",
                created_at=ctx.now(),
            )
        )
    return reference


def _database_traces(engine) -> dict[str, list[str]]:
    """The traces found in each table."""
    found = {table: _traces_in(content) for table, content in _database_text(engine).items()}
    return {table: traces for table, traces in found.items() if traces}


def _database_text(engine) -> dict[str, str]:
    """Every value of every table, the full-text indexes' own tables included, as text (a
    stored letter's PDF as the text pypdf reads from it)."""
    found: dict[str, list[str]] = {}
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            found[table] = []
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                for value in row:
                    if isinstance(value, bytes | memoryview):  # a letter's PDF read by pypdf
                        found[table].append(_content_text(table, bytes(value)))
                    elif value is not None:
                        found[table].append(str(value))
    return {table: "\n".join(values) for table, values in found.items()}


def _sqlite_file_text(engine) -> str:
    """The SQLite file's bytes, the pages it freed included, once the journal is checkpointed."""
    engine.dispose()
    path = Path(engine.url.database)
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return "".join(
        p.read_bytes().decode("utf-8", "ignore") for p in (path, Path(f"{path}-wal")) if p.exists()
    )


def _full_text_search_finds(ctx, engine) -> list[str]:
    """Ask the full-text indexes of migration 0010 themselves for the requester's words."""
    hits = []
    with engine.connect() as connection:
        for word in ("tremblay", "gisele", "4185550199"):
            if engine.dialect.name == "postgresql":
                cases_found = connection.execute(
                    text("SELECT count(*) FROM cases WHERE search_vector @@ to_tsquery(:w)"),
                    {"w": word},
                ).scalar()
                people_found = connection.execute(
                    text("SELECT count(*) FROM requesters WHERE search_vector @@ to_tsquery(:w)"),
                    {"w": word},
                ).scalar()
            else:
                cases_found = connection.execute(
                    text("SELECT count(*) FROM cases_fts WHERE cases_fts MATCH :w"), {"w": word}
                ).scalar()
                people_found = connection.execute(
                    text("SELECT count(*) FROM requesters_fts WHERE requesters_fts MATCH :w"),
                    {"w": word},
                ).scalar()
            if cases_found or people_found:
                hits.append(word)
    return hits


def _files_text(folder: Path) -> dict[str, str]:
    """Every file under the data directory, a PDF by the text pypdf reads from it."""
    return {
        str(path): _content_text(path.name, path.read_bytes())
        for path in folder.rglob("*")
        if path.is_file()
    }


def _content_text(name: str, content: bytes) -> str:
    if content.startswith(b"%PDF"):
        return (
            name + "\n" + "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
        )
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(
                _content_text(member, archive.read(member)) for member in archive.namelist()
            )
    return name + "\n" + content.decode("utf-8", "ignore")


def _annual_figures(ctx, year: int) -> dict:
    period = accountability_report.annual(ctx, actor=RECORDS, fiscal_year=year)
    data = accountability_report.annual_json(ctx, period, fiscal_year=year, language="fr")
    data.pop("generated_at", None)
    return data


def _signed_in_records_officer(ctx) -> TestClient:
    password = "une phrase de passe assez longue"
    users.add(
        ctx, actor=RECORDS, username="archiviste", full_name="A", password=password, role="admin"
    )
    client = TestClient(create_app(ctx.settings, engine=ctx.engine, clock=ctx.clock))
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post(
        "/login",
        data={"username": "archiviste", "password": password, "csrf_token": token, "next": "/"},
    )
    return client


def _exports(ctx, reference: str, web: TestClient) -> dict[str, str]:
    """What casework hands out after the anonymization: the annual report in each format, the
    Protecteur dossier, the destruction certificate."""
    settings = ctx.settings
    period = accountability_report.annual(ctx, actor=RECORDS, fiscal_year=2027, trace=True)
    data = accountability_report.annual_json(ctx, period, fiscal_year=2027, language="fr")
    rows = retention.certificate_rows(
        ctx, actor=RECORDS, start=date(2034, 6, 1), end=date(2034, 6, 1)
    )
    bundle = dossier.export(ctx, actor=OFFICER, reference=reference, interface="api")
    return {
        "cases.csv": web.get("/queue?format=csv&status=all").text,
        "closed-cases.csv": web.get("/queue?format=csv&status=closed").text,
        "certificate-page.csv": web.get(
            "/records/certificate.csv?from=2034-06-01&to=2034-06-01"
        ).text,
        "annual.json": str(data),
        "annual.xlsx": _content_text(
            "annual.xlsx", annual_report.xlsx(settings, data, period, language="fr")
        ),
        "annual.pdf": _content_text("annual.pdf", annual_report.pdf(settings, data, language="fr")),
        "dossier.zip": _content_text("dossier.zip", bundle.content),
        "certificate.csv": retention.certificate_csv(rows),
    }


def test_after_anonymization_no_trace_of_the_requester_is_left_and_the_figures_hold(
    ctx, clock, engine
):
    reference = _a_case_lived_and_closed(ctx, clock)
    clock.current = montreal(2034, 6, 1, 10, 0)  # planned on 1 June 2034: closed 1 June 2027
    web = _signed_in_records_officer(ctx)
    before = _annual_figures(ctx, 2026), _annual_figures(ctx, 2027)
    # Every place looked in below holds the requester before: the search can fail.
    everything = "\n".join(_database_text(engine).values())
    assert _traces_in(everything) == list(TRACES)
    assert _full_text_search_finds(ctx, engine) == ["tremblay", "gisele", "4185550199"]
    if engine.dialect.name == "sqlite":
        assert _traces_in(_sqlite_file_text(engine)) == list(TRACES)
    files = _files_text(ctx.settings.data_dir)
    assert {"gisele", "tremblay"} <= {t for v in files.values() for t in _traces_in(v)}
    exported = _exports(ctx, reference, web)
    assert _traces_in(exported["dossier.zip"]) and _traces_in(exported["closed-cases.csv"])

    [applied] = retention.apply(ctx, actor=RECORDS, references=[reference], confirm=True)
    assert (applied.planned_on, applied.rule) == (date(2034, 6, 1), "PLAINTES")

    assert _database_traces(engine) == {}
    with read_session(ctx.engine) as session:  # no private link leads to the case any more
        assert session.execute(select(PortalToken)).scalars().all() == []
    assert _full_text_search_finds(ctx, engine) == []
    if engine.dialect.name == "sqlite":
        assert _traces_in(_sqlite_file_text(engine)) == []
    left = {
        path: _traces_in(content) for path, content in _files_text(ctx.settings.data_dir).items()
    }
    assert {path: found for path, found in left.items() if found} == {}
    exported = {
        name: _traces_in(content) for name, content in _exports(ctx, reference, web).items()
    }
    assert {name: found for name, found in exported.items() if found} == {}
    assert (_annual_figures(ctx, 2026), _annual_figures(ctx, 2027)) == before
