"""The private calendar feed of each person's deadlines.

Issue 17, item 16: "a private iCalendar feed per person (`/me/deadlines.ics?token=…`) of the
deadlines of their cases [...]; the token can be renewed; no requester data in the feed." A
calendar application cannot sign in, so the address itself is the secret: 256 random bits,
stored only as their SHA-256 (like an API key). Renewing the token replaces the row's hash, and
the old address stops working at once.
"""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from casework.models.base import metadata  # noqa: F401  (the naming convention, set first)
from casework.models.types import UTCDateTime


class DeadlineFeed(SQLModel, table=True):
    __tablename__ = "deadline_feeds"

    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id"), primary_key=True, autoincrement=False)
    )
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
