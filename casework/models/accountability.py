"""What a case is about, what was changed as a result, the survey's answers and the Protecteur du
citoyen's findings.

ISO 10002 and the ombudsmen's complaint standards ask a body to analyse what complaints are about
and what it changed as a result; the service declaration's results come from its survey
(DESIGN §2.6, §2.8). Survey answers are kept apart from the requester's identity: an answer names
at most the case it follows, never the person.
"""

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, Text
from sqlmodel import Field, SQLModel

from casework.models.types import UTCDateTime


def _case_column(*, primary_key: bool = False, nullable: bool = False) -> Column:
    return Column(
        Integer,
        ForeignKey("cases.id", ondelete="SET NULL" if nullable else "CASCADE"),
        primary_key=primary_key,
        nullable=nullable,
        index=not primary_key,
    )


class CaseClassification(SQLModel, table=True):
    """What a case is about: codes of the lists configured under `[accountability]`."""

    __tablename__ = "case_classifications"

    case_id: int = Field(sa_column=_case_column(primary_key=True))
    service: str | None = Field(default=None, max_length=40, index=True)
    commitment: str | None = Field(default=None, max_length=40)
    root_cause: str | None = Field(default=None, max_length=40)
    remedy: str | None = Field(default=None, max_length=40)
    updated_by: str = Field(max_length=120)
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CorrectiveMeasure(SQLModel, table=True):
    """A change the body decided after a case, with who carries it and by when; followed until
    done."""

    __tablename__ = "corrective_measures"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(sa_column=_case_column())
    description: str = Field(sa_column=Column(Text, nullable=False))
    owner: str = Field(max_length=200)
    due_on: date
    done_on: date | None = None
    created_by: str = Field(max_length=120)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class SurveyAnswer(SQLModel, table=True):
    """One respondent's rating of one aspect of one service (no identity: `respondent` is the
    questionnaire's own number within its source)."""

    __tablename__ = "survey_answers"
    __table_args__ = (Index("ix_survey_answers_answered_on_service", "answered_on", "service"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, sa_column=_case_column(nullable=True))
    kind: str | None = Field(default=None, max_length=32)
    service: str = Field(max_length=40)
    aspect: str = Field(max_length=40)
    rating: str = Field(max_length=24)
    answered_on: date
    source: str = Field(max_length=16)
    respondent: str | None = Field(default=None, max_length=64)
    batch: str | None = Field(default=None, max_length=64, index=True)
    created_by: str = Field(max_length=120)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ProtecteurFinding(SQLModel, table=True):
    """What the Protecteur du citoyen concluded on an escalated case, recorded at its close."""

    __tablename__ = "protecteur_findings"

    case_id: int = Field(sa_column=_case_column(primary_key=True))
    conclusion: str = Field(max_length=24)
    recommendations: str = Field(default="", sa_column=Column(Text, nullable=False))
    recorded_by: str = Field(max_length=120)
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
