"""The case clock: what every deadline of a case means, derived from its history.

One owner for the meaning of the deadlines (DESIGN §2.2 and §2.3). From the case's policy, its
receipt, its channel, the calendar and its ordered history, `derive` gives each deadline
(`acknowledgment`, `answer`, `protecteur_reply`) its due date, its state on a given day, when it
was met, by how many business days it was late, and how it was computed. Everything else reads
it: the stored due-date columns (written only from it), the pages, the API, the CLI, letters,
reminders and the on-time rates.

The rules (docs/workflow.md, docs/calendar.md):

* "The acknowledgment of receipt is due at the latest 10 business days after receipt of a
  written request." It is owed until it is sent: the `acknowledge` transition, or an answer
  (which replaces it). Waiting for the requester neither stops nor satisfies it.
* The answer delay runs from receipt; "`awaiting_requester` stops the clock", and the business
  days spent waiting push the due date. An extension pushes it too; an extension granted after
  the due date has passed is recorded (the person is told the new date) but the deadline stays
  missed: it can only be met late.
* Reopening starts a new answer deadline from the reopening date (day 0) with the kind's answer
  delay. The first answer keeps its place in the statistics, on time or late, as it was.
* `escalate` does not stop the body's answer clock: an answer still owed keeps running. The
  Protecteur du citoyen's reply date is the Protecteur's; a date on a non-business day carries to
  the next business day (Code de procédure civile, art. 83; Loi d'interprétation, art. 52). The
  reply is met when the escalated case is closed.
* Closing without an answer (withdrawn, redirected, no follow-up) on or before a deadline's due
  date makes that deadline "not applicable" (outside the rates); after it, the letter that
  tells the person why (DESIGN §2.7) meets it late.
* States, one definition each: `met` (met on or before its due date and never missed), `met_late`
  (met after it, or after an extension granted too late), `not_applicable`, `paused` (the answer
  while awaiting the requester), and for a deadline still owed `overdue` (today is after the due
  date), `due_today`, `due_soon` (at risk: at most `soon_within` business days left) or
  `on_track`. "Overdue is derived from dates, not a state."

Pure: no I/O, no clock; `today` is an argument.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from workflows.calendar import BusinessCalendar
from workflows.deadlines import (
    MONTREAL,
    DayUnit,
    DeadlineState,
    Delay,
    Explanation,
    Extension,
    KindPolicy,
    Pause,
    deadline_status,
    explain_due,
)
from workflows.i18n_markers import N_


class DeadlineName(StrEnum):
    ACKNOWLEDGMENT = "acknowledgment"
    ANSWER = "answer"
    PROTECTEUR_REPLY = "protecteur_reply"


class ClockState(StrEnum):
    """Where a deadline stands (the contract of the API, the CLI and the pages)."""

    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"
    PAUSED = "paused"
    MET = "met"
    MET_LATE = "met_late"
    NOT_APPLICABLE = "not_applicable"


# States of a deadline still owed (its clock runs, or stands still while paused).
OWED_STATES = frozenset(
    {
        ClockState.ON_TRACK,
        ClockState.DUE_SOON,
        ClockState.DUE_TODAY,
        ClockState.OVERDUE,
        ClockState.PAUSED,
    }
)
# States in which reminders are due: the clock runs.
RUNNING_STATES = OWED_STATES - {ClockState.PAUSED}


class Outcome(StrEnum):
    """What a settled (or missed) deadline counts as in the on-time rates."""

    ON_TIME = "on_time"
    LATE = "late"
    NOT_APPLICABLE = "not_applicable"


class AfterHoursReceipt(StrEnum):
    """How a message received outside office hours is dated (`deadlines.after_hours_receipt`)."""

    SAME_DAY = "same_day"
    NEXT_BUSINESS_DAY = "next_business_day"


# The states in which each clock can run (the columns then say whether it is still owed).
ACK_CLOCK_STATES = frozenset({"received", "acknowledged", "awaiting_requester", "escalated"})
ANSWER_RUNNING_STATES = frozenset({"received", "acknowledged", "escalated"})
# States in which the answer is still owed in the body's first answer cycle (legacy readers).
UNANSWERED_STATES = frozenset({"received", "acknowledged", "awaiting_requester"})
ANSWER_CLOCK_STATES = frozenset({"received", "acknowledged"})

DEADLINE_LABELS = {
    DeadlineName.ACKNOWLEDGMENT: N_("Acknowledgment of receipt"),
    DeadlineName.ANSWER: N_("Answer"),
    DeadlineName.PROTECTEUR_REPLY: N_("Reply to the Protecteur du citoyen"),
}

# Outcomes that close a case without judging it, with the closing letter saying why.
_WITHOUT_DEADLINE = frozenset({"withdrawn", "redirected", "no_follow_up"})

# The values the clock makes for every case (its steps, its deadlines, their explanations) are
# named tuples: as unchangeable as frozen dataclasses, and made about five times faster (a frozen
# dataclass sets each field through object.__setattr__), which counts when a closure preview or
# a sweep derives the clocks of thousands of cases.


class Step(NamedTuple):
    """One thing that happened to a case, on the local day it took effect.

    `kind` is a transition trigger (acknowledge, answer, request_information, resume, escalate,
    close, reopen), `extend` (days, unit, reason) or `set_reply_date` (reply_due_on).
    """

    kind: str
    on: date
    outcome: str | None = None
    days: int = 0
    unit: DayUnit = DayUnit.BUSINESS
    reason: str = ""
    reply_due_on: date | None = None
    # The due dates the deadlines had when this step settled them: a settled deadline keeps the
    # date it was judged against, whatever later calendar changes say.
    ack_due_on: date | None = None
    answer_due_on: date | None = None


@dataclass(frozen=True, slots=True)
class LateExtension:
    """An extension granted after its deadline had passed: the deadline stays missed."""

    granted_on: date
    missed_on: date
    new_due_on: date


class DeadlineClock(NamedTuple):
    """One deadline of a case as the clock sees it on `today`."""

    name: DeadlineName
    due_on: date | None
    state: ClockState
    met_on: date | None = None
    late_by: int | None = None
    # Days left (> 0), 0 when due today, or days overdue, for a deadline whose clock runs.
    business_days: int | None = None
    # How the due date was computed (None when it does not apply or was set by the Protecteur).
    explanation: Explanation | None = None
    # Set when an extension came after the due date: the date missed, and the one announced.
    missed_on: date | None = None
    late_extensions: tuple[LateExtension, ...] = ()
    # The answer of a reopened case: its day 0 (the reopening day).
    reopened_on: date | None = None
    # The receipt instant fell outside office hours and counts from the next business day.
    after_hours: bool = False
    # The reply date the Protecteur set, when it was carried to the next business day.
    carried_from: date | None = None
    # The outcome it counts as in the on-time rates, once known (None while owed and not missed).
    outcome: Outcome | None = None
    # The due date against which the rates judge it (the date missed after a late extension).
    counted_due_on: date | None = None
    # The day it stopped being owed without being met (closed before it: not applicable).
    ended_on: date | None = None

    @property
    def running(self) -> bool:
        return self.state in RUNNING_STATES

    @property
    def owed(self) -> bool:
        return self.state in OWED_STATES

    def data(self) -> dict[str, Any]:
        """Return the explanation as JSON-ready data."""
        data: dict[str, Any] = (
            self.explanation.as_dict() if self.explanation is not None else {"due_on": None}
        )
        if self.due_on is not None:
            data["due_on"] = self.due_on.isoformat()
        data["missed_on"] = self.missed_on.isoformat() if self.missed_on else None
        data["late_extensions"] = [
            {
                "granted_on": e.granted_on.isoformat(),
                "missed_on": e.missed_on.isoformat(),
                "new_due_on": e.new_due_on.isoformat(),
            }
            for e in self.late_extensions
        ]
        data["reopened_on"] = self.reopened_on.isoformat() if self.reopened_on else None
        data["after_hours"] = self.after_hours
        data["carried_from"] = self.carried_from.isoformat() if self.carried_from else None
        data["met_on"] = self.met_on.isoformat() if self.met_on else None
        return data


class CaseClock(NamedTuple):
    """Every deadline of a case, and the first answer as the statistics keep it."""

    acknowledgment: DeadlineClock
    answer: DeadlineClock
    protecteur_reply: DeadlineClock
    # The first answer cycle (the same object as `answer` unless the case was reopened).
    first_answer: DeadlineClock
    received_on: date

    @property
    def items(self) -> tuple[DeadlineClock, DeadlineClock, DeadlineClock]:
        return (self.acknowledgment, self.answer, self.protecteur_reply)

    def next_running(self) -> DeadlineClock | None:
        """Return the earliest deadline whose clock runs, or None."""
        running = [item for item in self.items if item.running and item.due_on is not None]
        return min(running, key=lambda item: item.due_on) if running else None


def local_receipt_day(
    received_at: datetime,
    calendar: BusinessCalendar,
    *,
    tz: ZoneInfo = MONTREAL,
    after_hours: AfterHoursReceipt | str = AfterHoursReceipt.SAME_DAY,
    office_hours: Sequence[tuple[time, time]] = (),
) -> tuple[date, bool]:
    """Return day 0 of a request, and whether it was moved for arriving outside office hours.

    With `next_business_day`, "a message that arrives after closing time or on a non-business
    day is taken as received the next business day"; with `same_day` (the default), day 0 is the
    local date of receipt.
    """
    if received_at.tzinfo is None or received_at.utcoffset() is None:
        raise ValueError("received_at must be timezone-aware")
    local = received_at.astimezone(tz)
    day = local.date()
    if AfterHoursReceipt(after_hours) is AfterHoursReceipt.SAME_DAY:
        return day, False
    closing = max((end for _, end in office_hours), default=None)
    if not calendar.is_business_day(day):
        return calendar.roll_forward(day), True
    if closing is not None and local.time() >= closing:
        return calendar.next_business_day(day), True
    return day, False


def _at_noon(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(12), tzinfo=tz)


@dataclass
class _Cycle:
    """An answer cycle being walked through: its start, pauses and extensions."""

    start: date
    reopened_on: date | None = None
    pauses: list[list[date | None]] = field(default_factory=list)
    extensions: list[Extension] = field(default_factory=list)
    late: list[LateExtension] = field(default_factory=list)
    met_on: date | None = None
    closed_on: date | None = None
    closed_outcome: str | None = None
    judged_due_on: date | None = None

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1][1] is None

    @property
    def settled(self) -> bool:
        return self.met_on is not None or self.closed_on is not None


def _explain(
    calendar: BusinessCalendar, cycle: _Cycle, delay: Delay, tz: ZoneInfo, *, ended: bool = True
) -> Explanation:
    return explain_due(
        calendar,
        received_at=_at_noon(cycle.start, tz),
        delay=delay,
        pauses=[Pause(p[0], p[1]) for p in cycle.pauses if (p[1] is not None or not ended)],
        extensions=cycle.extensions,
        tz=tz,
    )


def _late_by(calendar: BusinessCalendar, due_on: date, day: date) -> int:
    return max(1, calendar.business_days_between(due_on, day))


def _settle(
    calendar: BusinessCalendar,
    *,
    name: DeadlineName,
    due_on: date,
    met_on: date | None,
    closed_on: date | None,
    closed_outcome: str | None,
    missed_on: date | None,
    paused: bool,
    today: date,
    soon_within: int,
) -> tuple[ClockState, date | None, int | None, int | None, Outcome | None]:
    """Return (state, met_on, late_by, business_days, outcome): the ONE definition of each."""
    judged_on = missed_on or due_on
    if met_on is None and closed_on is not None:
        if closed_outcome in _WITHOUT_DEADLINE and closed_on <= judged_on and missed_on is None:
            return ClockState.NOT_APPLICABLE, None, None, None, Outcome.NOT_APPLICABLE
        met_on = closed_on  # the closing letter tells the person why
    if met_on is not None:
        if missed_on is None and met_on <= due_on:
            return ClockState.MET, met_on, None, None, Outcome.ON_TIME
        return (
            ClockState.MET_LATE,
            met_on,
            _late_by(calendar, judged_on, met_on),
            None,
            Outcome.LATE,
        )
    if paused:
        return ClockState.PAUSED, None, None, None, None
    status = deadline_status(calendar, due_on=due_on, today=today, soon_within=soon_within)
    state = ClockState(status.state.value)
    late_by = status.business_days if status.state is DeadlineState.OVERDUE else None
    return state, None, late_by, status.business_days, None


def derive(
    calendar: BusinessCalendar,
    *,
    policy: KindPolicy,
    received_at: datetime,
    written: bool,
    steps: Sequence[Step],
    today: date,
    soon_within: int = 3,
    tz: ZoneInfo = MONTREAL,
    after_hours: AfterHoursReceipt | str = AfterHoursReceipt.SAME_DAY,
    office_hours: Sequence[tuple[time, time]] = (),
) -> CaseClock:
    """Derive every deadline of a case from its ordered history, as it stands on `today`."""
    received_on, moved = local_receipt_day(
        received_at, calendar, tz=tz, after_hours=after_hours, office_hours=office_hours
    )
    ack_met_on: date | None = None
    ack_judged: date | None = None
    ack_closed: tuple[date, str | None] | None = None
    cycle = _Cycle(start=received_on)
    first: _Cycle | None = None
    escalated_on: date | None = None
    reply_set: date | None = None
    reply_met_on: date | None = None
    status = "received"

    for step in steps:
        kind = step.kind
        if kind == "acknowledge":
            if ack_met_on is None:
                ack_met_on, ack_judged = step.on, step.ack_due_on
        elif kind == "answer":
            if ack_met_on is None:
                ack_met_on, ack_judged = step.on, step.ack_due_on
            cycle.met_on, cycle.judged_due_on = step.on, step.answer_due_on
        elif kind == "request_information":
            if not cycle.paused:
                cycle.pauses.append([step.on, None])
        elif kind == "resume":
            if cycle.paused:
                cycle.pauses[-1][1] = step.on
        elif kind == "escalate":
            if cycle.paused:
                cycle.pauses[-1][1] = step.on  # escalating ends the pause
            escalated_on = step.on
            reply_met_on = None
            if step.reply_due_on is not None:
                reply_set = step.reply_due_on
        elif kind == "set_reply_date":
            reply_set = step.reply_due_on
        elif kind == "extend":
            before = _explain(calendar, cycle, policy.answer, tz).due_on
            extension = Extension(days=step.days, reason=step.reason or "—", unit=step.unit)
            cycle.extensions.append(extension)
            if step.on > before:
                after = _explain(calendar, cycle, policy.answer, tz).due_on
                cycle.late.append(LateExtension(step.on, before, after))
        elif kind == "close":
            if cycle.paused:
                cycle.pauses[-1][1] = step.on
            if ack_met_on is None and ack_closed is None:
                ack_closed, ack_judged = (step.on, step.outcome), step.ack_due_on
            if not cycle.settled:
                cycle.closed_on, cycle.closed_outcome = step.on, step.outcome
                cycle.judged_due_on = step.answer_due_on
            if status == "escalated" and reply_met_on is None:
                reply_met_on = step.on
        elif kind == "reopen":
            if first is None:
                first = cycle
            cycle = _Cycle(start=step.on, reopened_on=step.on)
        if kind in _DESTINATIONS:
            status = _DESTINATIONS[kind]

    def answer_clock(c: _Cycle) -> DeadlineClock:
        explanation = _explain(calendar, c, policy.answer, tz)
        due_on = c.judged_due_on or explanation.due_on
        missed_on = c.late[0].missed_on if c.late else None
        state, met_on, late_by, left, outcome = _settle(
            calendar,
            name=DeadlineName.ANSWER,
            due_on=due_on,
            met_on=c.met_on,
            closed_on=c.closed_on,
            closed_outcome=c.closed_outcome,
            missed_on=missed_on,
            paused=c.paused,
            today=today,
            soon_within=soon_within,
        )
        return DeadlineClock(
            name=DeadlineName.ANSWER,
            due_on=due_on,
            state=state,
            met_on=met_on,
            late_by=late_by,
            business_days=left,
            explanation=explanation,
            missed_on=missed_on,
            late_extensions=tuple(c.late),
            reopened_on=c.reopened_on,
            after_hours=moved and c.reopened_on is None,
            outcome=outcome,
            counted_due_on=missed_on or due_on,
            ended_on=c.closed_on if state is ClockState.NOT_APPLICABLE else None,
        )

    answer = answer_clock(cycle)
    first_answer = answer if first is None else answer_clock(first)

    if written:
        ack_explanation = explain_due(
            calendar, received_at=_at_noon(received_on, tz), delay=policy.acknowledgment, tz=tz
        )
        ack_due_on = ack_judged or ack_explanation.due_on
        state, met_on, late_by, left, outcome = _settle(
            calendar,
            name=DeadlineName.ACKNOWLEDGMENT,
            due_on=ack_due_on,
            met_on=ack_met_on,
            closed_on=ack_closed[0] if ack_closed else None,
            closed_outcome=ack_closed[1] if ack_closed else None,
            missed_on=None,
            paused=False,
            today=today,
            soon_within=soon_within,
        )
        acknowledgment = DeadlineClock(
            name=DeadlineName.ACKNOWLEDGMENT,
            due_on=ack_due_on,
            state=state,
            met_on=met_on,
            late_by=late_by,
            business_days=left,
            explanation=ack_explanation,
            after_hours=moved,
            outcome=outcome,
            counted_due_on=ack_due_on,
        )
    else:
        acknowledgment = DeadlineClock(
            name=DeadlineName.ACKNOWLEDGMENT,
            due_on=None,
            state=ClockState.NOT_APPLICABLE,
            outcome=Outcome.NOT_APPLICABLE,
        )

    if escalated_on is not None and reply_set is not None:
        carried = calendar.roll_forward(reply_set)
        state, met_on, late_by, left, _ = _settle(
            calendar,
            name=DeadlineName.PROTECTEUR_REPLY,
            due_on=carried,
            met_on=reply_met_on,
            closed_on=None,
            closed_outcome=None,
            missed_on=None,
            paused=False,
            today=today,
            soon_within=soon_within,
        )
        reply = DeadlineClock(
            name=DeadlineName.PROTECTEUR_REPLY,
            due_on=carried,
            state=state,
            met_on=met_on,
            late_by=late_by,
            business_days=left,
            carried_from=reply_set if carried != reply_set else None,
        )
    else:
        reply = DeadlineClock(
            name=DeadlineName.PROTECTEUR_REPLY, due_on=None, state=ClockState.NOT_APPLICABLE
        )
    return CaseClock(
        acknowledgment=acknowledgment,
        answer=answer,
        protecteur_reply=reply,
        first_answer=first_answer,
        received_on=received_on,
    )


_DESTINATIONS = {
    "acknowledge": "acknowledged",
    "answer": "answered",
    "request_information": "awaiting_requester",
    "escalate": "escalated",
    "close": "closed",
    "reopen": "acknowledged",
}


# -- What the indexed sweeps read -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunningDeadline:
    name: DeadlineName
    due_on: date


def running_deadlines(
    *,
    status: str,
    ack_due_on: date | None,
    answer_due_on: date | None,
    protecteur_reply_due_on: date | None,
    ack_outcome: str | None = None,
    answer_met_on: date | None = None,
) -> tuple[RunningDeadline, ...]:
    """Return the deadlines whose clock runs, earliest first, from the columns `derive` wrote.

    The acknowledgment runs until it is met (or no longer applies: `ack_outcome` is set); the
    answer until it is met, except while the case awaits the requester; the Protecteur du
    citoyen's reply while the case is escalated. (In `answered`, both are met.)
    """
    running: list[RunningDeadline] = []
    if status in ACK_CLOCK_STATES and ack_due_on is not None and ack_outcome is None:
        running.append(RunningDeadline(DeadlineName.ACKNOWLEDGMENT, ack_due_on))
    if status in ANSWER_RUNNING_STATES and answer_due_on is not None and answer_met_on is None:
        running.append(RunningDeadline(DeadlineName.ANSWER, answer_due_on))
    if status == "escalated" and protecteur_reply_due_on is not None:
        running.append(RunningDeadline(DeadlineName.PROTECTEUR_REPLY, protecteur_reply_due_on))
    return tuple(sorted(running, key=lambda deadline: deadline.due_on))


def next_deadline(**kwargs) -> RunningDeadline | None:
    """Return the earliest running deadline, or None when no clock runs."""
    running = running_deadlines(**kwargs)
    return running[0] if running else None
