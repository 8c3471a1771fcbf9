"""The tables. Importing this package registers them on `SQLModel.metadata`."""

from casework.models.access import AccessLogEntry, ApiKey
from casework.models.base import metadata
from casework.models.calendar import CalendarClosure
from casework.models.cases import (
    Case,
    CaseEvent,
    CaseExtension,
    CasePause,
    ReferenceCounter,
    Requester,
)
from casework.models.documents import Document, IncomingMessage, MessageOutcome
from casework.models.notifications import (
    MessageChannel,
    MessageStatus,
    Notification,
    OutboxMessage,
    SchedulerClaim,
)
from casework.models.users import User

__all__ = [
    "AccessLogEntry",
    "ApiKey",
    "CalendarClosure",
    "Case",
    "CaseEvent",
    "CaseExtension",
    "CasePause",
    "Document",
    "IncomingMessage",
    "MessageChannel",
    "MessageOutcome",
    "MessageStatus",
    "Notification",
    "OutboxMessage",
    "ReferenceCounter",
    "Requester",
    "SchedulerClaim",
    "User",
    "metadata",
]
