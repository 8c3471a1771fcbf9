"""The supervisors' daily digest, and deadlines recomputed when the calendar changes.

DESIGN §2.4: "supervisors get overdue alerts and a daily digest". DESIGN §2.3: "When the
calendar changes, open deadlines are recomputed and every change is recorded as an event."
"""

from datetime import date

from casework.config import CalendarSettings, ClosureSettings
from casework.context import AppContext
from casework.services import cases, reminders
from casework.services.door import CASEWORK
from notifications.delivery import deliver_pending
from tests.notifications.conftest import at, open_case, outbox_rows


def two_cases(ctx, staff):
    """A: answer due Tuesday 29 December (assigned to Jean); B: answer due Wednesday 6 January
    (nobody assigned)."""
    at(ctx, 2026, 12, 18, 16, 0)
    a = open_case(ctx, received_at="2026-11-26T10:00:00-05:00", assignee_id=staff.agent.id)
    b = open_case(ctx, received_at="2026-12-01T10:00:00-05:00", subject="Bruit <la nuit>")
    return a, b


def test_digest_of_wednesday_30_december_lists_the_overdue_and_the_at_risk_cases(
    mail_ctx, staff, mailbox
):
    ctx = mail_ctx
    two_cases(ctx, staff)
    at(ctx, 2026, 12, 30, 8, 30)
    report = reminders.send_digest(ctx, worker="test")
    # A is 1 business day late; B is due in 2 business days (5 and 6 January): at risk.
    assert (report.claimed, report.overdue, report.at_risk, report.enqueued) == (True, 1, 1, 2)
    deliver_pending(ctx, worker="test")
    (mail,) = mailbox.received
    assert mail.rcpt_tos == ["sophie.gagnon@organisme.example.qc.ca"]
    assert mail.message["Subject"] == (
        "Sommaire quotidien du 30 décembre 2026 — en retard : 1, à risque : 1"
    )
    assert "Voici les dossiers qui demandent votre attention en ce mercredi 30 décembre 2026." in (
        mail.words
    )
    assert (
        "PLT-2026-00001 — Délai de traitement d'une demande de permis Réponse : échéance le "
        "29 décembre 2026, en retard de 1 jour ouvrable — Jean Roy" in mail.words
    )
    assert (
        "Réponse : échéance le 6 janvier 2027, dans 2 jours ouvrables — non assigné" in mail.words
    )
    assert '<a href="http://127.0.0.1:8000/cases/PLT-2026-00001">PLT-2026-00001</a>' in mail.html
    assert "Bruit &lt;la nuit&gt;" in mail.html


def test_digest_goes_once_a_business_day_and_not_on_closure_days(ctx, staff):
    two_cases(ctx, staff)
    at(ctx, 2026, 12, 30, 8, 30)
    assert reminders.send_digest(ctx, worker="one").claimed
    assert not reminders.send_digest(ctx, worker="two").claimed
    at(ctx, 2026, 12, 31, 8, 30)  # closed
    assert reminders.send_digest(ctx, worker="one").skipped == "not a business day"
    assert [row.kind for row in outbox_rows(ctx)] == ["digest", "digest"]  # email and in-app


def test_exceptional_closure_moves_open_deadlines_and_records_each_change(ctx, staff):
    at(ctx, 2026, 12, 18, 16, 0)
    letter = open_case(ctx, channel="letter", received_at="2026-12-18T15:00:00-05:00")
    assert (letter.ack_due_on, letter.answer_due_on) == (date(2027, 1, 11), date(2027, 1, 25))
    assert reminders.apply_calendar_change(ctx, worker="test").applied  # the first calendar

    # The body closes its offices on Friday 8 January 2027: both deadlines move a day later.
    closed = ctx.settings.model_copy(
        update={
            "calendar": CalendarSettings(
                closures=[
                    ClosureSettings(
                        date=date(2027, 1, 8),
                        name_fr="Fermeture exceptionnelle",
                        name_en="Exceptional closure",
                    )
                ]
            )
        }
    )
    changed = AppContext(settings=closed, engine=ctx.engine, clock=ctx.clock)
    at(ctx, 2027, 1, 4, 3, 0)
    report = reminders.apply_calendar_change(changed, worker="test")
    assert (report.applied, report.cases, report.moved) == (True, 1, 1)

    view = cases.get(changed, actor=CASEWORK, interface="scheduler", reference=letter.reference)
    assert (view.case.ack_due_on, view.case.answer_due_on) == (date(2027, 1, 12), date(2027, 1, 26))
    assert view.case.calendar_version == changed.calendar.version
    moved = [
        e
        for e in cases.events(
            changed, actor=CASEWORK, interface="scheduler", reference=letter.reference
        )
        if e.kind == "deadline_changed"
    ]
    assert [(e.data["deadline"], e.data["from"], e.data["to"]) for e in moved] == [
        ("acknowledgment", "2027-01-11", "2027-01-12"),
        ("answer", "2027-01-25", "2027-01-26"),
    ]
    # Applied once: another process, or the next hour, finds nothing to do.
    assert not reminders.apply_calendar_change(changed, worker="other").applied


def test_calendar_coming_back_is_applied_again(ctx, staff):
    at(ctx, 2026, 12, 18, 16, 0)
    letter = open_case(ctx, channel="letter", received_at="2026-12-18T15:00:00-05:00")
    reminders.apply_calendar_change(ctx, worker="test")
    closure = ClosureSettings(date=date(2027, 1, 8), name_fr="Fermeture", name_en="Closure")
    changed = AppContext(
        settings=ctx.settings.model_copy(update={"calendar": CalendarSettings(closures=[closure])}),
        engine=ctx.engine,
        clock=ctx.clock,
    )
    assert reminders.apply_calendar_change(changed, worker="test").moved == 1
    back = reminders.apply_calendar_change(ctx, worker="test")
    assert (back.applied, back.moved) == (True, 1)
    assert cases.get(
        ctx, actor=CASEWORK, interface="scheduler", reference=letter.reference
    ).case.ack_due_on == date(2027, 1, 11)


def test_a_closure_in_the_configuration_moves_what_the_administrators_preview_announced(ctx):
    # Five years of cases with pauses, extensions and every state (the benchmark loader), more
    # than one batch of the scheduler's pass: a closure added to config.toml moves exactly the
    # deadlines that the same closure previewed on the calendar page would.
    from benchmarks.data import load
    from casework.services import closures
    from casework.services.calendar import refresh

    load(ctx.engine, ctx.settings, cases=12000, today=ctx.today(), seed=29)
    day = date(2026, 11, 26)
    preview = closures.preview_closure_change(
        ctx, day=day, action="add", name_fr="Fermeture", name_en="Closure"
    )
    closure = ClosureSettings(date=day, name_fr="Fermeture", name_en="Closure")
    changed = AppContext(
        settings=ctx.settings.model_copy(update={"calendar": CalendarSettings(closures=[closure])}),
        engine=ctx.engine,
        clock=ctx.clock,
    )
    refresh(changed)
    report = reminders.apply_calendar_change(changed, worker="test")
    assert report.cases > reminders.RECOMPUTE_BATCH
    assert len(preview.moves) > 20
    assert sorted(
        (c["reference"], c["deadline"], c["from"], c["to"]) for c in report.changes
    ) == sorted(
        (m.reference, m.deadline, m.before.isoformat(), m.after.isoformat()) for m in preview.moves
    )
