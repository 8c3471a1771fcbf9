"""The timeline of a case says the same thing on the case page and in `casework case show`, in
French and in English; every kind of trail line has its words in both languages; the API's events
carry the same label."""

import html
import importlib
import re

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from casework.app import create_app
from casework.context import Actor
from casework.i18n import CATALOGS, gettext
from casework.schemas import CaseCreate, CaseUpdate, TransitionIn
from casework.services import cases, users
from tests.cli import invoked
from tests.conftest import montreal
from workflows.case_clock import DEADLINE_LABELS
from workflows.case_flow import STATE_LABELS, TRIGGER_LABELS
from workflows.events import EVENT_LABELS, EventKind

PASSWORD = "mot-de-passe-de-test-assez-long"
ROSALIE = Actor(label="user:rosalie", role="officer")


def test_every_kind_of_trail_line_has_a_french_and_an_english_label():
    with (CATALOGS / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        french = read_po(handle)
    for kind in EventKind:
        label = EVENT_LABELS[kind]  # the English words are the message id
        assert label and gettext(label, "en") == label
        assert french.get(label) is not None and french[label].string, kind
        assert gettext(label, "fr") == french[label].string


@pytest.fixture
def trail(ctx):
    """A letter received on Monday 9 November 2026, assigned to Alain and made urgent, with a
    note, acknowledged, its answer delay extended by five business days; seen on Monday
    23 November at 10:00."""
    users.add(
        ctx,
        actor=Actor.system(),
        username="rosalie",
        full_name="Rosalie Tremblay",
        password=PASSWORD,
        role="officer",
    )
    alain = users.add(
        ctx,
        actor=Actor.system(),
        username="alain",
        full_name="Alain Gagnon",
        password=PASSWORD,
        role="agent",
    )
    case = cases.open_case(
        ctx,
        actor=ROSALIE,
        interface="cli",
        data=CaseCreate(
            kind="complaint",
            channel="letter",
            subject="Bruit du chantier la nuit",
            received_at=montreal(2026, 11, 9, 9, 0),
            requester={"name": "Jeanne Roy", "email": "jeanne.roy@example.org"},
        ),
    ).case
    reference = case.reference
    case = cases.update(
        ctx,
        actor=ROSALIE,
        interface="cli",
        reference=reference,
        changes=CaseUpdate(version=case.version, assignee_id=alain.id, priority="urgent"),
    ).case
    cases.add_note(
        ctx,
        actor=ROSALIE,
        interface="cli",
        reference=reference,
        text="Rappeler la citoyenne jeudi.",
    )
    case = cases.fire(
        ctx,
        actor=ROSALIE,
        interface="cli",
        reference=reference,
        request=TransitionIn(trigger="acknowledge", version=case.version),
    ).case
    cases.extend(
        ctx,
        actor=ROSALIE,
        interface="cli",
        reference=reference,
        version=case.version,
        days=5,
        reason="Une analyse technique est requise.",
    )
    return reference


@pytest.fixture
def page(ctx):
    """The case page as Rosalie sees it, in a language."""
    app = create_app(ctx.settings, engine=ctx.engine, clock=ctx.clock)

    def read(reference: str, language: str) -> str:
        client = TestClient(app, follow_redirects=False)
        client.cookies.set("lang", language)
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
        signed_in = client.post(
            "/login",
            data={
                "username": "rosalie",
                "password": PASSWORD,
                "csrf_token": token.group(1),
                "next": "/",
            },
        )
        assert signed_in.status_code == 303
        answer = client.get(f"/cases/{reference}")
        assert answer.status_code == 200
        return answer.text

    return read


@pytest.fixture
def show(ctx, monkeypatch):
    """`casework --as rosalie case show REF` with the language configured."""
    common = importlib.import_module("casework.cli.common")
    monkeypatch.setattr("casework.cli.cases.context", lambda: ctx)

    def run(reference: str, language: str) -> str:
        monkeypatch.setenv("CASEWORK_I18N__DEFAULT_LANGUAGE", language)
        common.settings.cache_clear()
        result = invoked("--as", "rosalie", "case", "show", reference)
        assert result.exit_code == 0, result.output
        return result.output

    yield run
    common.settings.cache_clear()


def _page_timeline(text: str) -> list[tuple[str, str, list[str]]]:
    """(when — who, label, detail lines) of each line of the page's timeline."""
    section = re.search(r'<ol class="timeline">(.*?)</ol>', text, re.S).group(1)
    entries = []
    for item in re.findall(r"<li>(.*?)</li>", section, re.S):
        label = re.search(r"<h3>(.*?)</h3>", item, re.S).group(1)
        meta = re.search(r'<p class="meta">(.*?)</p>', item, re.S).group(1)
        lines = re.findall(r"<p>(.*?)</p>", item, re.S)
        entries.append(
            (html.unescape(meta), html.unescape(label), [html.unescape(x) for x in lines])
        )
    return entries


def _shown_timeline(output: str, heading: str) -> list[tuple[str, str, list[str]]]:
    """The same, read from the lines `case show` prints after its heading."""
    lines = output.splitlines()
    entries: list[tuple[str, str, list[str]]] = []
    for line in lines[lines.index(heading) + 1 :]:
        if line.startswith("- "):
            entries.append((line[2:], "", []))
        elif line.startswith("    "):
            entries[-1][2].append(line[4:])
        elif line.startswith("  "):
            entries[-1] = (entries[-1][0], line[2:], entries[-1][2])
    return entries


@pytest.mark.parametrize(
    ("language", "heading", "labels"),
    [
        (
            "fr",
            "Historique",
            [
                "Dossier enregistré",
                "Assignation",
                "Modification",
                "Note",
                "Accuser réception",
                "Échéance modifiée",
            ],
        ),
        (
            "en",
            "Timeline",
            [
                "Case registered",
                "Assignment",
                "Edit",
                "Note",
                "Acknowledge receipt",
                "Deadline changed",
            ],
        ),
    ],
)
def test_the_case_page_and_case_show_tell_the_same_timeline(
    trail, page, show, language, heading, labels
):
    on_the_page = _page_timeline(page(trail, language))
    in_the_terminal = _shown_timeline(show(trail, language), heading)
    assert [label for _, label, _ in on_the_page] == labels
    assert in_the_terminal == on_the_page


def test_the_timeline_names_people_and_says_what_changed(trail, show):
    entries = {
        label: (meta, lines)
        for meta, label, lines in _shown_timeline(show(trail, "fr"), "Historique")
    }
    meta, lines = entries["Assignation"]
    assert meta == "23 novembre 2026 à 10 h 00 — Rosalie Tremblay"
    assert lines == ["Assigné à Alain Gagnon."]
    assert entries["Modification"][1] == [
        "Priorité\u00a0: de «\u00a0Normale\u00a0» à «\u00a0Urgente\u00a0»."
    ]
    assert entries["Note"][1] == ["Rappeler la citoyenne jeudi."]
    assert entries["Accuser réception"][1] == [
        "De «\u00a0Reçue\u00a0» à «\u00a0Accusé de réception envoyé\u00a0»."
    ]


def test_case_show_in_french_has_no_english_words_for_events_states_or_deadlines(trail, show):
    output = show(trail, "fr")
    english = [
        label
        for labels in (EVENT_LABELS, TRIGGER_LABELS, STATE_LABELS, DEADLINE_LABELS)
        for label in labels.values()
        if gettext(label, "fr") != label
    ]
    assert [word for word in english if word in output] == []
    for code in ("OVERDUE", "acknowledgment:", "transition", "→", "user:rosalie"):
        assert code not in output
    # The deadlines say where they stand in words, as the page does.
    assert "- Accusé de réception\u00a0: " in output


def test_the_api_events_keep_their_keys_and_add_the_label_in_the_clients_language(
    ctx, trail, officer_key
):
    app = create_app(ctx.settings, engine=ctx.engine, clock=ctx.clock)
    client = TestClient(app, headers={"X-API-Key": officer_key})
    french = client.get(f"/api/cases/{trail}/events").json()
    english = client.get(f"/api/cases/{trail}/events", headers={"Accept-Language": "en"}).json()
    keys = {"id", "at", "actor", "kind", "trigger", "from_state", "to_state", "reason", "data"}
    assert all(keys <= set(event) for event in french)
    assert [e["kind"] for e in french] == [
        "created",
        "assignment",
        "edit",
        "note",
        "transition",
        "deadline_changed",
    ]
    assert french[4]["label"] == "Accuser réception"
    assert english[4]["label"] == "Acknowledge receipt"
