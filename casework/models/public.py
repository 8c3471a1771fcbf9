"""The citizen's side: the private links of the status page and the survey, the survey's
invitations and its free comments.

Issue 15: "The link carries a random token of at least 128 bits stored only as a hash; it expires
with the case's retention". A token row keeps the SHA-256 of the token, never the token itself.
A survey token is used once: `used_at` is set by the answer, and a second use shows the thanks
page. The survey's comments, like its ratings (SurveyAnswer), name at most the case they follow.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, Text
from sqlmodel import Field, SQLModel

from casework.models.types import UTCDateTime


class TokenPurpose(StrEnum):
    STATUS = "status"  # the status page of one case
    SURVEY = "survey"  # the satisfaction survey of one closed case


class PortalToken(SQLModel, table=True):
    """A private link to one case's status page or survey (the token's SHA-256 only)."""

    __tablename__ = "portal_tokens"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    purpose: str = Field(max_length=16)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class SurveyInvitation(SQLModel, table=True):
    """The survey invitation of one closed case: written once (its row claims it), reminded at
    most once."""

    __tablename__ = "survey_invitations"

    case_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    channel: str = Field(max_length=8)  # email, or mail (a letter with the link printed)
    sent_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    reminded_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )


class SurveyComment(SQLModel, table=True):
    """A respondent's free comment (no identity), and the case an officer made of it."""

    __tablename__ = "survey_comments"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("cases.id", ondelete="SET NULL"), nullable=True, index=True
        ),
    )
    kind: str | None = Field(default=None, max_length=32)
    text: str = Field(sa_column=Column(Text, nullable=False))
    answered_on: date
    source: str = Field(max_length=16)
    new_case_reference: str | None = Field(default=None, max_length=20)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
