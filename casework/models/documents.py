"""Documents on cases, and the incoming email messages casework has read.

DESIGN §2.7: "Documents (the scanned letter, attachments) are stored on disk by hash, checked by
content, under the confidentiality rule." The bytes live under `data_dir/documents/` named by
their SHA-256 (casework.storage); a row here says which case holds them, under what name, with
what description, and whether they came from the requester. The same bytes attached twice are
one file on disk and two rows.

Each message read from the mailbox, or given to `casework mail import`, is one row of
`incoming_messages`, keyed by its Message-ID (or the SHA-256 of the raw message when it has none):
the row is inserted in the same transaction as the case or the correspondence it made, so a
message is processed once however many times it is fetched. A message that could not be read is
kept as a row in quarantine, its raw bytes stored like a document.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, Text
from sqlmodel import Field, SQLModel

from casework.models.types import UTCDateTime


class Document(SQLModel, table=True):
    """One file on one case."""

    __tablename__ = "documents"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("cases.id", ondelete="RESTRICT"), nullable=False, index=True
        )
    )
    sha256: str = Field(max_length=64, index=True)
    size: int
    media_type: str = Field(max_length=100)
    filename: str = Field(max_length=255)
    description: str = Field(default="", max_length=500)
    from_requester: bool = False
    # Where it came from: uploaded by staff, or an attachment of an email (its message key).
    source: str = Field(default="upload", max_length=8)
    message_key: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    created_by: str = Field(max_length=120)


class MessageOutcome(StrEnum):
    NEW_CASE = "new_case"  # registered as a new case
    CORRESPONDENCE = "correspondence"  # added to the trail of the case it answers
    IGNORED = "ignored"  # an auto-reply, a bounce, a mailing list
    QUARANTINED = "quarantined"  # could not be read: kept for an officer to look at


class IncomingMessage(SQLModel, table=True):
    """One email message read once."""

    __tablename__ = "incoming_messages"

    id: int | None = Field(default=None, primary_key=True)
    message_key: str = Field(max_length=255, unique=True)
    outcome: str = Field(max_length=16, index=True)
    case_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("cases.id", ondelete="RESTRICT"), nullable=True),
    )
    sender: str = Field(default="", max_length=320)
    subject: str = Field(default="", max_length=300)
    received_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    reason: str | None = Field(default=None, sa_column=Column(Text))
    raw_sha256: str | None = Field(default=None, max_length=64)
    raw_size: int | None = None
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
