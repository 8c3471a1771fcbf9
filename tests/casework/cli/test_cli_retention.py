"""`casework retention due|apply|certificate` (issue 18): the exact output that scripts read, in
process on a database prepared through the services, except `retention due --as-of 2026-01-10`
in `test_the_records_officer_lists_applies_and_certifies_from_the_command_line`: the real-process
smoke test of the `retention` group."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from casework.config import DatabaseSettings, Settings
from casework.context import Actor, AppContext, FixedClock
from casework.db import make_engine
from casework.migrate import upgrade
from casework.schemas import CaseCreate, TransitionIn
from casework.services import cases
from casework.services.calendar import refresh
from tests.cli import casework, real_casework
from tests.conftest import command_line_account, montreal

OFFICER = Actor(label="user:officer", role="officer")


def _case_closed_on_10_january_2019(tmp_path) -> str:
    settings = Settings(
        database=DatabaseSettings(url=f"sqlite:///{tmp_path}/cw.db"), data_dir=tmp_path / "var"
    )
    engine = make_engine(settings.database)
    upgrade(engine)
    clock = FixedClock(montreal(2019, 1, 7, 10, 0))
    ctx = AppContext(settings=settings, engine=engine, clock=clock)
    refresh(ctx)
    case = cases.open_case(
        ctx,
        interface="api",
        actor=OFFICER,
        data=CaseCreate(
            kind="complaint",
            channel="letter",
            subject="Plainte de Jean Roy",
            received_at=montreal(2019, 1, 7, 9, 0),
            requester={"name": "Jean Roy"},
        ),
    ).case
    clock.current = montreal(2019, 1, 10, 15, 0)
    answered = cases.fire(
        ctx,
        interface="api",
        actor=OFFICER,
        reference=case.reference,
        request=TransitionIn(trigger="answer", version=1, answer_summary="Réponse à Jean Roy."),
    ).case
    cases.fire(
        ctx,
        interface="api",
        actor=OFFICER,
        reference=case.reference,
        request=TransitionIn(
            trigger="close",
            version=answered.version,
            outcome="founded",
            classification={
                "service": "support_advice",
                "commitment": "diligence",
                "root_cause": "delay",
                "remedy": "correction",
            },
        ),
    )
    engine.dispose()
    return case.reference


def test_the_records_officer_lists_applies_and_certifies_from_the_command_line(tmp_path):
    env = {
        "CASEWORK_DATABASE__URL": f"sqlite:///{tmp_path}/cw.db",
        "CASEWORK_DATA_DIR": str(tmp_path / "var"),
    }
    reference = _case_closed_on_10_january_2019(tmp_path)
    env.update(
        command_line_account(env["CASEWORK_DATABASE__URL"], username="archiviste", role="admin")
    )
    # A complaint is kept 2 + 5 years: closed 10 January 2019, due 10 January 2026.
    early = casework("retention", "due", "--as-of", "2026-01-09", "--json", env=env, cwd=tmp_path)
    assert json.loads(early.stdout) == []
    listed = real_casework(
        "retention", "due", "--as-of", "2026-01-10", "--json", env=env, cwd=tmp_path
    )
    [item] = json.loads(listed.stdout)
    assert {k: item[k] for k in ("reference", "planned_on", "action", "rule")} == {
        "reference": reference,
        "planned_on": "2026-01-10",
        "action": "anonymize",
        "rule": "PLAINTES",
    }
    bad = casework("retention", "due", "--as-of", "10/01/2026", env=env, cwd=tmp_path)
    assert bad.returncode == 2 and "--as-of" in bad.stderr
    unconfirmed = casework("retention", "apply", reference, env=env, cwd=tmp_path)
    assert unconfirmed.returncode == 2
    assert "irréversible" in unconfirmed.stderr or "annulé" in unconfirmed.stderr
    applied = casework("retention", "apply", reference, "--confirm", env=env, cwd=tmp_path)
    assert applied.returncode == 0, applied.stderr
    assert applied.stdout.split("\t")[:2] == [reference, "anonymize"]
    today = datetime.now(ZoneInfo("America/Toronto")).date().isoformat()
    certificate = casework(
        "retention", "certificate", "--from", today, "--to", today, env=env, cwd=tmp_path
    )
    lines = certificate.stdout.splitlines()
    assert lines[0] == "reference,kind,action,rule,planned_on,applied_on,confirmed_by"
    confirmed = f"{reference},complaint,anonymize,PLAINTES,2026-01-10,{today},user:archiviste"
    assert lines[1] == confirmed
    signed = casework(
        "retention",
        "certificate",
        "--from",
        today,
        "--to",
        today,
        "--format",
        "pdf",
        "-o",
        str(tmp_path / "certificat.pdf"),
        env=env,
        cwd=tmp_path,
    )
    assert signed.returncode == 0, signed.stderr
    text = PdfReader(tmp_path / "certificat.pdf").pages[0].extract_text()
    assert "Certificat de destruction" in text and reference in text and "PLAINTES" in text
    nowhere = casework(
        "retention", "certificate", "--from", today, "--to", today, "--format", "pdf", env=env
    )
    assert nowhere.returncode == 2 and "-o" in nowhere.stderr
