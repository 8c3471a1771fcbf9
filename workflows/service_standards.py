"""Service-standard figures for supervisors: on-time rates, ageing, weekly counts.

DESIGN §2.6: "Beside these, the delay commitment: the share of written requests acknowledged
within 10 business days. An on-time rate counts cases still open and already late in its
denominator." So a rate is

    met on time / (met on time + met late + still running and already late)

and a commitment whose clock still runs and is not yet late is left out: it can still be met. A
commitment whose clock stopped without being met (a request withdrawn before its answer) is left
out too: nothing was owed any more.

Ageing counts the business days a case has been open: the day of receipt is day 0 and is not
counted (DESIGN §2.3), so a case received yesterday, a business day, is 1 business day old.

Weeks start on Monday (the Quebec public service's week) and are named by their Monday.

Pure: no I/O, no clock; `today` and the calendar come in as arguments.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from workflows.calendar import BusinessCalendar

__all__ = [
    "AGEING_BUCKETS",
    "AgeingBucket",
    "Commitment",
    "Rate",
    "StandardFigures",
    "WeekCount",
    "age_in_business_days",
    "ageing",
    "ageing_edges",
    "ageing_from_counts",
    "on_time_rate",
    "rate_of",
    "rates_by_week",
    "standard_figures",
    "week_of",
    "week_starts",
    "weeks_ending",
]


@dataclass(frozen=True, slots=True)
class Commitment:
    """One deadline of one case, as a rate sees it.

    `met_on` is the local date the deadline was met (acknowledged, answered), None when it was
    not; `running` tells whether its clock still runs (the case is open and in a state that owes
    it).
    """

    due_on: date
    met_on: date | None = None
    running: bool = False


@dataclass(frozen=True, slots=True)
class Rate:
    """An on-time rate and its parts."""

    on_time: int
    met_late: int
    open_late: int

    @property
    def counted(self) -> int:
        """Return the denominator: met (on time or late) plus still open and already late."""
        return self.on_time + self.met_late + self.open_late

    @property
    def percent(self) -> float | None:
        """Return the rate in percent, or None when nothing is counted."""
        return None if self.counted == 0 else 100.0 * self.on_time / self.counted


def on_time_rate(commitments: Iterable[Commitment], *, today: date) -> Rate:
    """Return the on-time rate of these commitments on `today`, late open ones counted."""
    on_time = met_late = open_late = 0
    for item in commitments:
        if item.met_on is not None:
            if item.met_on <= item.due_on:
                on_time += 1
            else:
                met_late += 1
        elif item.running and item.due_on < today:
            open_late += 1
    return Rate(on_time=on_time, met_late=met_late, open_late=open_late)


@dataclass(frozen=True, slots=True)
class StandardFigures:
    """The deadlines of one kind falling due in a period, as the case clock judged them."""

    on_time: int = 0
    late: int = 0
    open_late: int = 0
    not_applicable: int = 0

    @property
    def rate(self) -> float | None:
        """on_time / (on_time + late + open_late), None when that is 0."""
        counted = self.on_time + self.late + self.open_late
        return None if counted == 0 else self.on_time / counted

    def as_dict(self) -> dict:
        return {
            "on_time": self.on_time,
            "late": self.late,
            "open_late": self.open_late,
            "not_applicable": self.not_applicable,
            "rate": self.rate,
        }


def standard_figures(
    counts: Iterable[tuple[date, str | None, int]], *, today: date
) -> StandardFigures:
    """Add up (due date, outcome, count) rows of the clock's outcomes (`on_time`, `late`,
    `not_applicable`, or None while owed) into the figures as of `today`: an owed deadline
    counts as open and late once its due date has passed, and not at all before."""
    totals = {"on_time": 0, "late": 0, "open_late": 0, "not_applicable": 0}
    for due_on, outcome, count in counts:
        if outcome in ("on_time", "late", "not_applicable"):
            totals[outcome] += count
        elif outcome is None and due_on < today:
            totals["open_late"] += count
    return StandardFigures(**totals)


def week_of(day: date) -> date:
    """Return the Monday of the week of `day`."""
    return day - timedelta(days=day.weekday())


def weeks_ending(today: date, count: int) -> list[date]:
    """Return the Mondays of the `count` weeks up to and including the week of `today`,
    oldest first."""
    if count < 1:
        raise ValueError("count must be at least 1")
    last = week_of(today)
    return [last - timedelta(weeks=n) for n in range(count - 1, -1, -1)]


@dataclass(frozen=True, slots=True)
class WeekCount:
    week: date  # its Monday
    count: int


def week_starts(weeks: Sequence[date]) -> list[date]:
    """Return the Mondays of `weeks` and the Monday after the last: the edges between which the
    database counts each week's days (a week runs from its Monday to the next, excluded)."""
    return [*weeks, weeks[-1] + timedelta(weeks=1)] if weeks else []


def rate_of(figures: StandardFigures) -> Rate:
    """Return the on-time rate of figures counted from the clock's outcomes."""
    return Rate(on_time=figures.on_time, met_late=figures.late, open_late=figures.open_late)


def rates_by_week(
    counts: Iterable[tuple[date, str | None, int]], weeks: Sequence[date], *, today: date
) -> list[tuple[date, Rate]]:
    """Return the on-time rate of the deadlines due in each of `weeks` on `today`, from
    (due date, outcome, count) rows of the clock's outcomes (as standard_figures reads them)."""
    grouped: dict[date, list[tuple[date, str | None, int]]] = {week: [] for week in weeks}
    for row in counts:
        monday = week_of(row[0])
        if monday in grouped:
            grouped[monday].append(row)
    return [(week, rate_of(standard_figures(grouped[week], today=today))) for week in weeks]


def age_in_business_days(calendar: BusinessCalendar, received_on: date, today: date) -> int:
    """Return how many business days a case received on `received_on` (day 0) has been open."""
    return max(0, calendar.business_days_between(received_on, today))


@dataclass(frozen=True, slots=True)
class AgeingBucket:
    """Open cases whose age in business days is within [low, high] (high None: no limit)."""

    low: int
    high: int | None
    count: int


# The edges follow the delays: within the acknowledgment delay (10), within the default answer
# delay (20), up to twice it (40), and beyond.
AGEING_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (0, 5),
    (6, 10),
    (11, 20),
    (21, 40),
    (41, None),
)


def ageing_edges(
    calendar: BusinessCalendar,
    today: date,
    buckets: Sequence[tuple[int, int | None]] = AGEING_BUCKETS,
) -> dict[int, date]:
    """Return, for each age that starts a bucket or follows its end, the local day before which
    a case must have been received to be at least that old today.

    A case received on r is k business days old when k business days d have r < d <= today: when
    the k-th business day counting back from today (today included) comes after r. Counting by
    these days, the database answers the ageing with one grouped query.
    """
    ages = {low for low, _ in buckets} | {high + 1 for _, high in buckets if high is not None}
    latest = calendar.roll_backward(today)
    return {
        age: latest if age == 1 else calendar.subtract_business_days(latest, age - 1)
        for age in sorted(ages)
        if age >= 1
    }


def ageing_from_counts(
    total: int,
    at_least: dict[int, int],
    buckets: Sequence[tuple[int, int | None]] = AGEING_BUCKETS,
) -> list[AgeingBucket]:
    """Count open cases by age from how many are at least each edge's age (`total` for 0)."""
    older = {0: total, **at_least}
    return [
        AgeingBucket(low, high, older[low] - (older[high + 1] if high is not None else 0))
        for low, high in buckets
    ]


def ageing(
    calendar: BusinessCalendar,
    received_on: Iterable[date],
    *,
    today: date,
    buckets: Sequence[tuple[int, int | None]] = AGEING_BUCKETS,
) -> list[AgeingBucket]:
    """Count open cases by age in business days, in the given buckets."""
    counts = [0] * len(buckets)
    for day in received_on:
        age = age_in_business_days(calendar, day, today)
        for index, (low, high) in enumerate(buckets):
            if age >= low and (high is None or age <= high):
                counts[index] += 1
                break
    return [
        AgeingBucket(low, high, count) for (low, high), count in zip(buckets, counts, strict=True)
    ]
