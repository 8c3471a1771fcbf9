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

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from casework.context import Actor, AppContext, ClosureChange, build_calendar
from casework.db import read_session, unit_of_work
from casework.i18n import N_
from casework.models.calendar import CalendarClosure, ClosureAction
from casework.repositories import closures as repo
from casework.schemas import clean_line
from casework.services.calendar import ensure_covered, refresh
from casework.services.cases import recompute_deadlines
from casework.services.errors import InvalidInput
from workflows.calendar import BusinessCalendar
from workflows.deadlines import (
    DayUnit,
    Extension,
    Pause,
    due_dates,
    explain_due,
    receipt_date,
)

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


def _moves_reaching(
    ctx: AppContext, session: Session, calendar: BusinessCalendar, day: date
) -> list[DeadlineMove]:
    """Recompute with `calendar` the open deadlines a change of `day` can reach, from plain rows:
    the deadlines without pause or extension (nearly all) in one batch per kind and delay;
    return each one that moves, by case."""
    rows = repo.open_deadlines_reaching(session, day)
    pauses, extensions = repo.pauses_and_extensions_reaching(session, day)
    tz = ctx.tz
    received_on = [receipt_date(row.received_at, tz) for row in rows]
    ack: dict[int, date] = {}
    answer: dict[int, date] = {}
    batches: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        if row.status == "received" and row.ack_due_on is not None:
            batches[(row.kind, "acknowledgment")].append(index)
        if row.id in pauses or row.id in extensions:
            policy = ctx.policy(row.kind)
            answer[index] = explain_due(
                calendar,
                received_at=row.received_at,
                delay=policy.answer,
                pauses=[Pause(p.start, p.end) for p in pauses.get(row.id, ())],
                extensions=[
                    Extension(days=e.days, reason=e.reason, unit=DayUnit(e.unit))
                    for e in extensions.get(row.id, ())
                ],
                tz=tz,
            ).due_on
        else:
            batches[(row.kind, "answer")].append(index)
    for (kind, deadline), indexes in batches.items():
        policy = ctx.policy(kind)
        delay = policy.acknowledgment if deadline == "acknowledgment" else policy.answer
        found = due_dates(calendar, received_on=[received_on[i] for i in indexes], delay=delay)
        (ack if deadline == "acknowledgment" else answer).update(zip(indexes, found, strict=True))
    moves = []
    for index, row in enumerate(rows):
        if index in ack and ack[index] != row.ack_due_on:
            moves.append(
                DeadlineMove(
                    row.reference,
                    row.subject,
                    row.status,
                    "acknowledgment",
                    row.ack_due_on,
                    ack[index],
                )
            )
        if answer[index] != row.answer_due_on:
            moves.append(
                DeadlineMove(
                    row.reference,
                    row.subject,
                    row.status,
                    "answer",
                    row.answer_due_on,
                    answer[index],
                )
            )
    return moves


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
        moves = _moves_reaching(ctx, session, candidate, change.day)
        return ClosurePreview(change, candidate.version, moves)


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
    refresh(ctx, force=True)
    return ClosurePreview(change, candidate.version, views)


def history(ctx: AppContext) -> list[CalendarClosure]:
    """Return the closure decisions made in casework, newest first."""
    with read_session(ctx.engine) as session:
        return repo.history(session)
