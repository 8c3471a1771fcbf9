"""Closure days decided in casework: preview which open deadlines a change moves, then make it.

DESIGN §2.3: "The body's own closures (a decree, an exceptional closure) are configured per year
and can be added or removed [...]. When the calendar changes, open deadlines are recomputed and
every change is recorded as an event." The issue adds: "adding or removing a closure shows which
open deadlines would move before it is confirmed".

Open deadlines are those of a case not closed; the case clock (`workflows.case_clock`) decides
which of them still run: a met deadline keeps its date, an owed one moves (its pauses and
extensions kept), and the Protecteur du citoyen's reply date carries anew to a business day. The
preview and the apply both call `casework.services.clock.recompute` (the scheduler's
recomputation after a change of `config.toml` uses it too): each moved deadline gets a
`deadline_changed` event, in the same unit of work as the decision itself, and every open case is
marked with the new calendar version, so the scheduler's pass finds nothing left to do.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from casework.context import Actor, AppContext, ClosureChange, build_calendar
from casework.db import read_session, unit_of_work
from casework.i18n import N_
from casework.models.calendar import CalendarClosure, ClosureAction
from casework.repositories import closures as repo
from casework.schemas import clean_line
from casework.security import policy
from casework.services import clock
from casework.services.calendar import ensure_covered, refresh
from casework.services.clock import CALENDAR_CHANGED
from casework.services.errors import InvalidInput
from workflows.calendar import BusinessCalendar

NAME_MAX = 200


@dataclass(frozen=True)
class DeadlineMove:
    """One open deadline that a calendar change moves."""

    reference: str
    subject: str
    status: str
    deadline: str  # acknowledgment or answer
    before: date | None
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
    ctx: AppContext,
    session: Session,
    calendar: BusinessCalendar,
    day: date,
    *,
    actor: Actor,
    now: datetime,
    apply: bool,
) -> list[DeadlineMove]:
    """Recompute with `calendar` the open deadlines a change of `day` can reach, through the one
    recomputation (`casework.services.clock.recompute`); write them and record an event for each
    move when `apply`, else only tell them."""
    moves = []
    # A preview reads plain rows; the apply locks the cases it writes.
    read = repo.cases_reaching if apply else repo.deadlines_reaching
    cases = read(session, day)
    trails = clock.histories(ctx, session, repo.reaching(session, day))
    clocks = clock.Clocks(ctx, calendar=calendar, today=ctx.today())
    for case in cases:
        for moved in clock.recompute(
            ctx,
            session,
            case,
            actor=actor,
            now=now,
            reason=CALENDAR_CHANGED if apply else None,
            apply=apply,
            history=trails.get(case.id, ()),
            clocks=clocks,
        ):
            moves.append(
                DeadlineMove(
                    case.reference,
                    case.subject,
                    case.status,
                    moved["deadline"],
                    date.fromisoformat(moved["from"]) if moved["from"] else None,
                    date.fromisoformat(moved["to"]) if moved["to"] else None,
                )
            )
        if apply and moves and moves[-1].reference == case.reference:
            case.version += 1
            case.updated_at = now
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
        moves = _moves(
            ctx, session, candidate, change.day, actor=Actor.system(), now=ctx.now(), apply=False
        )
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
    for each, in one unit of work; administrators only (`calendar.manage`)."""
    policy.check(actor, "calendar.manage")
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
        views = _moves(ctx, session, candidate, change.day, actor=actor, now=now, apply=True)
        repo.mark_calendar(session, version=candidate.version)
    refresh(ctx, force=True)
    return ClosurePreview(change, candidate.version, views)


def history(ctx: AppContext) -> list[CalendarClosure]:
    """Return the closure decisions made in casework, newest first."""
    with read_session(ctx.engine) as session:
        return repo.history(session)
