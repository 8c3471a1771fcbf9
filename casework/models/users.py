"""Staff accounts (DESIGN §1: agent, officer, supervisor, administrator).

DESIGN §2.5 and docs/security.md: passwords are kept only as Argon2id hashes; repeated failed
logins lock an account for a while; `session_generation` changes when every open session of the
account must end (logout, new password, disabled account).
"""

import re
from datetime import datetime
from enum import StrEnum

from pydantic import field_validator
from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from casework.models.types import UTCDateTime
from casework.schemas import clean_line

USERNAME_PATTERN = r"[a-z0-9][a-z0-9._-]{0,63}"


class Role(StrEnum):
    AGENT = "agent"
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class UserBase(SQLModel):
    username: str = Field(min_length=1, max_length=64)
    full_name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    role: Role = Role.AGENT
    language: str = Field(default="fr", max_length=2)


class User(UserBase, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    role: str = Field(max_length=16, index=True)
    is_active: bool = True
    password_hash: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    failed_logins: int = 0
    # No longer set: failed logins slow down the address that makes them, never the account
    # (casework.security.throttle). The column stays until a migration drops it.
    locked_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    last_login_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    session_generation: int = 0


class UserCreate(UserBase):
    password: str = Field(min_length=1, max_length=1024, repr=False)

    @field_validator("username")
    @classmethod
    def _login_name(cls, value: str) -> str:
        if not re.fullmatch(USERNAME_PATTERN, value):
            raise ValueError("not a login name")
        return value

    @field_validator("full_name", mode="before")
    @classmethod
    def _cleaned_name(cls, value: object) -> object:
        # Cleaned before the length check: a name of invisible characters is an empty name.
        return clean_line(value) if isinstance(value, str) else value


class UserPublic(UserBase):
    id: int
    is_active: bool
