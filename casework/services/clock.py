"""Read a case's clock from its history, and write the stored deadline columns from it.

`workflows.case_clock.derive` owns what every deadline means; this module gives it the case's
ordered history (the audit trail) and the settings, and is the ONE place the stored due-date
and outcome columns are written (`recompute`): on registration, on every transition, extension
and reply date, after a closure change (preview and apply alike) and in the scheduler's pass.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import Select
from sqlmodel import Session

from casework.context import Actor, AppContext
from casework.models import Case, CaseEvent
from casework.repositories import cases as cases_repo
from casework.schemas import WRITTEN_CHANNELS
from workflows.calendar import BusinessCalendar
from workflows.case_clock import CaseClock, Step, derive, local_receipt_day
from workflows.deadlines import DayUnit
from workflows.events import EventKind

# The stored columns the clock writes, by deadline (what a recomputation compares and records).
_COLUMNS = (
    ("acknowledgment", "ack_due_on"),
    ("answer", "answer_due_on"),
    ("protecteur_reply", "protecteur_reply_due_on"),
)

# The kinds of trail line that are part of the clock's history.
CLOCK_EVENTS = (EventKind.TRANSITION, EventKind.DEADLINE_CHANGED, EventKind.REPLY_DATE_SET)
# The reason of the events a calendar change records.
CALENDAR_CHANGED = "calendar changed"


def _day(value, fallback: date | None) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return fallback
    return fallback


def step_of(ctx: AppContext, event: cases_repo.TrailLine) -> Step | None:
    """Return the clock's view of one line of the trail, or None when it does not count."""
    data = event.data or {}
    on = _day(data.get("on"), None) or event.at.astimezone(ctx.tz).date()
    if event.kind == EventKind.TRANSITION and event.trigger:
        reply = data.get("protecteur_reply_due_on")
        judged = data.get("judged_due_on") or {}
        return Step(
            kind=event.trigger,
            on=on,
            outcome=data.get("outcome"),
            reply_due_on=date.fromisoformat(reply) if reply else None,
            ack_due_on=_day(judged.get("acknowledgment"), None),
            answer_due_on=_day(judged.get("answer"), None),
        )
    if event.kind == EventKind.DEADLINE_CHANGED and "extension_days" in data:
        return Step(
            kind="extend",
            on=on,
            days=int(data["extension_days"]),
            unit=DayUnit(data.get("unit") or "business"),
            reason=event.reason or "",
        )
    if event.kind == EventKind.REPLY_DATE_SET and data.get("reply_due_on"):
        return Step(
            kind="set_reply_date", on=on, reply_due_on=date.fromisoformat(data["reply_due_on"])
        )
    return None


def steps(ctx: AppContext, session: Session, case: Case) -> list[Step]:
    """Return the case's history as the clock reads it, in order."""
    if case.id is None:
        return []
    return histories(ctx, session, [case.id]).get(case.id, [])


def histories(ctx: AppContext, session: Session, ids: Select | list[int]) -> dict[int, list[Step]]:
    """Return the history of each case whose id `ids` selects (or lists), as the clock reads
    it, in one query of plain rows instead of one query per case."""
    found: dict[int, list[Step]] = defaultdict(list)
    for line in cases_repo.trail_lines(session, case_ids=ids, kinds=CLOCK_EVENTS):
        step = step_of(ctx, line)
        if step is not None:
            found[line.case_id].append(step)
    return found


def _receipt(ctx: AppContext) -> dict:
    """How the settings place a receipt in time (its zone, and a receipt after hours)."""
    settings = ctx.settings
    return {
        "tz": ctx.tz,
        "after_hours": settings.deadlines.after_hours_receipt,
        "office_hours": [(p.start, p.end) for p in settings.calendar.office_hours],
    }


def derive_clock(
    ctx: AppContext,
    case: Case,
    history: Sequence[Step],
    *,
    today: date | None = None,
    calendar: BusinessCalendar | None = None,
) -> CaseClock:
    """Derive the clock of a case from its history (`today`: the context's, by default)."""
    return derive(
        calendar or ctx.calendar,
        policy=ctx.policy(case.kind),
        received_at=case.received_at,
        written=case.channel in WRITTEN_CHANNELS,
        steps=history,
        today=today or ctx.today(),
        soon_within=ctx.settings.deadlines.at_risk_within,
        **_receipt(ctx),
    )


class Clocks:
    """The clocks of many cases on one calendar and one day (a closure change's cases, the
    scheduler's pass after a change of `config.toml`).

    `derive` reads of a case only its kind, whether it came in writing, its day 0 (with whether
    it was moved for arriving after hours) and its history: cases alike in those have the same
    clock, derived once here (at a million cases, a closure preview's 9,555 cases have 3,386
    distinct ones)."""

    def __init__(self, ctx: AppContext, *, calendar: BusinessCalendar, today: date) -> None:
        self._ctx, self.calendar, self._today = ctx, calendar, today
        self._receipt = _receipt(ctx)
        self._derived: dict[tuple, CaseClock] = {}

    def of(self, case: Case, history: Sequence[Step]) -> CaseClock:
        """Return the case's clock with this history."""
        day_0 = local_receipt_day(case.received_at, self.calendar, **self._receipt)
        key = (case.kind, case.channel in WRITTEN_CHANNELS, day_0, tuple(history))
        clock = self._derived.get(key)
        if clock is None:
            clock = self._derived[key] = derive_clock(
                self._ctx, case, history, today=self._today, calendar=self.calendar
            )
        return clock


def clock_of(
    ctx: AppContext,
    session: Session,
    case: Case,
    *,
    extra: Iterable[Step] = (),
    today: date | None = None,
    calendar: BusinessCalendar | None = None,
    history: Sequence[Step] | None = None,
    clocks: Clocks | None = None,
) -> CaseClock:
    """Derive the clock of a stored case, with `extra` steps not yet in its trail (`history`:
    its trail as `steps` reads it, when already read; `clocks`: the batch it belongs to)."""
    if history is None:
        history = steps(ctx, session, case)
    if clocks is not None:
        return clocks.of(case, [*history, *extra])
    return derive_clock(ctx, case, [*history, *extra], today=today, calendar=calendar)


def write_columns(case: Case, clock: CaseClock, *, calendar_version: str) -> list[dict]:
    """Write the stored columns from the clock; return each due date that moved."""
    moved = []
    for name, column in _COLUMNS:
        due_on = getattr(clock, name).due_on
        before = getattr(case, column)
        if due_on != before and not (column == "answer_due_on" and due_on is None):
            moved.append({"deadline": name, "from": before, "to": due_on})
            setattr(case, column, due_on)
    case.ack_met_on = clock.acknowledgment.met_on
    case.ack_outcome = _value(clock.acknowledgment.outcome)
    # The day the current answer stopped being owed: met, or closed before it (not applicable).
    case.answer_met_on = clock.answer.met_on or clock.answer.ended_on
    first = clock.first_answer
    case.answer_outcome = _value(first.outcome)
    case.answer_counted_on = first.counted_due_on
    running = clock.next_running()
    case.next_due_on = running.due_on if running else None
    case.next_deadline = running.name.value if running else None
    case.calendar_version = calendar_version
    return moved


def _value(outcome) -> str | None:
    return outcome.value if outcome is not None else None


def recompute(
    ctx: AppContext,
    session: Session,
    case: Case,
    *,
    actor: Actor,
    now: datetime,
    calendar: BusinessCalendar | None = None,
    extra: Iterable[Step] = (),
    reason: str | None = None,
    record: bool = True,
    apply: bool = True,
    history: Sequence[Step] | None = None,
    clocks: Clocks | None = None,
) -> list[dict]:
    """THE recomputation: derive the clock with `calendar` (the context's by default), write the
    stored columns from it (unless `apply` is False: a preview), and record an event per moved
    deadline when `reason` is given. For many cases at once, `history` is the case's trail as
    `histories` read it, and `clocks` the batch's calendar, day and clocks already derived.
    Return the moves as {deadline, from, to} (ISO dates)."""
    calendar = clocks.calendar if clocks is not None else calendar or ctx.calendar
    clock = clock_of(
        ctx, session, case, extra=extra, calendar=calendar, history=history, clocks=clocks
    )
    previous_version = case.calendar_version
    if apply:
        moves = write_columns(case, clock, calendar_version=calendar.version)
    else:
        moves = [
            {"deadline": name, "from": getattr(case, column), "to": getattr(clock, name).due_on}
            for name, column in _COLUMNS
            if getattr(clock, name).due_on != getattr(case, column)
            and not (column == "answer_due_on" and getattr(clock, name).due_on is None)
        ]
    changes = []
    for move in moves:
        change = {
            "deadline": move["deadline"],
            "from": move["from"].isoformat() if move["from"] else None,
            "to": move["to"].isoformat() if move["to"] else None,
            "calendar_version_from": previous_version,
            "calendar_version": calendar.version,
        }
        changes.append(change)
        if apply and record and reason is not None:
            session.add(
                CaseEvent(
                    case_id=case.id,
                    at=now,
                    actor=actor.label,
                    kind=EventKind.DEADLINE_CHANGED,
                    reason=reason,
                    data=dict(change),
                )
            )
    return changes
