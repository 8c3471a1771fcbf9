"""What every service command needs from the deployment: the engine, the settings, the clock and
the business calendar.

Built once per process by the adapters (web app, CLI, scheduler), never at import time. The
calendar is a loaded value: `casework.services.calendar.refresh` reads the closures decided in
casework and puts it here; reading `ctx.calendar` never opens a session.
"""

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from casework.config import Settings
from casework.db import make_engine
from casework.security.throttle import LoginThrottle, PublicThrottle
from workflows.calendar import (
    BusinessCalendar,
    Closure,
    ClosureChange,
    ClosureSource,
    base_closures,
)
from workflows.deadlines import Delay, KindPolicy


def build_calendar(settings: Settings, changes: Iterable[ClosureChange] = ()) -> BusinessCalendar:
    """Build the business calendar of the configured base and the body's own closures, then
    apply the closure changes decided in casework, in order (the latest about a day wins)."""
    config = settings.calendar
    added = {
        closure.date: Closure(
            day=closure.date,
            name_fr=closure.name_fr,
            name_en=closure.name_en,
            source=ClosureSource.ORGANIZATION,
        )
        for closure in config.closures
    }
    removed = set(config.removed)
    for change in changes:
        if change.action == "add":
            added[change.day] = Closure(
                day=change.day,
                name_fr=change.name_fr,
                name_en=change.name_en,
                source=ClosureSource.ORGANIZATION,
            )
            removed.discard(change.day)
        else:
            added.pop(change.day, None)
            if any(c.day == change.day for c in base_closures(config.base, change.day.year)):
                removed.add(change.day)
    return BusinessCalendar(base=config.base, added=added.values(), removed=removed)


# Calendars built in this process, by configuration and closure changes: a calendar is immutable
# once built and its tables cost about 0.1 s, so every context of the process shares it.
_CALENDARS: dict[tuple[str, tuple[ClosureChange, ...]], BusinessCalendar] = {}
_CALENDARS_KEPT = 16


def shared_calendar(settings: Settings, changes: Iterable[ClosureChange] = ()) -> BusinessCalendar:
    """Return the calendar of these settings and changes, built once per process."""
    key = (settings.calendar.model_dump_json(), tuple(changes))
    calendar = _CALENDARS.get(key)
    if calendar is None:
        if len(_CALENDARS) >= _CALENDARS_KEPT:
            _CALENDARS.clear()
        calendar = _CALENDARS[key] = build_calendar(settings, key[1])
    return calendar


_THROTTLE_LOCK = threading.Lock()


@dataclass
class Actor:
    """Who does something: a user, an API key, or casework itself."""

    label: str
    user_id: int | None = None
    role: str | None = None
    api_key_id: int | None = None

    @classmethod
    def system(cls) -> "Actor":
        return cls(label="system")


@dataclass
class AppContext:
    settings: Settings
    engine: Engine = field(default=None)  # type: ignore[assignment]
    clock: "Clock" = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.engine is None:
            self.engine = make_engine(self.settings.database)
        if self.clock is None:
            self.clock = SystemClock()

    @property
    def calendar(self) -> BusinessCalendar:
        """Return the business calendar loaded by `casework.services.calendar.refresh` (the
        configuration's, with the closures decided in casework); reading it never touches the
        database."""
        loaded = self.__dict__.get("_calendar")
        if loaded is None:
            raise RuntimeError(
                "the business calendar is not loaded: call casework.services.calendar.refresh(ctx)"
            )
        return loaded

    def use_calendar(self, calendar: BusinessCalendar, *, changes=(), checked: float) -> None:
        """Adopt a calendar built from these closure changes, read at `checked` (monotonic)."""
        self.__dict__.update(
            _calendar=calendar, _calendar_changes=tuple(changes), _calendar_checked=checked
        )

    def calendar_state(self) -> tuple[tuple[ClosureChange, ...] | None, float]:
        """Return the closure changes the calendar was built from and when they were read."""
        return self.__dict__.get("_calendar_changes"), self.__dict__.get("_calendar_checked", 0.0)

    def with_clock(self, clock: "Clock") -> "AppContext":
        """Return a context like this one, sharing its calendar, whose time is `clock`'s."""
        other = AppContext(settings=self.settings, engine=self.engine, clock=clock)
        other.__dict__.update(
            {key: value for key, value in self.__dict__.items() if key.startswith("_calendar")}
        )
        return other

    def with_calendar(self, calendar: BusinessCalendar) -> "AppContext":
        """Return a context like this one whose calendar is `calendar` (to recompute deadlines
        with a calendar about to be adopted)."""
        other = AppContext(settings=self.settings, engine=self.engine, clock=self.clock)
        other.use_calendar(calendar, checked=float("inf"))
        return other

    @property
    def login_throttle(self) -> LoginThrottle:
        """Return the counts of failed logins of this process (built on first use)."""
        with _THROTTLE_LOCK:  # two first logins at once must share one count
            throttle = self.__dict__.get("_login_throttle")
            if throttle is None:
                throttle = self.__dict__["_login_throttle"] = LoginThrottle(self.settings.security)
        return throttle

    @property
    def public_throttle(self) -> PublicThrottle:
        """Return the counts of public submissions and wrong links of this process."""
        with _THROTTLE_LOCK:
            throttle = self.__dict__.get("_public_throttle")
            if throttle is None:
                public = self.settings.public
                throttle = self.__dict__["_public_throttle"] = PublicThrottle(
                    self.settings.security,
                    submissions=public.submissions_per_hour,
                    wrong_links=public.wrong_links_per_hour,
                )
        return throttle

    @property
    def tz(self) -> ZoneInfo:
        return self.settings.calendar.zone

    def now(self) -> datetime:
        """Return the current aware time (UTC)."""
        return self.clock.now()

    def today(self) -> date:
        """Return today's date in Montreal."""
        return self.now().astimezone(self.tz).date()

    def policy(self, kind: str) -> KindPolicy:
        """Return the deadline policy of one case kind, from the settings (built once per kind
        and deadline settings: a recomputation asks it for every case)."""
        deadlines = self.settings.deadlines
        built = self.__dict__.setdefault("_policies", {})
        found = built.get(kind)
        if found is None or found[0] is not deadlines:
            config = deadlines.for_kind(kind)
            policy = KindPolicy(
                acknowledgment=Delay(config.acknowledgment.days, config.acknowledgment.unit),
                answer=Delay(config.answer.days, config.answer.unit),
            )
            found = built[kind] = (deadlines, policy)
        return found[1]


class Clock:
    def now(self) -> datetime:  # pragma: no cover - interface
        raise NotImplementedError


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock(Clock):
    """A clock that shows the time it is told (tests, demo data)."""

    current: datetime

    def now(self) -> datetime:
        return self.current
