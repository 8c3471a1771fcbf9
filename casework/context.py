"""What every service command needs from the deployment: the engine, the settings, the calendar.

Built once per process by the adapters (web app, CLI, scheduler), never at import time.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from casework.config import Settings
from casework.db import make_engine
from workflows.calendar import BusinessCalendar, Closure, ClosureSource
from workflows.deadlines import Delay, KindPolicy


def build_calendar(settings: Settings) -> BusinessCalendar:
    """Build the business calendar of the configured base and the body's own closures."""
    config = settings.calendar
    return BusinessCalendar(
        base=config.base,
        added=[
            Closure(
                day=closure.date,
                name_fr=closure.name_fr,
                name_en=closure.name_en,
                source=ClosureSource.ORGANIZATION,
            )
            for closure in config.closures
        ],
        removed=config.removed,
    )


@dataclass
class Actor:
    """Who does something: a user, an API key, or casework itself."""

    label: str
    user_id: int | None = None
    role: str | None = None

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

    @cached_property
    def calendar(self) -> BusinessCalendar:
        return build_calendar(self.settings)

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
        """Return the deadline policy of one case kind, from the settings."""
        config = self.settings.deadlines.for_kind(kind)
        return KindPolicy(
            acknowledgment=Delay(config.acknowledgment.days, config.acknowledgment.unit),
            answer=Delay(config.answer.days, config.answer.unit),
        )


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
