"""Quebec business-day calendar: closure days and business-day arithmetic.

Rules implemented (see docs/calendar.md and DESIGN.md section 2.3):

* "A business day is Monday to Friday and not a closure day."
* Base "quebec-public-service" (the default): the 13 paid holidays of the Quebec public service
  (jours fériés et chômés de la fonction publique): 1 and 2 January, Good Friday, Easter Monday,
  Journée nationale des patriotes (Monday before 25 May), 24 June, 1 July, Labour Day,
  Thanksgiving, 24, 25, 26 and 31 December. "When one falls on a weekend it is taken on a
  weekday: 1 January and 25 December on Saturday or Sunday: the following Monday; 2 January and
  26 December on a weekend, or on a day already taken by the holiday before: the next weekday
  that is not already a closure; 24 and 31 December on Saturday or Sunday: the Friday before;
  24 June and 1 July: Saturday to the Friday before, Sunday to the Monday after."
* Base "quebec-statutory": Loi sur les normes du travail (RLRQ, c. N-1.1), art. 60: "le
  1er janvier; le Vendredi saint ou le lundi de Pâques, au choix de l'employeur; le lundi qui
  précède le 25 mai; le 1er juillet ou, si cette date tombe un dimanche, le 2 juillet; le
  1er lundi de septembre; le deuxième lundi d'octobre; le 25 décembre", and Loi sur la fête
  nationale (RLRQ, c. F-1.1), art. 2: "Le 24 juin est un jour férié et chômé. Toutefois,
  lorsque cette date tombe un dimanche, le 25 juin est [...] un jour chômé". The employer's
  Easter choice is Good Friday (the day the `holidays` package also lists as the public holiday
  for CA-QC). No other day moves: a statutory day on a Saturday or Sunday stays there (and is
  listed there).
* Names: a day taken on another date keeps its own name (no "reporté"/"observed" suffix).
* A delay that expires on a non-business day is extended to the next business day (Code de
  procédure civile, art. 83; Loi d'interprétation, art. 52): see `add_calendar_days`.
* The body's own closures (decree, exceptional closure) are added or removed per year; "an
  official yearly notice always wins over the computed default".

The dates are computed here rather than taken from the `holidays` package: that package gives
the statutory days only (even with its `optional` category it lacks 2 January and 24, 26 and
31 December) and it applies its own weekend "observed" moves (for example 25 December 2027 on a
Saturday is observed on Monday 27 December), which are neither the public-service rules nor the
statutory ones above. Computing the dates keeps the calendar independent of the package's
release-to-release changes. Easter uses the Anonymous Gregorian algorithm (Meeus/Jones/Butcher).

Business-day arithmetic uses tables built lazily, once per calendar, over
first_year..last_year: the ordinals of business days and, for every day, the number of business
days up to and including it. Every operation is then O(1) list indexing or O(log n) bisection.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache

__all__ = [
    "BASES",
    "BusinessCalendar",
    "Closure",
    "ClosureSource",
    "UnknownCalendarBase",
    "base_closures",
    "easter_sunday",
]

PUBLIC_SERVICE_BASE = "quebec-public-service"
STATUTORY_BASE = "quebec-statutory"
BASES = (PUBLIC_SERVICE_BASE, STATUTORY_BASE)

# Gregorian Easter is only defined from 1583; date() itself stops at 9999.
_MIN_YEAR = 1583
_MAX_YEAR = 9999

_MON, _FRI, _SAT, _SUN = 0, 4, 5, 6


class ClosureSource(StrEnum):
    """Where a closure day comes from."""

    PUBLIC_SERVICE = "public_service"
    STATUTORY = "statutory"
    ORGANIZATION = "organization"


@dataclass(frozen=True, slots=True)
class Closure:
    """A day the body is closed, with its bilingual name and source."""

    day: date
    name_fr: str
    name_en: str
    source: ClosureSource

    def __post_init__(self) -> None:
        """Validate the day and names; accept the source as its string value."""
        if isinstance(self.day, datetime) or not isinstance(self.day, date):
            raise TypeError(f"Closure.day must be a date, not {type(self.day).__name__}")
        if not self.name_fr.strip() or not self.name_en.strip():
            raise ValueError(f"closure on {self.day.isoformat()} needs a French and English name")
        if not isinstance(self.source, ClosureSource):
            object.__setattr__(self, "source", ClosureSource(self.source))

    def as_dict(self) -> dict[str, str]:
        """Return a JSON-ready dict (ISO date)."""
        return {
            "date": self.day.isoformat(),
            "name_fr": self.name_fr,
            "name_en": self.name_en,
            "source": self.source.value,
        }


@dataclass(frozen=True, slots=True)
class ClosureChange:
    """One decision about one day made by the body after the configuration (a decree, an
    exceptional closure): `add` closes it, `remove` opens it."""

    day: date
    action: str
    name_fr: str = ""
    name_en: str = ""


class UnknownCalendarBase(ValueError):
    """Raised for a calendar base name that is not one of BASES."""

    def __init__(self, base: str) -> None:
        super().__init__(f"unknown calendar base {base!r}; expected one of: {', '.join(BASES)}")
        self.base = base


# (key, name_fr, name_en)
_NEW_YEAR = ("Jour de l’An", "New Year's Day")
_DAY_AFTER_NEW_YEAR = ("Lendemain du jour de l’An", "Day after New Year's Day")
_GOOD_FRIDAY = ("Vendredi saint", "Good Friday")
_EASTER_MONDAY = ("Lundi de Pâques", "Easter Monday")
_PATRIOTS = ("Journée nationale des patriotes", "National Patriots' Day")
_FETE_NATIONALE = (
    "Fête nationale du Québec",
    "Fête nationale du Québec (Quebec's National Holiday)",
)
_CANADA_DAY = ("Fête du Canada", "Canada Day")
_LABOUR_DAY = ("Fête du Travail", "Labour Day")
_THANKSGIVING = ("Action de grâces", "Thanksgiving Day")
_CHRISTMAS_EVE = ("Veille de Noël", "Christmas Eve")
_CHRISTMAS = ("Noël", "Christmas Day")
_DAY_AFTER_CHRISTMAS = ("Lendemain de Noël", "Day after Christmas")
_NEW_YEARS_EVE = ("Veille du jour de l’An", "New Year's Eve")


def easter_sunday(year: int) -> date:
    """Return Gregorian Easter Sunday (Anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _monday_before_25_may(year: int) -> date:
    may_24 = date(year, 5, 24)
    return may_24 - timedelta(days=may_24.weekday())


def _nth_monday(year: int, month: int, nth: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(_MON - first.weekday()) % 7 + 7 * (nth - 1))


def _following_monday(day: date) -> date:
    """Return `day` if a weekday, else the Monday after it."""
    weekday = day.weekday()
    return day + timedelta(days=7 - weekday) if weekday >= _SAT else day


def _friday_before(day: date) -> date:
    """Return `day` if a weekday, else the Friday before it."""
    weekday = day.weekday()
    return day - timedelta(days=weekday - _FRI) if weekday >= _SAT else day


def _nearest_weekday(day: date) -> date:
    """Return `day` if a weekday; Saturday to Friday before, Sunday to Monday after."""
    weekday = day.weekday()
    if weekday == _SAT:
        return day - timedelta(days=1)
    if weekday == _SUN:
        return day + timedelta(days=1)
    return day


def _next_free_weekday(day: date, taken: set[date]) -> date:
    """Return the first weekday on or after `day` that is not in `taken`."""
    while day.weekday() >= _SAT or day in taken:
        day += timedelta(days=1)
    return day


def _public_service_closures(year: int) -> list[Closure]:
    source = ClosureSource.PUBLIC_SERVICE
    easter = easter_sunday(year)
    new_year = _following_monday(date(year, 1, 1))
    day_after_new_year = _next_free_weekday(date(year, 1, 2), {new_year})
    christmas = _following_monday(date(year, 12, 25))
    day_after_christmas = _next_free_weekday(date(year, 12, 26), {christmas})
    days = [
        (new_year, _NEW_YEAR),
        (day_after_new_year, _DAY_AFTER_NEW_YEAR),
        (easter - timedelta(days=2), _GOOD_FRIDAY),
        (easter + timedelta(days=1), _EASTER_MONDAY),
        (_monday_before_25_may(year), _PATRIOTS),
        (_nearest_weekday(date(year, 6, 24)), _FETE_NATIONALE),
        (_nearest_weekday(date(year, 7, 1)), _CANADA_DAY),
        (_nth_monday(year, 9, 1), _LABOUR_DAY),
        (_nth_monday(year, 10, 2), _THANKSGIVING),
        (_friday_before(date(year, 12, 24)), _CHRISTMAS_EVE),
        (christmas, _CHRISTMAS),
        (day_after_christmas, _DAY_AFTER_CHRISTMAS),
        (_friday_before(date(year, 12, 31)), _NEW_YEARS_EVE),
    ]
    return sorted(
        (Closure(day, name_fr, name_en, source) for day, (name_fr, name_en) in days),
        key=lambda closure: closure.day,
    )


def _sunday_to_monday(day: date) -> date:
    return day + timedelta(days=1) if day.weekday() == _SUN else day


def _statutory_closures(year: int) -> list[Closure]:
    source = ClosureSource.STATUTORY
    days = [
        (date(year, 1, 1), _NEW_YEAR),
        (easter_sunday(year) - timedelta(days=2), _GOOD_FRIDAY),
        (_monday_before_25_may(year), _PATRIOTS),
        (_sunday_to_monday(date(year, 6, 24)), _FETE_NATIONALE),
        (_sunday_to_monday(date(year, 7, 1)), _CANADA_DAY),
        (_nth_monday(year, 9, 1), _LABOUR_DAY),
        (_nth_monday(year, 10, 2), _THANKSGIVING),
        (date(year, 12, 25), _CHRISTMAS),
    ]
    return [Closure(day, name_fr, name_en, source) for day, (name_fr, name_en) in days]


_BASE_BUILDERS = {
    PUBLIC_SERVICE_BASE: _public_service_closures,
    STATUTORY_BASE: _statutory_closures,
}


def base_closures(base: str, year: int) -> list[Closure]:
    """Return the computed default closure days of `base` for `year`, in date order."""
    try:
        builder = _BASE_BUILDERS[base]
    except KeyError:
        raise UnknownCalendarBase(base) from None
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValueError(f"year {year} is outside {_MIN_YEAR}-{_MAX_YEAR}")
    return list(_built(builder, year))


@cache
def _built(builder, year: int) -> tuple[Closure, ...]:
    # The same year of a base is the same days every time: worked out once per process (every
    # calendar built, a closure change's preview among them, reads a century of years).
    return tuple(builder(year))


class _Tables:
    """Precomputed business-day tables over the calendar's range."""

    __slots__ = ("business", "business_days", "closure_days", "closure_ords", "ranks")

    def __init__(
        self,
        *,
        first_ord: int,
        last_ord: int,
        closed: set[int],
        weekday_closures: list[Closure],
    ) -> None:
        ranks: list[int] = []
        business = bytearray()
        business_days: list[date] = []
        count = 0
        weekday = date.fromordinal(first_ord).weekday()
        for ordinal in range(first_ord, last_ord + 1):
            if weekday < _SAT and ordinal not in closed:
                count += 1
                business.append(1)
                business_days.append(date.fromordinal(ordinal))
            else:
                business.append(0)
            ranks.append(count)
            weekday = weekday + 1 if weekday < _SUN else 0
        # ranks[i]: business days up to and including day i (i = ordinal - first_ord).
        self.ranks = ranks
        # business[i]: 1 when day i is a business day.
        self.business = business
        # business_days[k]: the business day whose rank is k + 1.
        self.business_days = business_days
        self.closure_ords = [closure.day.toordinal() for closure in weekday_closures]
        self.closure_days = weekday_closures


class BusinessCalendar:
    """Business days of a Quebec public body: a base calendar plus configured closures."""

    def __init__(
        self,
        *,
        base: str = PUBLIC_SERVICE_BASE,
        added: Iterable[Closure] = (),
        removed: Iterable[date] = (),
        first_year: int = 2000,
        last_year: int = 2100,
    ) -> None:
        """Validate the configuration; the tables are built on first use."""
        if base not in _BASE_BUILDERS:
            raise UnknownCalendarBase(base)
        if not (
            isinstance(first_year, int)
            and isinstance(last_year, int)
            and _MIN_YEAR <= first_year <= last_year <= _MAX_YEAR
        ):
            raise ValueError(
                f"calendar years must satisfy {_MIN_YEAR} <= first_year <= last_year <= "
                f"{_MAX_YEAR}, got first_year={first_year!r}, last_year={last_year!r}"
            )
        self._base = base
        self._first_year = first_year
        self._last_year = last_year
        self._first_ord = date(first_year, 1, 1).toordinal()
        self._last_ord = date(last_year, 12, 31).toordinal()

        added_by_day: dict[date, Closure] = {}
        for closure in added:
            if not isinstance(closure, Closure):
                raise TypeError(f"added closures must be Closure, not {type(closure).__name__}")
            self._check_range(closure.day)
            if closure.day in added_by_day:
                raise ValueError(f"two added closures on {closure.day.isoformat()}")
            added_by_day[closure.day] = closure
        self._added = added_by_day

        removed_days: set[date] = set()
        for day in removed:
            self._check_range(day)
            if day not in added_by_day and all(
                closure.day != day for closure in base_closures(base, day.year)
            ):
                raise ValueError(
                    f"cannot remove {day.isoformat()}: it is not a closure day of the "
                    f"{base!r} calendar nor an added closure"
                )
            removed_days.add(day)
        self._removed = frozenset(removed_days)

        self._by_year: dict[int, tuple[Closure, ...]] | None = None
        self._by_day: dict[date, Closure] | None = None
        self._tables: _Tables | None = None
        # (first ordinal, ranks, business days): read directly by workflows.deadlines.due_date.
        self._fast: tuple[int, list[int], list[date]] | None = None
        self._version: str | None = None

    # -- configuration ------------------------------------------------------------------

    @property
    def base(self) -> str:
        """Return the base calendar name."""
        return self._base

    @property
    def first_year(self) -> int:
        """Return the first year covered."""
        return self._first_year

    @property
    def last_year(self) -> int:
        """Return the last year covered."""
        return self._last_year

    @property
    def added(self) -> tuple[Closure, ...]:
        """Return the configured added closures, in date order."""
        return tuple(sorted(self._added.values(), key=lambda closure: closure.day))

    @property
    def removed(self) -> tuple[date, ...]:
        """Return the configured removed days, in date order."""
        return tuple(sorted(self._removed))

    @property
    def version(self) -> str:
        """Return a short hash of the base name and every effective closure in range."""
        if self._version is None:
            digest = hashlib.sha256(self._base.encode())
            for year_closures in self._closures_by_year().values():
                for closure in year_closures:
                    digest.update(
                        f"\n{closure.day.isoformat()}|{closure.name_fr}|{closure.name_en}|{closure.source.value}".encode()
                    )
            self._version = digest.hexdigest()[:12]
        return self._version

    def __repr__(self) -> str:
        return (
            f"BusinessCalendar(base={self._base!r}, added={len(self._added)}, "
            f"removed={len(self._removed)}, years={self._first_year}-{self._last_year})"
        )

    # -- closures -----------------------------------------------------------------------

    def closures(self, year: int) -> list[Closure]:
        """Return the effective closures of `year` (base + added - removed), in date order."""
        if not self._first_year <= year <= self._last_year:
            raise ValueError(
                f"year {year} is outside the calendar's range {self._first_year}-{self._last_year}"
            )
        return list(self._closures_by_year()[year])

    def closure_on(self, day: date) -> Closure | None:
        """Return the closure on `day`, or None."""
        self._check_range(day)
        if self._by_day is None:
            self._closures_by_year()
        assert self._by_day is not None
        return self._by_day.get(day)

    def closures_between(self, start: date, end: date) -> list[Closure]:
        """Return the weekday closures with start < day <= end, in date order."""
        tables = self._tables or self._build_tables()
        start_ord = self._index(start) + self._first_ord
        end_ord = self._index(end) + self._first_ord
        if end_ord <= start_ord:
            return []
        lo = bisect_right(tables.closure_ords, start_ord)
        hi = bisect_right(tables.closure_ords, end_ord)
        return tables.closure_days[lo:hi]

    # -- business days ------------------------------------------------------------------

    def is_business_day(self, day: date) -> bool:
        """Return True when `day` is Monday to Friday and not a closure."""
        tables = self._tables or self._build_tables()
        return bool(tables.business[self._index(day)])

    def next_business_day(self, day: date) -> date:
        """Return the first business day strictly after `day`."""
        tables = self._tables or self._build_tables()
        return self._business_day_at(tables, tables.ranks[self._index(day)], day)

    def roll_forward(self, day: date) -> date:
        """Return `day` if it is a business day, else the next business day."""
        tables = self._tables or self._build_tables()
        i = self._index(day)
        return self._business_day_at(tables, tables.ranks[i] - tables.business[i], day)

    def roll_backward(self, day: date) -> date:
        """Return `day` if it is a business day, else the previous business day."""
        tables = self._tables or self._build_tables()
        return self._business_day_at(tables, tables.ranks[self._index(day)] - 1, day)

    def add_business_days(self, day: date, n: int) -> date:
        """Return the n-th business day after `day` (day 0, not counted); n=0 rolls forward."""
        _check_count(n)
        tables = self._tables or self._build_tables()
        i = self._index(day)
        if n == 0:
            return self._business_day_at(tables, tables.ranks[i] - tables.business[i], day)
        return self._business_day_at(tables, tables.ranks[i] + n - 1, day)

    def subtract_business_days(self, day: date, n: int) -> date:
        """Return the n-th business day before `day`; n=0 rolls backward."""
        _check_count(n)
        tables = self._tables or self._build_tables()
        i = self._index(day)
        if n == 0:
            return self._business_day_at(tables, tables.ranks[i] - 1, day)
        return self._business_day_at(tables, tables.ranks[i] - tables.business[i] - n, day)

    def business_days_between(self, start: date, end: date) -> int:
        """Return the number of business days d with start < d <= end (negative if end < start)."""
        tables = self._tables or self._build_tables()
        return tables.ranks[self._index(end)] - tables.ranks[self._index(start)]

    def add_calendar_days(self, day: date, n: int) -> date:
        """Return `day` + n calendar days, rolled forward to a business day."""
        _check_count(n)
        tables = self._tables or self._build_tables()
        i = self._index(day) + n
        if i >= len(tables.ranks):
            raise self._past_range(day, n, "calendar")
        return self._business_day_at(tables, tables.ranks[i] - tables.business[i], day)

    # -- fast paths for workflows.deadlines (n is validated by Delay) ---------------------

    def _fast_tables(self) -> tuple[int, list[int], list[date]]:
        """Return (first ordinal, ranks, business days) for inlined hot paths."""
        if self._fast is None:
            self._build_tables()
        assert self._fast is not None
        return self._fast

    def _add_business_days_many(self, ordinals: Sequence[int], n: int) -> list[date]:
        """Return add_business_days for many day ordinals at once (n >= 0)."""
        tables = self._tables or self._build_tables()
        if not ordinals:
            return []
        self._check_ordinal_span(ordinals)
        first_ord = self._first_ord
        ranks = tables.ranks
        days = tables.business_days
        try:
            if n == 0:
                business = tables.business
                return [days[ranks[o - first_ord] - business[o - first_ord]] for o in ordinals]
            k = n - 1
            return [days[ranks[o - first_ord] + k] for o in ordinals]
        except IndexError:
            raise self._past_range(date.fromordinal(max(ordinals)), n, "business") from None

    def _add_calendar_days_many(self, ordinals: Sequence[int], n: int) -> list[date]:
        """Return add_calendar_days for many day ordinals at once (n >= 0)."""
        if not ordinals:
            return []
        self._check_ordinal_span(ordinals)
        return [self.add_calendar_days(date.fromordinal(o), n) for o in ordinals]

    # -- internals ----------------------------------------------------------------------

    def _closures_by_year(self) -> dict[int, tuple[Closure, ...]]:
        if self._by_year is None:
            by_year: dict[int, tuple[Closure, ...]] = {}
            by_day: dict[date, Closure] = {}
            added_by_year: dict[int, list[Closure]] = {}
            for closure in self._added.values():
                added_by_year.setdefault(closure.day.year, []).append(closure)
            removed = self._removed
            for year in range(self._first_year, self._last_year + 1):
                effective = {closure.day: closure for closure in base_closures(self._base, year)}
                # An official yearly notice always wins over the computed default.
                for closure in added_by_year.get(year, ()):
                    effective[closure.day] = closure
                for day in removed:
                    if day.year == year:
                        effective.pop(day, None)
                ordered = tuple(effective[day] for day in sorted(effective))
                by_year[year] = ordered
                by_day.update(effective)
            self._by_day = by_day
            self._by_year = by_year
        return self._by_year

    def _build_tables(self) -> _Tables:
        by_year = self._closures_by_year()
        weekday_closures = [
            closure
            for closures in by_year.values()
            for closure in closures
            if closure.day.weekday() < _SAT
        ]
        tables = _Tables(
            first_ord=self._first_ord,
            last_ord=self._last_ord,
            closed={closure.day.toordinal() for closure in weekday_closures},
            weekday_closures=weekday_closures,
        )
        self._tables = tables
        self._fast = (self._first_ord, tables.ranks, tables.business_days)
        return tables

    def _check_range(self, day: date) -> None:
        if isinstance(day, datetime) or not isinstance(day, date):
            raise TypeError(f"expected a date, not {type(day).__name__}: {day!r}")
        if not self._first_ord <= day.toordinal() <= self._last_ord:
            raise self._out_of_range(day)

    def _index(self, day: date) -> int:
        if type(day) is date:  # the common case, checked without the general test
            index = day.toordinal() - self._first_ord
            if 0 <= index <= self._last_ord - self._first_ord:
                return index
        self._check_range(day)
        return day.toordinal() - self._first_ord

    def _check_ordinal_span(self, ordinals: Sequence[int]) -> None:
        for ordinal in (min(ordinals), max(ordinals)):
            if not self._first_ord <= ordinal <= self._last_ord:
                raise self._out_of_range(date.fromordinal(ordinal))

    def _business_day_at(self, tables: _Tables, k: int, day: date) -> date:
        if k < 0:
            raise ValueError(
                f"counting back from {day.isoformat()} goes before the calendar's first year "
                f"{self._first_year}"
            )
        if k >= len(tables.business_days):
            raise ValueError(
                f"counting from {day.isoformat()} goes past the calendar's last year "
                f"{self._last_year}"
            )
        return tables.business_days[k]

    def _out_of_range(self, day: date) -> ValueError:
        return ValueError(
            f"{day.isoformat()} is outside the calendar's range "
            f"{self._first_year}-01-01..{self._last_year}-12-31"
        )

    def _past_range(self, day: date, n: int, unit: str) -> ValueError:
        return ValueError(
            f"adding {n} {unit} days to {day.isoformat()} goes past the calendar's last year "
            f"{self._last_year}"
        )


def _check_count(n: int) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise ValueError(f"the number of days must be an integer >= 0, got {n!r}")
