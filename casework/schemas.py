"""What the API and the CLI accept and return (the non-table rungs of the SQLModel ladder:
`CaseBase`, `CaseCreate`, `CaseUpdate`, `CasePublic`). Input is validated here, not by the
table models."""

import re
import unicodedata
from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, EmailStr, Field, field_validator
from pydantic_core import PydanticCustomError

from workflows.accountability import ProtecteurConclusion, Rating, SurveySource
from workflows.case_flow import SPECS, CaseState, Outcome, Trigger, TriggerSpec
from workflows.deadlines import MONTREAL, CaseKind

# A case's reference as typed: letters, digits and dashes (never a control character, which
# PostgreSQL refuses in text).
REFERENCE_PATTERN = r"^[A-Za-z0-9-]+$"
CaseReference = Annotated[str, Field(min_length=1, max_length=40, pattern=REFERENCE_PATTERN)]

MAX_ID = 2**31 - 1  # ids are 32-bit integers on every database


class Channel(StrEnum):
    EMAIL = "email"
    LETTER = "letter"
    PHONE = "phone"
    IN_PERSON = "in_person"
    WEB_FORM = "web_form"


WRITTEN_CHANNELS = frozenset({Channel.EMAIL, Channel.LETTER, Channel.WEB_FORM})


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


PREFIXES: dict[CaseKind, str] = {
    CaseKind.COMPLAINT: "PLT",
    CaseKind.INFORMATION_REQUEST: "REN",
    CaseKind.MEDIA_REQUEST: "MED",
    CaseKind.SUPPLIER_COMPLAINT: "FRN",
    CaseKind.COMMENT: "COM",
}


# Control (a CR too: lines end with LF), format, and lone surrogates (which no database can
# store) are dropped; line and paragraph separators become line ends. Unassigned and private-use
# characters stay: they are text a newer Unicode may know.
DROPPED = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def clean_text(value: str) -> str:
    """Return a text without control or format characters (NUL, escapes, zero-width and
    direction marks), with its lines, tabs and spaces of every kind, trimmed."""
    kept = []
    for ch in value:
        category = unicodedata.category(ch)
        if ch in "\n\t" or category not in DROPPED:
            kept.append(ch)
        elif category in ("Zl", "Zp"):
            kept.append("\n")
    return "".join(kept).strip()


def clean_line(value: str) -> str:
    """Return a text cleaned as `clean_text`, on one line with single spaces."""
    return " ".join(clean_text(value).split())


ISO_DAY = re.compile(r"\s*\d{4}-\d{2}-\d{2}")


def _iso_only(value: object) -> object:
    # Pydantic reads a number (or a string of digits) as seconds since 1970: `received_to=0`
    # would be 1 January 1970. A day is written YYYY-MM-DD, a moment starts with one.
    if isinstance(value, int | float) or (isinstance(value, str) and not ISO_DAY.match(value)):
        raise PydanticCustomError("date_parsing", "not an ISO 8601 date")
    return value


# A day, or a day and time, as the API and the pages accept them: ISO 8601 text (or the Python
# objects themselves), never a number.
Day = Annotated[date, BeforeValidator(_iso_only)]
Moment = Annotated[datetime | date, BeforeValidator(_iso_only)]


def _cleaned_first(clean):
    # Before the type's own checks: a required text left empty by the cleaning is refused as
    # empty, and its length is that of what is stored.
    return BeforeValidator(lambda value: clean(value) if isinstance(value, str) else value)


def search_text(q: str | None) -> str | None:
    """Return the text to search for, without control characters; None when nothing is left
    (PostgreSQL refuses a NUL byte in text, and nobody searches for one)."""
    if q is None:
        return None
    text = "".join(ch for ch in q if ch.isprintable()).strip()
    return text or None


Text = Annotated[str, _cleaned_first(clean_text)]
Line = Annotated[str, _cleaned_first(clean_line)]
# What a required text must hold, as OpenAPI can say it: one character that is neither a space
# nor a control or format character (those are taken out before the length is checked).
VISIBLE = {"pattern": r"[^\s\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]"}
# The years a receipt may fall in: those the business calendar covers.
CALENDAR_YEARS = {"pattern": r"^(20[0-9]{2}|2100)-"}


def as_montreal(value: datetime | date) -> datetime:
    """Read a receipt time: a date or a naive datetime means Montreal local time."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0, 0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=MONTREAL)
    try:
        value.astimezone(MONTREAL)
    except OverflowError:  # 1 January of year 1 in UTC is still year 0 in Montreal
        raise ValueError("date out of range") from None
    return value


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RequesterCreate(_Input):
    name: Line = Field(min_length=1, max_length=200, json_schema_extra=VISIBLE)
    email: EmailStr | None = Field(default=None, max_length=320)
    phone: Line | None = Field(default=None, max_length=40)
    postal_address: Text | None = Field(default=None, max_length=500)
    language: str = Field(default="fr", pattern="^(fr|en)$")
    title: Literal["ms", "mr"] | None = Field(
        default=None, description="Madame (ms) or Monsieur (mr): how letters greet the person."
    )
    by_mail: bool = Field(
        default=False, description="The person asked for letters by mail, not by email."
    )


class RequesterPublic(BaseModel):
    name: str | None
    email: str | None
    phone: str | None
    postal_address: str | None
    language: str
    title: str | None = None
    by_mail: bool | None = None  # withheld (None) with the rest when redacted
    redacted: bool = False


class CaseBase(_Input):
    kind: CaseKind
    channel: Channel
    subject: Line = Field(min_length=1, max_length=300, json_schema_extra=VISIBLE)
    description: Text = Field(default="", max_length=20000)
    priority: Priority = Priority.NORMAL
    facts_known_on: Day | None = None


class CaseCreate(CaseBase):
    received_at: Moment = Field(
        json_schema_extra=CALENDAR_YEARS,
        description="When the request was received: ISO 8601 with an offset; a date or a time "
        "without offset is Montreal local time.",
    )
    requester: RequesterCreate | None = None
    assignee_id: int | None = Field(default=None, ge=1, le=MAX_ID)

    @field_validator("received_at", mode="after")
    @classmethod
    def _aware(cls, value: datetime | date) -> datetime:
        return as_montreal(value)


class CaseUpdate(_Input):
    version: int = Field(ge=1)
    subject: Line | None = Field(default=None, min_length=1, max_length=300)
    priority: Priority | None = None
    assignee_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    unassign: bool = Field(default=False, description="Remove the assignee.")


Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]


class ClassificationIn(_Input):
    """What a case is about: codes of the configured lists (`casework config show`)."""

    service: Code | None = None
    commitment: Code | None = None
    root_cause: Code | None = None
    remedy: Code | None = None


class MeasureIn(_Input):
    description: Text = Field(min_length=1, max_length=5000, json_schema_extra=VISIBLE)
    owner: Line = Field(min_length=1, max_length=200, json_schema_extra=VISIBLE)
    due_on: date


class MeasureDoneIn(_Input):
    done_on: date


def _transition_description() -> str:
    """Say what each trigger reads, from the life cycle's specifications (workflows.case_flow)."""
    lines = [
        "A trigger and what it reads. Which fields each trigger reads (the others are ignored):"
    ]
    for spec in SPECS:
        names = [
            f"{field.name}{' (required)' if field.required else ''}"
            + (f" (from {', '.join(field.only_from)})" if field.only_from else "")
            for field in spec.fields
        ]
        lines.append(f"- {spec.trigger}: {', '.join(names) or 'nothing'}")
    return "\n".join(lines)


class TransitionIn(_Input):
    """A transition: one model for every trigger, whose fields are the union of what the
    triggers read; which of them a trigger reads and requires is its specification
    (workflows.case_flow.SPECS), never this model."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"description": _transition_description()},
    )

    trigger: Trigger
    version: int = Field(ge=1)
    comment: Text | None = Field(default=None, max_length=5000)
    answer_summary: Text | None = Field(default=None, max_length=20000)
    protecteur_file_number: Line | None = Field(default=None, max_length=64)
    escalated_on: Day | None = None
    protecteur_reply_due_on: Day | None = None
    facts_known_on: Day | None = Field(
        default=None,
        description="Escalating: the date the person learned of the facts (Loi sur le Protecteur "
        "du citoyen, art. 19: the one-year warning).",
    )
    outcome: Outcome | None = None
    redirected_to: Text | None = Field(
        default=None,
        max_length=1000,
        description="Closing as redirected: the body the person is referred to, with its contact "
        "details when known (the closing letter gives them).",
    )
    reason: Text | None = Field(default=None, max_length=5000)
    classification: ClassificationIn | None = Field(
        default=None,
        description="What the case is about; a complaint closed on its merits needs it.",
    )
    protecteur_conclusion: ProtecteurConclusion | None = Field(
        default=None,
        description="Closing an escalated case: what the Protecteur du citoyen concluded.",
    )
    protecteur_recommendations: Text | None = Field(default=None, max_length=20000)

    def given(self, spec: TriggerSpec) -> dict[str, Any]:
        """Return the fields the trigger of `spec` reads, by name, as plain values (an enum as
        its code; a field of a group, such as `classification`, read inside it)."""
        values: dict[str, Any] = {}
        for field in spec.fields:
            holder = getattr(self, field.part_of) if field.part_of else self
            value = getattr(holder, field.name) if holder is not None else None
            values[field.name] = value.value if isinstance(value, StrEnum) else value
        return values


class ReplyDateIn(_Input):
    version: int | None = Field(default=None, ge=1)
    reply_due_on: Day


class ExtensionIn(_Input):
    version: int = Field(ge=1)
    days: int = Field(ge=1, le=120)
    reason: Text = Field(min_length=1, max_length=5000, json_schema_extra=VISIBLE)


class NoteIn(_Input):
    text: Text = Field(min_length=1, max_length=20000, json_schema_extra=VISIBLE)


class DeadlineState(BaseModel):
    name: str
    due_on: date
    state: str
    business_days: int


class CasePublic(BaseModel):
    reference: str
    kind: CaseKind
    channel: Channel
    subject: str
    description: str
    priority: Priority
    status: CaseState
    received_at: datetime
    received_on: date = Field(description="The day of receipt in Montreal (day 0).")
    facts_known_on: date | None
    assignee_id: int | None
    requester: RequesterPublic | None
    ack_due_on: date | None
    answer_due_on: date
    protecteur_reply_due_on: date | None
    next_due_on: date | None
    overdue: bool
    deadline: DeadlineState | None
    calendar_version: str
    acknowledged_at: datetime | None
    answered_at: datetime | None
    closed_at: datetime | None
    answer_summary: str | None
    outcome: Outcome | None
    protecteur_file_number: str | None
    escalated_on: date | None
    paused_on: date | None
    version: int
    created_at: datetime
    updated_at: datetime
    allowed_triggers: list[Trigger]
    warnings: list[str] = Field(default_factory=list)


class CaseList(BaseModel):
    items: list[CasePublic]
    total: int = Field(
        description="How many cases match; a text search counts up to 1,000 (see total_capped)."
    )
    total_capped: bool = Field(
        default=False, description="More cases match than `total` says (a text search)."
    )
    limit: int
    offset: int


class EventPublic(BaseModel):
    id: int
    at: datetime
    actor: str
    kind: str
    trigger: str | None
    from_state: str | None
    to_state: str | None
    reason: str | None
    data: dict[str, Any]
    # What the line records, in the client's language (the timeline of the case page).
    label: str = ""


class LetterPublic(BaseModel):
    """A letter to the requester as it was sent (its PDF at `pdf_url`)."""

    id: int
    case_reference: str
    kind: str
    language: str
    channel: str = Field(description="email (sent with the PDF attached) or mail (printed).")
    recipient: str | None = Field(description="The email address it was sent to.")
    letter_date: date
    subject: str
    text: str = Field(description="The letter as plain text, as sent.")
    sha256: str = Field(description="SHA-256 of the PDF bytes, as sent.")
    created_at: datetime
    mailed_on: date | None = Field(description="For a letter to mail: the day it was mailed.")
    pdf_url: str


class ClassificationPublic(BaseModel):
    service: str | None
    commitment: str | None
    root_cause: str | None
    remedy: str | None
    updated_by: str
    updated_at: datetime


class MeasurePublic(BaseModel):
    id: int
    description: str
    owner: str
    due_on: date
    done_on: date | None
    created_by: str
    created_at: datetime


class FindingPublic(BaseModel):
    conclusion: ProtecteurConclusion
    recommendations: str
    recorded_by: str
    recorded_at: datetime


class AboutPublic(BaseModel):
    """What a case is about, its corrective measures, and the Protecteur du citoyen's findings."""

    classification: ClassificationPublic | None
    measures: list[MeasurePublic]
    finding: FindingPublic | None


class SurveyAnswerIn(_Input):
    """One respondent's rating of one aspect of one service (no name, no contact details)."""

    service: Code
    aspect: Code
    rating: Rating
    answered_on: date
    # How an officer took it; answers of casework's own survey page (`citizen_web`) are written
    # only by that page.
    source: Literal[
        SurveySource.SURVEY, SurveySource.PHONE, SurveySource.PAPER, SurveySource.IMPORT
    ] = SurveySource.PHONE
    respondent: Line | None = Field(default=None, max_length=64)
    case_reference: str | None = Field(default=None, max_length=40, pattern=REFERENCE_PATTERN)


class SurveyAnswersIn(_Input):
    answers: list[SurveyAnswerIn] = Field(min_length=1, max_length=5000)


class SurveyImportPublic(BaseModel):
    batch: str
    answers: int


class DossierIn(_Input):
    """What the officer adds to the letters sent: documents and internal notes, one by one."""

    documents: list[Annotated[str, Field(max_length=40)]] = Field(default=[], max_length=500)
    notes: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(default=[], max_length=500)


class AttachmentPublic(BaseModel):
    id: str
    title: str
    dated: datetime
    filename: str


class NotePublic(BaseModel):
    id: int
    at: datetime
    actor: str
    text: str


class DossierContentsPublic(BaseModel):
    letters: list[AttachmentPublic]
    documents: list[AttachmentPublic]
    notes: list[NotePublic]


# -- the citizen's side (casework.services.public) -------------------------------------------


class PreferredChannel(StrEnum):
    """How the person prefers to be reached."""

    EMAIL = "email"
    PHONE = "phone"
    MAIL = "mail"


class PublicRequesterIn(_Input):
    """The person who writes from a public page: a name and at least one way to reach them."""

    name: Line = Field(min_length=1, max_length=200, json_schema_extra=VISIBLE)
    email: EmailStr | None = Field(default=None, max_length=320)
    phone: Line | None = Field(default=None, max_length=40)
    postal_address: Text | None = Field(default=None, max_length=500)
    preferred_channel: PreferredChannel = PreferredChannel.EMAIL


class PublicSubmissionIn(_Input):
    """A complaint, a request for information or a comment sent from a body's own website."""

    kind: CaseKind
    subject: Line = Field(min_length=1, max_length=300, json_schema_extra=VISIBLE)
    description: Text = Field(min_length=1, max_length=20000, json_schema_extra=VISIBLE)
    requester: PublicRequesterIn
    language: Literal["fr", "en"] = "fr"
    service: Code | None = None
    website: str = Field(
        default="",
        max_length=200,
        description="Leave empty: a form whose hidden field `website` is filled is refused "
        "(422) and nothing is written.",
    )


class PublicSubmissionPublic(BaseModel):
    reference: str
    status_url: str
