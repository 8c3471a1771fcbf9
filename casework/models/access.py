"""API keys and the access log of personal information.

DESIGN §1: "integrations: create cases and read status over the REST API with an API key".
DESIGN §2.5: "Who viewed personal information is logged. The audit trail cannot be edited through
any interface." An API key is stored only as the SHA-256 of the key (the key is a 256-bit random
secret, so a fast hash is enough; passwords, chosen by people, get Argon2id). The access log is
append-only: the database refuses to update or delete its rows (migration 0003).
"""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from casework.models.base import metadata  # noqa: F401  (the naming convention, set first)
from casework.models.types import UTCDateTime


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_keys"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    role: str = Field(max_length=16)
    key_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=16)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    created_by: str = Field(max_length=120)
    last_used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class ApiKeyPublic(SQLModel):
    name: str
    role: str
    prefix: str
    created_at: datetime
    created_by: str
    last_used_at: datetime | None
    revoked_at: datetime | None


class AccessLogEntry(SQLModel, table=True):
    """One look at a case's personal information (its requester): who, when, how, doing what."""

    __tablename__ = "access_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    actor: str = Field(max_length=120)
    user_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )
    api_key_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("api_keys.id"), nullable=True)
    )
    case_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("cases.id", ondelete="RESTRICT"), nullable=False, index=True
        )
    )
    interface: str = Field(max_length=8)
    what: str = Field(max_length=24)


class AccessLogPublic(SQLModel):
    at: datetime
    actor: str
    user_id: int | None
    interface: str
    what: str
