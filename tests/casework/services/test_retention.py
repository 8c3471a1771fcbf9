"""The retention schedule applied to closed cases (Loi sur les archives, art. 7; Loi sur l'accès,
art. 73), on both databases.

The default schedule keeps a complaint 2 years active and 5 semi-active after its last closing (a
planned date 7 years after the Montreal date of closing), a comment 1 + 1 years. Dates below are
counted by hand from that rule.
"""

from datetime import date

import pytest
from sqlalchemy import String, Text, select, text

from casework.context import Actor
from casework.models import Case, CaseEvent, metadata
from casework.schemas import CaseCreate, TransitionIn
from casework.services import cases, reports, retention
from casework.services.door import CASEWORK
from casework.services.errors import Forbidden, InvalidInput
from tests.conftest import montreal
from workflows.retention import latest_closing_due

OFFICER = Actor(label="user:officer", user_id=None, role="officer")
RECORDS = Actor(label="user:archives", user_id=None, role="admin")
NAME, EMAIL, PHONE = "Gisèle Tremblay-Lévesque", "gisele.tl@example.org", "418 555-0199"


def _open(ctx, *, kind="complaint", received=(2027, 3, 1, 10, 0)):
    return cases.open_case(
        ctx,
        interface="api",
        actor=OFFICER,
        data=CaseCreate(
            kind=kind,
            channel="email",
            subject=f"Plainte de {NAME} sur le délai",
            description=f"{NAME} écrit de {EMAIL}; rappeler au {PHONE}.",
            received_at=montreal(*received),
            requester={"name": NAME, "email": EMAIL, "phone": PHONE},
        ),
    ).case


# What a complaint closed on its merits was about (docs/accountability.md).
ABOUT = {
    "service": "support_advice",
    "commitment": "diligence",
    "root_cause": "delay",
    "remedy": "correction",
}


def _fire(ctx, case, trigger, **fields):
    current = cases.get(ctx, actor=CASEWORK, interface="scheduler", reference=case.reference).case
    return cases.fire(
        ctx,
        interface="api",
        actor=OFFICER,
        reference=case.reference,
        request=TransitionIn(trigger=trigger, version=current.version, **fields),
    ).case


def _closed_at(ctx, clock, moment, case, **answer):
    clock.current = moment
    _fire(ctx, case, "answer", answer_summary=f"Réponse à {NAME} : nous avons corrigé.", **answer)
    return _fire(ctx, case, "close", outcome="founded", classification=ABOUT)


def test_a_case_closed_31_march_at_23_30_in_montreal_is_due_seven_years_after_that_day(ctx, clock):
    clock.current = montreal(2027, 3, 1, 10, 0)
    case = _open(ctx)
    _closed_at(ctx, clock, montreal(2027, 3, 31, 23, 30), case)  # 1 April 03:30 UTC
    clock.current = montreal(2034, 3, 31, 9, 0)
    assert [c.reference for c in retention.due(ctx, actor=RECORDS, as_of=date(2034, 3, 30))] == []
    [item] = retention.due(ctx, actor=RECORDS, as_of=date(2034, 3, 31))
    assert (item.reference, item.closed_on, item.planned_on) == (
        case.reference,
        date(2027, 3, 31),
        date(2034, 3, 31),
    )
    assert (item.action, item.rule) == ("anonymize", "PLAINTES")


def test_a_reopened_case_counts_from_its_last_closing(ctx, clock):
    clock.current = montreal(2027, 1, 4, 10, 0)
    case = _open(ctx, received=(2027, 1, 4, 10, 0))
    _closed_at(ctx, clock, montreal(2027, 1, 15, 10, 0), case)
    clock.current = montreal(2027, 2, 1, 10, 0)
    _fire(ctx, case, "reopen", reason="La personne a fourni un fait nouveau.")
    assert retention.due(ctx, actor=RECORDS, as_of=date(2034, 1, 15)) == []
    clock.current = montreal(2027, 6, 10, 14, 0)
    _fire(ctx, case, "answer", answer_summary="Seconde réponse.")
    _fire(ctx, case, "close", outcome="founded", classification=ABOUT)
    assert retention.due(ctx, actor=RECORDS, as_of=date(2034, 6, 9)) == []
    [item] = retention.due(ctx, actor=RECORDS, as_of=date(2034, 6, 10))
    assert item.planned_on == date(2034, 6, 10)


def test_an_escalated_case_and_a_held_case_are_never_due(ctx, clock):
    clock.current = montreal(2027, 3, 1, 10, 0)
    escalated = _open(ctx)
    clock.current = montreal(2027, 3, 10, 10, 0)
    _fire(ctx, escalated, "answer", answer_summary="Réponse.")
    _fire(
        ctx,
        escalated,
        "escalate",
        protecteur_file_number="PC-2027-118",
        escalated_on=date(2027, 3, 10),
    )
    held = _open(ctx)
    _closed_at(ctx, clock, montreal(2027, 3, 10, 11, 0), held)
    hold = retention.place_hold(
        ctx, actor=OFFICER, reference=held.reference, kind="legal", reason="Recours en cour"
    )
    assert retention.due(ctx, actor=RECORDS, as_of=date(2040, 1, 1)) == []
    assert retention.preview(ctx, actor=RECORDS, reference=escalated.reference).holds == (
        "protecteur",
    )
    clock.current = montreal(2040, 1, 2, 10, 0)
    with pytest.raises(InvalidInput) as refused:
        retention.apply(ctx, actor=RECORDS, references=[held.reference], confirm=True)
    assert held.reference in refused.value.message("fr")
    retention.lift_hold(ctx, actor=OFFICER, reference=held.reference, hold_id=hold.id)
    assert [c.reference for c in retention.due(ctx, actor=RECORDS)] == [held.reference]
    kinds = [
        e.kind
        for e in cases.events(ctx, actor=CASEWORK, interface="scheduler", reference=held.reference)
    ]
    assert kinds[-2:] == ["hold_placed", "hold_lifted"]


def test_an_open_corrective_measure_holds_the_case_until_it_is_done(ctx, clock):
    from casework.schemas import MeasureDoneIn, MeasureIn
    from casework.services import accountability

    clock.current = montreal(2027, 3, 1, 10, 0)
    case = _open(ctx)
    _closed_at(ctx, clock, montreal(2027, 3, 31, 23, 30), case)  # planned on 31 March 2034
    measure = accountability.add_measure(
        ctx,
        actor=OFFICER,
        reference=case.reference,
        data=MeasureIn(
            description="Revoir le gabarit de l'accusé de réception",
            owner="Direction des communications",
            due_on=date(2027, 6, 30),
        ),
    )
    clock.current = montreal(2034, 3, 31, 9, 0)
    assert retention.due(ctx, actor=RECORDS, as_of=date(2034, 3, 31)) == []
    [kept] = retention.held(ctx, actor=RECORDS, as_of=date(2034, 3, 31))
    assert (kept.reference, kept.planned_on, kept.holds) == (
        case.reference,
        date(2034, 3, 31),
        ("corrective_measure",),
    )
    assert retention.held(ctx, actor=RECORDS, as_of=date(2034, 3, 30)) == []
    preview = retention.preview(ctx, actor=RECORDS, reference=case.reference)
    assert (preview.planned_on, preview.holds) == (date(2034, 3, 31), ("corrective_measure",))
    with pytest.raises(InvalidInput) as refused:
        retention.apply(ctx, actor=RECORDS, references=[case.reference], confirm=True)
    assert case.reference in refused.value.message("fr")
    accountability.complete_measure(
        ctx,
        actor=OFFICER,
        reference=case.reference,
        measure_id=measure.id,
        data=MeasureDoneIn(done_on=date(2034, 3, 30)),
    )
    assert retention.held(ctx, actor=RECORDS, as_of=date(2034, 3, 31)) == []
    [item] = retention.due(ctx, actor=RECORDS, as_of=date(2034, 3, 31))
    assert (item.reference, item.planned_on) == (case.reference, date(2034, 3, 31))
    assert retention.preview(ctx, actor=RECORDS, reference=case.reference).holds == ()


def test_a_comment_closed_29_february_is_due_28_february_two_years_later(ctx, clock):
    assert latest_closing_due(date(2030, 2, 28), 2) == date(2028, 2, 29)
    clock.current = montreal(2028, 2, 21, 10, 0)
    comment = _open(ctx, kind="comment", received=(2028, 2, 21, 10, 0))
    _closed_at(ctx, clock, montreal(2028, 2, 29, 10, 0), comment)
    assert retention.due(ctx, actor=RECORDS, as_of=date(2030, 2, 27)) == []
    [item] = retention.due(ctx, actor=RECORDS, as_of=date(2030, 2, 28))
    assert item.planned_on == date(2030, 2, 28)


def _every_text_in_the_database(engine) -> str:
    found = []
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            columns = [
                c.name
                for c in table.columns
                if isinstance(c.type, String | Text) or c.type.__class__.__name__ == "JSON"
            ]
            if not columns:
                continue
            for row in connection.execute(select(*[table.c[name] for name in columns])):
                found.extend(str(value) for value in row if value is not None)
    return "\n".join(found)


def test_anonymization_removes_every_trace_of_the_requester_and_keeps_the_figures(
    ctx, clock, engine
):
    clock.current = montreal(2027, 3, 1, 10, 0)
    case = _open(ctx)
    cases.add_note(
        ctx, interface="api", actor=OFFICER, reference=case.reference, text=f"Appel de {NAME}."
    )
    clock.current = montreal(2027, 3, 3, 10, 0)
    current = cases.get(ctx, actor=CASEWORK, interface="scheduler", reference=case.reference).case
    cases.extend(
        ctx,
        interface="api",
        actor=OFFICER,
        reference=case.reference,
        version=current.version,
        days=5,
        reason=f"Attente d'un document de {NAME}",
    )
    _closed_at(ctx, clock, montreal(2027, 3, 20, 10, 0), case)
    clock.current = montreal(2034, 3, 21, 10, 0)
    before = reports.dashboard(ctx)
    assert NAME in _every_text_in_the_database(engine)

    preview = retention.preview(ctx, actor=RECORDS, reference=case.reference)
    assert preview.planned_on == date(2034, 3, 20)
    assert {item.what for item in preview.items} >= {
        "Requester's identity and contact details",
        "Subject, description and answer",
        "Reasons of extensions",
    }
    with pytest.raises(InvalidInput):
        retention.apply(ctx, actor=RECORDS, references=[case.reference], confirm=False)
    [applied] = retention.apply(ctx, actor=RECORDS, references=[case.reference], confirm=True)
    assert applied.rule == "PLAINTES"

    everything = _every_text_in_the_database(engine)
    for trace in (NAME, "Tremblay", EMAIL, PHONE, "corrigé", "Attente d'un document"):
        assert trace not in everything
    after = reports.dashboard(ctx)
    assert (after.acknowledgment_rate, after.answer_rate) == (
        before.acknowledgment_rate,
        before.answer_rate,
    )
    kept = cases.get(ctx, actor=CASEWORK, interface="scheduler", reference=case.reference)
    assert (kept.case.kind, kept.case.status, kept.case.outcome) == (
        "complaint",
        "closed",
        "founded",
    )
    assert kept.requester is None
    assert retention.due(ctx, actor=RECORDS) == []
    rows = retention.certificate_rows(
        ctx, actor=RECORDS, start=date(2034, 3, 21), end=date(2034, 3, 21)
    )
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == [
        (case.reference, "anonymize", "PLAINTES", date(2034, 3, 20))
    ]


def test_the_trail_stays_append_only_outside_an_anonymization(ctx, clock, engine):
    clock.current = montreal(2027, 3, 1, 10, 0)
    case = _open(ctx)
    with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
        connection.execute(
            text("UPDATE case_events SET reason = 'changed' WHERE case_id = :id"),
            {"id": case.id},
        )
    with engine.connect() as connection:
        reasons = connection.execute(
            select(CaseEvent.reason).where(CaseEvent.case_id == case.id)
        ).scalars()
        assert "changed" not in list(reasons)
        assert connection.execute(text("SELECT count(*) FROM anonymization_permits")).scalar() == 0


def test_only_the_records_officer_applies_the_schedule(ctx, clock):
    clock.current = montreal(2027, 3, 1, 10, 0)
    case = _open(ctx)
    with pytest.raises(Forbidden):
        retention.due(ctx, actor=OFFICER)
    with pytest.raises(Forbidden):
        retention.apply(ctx, actor=OFFICER, references=[case.reference], confirm=True)
    agent = Actor(label="user:agent", user_id=99, role="agent")
    with pytest.raises(Forbidden):
        retention.place_hold(ctx, actor=agent, reference=case.reference, kind="legal", reason="x")
    assert cases.get(
        ctx, actor=CASEWORK, interface="scheduler", reference=case.reference
    ).case.subject.startswith("Plainte")
    assert isinstance(
        cases.get(ctx, actor=CASEWORK, interface="scheduler", reference=case.reference).case, Case
    )


def test_automatic_mode_applies_the_schedule_once_a_day_even_with_two_schedulers(ctx, clock):
    clock.current = montreal(2027, 3, 1, 10, 0)
    case = _open(ctx)
    _closed_at(ctx, clock, montreal(2027, 3, 20, 10, 0), case)
    clock.current = montreal(2034, 3, 20, 2, 0)
    assert retention.apply_due(ctx, worker="a") == 0  # automatic mode is off by default
    ctx.settings.retention.automatic = True
    assert retention.apply_due(ctx, worker="a") == 1
    assert retention.apply_due(ctx, worker="b") == 0
    [event] = [
        e
        for e in cases.events(ctx, actor=CASEWORK, interface="scheduler", reference=case.reference)
        if e.kind.startswith("ret")
    ]
    assert (event.kind, event.actor) == ("retention_anonymize", "scheduler:retention")


def _attach(ctx, case, name: str, content: bytes, *, from_requester: bool):
    import io

    from casework.services import documents

    [document] = documents.attach(
        ctx,
        actor=OFFICER,
        interface="api",
        reference=case.reference,
        uploads=[
            documents.Upload(
                filename=name, stream=io.BytesIO(content), from_requester=from_requester
            )
        ],
    )
    return documents.store(ctx).path(document.sha256)


def test_the_requesters_documents_leave_the_disk_and_the_bodys_own_stay(ctx, clock):
    clock.current = montreal(2027, 3, 1, 10, 0)
    case = _open(ctx)
    scan = _attach(ctx, case, "lettre.txt", f"Lettre de {NAME}".encode(), from_requester=True)
    note = _attach(ctx, case, "analyse.txt", b"Analyse interne du dossier", from_requester=False)
    _closed_at(ctx, clock, montreal(2027, 3, 20, 10, 0), case)
    clock.current = montreal(2034, 3, 21, 10, 0)
    assert scan.exists() and note.exists()
    retention.apply(ctx, actor=RECORDS, references=[case.reference], confirm=True)
    assert not scan.exists()
    assert note.exists()


def test_a_crash_after_the_commit_leaves_only_an_orphan_file_that_the_next_run_removes(
    ctx, clock, monkeypatch
):
    from casework.services import documents

    clock.current = montreal(2027, 3, 1, 10, 0)
    case = _open(ctx)
    scan = _attach(ctx, case, "lettre.txt", f"Lettre de {NAME}".encode(), from_requester=True)
    _closed_at(ctx, clock, montreal(2027, 3, 20, 10, 0), case)
    clock.current = montreal(2034, 3, 21, 10, 0)

    def crash(self, hashes):
        raise SystemExit("killed between the commit and the removal of the files")

    with monkeypatch.context() as patched:
        patched.setattr(documents.DocumentStore, "forget", crash)
        with pytest.raises(SystemExit):
            retention.apply(ctx, actor=RECORDS, references=[case.reference], confirm=True)
    assert (
        cases.get(ctx, actor=CASEWORK, interface="scheduler", reference=case.reference).requester
        is None
    )  # the commit held
    assert scan.exists()
    monkeypatch.setattr(retention, "ORPHAN_AGE", retention.timedelta(0))
    assert retention.remove_orphan_files(ctx) == 1
    assert not scan.exists()


def _pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    assert content.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_destruction_certificate_as_a_pdf_to_sign_in_french_and_english(ctx, clock):
    clock.current = montreal(2027, 3, 1, 10, 0)
    case = _open(ctx)
    _closed_at(ctx, clock, montreal(2027, 3, 1, 15, 0), case)  # planned on 1 March 2034
    clock.current = montreal(2034, 3, 2, 9, 45)
    retention.apply(ctx, actor=RECORDS, references=[case.reference], confirm=True)
    french = _pdf_text(
        retention.certificate_pdf(
            ctx, actor=RECORDS, start=date(2034, 3, 1), end=date(2034, 3, 31), language="fr"
        )
    )
    assert "Certificat de destruction" in french
    assert "Dossiers anonymisés ou détruits du 1er mars 2034 au 31 mars 2034" in french
    assert case.reference in french and "PLAINTES" in french and "Anonymiser" in french
    assert "1er mars 2034" in french and "2 mars 2034" in french  # planned, then applied
    assert "1 dossier" in french and NAME not in french
    english = _pdf_text(
        retention.certificate_pdf(
            ctx, actor=RECORDS, start=date(2034, 3, 1), end=date(2034, 3, 31), language="en"
        )
    )
    assert "Destruction certificate" in english
    assert "from March 1, 2034 to March 31, 2034" in english
    assert case.reference in english and "March 2, 2034" in english and "1 case" in english
    empty = _pdf_text(
        retention.certificate_pdf(
            ctx, actor=RECORDS, start=date(2034, 4, 1), end=date(2034, 4, 30), language="fr"
        )
    )
    assert case.reference not in empty and "Aucun dossier" in empty
    with pytest.raises(InvalidInput) as backwards:
        retention.certificate_pdf(
            ctx, actor=RECORDS, start=date(2034, 4, 1), end=date(2034, 3, 1), language="fr"
        )
    assert backwards.value.field == "to"
    with pytest.raises(Forbidden):
        retention.certificate_pdf(
            ctx, actor=OFFICER, start=date(2034, 3, 1), end=date(2034, 3, 31), language="fr"
        )
