"""Search finds words and people, folded for case and accents, on both databases; people only
for those allowed to see requesters, and each case found through its requester is logged."""

from sqlalchemy import select

from casework.context import Actor
from casework.models import AccessLogEntry, Case
from casework.repositories.cases import TEXT_COUNT_CAP, CaseFilters
from casework.schemas import CaseCreate, CaseUpdate
from casework.services import cases as service
from tests.conftest import montreal

OFFICER = Actor(label="user:officer", user_id=None, role="officer")
INTEGRATION = Actor(label="apikey:formulaire", role="integration")


def open_case(ctx, subject, requester=None, **fields):
    data = CaseCreate(
        kind="complaint",
        channel="email",
        subject=subject,
        description=fields.pop("description", ""),
        received_at=montreal(2026, 11, 20, 10, 0),
        requester=requester,
        **fields,
    )
    return service.open_case(ctx, interface="api", actor=OFFICER, data=data).case


def found(ctx, text, actor=OFFICER):
    views, total = service.search(
        ctx, filters=CaseFilters(text=text), limit=50, actor=actor, interface="api"
    )
    assert total == len(views)
    return sorted(view.case.reference for view in views)


def logged(ctx, what="search"):
    with ctx.engine.connect() as connection:
        rows = connection.execute(
            select(AccessLogEntry.case_id, AccessLogEntry.actor).where(AccessLogEntry.what == what)
        ).all()
    return sorted(rows)


def test_an_officer_finds_a_requester_by_name_in_any_case_and_without_accents(ctx):
    cote = open_case(ctx, "Accueil au comptoir", {"name": "Élise Côté"})
    open_case(ctx, "Accueil au comptoir", {"name": "Marc Tremblay"})
    for text in ("cote", "Côté", "ÉLISE", "elise cote", "Côt"):
        assert found(ctx, text) == [cote.reference], text
    assert found(ctx, "tremblay cote") == []  # every word must match


def test_an_officer_finds_a_requester_by_email_or_telephone_in_any_form(ctx):
    case = open_case(
        ctx,
        "Formulaire inaccessible",
        {"name": "Luc Gagnon", "email": "luc.gagnon@videotron.ca", "phone": "(514) 555-0199"},
    )
    open_case(
        ctx, "Autre", {"name": "Ann Roy", "email": "ann@example.org", "phone": "418-555-0100"}
    )
    for text in ("videotron", "luc.gagnon@videotron.ca", "514 555-0199", "5145550199", "555-0199"):
        assert found(ctx, text) == [case.reference], text


def test_a_key_that_may_not_see_requesters_finds_words_but_never_people(ctx):
    case = open_case(ctx, "Délai de remboursement", {"name": "Josée Bélanger"})
    assert found(ctx, "belanger", actor=INTEGRATION) == []
    assert found(ctx, "remboursement", actor=INTEGRATION) == [case.reference]
    assert logged(ctx) == []


def test_an_agent_finds_people_only_on_the_cases_assigned_to_them(ctx):
    from casework.services import users

    agent = users.add(
        ctx, actor=Actor.system(), username="agent", full_name="Agent", password="x" * 12
    )
    mine = open_case(ctx, "Plainte", {"name": "Réjean Simard"}, assignee_id=agent.id)
    other = open_case(ctx, "Plainte", {"name": "Réjean Simard"})
    as_agent = Actor(label="user:agent", user_id=agent.id, role="agent")
    assert found(ctx, "simard", actor=as_agent) == [mine.reference]
    assert found(ctx, "simard") == sorted([mine.reference, other.reference])


def test_cases_found_through_their_requester_are_logged_and_words_are_not(ctx):
    by_name = open_case(ctx, "Accueil", {"name": "Nadia Pelletier"})
    by_word = open_case(ctx, "Lettre de Pelletier et associés", {"name": "Guy Roy"})
    assert found(ctx, "pelletier") == sorted([by_name.reference, by_word.reference])
    assert logged(ctx) == [(by_name.id, "user:officer")]


def test_words_are_folded_and_matched_from_their_start(ctx):
    case = open_case(
        ctx, "État du remboursement", description="Le préposé a été impoli au téléphone."
    )
    for text in ("etat", "ÉTAT", "rembours", "prepose impoli", "TÉLÉPHONE"):
        assert found(ctx, text) == [case.reference], text
    assert found(ctx, "impolitesse") == []


def test_a_reference_is_found_exactly(ctx):
    first = open_case(ctx, "Premier")
    open_case(ctx, "Deuxième")
    assert found(ctx, first.reference.lower()) == [first.reference]
    assert found(ctx, first.reference[:-1]) == []


def test_search_follows_an_edited_subject(ctx):
    case = open_case(ctx, "Stationnement")
    service.update(
        ctx,
        interface="api",
        actor=OFFICER,
        reference=case.reference,
        changes=CaseUpdate(version=1, subject="Déneigement tardif"),
    )
    assert found(ctx, "stationnement") == []
    assert found(ctx, "deneigement") == [case.reference]


def test_the_case_page_lists_the_persons_other_cases_by_email_or_telephone(ctx):
    first = open_case(ctx, "Premier", {"name": "Zoé Lavoie", "email": "zoe@example.org"})
    second = open_case(ctx, "Deuxième", {"name": "Zoé Lavoie", "email": "ZOE@example.org"})
    third = open_case(ctx, "Troisième", {"name": "Z. Lavoie", "phone": "819-555-0111"})
    fourth = open_case(
        ctx,
        "Quatrième",
        {"name": "Zoé Lavoie", "email": "zoe@example.org", "phone": "819-555-0111"},
    )
    open_case(ctx, "Homonyme", {"name": "Zoé Lavoie", "email": "autre@example.org"})
    others = service.other_cases(ctx, actor=OFFICER, reference=fourth.reference, interface="web")
    assert [c.reference for c in others] == [third.reference, second.reference, first.reference]
    assert logged(ctx, "related") == sorted((c.id, "user:officer") for c in (first, second, third))
    assert (
        service.other_cases(ctx, actor=INTEGRATION, reference=first.reference, interface="api")
        == []
    )


def test_a_common_word_is_counted_up_to_the_cap_and_its_newest_cases_come_first(ctx, client):
    from benchmarks.data import load

    load(ctx.engine, ctx.settings, cases=6000, today=ctx.today(), seed=3)
    with ctx.engine.connect() as connection:
        rows = connection.execute(
            select(Case.reference, Case.subject, Case.description).order_by(
                Case.received_at.desc(), Case.id.desc()
            )
        ).all()
    having = [r.reference for r in rows if "préposé" in f"{r.subject} {r.description}".lower()]
    assert len(having) > TEXT_COUNT_CAP

    body = client.get("/api/cases", params={"q": "PRÉPOSÉ", "limit": 20}).json()
    assert body["total"] == TEXT_COUNT_CAP and body["total_capped"] is True
    assert [c["reference"] for c in body["items"]] == having[:20]
    # Typed in part, the word is no longer whole anywhere: still more than the cap, same order.
    partial = client.get("/api/cases", params={"q": "prépo", "limit": 20}).json()
    assert partial["total"] == TEXT_COUNT_CAP and partial["total_capped"] is True
    assert [c["reference"] for c in partial["items"]] == having[:20]
    rare = client.get("/api/cases", params={"q": having[-1]}).json()
    assert rare["total"] == 1 and rare["total_capped"] is False
    every = client.get("/api/cases", params={"limit": 1}).json()  # no text: counted exactly
    assert every["total"] == 6000 and every["total_capped"] is False
