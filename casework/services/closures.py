"""Closure days decided in casework: preview which open deadlines a change moves, then make it.

DESIGN §2.3: "The body's own closures (a decree, an exceptional closure) are configured per year
and can be added or removed [...]. When the calendar changes, open deadlines are recomputed and
every change is recorded as an event." The issue adds: "adding or removing a closure shows which
open deadlines would move before it is confirmed".

Open deadlines are those whose clock runs or can restart: the acknowledgment of a case still
`received`, the answer of a case `received`, `acknowledged` or `awaiting_requester` (its pauses
and extensions kept). An answered or escalated case keeps the dates it had: those deadlines are
history, and the Protecteur du citoyen's reply date is the Protecteur's. The change is applied by
`casework.services.cases.recompute_deadlines` (the scheduler's recomputation after a change of
`config.toml` uses it too): each moved deadline gets a `deadline_changed` event, in the same unit
of work as the decision itself, and every open case is marked with the new calendar version, so
the scheduler's pass finds nothing left to do.
"""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from casework.context import Actor, AppContext, ClosureChange, build_calendar
from casework.db import read_session, unit_of_work
from casework.i18n import N_
from casework.models import Case
from casework.models.calendar import CalendarClosure, ClosureAction
from casework.repositories import closures as repo
from casework.schemas import clean_line
from casework.services.calendar import ensure_covered
from casework.services.cases import recompute_deadlines
from casework.services.errors import InvalidInput
from workflows.calendar import BusinessCalendar
from workflows.deadlines import DayUnit, Extension, Pause, due_date, explain_due

NAME_MAX = 200


@dataclass(frozen=True)
class DeadlineMove:
    """One open deadline that a calendar change moves."""

    reference: str
    subject: str
    status: str
    deadline: str  # acknowledgment or answer
    before: date
    after: date


@dataclass(frozen=True)
class ClosurePreview:
    change: ClosureChange
    calendar_version: str
    moves: list[DeadlineMove]


def _check(calendar: BusinessCalendar, change: ClosureChange) -> None:
    if change.action not in {a.value for a in ClosureAction}:
        raise InvalidInput(N_("This value is not valid."), field="action")
    existing = calendar.closure_on(change.day)
    if change.action == ClosureAction.ADD:
        if change.day.weekday() >= 5:
            raise InvalidInput(
                N_("%(day)s is a Saturday or a Sunday: it is not a business day anyway."),
                field="day",
                day=change.day.isoformat(),
            )
        if existing is not None:
            raise InvalidInput(
                N_("%(day)s is already a closure day (%(name)s)."),
                field="day",
                day=change.day.isoformat(),
                name=existing.name_fr,
            )
        for field, name in (("name_fr", change.name_fr), ("name_en", change.name_en)):
            if not name:
                raise InvalidInput(N_("This field cannot be empty."), field=field)
            if len(name) > NAME_MAX:
                raise InvalidInput(
                    N_("This text is too long (at most %(max_length)s characters)."),
                    field=field,
                    max_length=NAME_MAX,
                )
    elif existing is None:
        raise InvalidInput(
            N_("%(day)s is not a closure day."), field="day", day=change.day.isoformat()
        )


def _normalized(day: date, action: str, name_fr: str, name_en: str) -> ClosureChange:
    if action == ClosureAction.REMOVE:
        return ClosureChange(day, action)
    return ClosureChange(day, action, clean_line(name_fr), clean_line(name_en))


def _moves(
    ctx: AppContext, session: Session, calendar: BusinessCalendar, *, for_update: bool
) -> list[tuple[Case, str, date, date]]:
    """Recompute the open deadlines with `calendar`; return (case, deadline, before, after) for
    each one that moves."""
    cases = repo.cases_with_open_deadlines(session, for_update=for_update)
    pauses = repo.pauses_of_open_cases(session)
    extensions = repo.extensions_of_open_cases(session)
    moved = []
    for case in cases:
        policy = ctx.policy(case.kind)
        if case.status == "received" and case.ack_due_on is not None:
            ack = due_date(
                calendar, received_at=case.received_at, delay=policy.acknowledgment, tz=ctx.tz
            )
            if ack != case.ack_due_on:
                moved.append((case, "acknowledgment", case.ack_due_on, ack))
        answer = explain_due(
            calendar,
            received_at=case.received_at,
            delay=policy.answer,
            pauses=[Pause(p.start, p.end) for p in pauses.get(case.id, ())],
            extensions=[
                Extension(days=e.days, reason=e.reason, unit=DayUnit(e.unit))
                for e in extensions.get(case.id, ())
            ],
            tz=ctx.tz,
        ).due_on
        if answer != case.answer_due_on:
            moved.append((case, "answer", case.answer_due_on, answer))
    return moved


def _as_views(moved: list[tuple[Case, str, date, date]]) -> list[DeadlineMove]:
    return [
        DeadlineMove(case.reference, case.subject, case.status, name, before, after)
        for case, name, before, after in moved
    ]


def preview_closure_change(
    ctx: AppContext, *, day: date, action: str, name_fr: str = "", name_en: str = ""
) -> ClosurePreview:
    """Tell which open deadlines would move if this closure were added or removed; change
    nothing."""
    ensure_covered(ctx, day, field="day")
    change = _normalized(day, action, name_fr, name_en)
    with read_session(ctx.engine) as session:
        changes = repo.changes(session)
        _check(build_calendar(ctx.settings, changes), change)
        candidate = build_calendar(ctx.settings, [*changes, change])
        moved = _moves(ctx, session, candidate, for_update=False)
        return ClosurePreview(change, candidate.version, _as_views(moved))


def apply_closure_change(
    ctx: AppContext,
    *,
    actor: Actor,
    day: date,
    action: str,
    name_fr: str = "",
    name_en: str = "",
) -> ClosurePreview:
    """Add or remove a closure day, recompute the open deadlines it moves and record an event
    for each, in one unit of work."""
    ensure_covered(ctx, day, field="day")
    change = _normalized(day, action, name_fr, name_en)
    now = ctx.now()
    with unit_of_work(ctx.engine) as session:
        changes = repo.changes(session)
        _check(build_calendar(ctx.settings, changes), change)
        repo.add_change(
            session,
            CalendarClosure(
                day=change.day,
                action=change.action,
                name_fr=change.name_fr,
                name_en=change.name_en,
                created_by=actor.label,
                created_at=now,
            ),
        )
        candidate = build_calendar(ctx.settings, [*changes, change])
        adopting = ctx.with_calendar(candidate)
        views = []
        for case in repo.cases_with_open_deadlines(session, for_update=True):
            for moved in recompute_deadlines(adopting, session, case, actor=actor, now=now):
                views.append(
                    DeadlineMove(
                        case.reference,
                        case.subject,
                        case.status,
                        moved["deadline"],
                        date.fromisoformat(moved["from"]),
                        date.fromisoformat(moved["to"]),
                    )
                )
    ctx.invalidate_calendar()
    return ClosurePreview(change, candidate.version, views)


def history(ctx: AppContext) -> list[CalendarClosure]:
    """Return the closure decisions made in casework, newest first."""
    with read_session(ctx.engine) as session:
        return repo.history(session)
