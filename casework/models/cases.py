"""Cases, their requester, their events and the reference counters.

DESIGN §2.1: "Reference numbers are human-readable, unique and never reused: `PLT-2026-00042`
(kind prefix, the year of receipt in Quebec local time, a per-kind per-year sequence)."
DESIGN §2.2: "Every transition, assignment, note and deadline change is an event in an
append-only audit trail with actor, time, from/to state and reason."
DESIGN §2.5: the requester's identity is personal information, kept apart from the case.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, Text
from sqlmodel import Field, SQLModel

from casework.models.types import UTCDateTime


def _case_id_column(ondelete: str) -> Column:
    return Column(Integer, ForeignKey("cases.id", ondelete=ondelete), nullable=False, index=True)


class Requester(SQLModel, table=True):
    """The person who wrote, called or came in: personal information."""

    __tablename__ = "requesters"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=40, index=True)
    postal_address: str | None = Field(default=None, max_length=500)
    language: str = Field(default="fr", max_length=2)
    # How letters begin: « Madame, » / « Monsieur, » when known, else the full name.
    title: str | None = Field(default=None, max_length=8)
    # The person asked for letters by mail even though they gave an email address.
    by_mail: bool = False
    # How the person prefers to be reached (email, phone, mail), when they said so (public form).
    preferred_channel: str | None = Field(default=None, max_length=8)


class Case(SQLModel, table=True):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_received_at_id", "received_at", "id"),
        # The dashboard's grouped counts of open cases (by assignee, by age) read only these
        # (and, on PostgreSQL, the partial index of the open cases of migration 0016).
        Index("ix_cases_status_assignee_id_next_due_on", "status", "assignee_id", "next_due_on"),
        Index("ix_cases_status_received_at", "status", "received_at"),
        # The on-time rates count the deadlines due in a period by outcome from these alone.
        Index("ix_cases_ack_due_on_ack_outcome", "ack_due_on", "ack_outcome"),
        Index("ix_cases_answer_counted_on_answer_outcome", "answer_counted_on", "answer_outcome"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=20, unique=True)
    kind: str = Field(max_length=32, index=True)
    channel: str = Field(max_length=16)
    subject: str = Field(max_length=300)
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    priority: str = Field(default="normal", max_length=8)
    status: str = Field(max_length=24, index=True)
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    requester_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("requesters.id", ondelete="RESTRICT"), nullable=True, index=True
        ),
    )
    assignee_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id"), nullable=True, index=True),
    )
    facts_known_on: date | None = None
    # How many distinct people were ever assigned to the case (the declaration's "fewest possible
    # people"), written only from workflows.accountability.people_who_handled wherever an
    # assignment happens, so that the report counts it in SQL instead of reading the trail.
    handlers: int = Field(default=0, sa_column_kwargs={"server_default": "0"})

    ack_due_on: date | None = None
    answer_due_on: date
    # The earliest deadline whose clock runs now (derived by workflows.case_clock on every change,
    # kept as a column so that overdue and at-risk lists are one indexed range scan).
    next_due_on: date | None = Field(default=None, index=True)
    next_deadline: str | None = Field(default=None, max_length=24)
    calendar_version: str = Field(max_length=32)
    # What the clock (workflows.case_clock) says of each deadline, written only from it so that
    # the rates and lists count in SQL: when the acknowledgment and the current answer were met,
    # and what the acknowledgment and the FIRST answer count as (on_time, late, not_applicable;
    # NULL while owed), judged against answer_counted_on (the date missed after a late extension).
    ack_met_on: date | None = None
    ack_outcome: str | None = Field(default=None, max_length=16)
    answer_met_on: date | None = None
    answer_outcome: str | None = Field(default=None, max_length=16)
    answer_counted_on: date | None = None
    paused_on: date | None = None
    paused_business_days: int = 0

    acknowledged_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    answered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), index=True))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    answer_summary: str | None = Field(default=None, sa_column=Column(Text))
    outcome: str | None = Field(default=None, max_length=24)

    protecteur_file_number: str | None = Field(default=None, max_length=64)
    escalated_on: date | None = Field(default=None, index=True)
    protecteur_reply_due_on: date | None = None

    version: int = 1
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CasePause(SQLModel, table=True):
    """A time the clock stood still, awaiting information from the requester."""

    __tablename__ = "case_pauses"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    start: date
    end: date | None = None


class CaseExtension(SQLModel, table=True):
    """An extension of the answer delay, with its reason (the requester is told)."""

    __tablename__ = "case_extensions"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    days: int
    unit: str = Field(default="business", max_length=8)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CaseEvent(SQLModel, table=True):
    """One line of the append-only audit trail."""

    __tablename__ = "case_events"
    # The annual report reads the assignments of a year's cases (the fewest people) from it.
    __table_args__ = (Index("ix_case_events_kind_case_id", "kind", "case_id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("cases.id", ondelete="RESTRICT"), nullable=False, index=True
        )
    )
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    actor: str = Field(max_length=120)
    kind: str = Field(max_length=24)
    trigger: str | None = Field(default=None, max_length=32)
    from_state: str | None = Field(default=None, max_length=24)
    to_state: str | None = Field(default=None, max_length=24)
    reason: str | None = Field(default=None, sa_column=Column(Text))
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ReferenceCounter(SQLModel, table=True):
    """The last sequence number given, per case kind and year of receipt."""

    __tablename__ = "reference_counters"

    kind: str = Field(primary_key=True, max_length=32)
    year: int = Field(primary_key=True)
    last: int = 0
