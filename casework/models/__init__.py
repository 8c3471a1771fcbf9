"""The tables. Importing this package registers them on `SQLModel.metadata`."""

from casework.models.access import AccessLogEntry, ApiKey
from casework.models.accountability import (
    CaseClassification,
    CorrectiveMeasure,
    ProtecteurFinding,
    SurveyAnswer,
)
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
from casework.models.feeds import DeadlineFeed
from casework.models.letters import Letter, LetterChannel, LetterKind
from casework.models.notifications import (
    MessageChannel,
    MessageStatus,
    Notification,
    OutboxMessage,
    SchedulerClaim,
)
from casework.models.public import PortalToken, SurveyComment, SurveyInvitation, TokenPurpose
from casework.models.retention import (
    AnonymizationPermit,
    CaseHold,
    Disposition,
    Incident,
    IncidentCase,
)
from casework.models.users import User

__all__ = [
    "AccessLogEntry",
    "AnonymizationPermit",
    "ApiKey",
    "CalendarClosure",
    "Case",
    "CaseClassification",
    "CaseEvent",
    "CaseExtension",
    "CaseHold",
    "CasePause",
    "CorrectiveMeasure",
    "DeadlineFeed",
    "Disposition",
    "Document",
    "Incident",
    "IncidentCase",
    "IncomingMessage",
    "Letter",
    "LetterChannel",
    "LetterKind",
    "MessageChannel",
    "MessageOutcome",
    "MessageStatus",
    "Notification",
    "OutboxMessage",
    "PortalToken",
    "ProtecteurFinding",
    "ReferenceCounter",
    "Requester",
    "SchedulerClaim",
    "SurveyAnswer",
    "SurveyComment",
    "SurveyInvitation",
    "TokenPurpose",
    "User",
    "metadata",
]
