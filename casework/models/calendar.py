"""Closure days decided in casework itself, on top of the configured calendar.

DESIGN §2.3: "The body's own closures (a decree, an exceptional closure) are configured per year
and can be added or removed; an official yearly notice always wins over the computed default.
When the calendar changes, open deadlines are recomputed and every change is recorded as an
event." Each row is one decision of an administrator about one day: `add` closes it (with its
names), `remove` opens it. The latest decision about a day wins over `config.toml` and over the
computed public-service calendar. The table is append-only, like the audit trail: a decision is
undone by a later one, never edited (migration 0004).
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from casework.models.base import metadata  # noqa: F401  (the naming convention, set first)
from casework.models.types import UTCDateTime


class ClosureAction(StrEnum):
    ADD = "add"
    REMOVE = "remove"


class CalendarClosure(SQLModel, table=True):
    __tablename__ = "calendar_closures"

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    action: str = Field(max_length=8)
    name_fr: str = Field(default="", max_length=200)
    name_en: str = Field(default="", max_length=200)
    created_by: str = Field(max_length=120)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
