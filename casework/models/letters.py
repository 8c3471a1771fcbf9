"""Letters to the requester, kept exactly as they were sent.

DESIGN §2.7: "Every step that the person must hear about produces a letter in their language
[...]. A letter is stored exactly as sent (PDF bytes and their hash) and sent by email through the
outbox, or listed for printing and mailing." A letter row is written once, in the unit of work of
the transition that causes it; afterwards only its mailing (date and who) is recorded. Re-opening
it shows these bytes, never a new rendering with today's data.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, Integer, LargeBinary, Text
from sqlmodel import Field, SQLModel

from casework.models.types import UTCDateTime


class LetterKind(StrEnum):
    ACKNOWLEDGMENT = "acknowledgment"
    INFORMATION_REQUEST = "information_request"
    EXTENSION_NOTICE = "extension_notice"
    ANSWER = "answer"
    CLOSING = "closing"
    SURVEY_INVITATION = "survey_invitation"  # the link to the satisfaction survey, printed


class LetterChannel(StrEnum):
    EMAIL = "email"  # sent through the outbox with the PDF attached
    MAIL = "mail"  # printed and mailed by an officer ("Lettres à poster")


class Letter(SQLModel, table=True):
    """One letter to the requester of a case, as sent."""

    __tablename__ = "letters"
    # The letters still to mail, oldest first.
    __table_args__ = (Index("ix_letters_channel_mailed_on", "channel", "mailed_on"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("cases.id", ondelete="RESTRICT"), nullable=False, index=True
        )
    )
    kind: str = Field(max_length=24)
    language: str = Field(max_length=2)
    channel: str = Field(max_length=8)
    recipient: str | None = Field(default=None, max_length=320)  # the email address, if emailed
    letter_date: date
    subject: str = Field(sa_column=Column(Text, nullable=False))
    text_body: str = Field(sa_column=Column(Text, nullable=False))
    html_body: str = Field(sa_column=Column(Text, nullable=False))
    pdf: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sha256: str = Field(max_length=64)
    created_by: str = Field(max_length=120)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    mailed_on: date | None = None
    mailed_by: str | None = Field(default=None, max_length=120)
    mailed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
