"""Holds, anonymization permits and the register of confidentiality incidents.

Loi sur les archives (RLRQ c. A-21.1), art. 7, and Loi sur l'accès (RLRQ c. A-2.1), art. 73: the
retention schedule's final action (workflows/retention.py) is not applied to a case under a hold.
A-2.1, arts. 63.8 to 63.11: a public body keeps a register of confidentiality incidents, with the
information concerned, the circumstances, the number of people, the assessment of the risk of
serious injury, the measures taken and the dates the Commission d'accès à l'information and the
people concerned were notified.
"""

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Integer, Text
from sqlmodel import Field, SQLModel

from casework.models.base import metadata  # noqa: F401  (the naming convention, set first)
from casework.models.types import UTCDateTime


class CaseHold(SQLModel, table=True):
    """A legal or access-request hold on a case, set by an officer with a reason."""

    __tablename__ = "case_holds"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    reason_kind: str = Field(max_length=16)  # workflows.retention.HoldReason: legal, access_request
    reason: str = Field(sa_column=Column(Text, nullable=False))
    set_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    set_by: str = Field(max_length=120)
    lifted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    lifted_by: str | None = Field(default=None, max_length=120)


class AnonymizationPermit(SQLModel, table=True):
    """While a row names a case, inside the unit of work that anonymizes it, the database lets
    that case's audit trail be rewritten; the same unit of work deletes the row before it commits,
    so that the trail stays append-only for every other writer (migration 0013)."""

    __tablename__ = "anonymization_permits"

    case_id: int = Field(primary_key=True)


class Disposition(SQLModel, table=True):
    """The final action of the schedule applied to a case: what the destruction certificate
    lists."""

    __tablename__ = "dispositions"

    case_id: int = Field(
        sa_column=Column(Integer, ForeignKey("cases.id", ondelete="RESTRICT"), primary_key=True)
    )
    action: str = Field(max_length=12)  # workflows.retention.FinalAction
    rule: str = Field(max_length=40)
    planned_on: date
    applied_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    confirmed_by: str = Field(max_length=120)


class Incident(SQLModel, table=True):
    """One confidentiality incident (A-2.1, art. 63.11)."""

    __tablename__ = "incidents"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    information: str = Field(sa_column=Column(Text, nullable=False))
    circumstances: str = Field(sa_column=Column(Text, nullable=False))
    occurred_on: date
    known_on: date
    people_count: int = 0
    serious_injury_risk: str = Field(max_length=8)  # low, moderate, high
    risk_assessment: str = Field(default="", sa_column=Column(Text, nullable=False))
    measures: str = Field(default="", sa_column=Column(Text, nullable=False))
    cai_notified_on: date | None = None
    people_notified_on: date | None = None
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    created_by: str = Field(max_length=120)
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class IncidentCase(SQLModel, table=True):
    """A case concerned by an incident."""

    __tablename__ = "incident_cases"

    incident_id: int = Field(
        sa_column=Column(Integer, ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    )
    case_id: int = Field(
        sa_column=Column(Integer, ForeignKey("cases.id", ondelete="RESTRICT"), primary_key=True)
    )
