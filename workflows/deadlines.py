"""Deadlines of a case in Quebec business days: acknowledgment, answer, pauses and extensions.

Rules implemented (DESIGN.md section 2.3):

* "The acknowledgment of receipt is due at the latest 10 business days after receipt of a
  written request (letter or email) [...]. The answer delay is a per-kind policy (default
  20 business days after receipt), can be extended with a reason, and the person is told of any
  extension."
* Counting, on the pattern of the Code de procédure civile (RLRQ, c. C-25.01), art. 83: "le jour
  qui marque le point de départ n'est pas compté mais celui de l'échéance l'est [...] Le délai
  expire le dernier jour à 24 h 00; celui qui expirerait normalement un samedi ou un jour férié
  est prolongé au premier jour ouvrable qui suit." The day of receipt is day 0 and is the local
  date in America/Toronto (Montreal time); N business days are counted forward from it, and a
  calendar-day delay ending on a non-business day moves to the next business day (see also Loi
  d'interprétation, RLRQ, c. I-16, art. 52).
* "awaiting_requester stops the clock [...]; resume restarts it and pushes the answer deadline
  by the business days spent waiting."
* "Every computed deadline can be explained: the receipt, the calendar and its version, the
  closure days skipped, pauses and extensions."

Nothing here reads the clock: instants and "today" come in as arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from workflows.calendar import BusinessCalendar, Closure

__all__ = [
    "DEFAULT_POLICIES",
    "MONTREAL",
    "CaseKind",
    "DayUnit",
    "DeadlineState",
    "DeadlineStatus",
    "Delay",
    "Explanation",
    "Extension",
    "KindPolicy",
    "Pause",
    "answer_due",
    "deadline_status",
    "due_date",
    "due_dates",
    "explain_due",
    "receipt_date",
]

# Montreal keeps the same rules as Toronto; the IANA database names the zone after Toronto.
MONTREAL = ZoneInfo("America/Toronto")

_NAIVE_MESSAGE = "received_at must be timezone-aware"


class DayUnit(StrEnum):
    """The unit of a delay."""

    BUSINESS = "business"
    CALENDAR = "calendar"


# Module-level alias: reading an enum member through its class is slow in the hot path.
_BUSINESS = DayUnit.BUSINESS


def _check_days(days: int, what: str) -> None:
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        raise ValueError(f"{what} must be an integer >= 0, got {days!r}")


@dataclass(frozen=True, slots=True)
class Delay:
    """A delay of `days` business or calendar days counted from day 0."""

    days: int
    unit: DayUnit = DayUnit.BUSINESS

    def __post_init__(self) -> None:
        """Validate the number of days; accept the unit as its string value."""
        _check_days(self.days, "Delay.days")
        if not isinstance(self.unit, DayUnit):
            object.__setattr__(self, "unit", DayUnit(self.unit))

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"days": self.days, "unit": self.unit.value}


class CaseKind(StrEnum):
    """The kinds of case, each with its own deadline policy."""

    COMPLAINT = "complaint"
    INFORMATION_REQUEST = "information_request"
    MEDIA_REQUEST = "media_request"
    SUPPLIER_COMPLAINT = "supplier_complaint"
    COMMENT = "comment"


@dataclass(frozen=True, slots=True)
class KindPolicy:
    """The acknowledgment and answer delays of one case kind."""

    acknowledgment: Delay = Delay(10)
    answer: Delay = Delay(20)


DEFAULT_POLICIES: Mapping[CaseKind, KindPolicy] = MappingProxyType(
    {kind: KindPolicy() for kind in CaseKind}
)


@dataclass(frozen=True, slots=True)
class Pause:
    """A period awaiting the requester, from `start` to `end` (None while still paused)."""

    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        """Reject a pause that ends before it starts."""
        if self.end is not None and self.end < self.start:
            raise ValueError(
                f"pause ends ({self.end.isoformat()}) before it starts ({self.start.isoformat()})"
            )

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (ISO dates)."""
        return {
            "start": self.start.isoformat(),
            "end": None if self.end is None else self.end.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Extension:
    """An extension of the answer delay, with the reason given to the person."""

    days: int
    reason: str
    unit: DayUnit = DayUnit.BUSINESS

    def __post_init__(self) -> None:
        """Validate the number of days and require a reason."""
        _check_days(self.days, "Extension.days")
        if not self.reason.strip():
            raise ValueError("an extension needs a reason")
        if not isinstance(self.unit, DayUnit):
            object.__setattr__(self, "unit", DayUnit(self.unit))

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"days": self.days, "reason": self.reason, "unit": self.unit.value}


class Explanation(NamedTuple):
    """How a due date was computed, step by step (a named tuple, as the case clock's values:
    workflows.case_clock)."""

    received_on: date
    delay: Delay
    calendar_version: str
    # Weekday closure days skipped between the receipt (excluded) and the due date.
    closures_skipped: tuple[Closure, ...]
    base_due_on: date
    paused_business_days: int
    pauses: tuple[Pause, ...]
    extensions: tuple[Extension, ...]
    due_on: date
    # For a calendar-day delay that ended on a non-business day: where it ended before rolling.
    rolled_forward_from: date | None

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (ISO dates, closures as dicts)."""
        return {
            "received_on": self.received_on.isoformat(),
            "delay": self.delay.as_dict(),
            "calendar_version": self.calendar_version,
            "closures_skipped": [closure.as_dict() for closure in self.closures_skipped],
            "base_due_on": self.base_due_on.isoformat(),
            "paused_business_days": self.paused_business_days,
            "pauses": [pause.as_dict() for pause in self.pauses],
            "extensions": [extension.as_dict() for extension in self.extensions],
            "due_on": self.due_on.isoformat(),
            "rolled_forward_from": (
                None if self.rolled_forward_from is None else self.rolled_forward_from.isoformat()
            ),
        }


def receipt_date(received_at: datetime, tz: ZoneInfo = MONTREAL) -> date:
    """Return the day of receipt (day 0): the local date of `received_at` in `tz`."""
    if received_at.tzinfo is None or received_at.utcoffset() is None:
        raise ValueError(_NAIVE_MESSAGE)
    return received_at.astimezone(tz).date()


def due_date(
    calendar: BusinessCalendar,
    *,
    received_at: datetime,
    delay: Delay,
    tz: ZoneInfo = MONTREAL,
) -> date:
    """Return the due date of `delay` counted from the instant of receipt."""
    # Hot path (recomputing open deadlines calls it once per case): a few list lookups in the
    # calendar's precomputed tables; anything unusual falls through to the checked methods.
    if received_at.tzinfo is None or received_at.utcoffset() is None:
        raise ValueError(_NAIVE_MESSAGE)
    n = delay.days
    if n and delay.unit is _BUSINESS:
        first_ord, ranks, business_days = calendar._fast or calendar._fast_tables()
        i = received_at.astimezone(tz).toordinal() - first_ord
        if i >= 0:
            try:
                return business_days[ranks[i] + n - 1]
            except IndexError:
                pass  # past the calendar's range: the checked method says so
    received_on = received_at.astimezone(tz).date()
    if delay.unit is _BUSINESS:
        return calendar.add_business_days(received_on, n)
    return calendar.add_calendar_days(received_on, n)


def due_dates(
    calendar: BusinessCalendar,
    *,
    received_on: Sequence[date],
    delay: Delay,
) -> list[date]:
    """Return the due date of `delay` for many local receipt dates (day 0) at once."""
    # Batch recomputation (for example after a calendar change) works on local dates already
    # converted with receipt_date(); it validates the range once instead of per item.
    ordinals = [day.toordinal() for day in received_on]
    if delay.unit is DayUnit.BUSINESS:
        return calendar._add_business_days_many(ordinals, delay.days)
    return calendar._add_calendar_days_many(ordinals, delay.days)


def _paused_business_days(calendar: BusinessCalendar, pauses: Iterable[Pause]) -> int:
    """Return the business days d with start < d <= end over the union of ended pauses."""
    # A day cannot be spent waiting twice: overlapping pauses are merged before counting.
    ended = sorted((pause.start, pause.end) for pause in pauses if pause.end is not None)
    total = 0
    current: tuple[date, date] | None = None
    for start, end in ended:
        if current is not None and start < current[1]:
            current = (current[0], max(current[1], end))
            continue
        if current is not None:
            total += calendar.business_days_between(*current)
        current = (start, end)
    if current is not None:
        total += calendar.business_days_between(*current)
    return total


def _extend(calendar: BusinessCalendar, day: date, extension: Extension) -> date:
    if extension.unit is DayUnit.BUSINESS:
        return calendar.add_business_days(day, extension.days)
    return calendar.add_calendar_days(day, extension.days)


def explain_due(
    calendar: BusinessCalendar,
    *,
    received_at: datetime,
    delay: Delay,
    pauses: Iterable[Pause] = (),
    extensions: Iterable[Extension] = (),
    tz: ZoneInfo = MONTREAL,
) -> Explanation:
    """Compute a due date with pauses and extensions, and explain every step."""
    received_on = receipt_date(received_at, tz)
    pauses = tuple(pauses)
    extensions = tuple(extensions)
    rolled_forward_from = None
    if delay.unit is DayUnit.BUSINESS:
        base_due_on = calendar.add_business_days(received_on, delay.days)
    else:
        base_due_on = calendar.add_calendar_days(received_on, delay.days)
        ended_on = date.fromordinal(received_on.toordinal() + delay.days)
        if ended_on != base_due_on:
            rolled_forward_from = ended_on
    paused = _paused_business_days(calendar, pauses) if pauses else 0
    # The base due date is a business day already: with nothing paused it stays.
    due_on = calendar.add_business_days(base_due_on, paused) if paused else base_due_on
    for extension in extensions:
        due_on = _extend(calendar, due_on, extension)
    return Explanation(
        received_on=received_on,
        delay=delay,
        calendar_version=calendar.version,
        closures_skipped=tuple(calendar.closures_between(received_on, due_on)),
        base_due_on=base_due_on,
        paused_business_days=paused,
        pauses=pauses,
        extensions=extensions,
        due_on=due_on,
        rolled_forward_from=rolled_forward_from,
    )


def answer_due(
    calendar: BusinessCalendar,
    *,
    received_at: datetime,
    delay: Delay,
    pauses: Iterable[Pause] = (),
    extensions: Iterable[Extension] = (),
    tz: ZoneInfo = MONTREAL,
) -> date:
    """Return the answer due date: base delay, plus business days paused, plus extensions."""
    return explain_due(
        calendar,
        received_at=received_at,
        delay=delay,
        pauses=pauses,
        extensions=extensions,
        tz=tz,
    ).due_on


class DeadlineState(StrEnum):
    """Where a case stands against one of its deadlines."""

    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"


class DeadlineStatus(NamedTuple):
    """A deadline state with the business days left (or overdue)."""

    state: DeadlineState
    # Business days left (> 0), 0 when due today, or business days overdue (> 0 when OVERDUE).
    business_days: int


def deadline_status(
    calendar: BusinessCalendar,
    *,
    due_on: date,
    today: date,
    soon_within: int = 3,
) -> DeadlineStatus:
    """Return the state of a deadline on `today` (a local date)."""
    _check_days(soon_within, "soon_within")
    if today > due_on:
        # The deadline ended at 24:00 on due_on: a Saturday after a Friday due date is already
        # overdue even though no business day has passed, hence at least 1.
        overdue = max(1, calendar.business_days_between(due_on, today))
        return DeadlineStatus(DeadlineState.OVERDUE, overdue)
    left = calendar.business_days_between(today, due_on)
    if today == due_on or left == 0:
        # left == 0 only when due_on is not a business day and no business day comes before it:
        # today is the last business opportunity.
        return DeadlineStatus(DeadlineState.DUE_TODAY, 0)
    if left <= soon_within:
        return DeadlineStatus(DeadlineState.DUE_SOON, left)
    return DeadlineStatus(DeadlineState.ON_TRACK, left)
