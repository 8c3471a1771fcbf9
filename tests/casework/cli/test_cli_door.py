"""The command line's door to personal information: `casework outbox list` shows a requester's
email address only to whom may see that case's requester and logs each case whose address it
prints; `casework case access-log` reads the log as the API does (DESIGN §2.5)."""

import json

import pytest

from casework.context import Actor
from casework.schemas import CaseCreate, CaseUpdate, TransitionIn
from casework.services import access_log, cases, users
from tests.cli import invoked
from tests.conftest import command_line_account, montreal

OFFICER = Actor(label="user:officer", role="officer")
ADDRESS = "jeanne.roy@example.org"


@pytest.fixture
def run(ctx, monkeypatch):
    monkeypatch.setattr("casework.cli.cases.context", lambda: ctx)
    monkeypatch.setattr("casework.cli.outbox.context", lambda: ctx)
    url = ctx.settings.database.url
    command_line_account(url, username="agathe.agente", role="agent")
    command_line_account(url, username="olivier.officier", role="officer")

    def invoke(*args, account=None):
        return invoked(*(["--as", account] if account else []), *args)

    return invoke


@pytest.fixture
def acknowledged(ctx):
    """A complaint whose acknowledgment letter is emailed to the requester, assigned to nobody."""
    case = cases.open_case(
        ctx,
        interface="api",
        actor=OFFICER,
        data=CaseCreate(
            kind="complaint",
            channel="email",
            subject="Délai d’un permis",
            received_at=montreal(2026, 11, 23, 9, 0),
            requester={"name": "Jeanne Roy", "email": ADDRESS},
        ),
    ).case
    return cases.fire(
        ctx,
        interface="api",
        actor=OFFICER,
        reference=case.reference,
        request=TransitionIn(trigger="acknowledge", version=case.version),
    ).case


def _log(ctx, reference):
    return [(e.actor, e.interface, e.what) for e in access_log.for_case(ctx, reference=reference)]


def test_an_agent_not_assigned_sees_the_requesters_address_hidden_and_nothing_is_logged(
    ctx, run, acknowledged
):
    listed = run("outbox", "list", account="agathe.agente")
    assert listed.exit_code == 0, listed.output
    (line,) = [line for line in listed.output.splitlines() if "\tletter\t" in line]
    assert "\t(la personne requérante\u00a0: masquée)\t" in line
    assert ADDRESS not in listed.output
    shown = json.loads(run("outbox", "list", "--json", account="agathe.agente").output)
    (row,) = [r for r in shown if r["kind"] == "letter"]
    assert (row["recipient"], row["recipient_hidden"]) == (None, True)
    assert _log(ctx, acknowledged.reference) == []


def test_an_officer_sees_the_address_and_each_listing_is_one_access_log_row(ctx, run, acknowledged):
    listed = run("outbox", "list", account="olivier.officier")
    assert listed.exit_code == 0, listed.output
    (line,) = [line for line in listed.output.splitlines() if "\tletter\t" in line]
    assert f"\tcourriel\t{ADDRESS}\t" in line
    assert _log(ctx, acknowledged.reference) == [("user:olivier.officier", "cli", "outbox")]


def test_the_agent_assigned_to_the_case_sees_its_requesters_address(ctx, run, acknowledged):
    agent = users.acting_as(ctx, username="agathe.agente")
    cases.update(
        ctx,
        interface="api",
        actor=OFFICER,
        reference=acknowledged.reference,
        changes=CaseUpdate(assignee_id=agent.user_id, version=acknowledged.version),
    )
    listed = run("outbox", "list", "--json", account="agathe.agente")
    (row,) = [r for r in json.loads(listed.output) if r["kind"] == "letter"]
    assert (row["recipient"], row["recipient_hidden"]) == (ADDRESS, False)
    assert _log(ctx, acknowledged.reference) == [("user:agathe.agente", "cli", "outbox")]


def test_the_outbox_needs_an_account(ctx, run, acknowledged):
    refused = run("outbox", "list")
    assert refused.exit_code == 2
    assert "--as" in refused.output
    assert ADDRESS not in refused.output


def test_an_officer_reads_the_access_log_in_french_with_the_apis_keys(ctx, run, acknowledged):
    ctx.clock.current = montreal(2026, 12, 1, 9, 5)
    run("outbox", "list", account="olivier.officier")
    read = run("case", "access-log", acknowledged.reference, account="olivier.officier")
    assert read.exit_code == 0, read.output
    assert read.output == (
        "1er décembre 2026 à 9 h 05\tuser:olivier.officier\tLigne de commande\t"
        "File d’envoi consultée (l’adresse courriel de la personne requérante)\n"
    )
    as_json = run(
        "case", "access-log", acknowledged.reference, "--json", account="olivier.officier"
    )
    (entry,) = json.loads(as_json.output)
    officer = users.acting_as(ctx, username="olivier.officier")
    assert entry == {
        "at": "2026-12-01T14:05:00Z",
        "actor": "user:olivier.officier",
        "user_id": officer.user_id,
        "interface": "cli",
        "what": "outbox",
    }


def test_an_agent_may_not_read_the_access_log_and_an_unknown_case_is_named(ctx, run, acknowledged):
    refused = run("case", "access-log", acknowledged.reference, account="agathe.agente")
    assert refused.exit_code == 2
    assert "Votre rôle ne permet pas cette action." in refused.output
    unknown = run("case", "access-log", "PLT-2026-99999", account="olivier.officier")
    assert unknown.exit_code == 2
    assert "PLT-2026-99999" in unknown.output
    empty = run("case", "access-log", acknowledged.reference, account="olivier.officier")
    assert empty.output == (
        f"Personne n’a vu les renseignements personnels de {acknowledged.reference}.\n"
    )
