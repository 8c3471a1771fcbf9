"""The outbox, the in-app inbox and the scheduler's run claims.

DESIGN §2.4: "Notifications are written to an outbox in the same transaction as the change that
causes them, then delivered (email over SMTP, an in-app inbox); a failed delivery is retried with
back-off and stays visible; nothing is lost when the mail server is down." "A reminder is sent
exactly once per case, deadline and threshold, even when several scheduler processes run or one
crashes halfway."
DESIGN §3: "Each periodic run claims its slot in the database, so two scheduler processes never
do the same work twice."

Exactly once rests on two constraints: `outbox_messages.dedup_key` is unique (a reminder is
inserted with ON CONFLICT DO NOTHING), and `scheduler_claims (job, slot)` is unique (a periodic
run inserts its claim in the same transaction as its work).
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from casework.models.cases import Case
from casework.models.types import UTCDateTime


class MessageStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # claimed by one delivery process
    SENT = "sent"
    FAILED = "failed"  # given up: visible in `casework outbox list --failed`, retried by hand


class MessageChannel(StrEnum):
    EMAIL = "email"  # over SMTP, or to a .eml file when no SMTP server is configured
    INAPP = "inapp"  # the recipient's inbox in casework


class OutboxMessage(SQLModel, table=True):
    """One message to deliver, rendered when it was enqueued."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        # The delivery pass: the pending messages whose next attempt has come, oldest first.
        Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Reminders and digests carry a key; a second insert of the same key does nothing.
    dedup_key: str | None = Field(default=None, max_length=200, unique=True)
    kind: str = Field(max_length=32)  # the template: acknowledgment, reminder, overdue_alert...
    channel: str = Field(max_length=8)
    recipient: str | None = Field(default=None, max_length=320)  # an email address
    user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id"), nullable=True, index=True),
    )
    case_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=True, index=True
        ),
    )
    language: str = Field(default="fr", max_length=2)
    # A letter to the requester travels as the PDF attached to this email.
    letter_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("letters.id", ondelete="RESTRICT"), nullable=True),
    )
    # What the message says: rendered when it is enqueued, or (reminders, enqueued by the
    # thousand) rendered from `context` at its first delivery attempt and kept from then on.
    subject: str | None = Field(default=None, sa_column=Column(Text))
    text_body: str | None = Field(default=None, sa_column=Column(Text))
    html_body: str | None = Field(default=None, sa_column=Column(Text))
    context: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    link: str | None = Field(default=None, max_length=500)
    status: str = Field(default=MessageStatus.PENDING, max_length=12)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    claimed_by: str | None = Field(default=None, max_length=120)
    claimed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class Notification(SQLModel, table=True):
    """One message in a staff member's in-app inbox."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_id_id", "user_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id"), nullable=False))
    case_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=True, index=True
        ),
    )
    # The outbox message it was delivered from: delivering it twice is impossible.
    message_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer,
            ForeignKey("outbox_messages.id", ondelete="SET NULL"),
            nullable=True,
            unique=True,
        ),
    )
    kind: str = Field(max_length=32)
    title: str = Field(sa_column=Column(Text, nullable=False))
    body: str = Field(sa_column=Column(Text, nullable=False))
    link: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    read_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class SchedulerClaim(SQLModel, table=True):
    """A periodic run that took its time slot (job + slot is unique)."""

    __tablename__ = "scheduler_claims"
    __table_args__ = (
        UniqueConstraint("job", "slot"),
        Index("ix_scheduler_claims_job_claimed_at", "job", "claimed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=32)
    slot: str = Field(max_length=64)
    claimed_by: str = Field(max_length=120)
    claimed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


# The reminder sweep reads each deadline of the open cases by a range of due dates: one index per
# deadline, led by the state in which that deadline's clock runs (workflows.case_clock), so that
# the sweep reads what is due and nothing else. Cases changed since the previous sweep are found
# by their update time.
Index("ix_cases_status_ack_due_on", Case.__table__.c.status, Case.__table__.c.ack_due_on)
Index("ix_cases_status_answer_due_on", Case.__table__.c.status, Case.__table__.c.answer_due_on)
Index(
    "ix_cases_status_protecteur_reply_due_on",
    Case.__table__.c.status,
    Case.__table__.c.protecteur_reply_due_on,
)
Index("ix_cases_updated_at", Case.__table__.c.updated_at)
