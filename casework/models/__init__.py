"""The tables. Importing this package registers them on `SQLModel.metadata`."""

from casework.models.base import metadata
from casework.models.cases import (
    Case,
    CaseEvent,
    CaseExtension,
    CasePause,
    ReferenceCounter,
    Requester,
)
from casework.models.users import User

__all__ = [
    "Case",
    "CaseEvent",
    "CaseExtension",
    "CasePause",
    "ReferenceCounter",
    "Requester",
    "User",
    "metadata",
]
