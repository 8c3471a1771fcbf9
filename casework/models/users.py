"""Staff accounts (DESIGN §1: agent, officer, supervisor, administrator)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from casework.models.types import UTCDateTime


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


class UserPublic(UserBase):
    id: int
    is_active: bool
