"""Settings: `config.toml` (or the file named by CASEWORK_CONFIG), overridden by the environment.

DESIGN §3: "Settings come from `config.toml`, overridden by environment variables; they are
validated at start-up, and an invalid value stops the program with a message that names the key."
Environment variables use the `CASEWORK_` prefix and `__` for nesting
(`CASEWORK_DATABASE__URL`, `CASEWORK_CALENDAR__TIMEZONE`).
"""

import os
from datetime import date, time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from workflows.calendar import BASES
from workflows.case_clock import AfterHoursReceipt
from workflows.deadlines import CaseKind, DayUnit
from workflows.retention import FinalAction, RetentionRule

CONFIG_ENV = "CASEWORK_CONFIG"
DEFAULT_CONFIG_FILE = "config.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DatabaseSettings(_Section):
    url: str = "sqlite:///var/casework.db"
    echo: bool = False
    pool_size: int = Field(default=5, ge=1, le=100)
    busy_timeout_ms: int = Field(default=5000, ge=0)

    @field_validator("url")
    @classmethod
    def _must_be_database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(f"not a database URL: {value!r}") from None
        if url.get_backend_name() not in {"sqlite", "postgresql"}:
            raise ValueError(
                f"unsupported database {url.get_backend_name()!r}: use sqlite or postgresql"
            )
        return value


class ServerSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    base_url: str = "http://127.0.0.1:8000"
    workers: int = Field(default=1, ge=1, le=64)
    # The largest request body accepted (bytes), and, on the paths that receive documents, the
    # largest upload; a larger one gets 413 before it is read (docs/deployment.md).
    max_body_bytes: int = Field(default=1_000_000, ge=1024, le=1_000_000_000)
    max_upload_bytes: int = Field(default=80_000_000, ge=1024, le=10_000_000_000)


class LoggingSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


class OfficePeriod(_Section):
    start: time
    end: time

    @model_validator(mode="after")
    def _ends_after_start(self) -> "OfficePeriod":
        if self.end <= self.start:
            raise ValueError(f"ends at {self.end:%H:%M}, before it starts at {self.start:%H:%M}")
        return self


class ClosureSettings(_Section):
    date: date
    name_fr: str = Field(min_length=1)
    name_en: str = Field(min_length=1)


class CalendarSettings(_Section):
    base: str = "quebec-public-service"
    timezone: str = "America/Toronto"
    office_hours: list[OfficePeriod] = Field(
        default_factory=lambda: [
            OfficePeriod(start=time(8, 30), end=time(12, 0)),
            OfficePeriod(start=time(13, 30), end=time(16, 30)),
        ]
    )
    closures: list[ClosureSettings] = Field(default_factory=list)
    removed: list[date] = Field(default_factory=list)

    @field_validator("base")
    @classmethod
    def _known_base(cls, value: str) -> str:
        if value not in BASES:
            raise ValueError(f"unknown calendar {value!r}; choose one of {', '.join(BASES)}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _periods_in_order(self) -> "CalendarSettings":
        for before, after in zip(self.office_hours, self.office_hours[1:], strict=False):
            if after.start < before.end:
                raise ValueError("office_hours periods overlap or are out of order")
        return self

    @model_validator(mode="after")
    def _closures_make_a_calendar(self) -> "CalendarSettings":
        # A removed day that is no closure, or two closures on one day, is a mistake in the
        # yearly notice: say so at start-up rather than when a deadline is computed.
        from workflows.calendar import BusinessCalendar, Closure, ClosureSource

        BusinessCalendar(
            base=self.base,
            added=[
                Closure(c.date, c.name_fr, c.name_en, ClosureSource.ORGANIZATION)
                for c in self.closures
            ],
            removed=self.removed,
        )
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class DelaySettings(_Section):
    days: int = Field(ge=0, le=365)
    unit: DayUnit = DayUnit.BUSINESS


class KindDeadlineSettings(_Section):
    acknowledgment: DelaySettings = DelaySettings(days=10)
    answer: DelaySettings = DelaySettings(days=20)


class DeadlineSettings(_Section):
    complaint: KindDeadlineSettings = KindDeadlineSettings()
    information_request: KindDeadlineSettings = KindDeadlineSettings()
    media_request: KindDeadlineSettings = KindDeadlineSettings()
    supplier_complaint: KindDeadlineSettings = KindDeadlineSettings()
    comment: KindDeadlineSettings = KindDeadlineSettings()
    at_risk_within: int = Field(default=3, ge=0, le=60)
    # Day 0 of a message received after closing time or on a non-business day: that day
    # (same_day) or the next business day (next_business_day); workflows.case_clock applies it.
    after_hours_receipt: AfterHoursReceipt = AfterHoursReceipt.SAME_DAY

    def for_kind(self, kind: CaseKind | str) -> KindDeadlineSettings:
        """Return the deadline policy of one case kind."""
        return getattr(self, CaseKind(kind).value)


class ReminderSettings(_Section):
    thresholds: list[int] = Field(default_factory=lambda: [3, 1])
    on_due_day: bool = True
    overdue_every: int = Field(default=5, ge=1)

    @field_validator("thresholds")
    @classmethod
    def _positive(cls, value: list[int]) -> list[int]:
        if any(n < 1 for n in value):
            raise ValueError("thresholds are business days before the deadline, at least 1")
        return sorted(set(value), reverse=True)


class SmtpSettings(_Section):
    host: str | None = None
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    password: SecretStr | None = None
    from_address: str = "plaintes@example.qc.ca"
    reply_to: str | None = None
    timeout_seconds: float = Field(default=30, gt=0)


DEFAULT_SECRET_KEY = "change-me-in-production"


class SecuritySettings(_Section):
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)
    # Sessions of the web pages: closed after this long without a request, and in any case after
    # session_max_hours from the login.
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    session_max_hours: int = Field(default=10, ge=1, le=7 * 24)
    # Failed logins: each one waits a little. Within lockout_minutes, login_max_failures for one
    # account from one client address refuse that address for that account, and
    # login_address_max_failures from one address refuse it for every account: whoever guesses
    # slows down only themself, never the account's owner elsewhere.
    failed_login_delay_seconds: float = Field(default=1.0, ge=0, le=30)
    login_max_failures: int = Field(default=5, ge=1, le=100)
    login_address_max_failures: int = Field(default=20, ge=1, le=10_000)
    lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)
    # Where the login throttle keeps its counts (a `limits` storage URI): each process's memory
    # by default; a shared store (redis://host:6379) when several processes serve the pages.
    throttle_storage: str = "memory://"
    password_min_length: int = Field(default=12, ge=8, le=128)
    # Argon2id cost (argon2-cffi's RFC 9106 low-memory profile by default).
    argon2_time_cost: int = Field(default=3, ge=1, le=20)
    argon2_memory_kib: int = Field(default=65536, ge=8, le=4 * 1024 * 1024)
    argon2_parallelism: int = Field(default=4, ge=1, le=64)
    # At most this many password checks at once per process (each takes argon2_memory_kib and a
    # core); more logins wait their turn without holding up other requests.
    concurrent_password_checks: int = Field(default=2, ge=1, le=64)

    @field_validator("throttle_storage")
    @classmethod
    def _known_storage(cls, value: str) -> str:
        from limits.storage import SCHEMES

        known = sorted(scheme for scheme in SCHEMES if not scheme.startswith("async+"))
        if value.split(":", 1)[0] not in known:
            raise ValueError(f"unknown storage {value!r}; use one of {', '.join(known)}")
        return value

    @model_validator(mode="after")
    def _enough_memory_for_the_lanes(self) -> "SecuritySettings":
        if self.argon2_memory_kib < 8 * self.argon2_parallelism:
            raise ValueError("argon2_memory_kib must be at least 8 times argon2_parallelism")
        return self


class OrganizationSettings(_Section):
    """Who writes the letters: the letterhead, the contact details and the signatory. The
    defaults are those of the service declaration of the Secrétariat du Conseil du trésor."""

    name: str = Field(default="Secrétariat du Conseil du trésor", min_length=1, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    service: str = Field(default="Bureau des plaintes", min_length=1, max_length=200)
    service_en: str = Field(default="Complaints Office", min_length=1, max_length=200)
    address: str = Field(
        default="875, Grande Allée Est\nQuébec (Québec)  G1R 5R8", min_length=1, max_length=500
    )
    city: str = Field(default="Québec", min_length=1, max_length=100)
    telephone: str = Field(default="418 643-1529", min_length=1, max_length=40)
    toll_free: str | None = Field(default="1 866 552-5158", max_length=40)
    email: str = Field(default="plaintes@example.qc.ca", min_length=3, max_length=320)
    website: str | None = Field(default="www.tresor.gouv.qc.ca", max_length=200)
    signatory_name: str | None = Field(default=None, max_length=200)
    signatory_title: str = Field(default="Responsable des plaintes", min_length=1, max_length=200)
    signatory_title_en: str = Field(default="Complaints Officer", min_length=1, max_length=200)
    # "title": « Madame, » / « Monsieur, » when the requester's title is known, else the full name;
    # "name": always the full name.
    salutation: Literal["title", "name"] = "title"
    logo: Path | None = None
    # A folder of letter templates that replace the shipped ones of the same name.
    templates: Path | None = None

    @field_validator("email")
    @classmethod
    def _is_email(cls, value: str) -> str:
        from email_validator import EmailNotValidError, validate_email

        try:
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise ValueError(f"not an email address: {value!r} ({exc})") from None

    @field_validator("logo")
    @classmethod
    def _logo_is_an_image(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        if value.suffix.lower() not in {".png", ".jpg", ".jpeg", ".svg"}:
            raise ValueError(f"the logo must be a PNG, JPEG or SVG file: {value}")
        if not value.is_file():
            raise ValueError(f"no such logo file: {value}")
        return value.resolve()

    @field_validator("templates")
    @classmethod
    def _templates_folder(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"no such folder of letter templates: {value}")
        return value.resolve() if value is not None else None

    def in_language(self, language: str) -> dict[str, str | None]:
        """Return the identity as one language writes it (name, service, signatory's title)."""
        english = language == "en"
        return {
            "name": (self.name_en or self.name) if english else self.name,
            "service": self.service_en if english else self.service,
            "signatory_title": self.signatory_title_en if english else self.signatory_title,
        }


class Label(_Section):
    """One entry of a configurable list: a stable code and its French and English labels."""

    code: str = Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")
    fr: str = Field(min_length=1, max_length=200)
    en: str = Field(min_length=1, max_length=200)


def _labels(*rows: tuple[str, str, str]) -> list[Label]:
    return [Label(code=code, fr=fr, en=en) for code, fr, en in rows]


# The services the declaration lists (for citizens and businesses, then for public bodies).
DEFAULT_SERVICES = _labels(
    (
        "statistics",
        "Statistiques sur l’effectif de la fonction publique et sur les marchés publics",
        "Statistics on the public service’s workforce and on government procurement",
    ),
    (
        "management_policies",
        "Information sur les politiques et directives de gestion",
        "Information on management policies and directives",
    ),
    ("media", "Demandes des médias", "Media requests"),
    (
        "supplier_complaints",
        "Plaintes des fournisseurs en vertu des accords intergouvernementaux",
        "Supplier complaints under the intergovernmental procurement agreements",
    ),
    (
        "doing_business",
        "Information pour faire affaire avec le gouvernement",
        "Information on doing business with the government",
    ),
    ("support_advice", "Soutien-conseil", "Support and advice"),
    ("reference_documents", "Documents de référence", "Reference documents"),
    ("information_sessions", "Séances d’information", "Information sessions"),
    ("other", "Autre", "Other"),
)
# The commitments of the declaration a complaint can concern.
DEFAULT_COMMITMENTS = _labels(
    ("accessibility", "Accessibilité", "Accessibility"),
    ("courtesy", "Courtoisie", "Courtesy"),
    ("clarity", "Clarté", "Clarity"),
    ("relevance", "Pertinence", "Relevance"),
    ("diligence", "Diligence", "Diligence"),
    ("confidentiality", "Confidentialité", "Confidentiality"),
    ("other", "Autre", "Other"),
)
DEFAULT_ROOT_CAUSES = _labels(
    ("delay", "Délai de traitement", "Processing delay"),
    ("information", "Information incomplète ou erronée", "Incomplete or wrong information"),
    ("conduct", "Attitude du personnel", "Staff conduct"),
    ("rule", "Règle ou procédure inadaptée", "Unsuitable rule or procedure"),
    ("system", "Défaillance d’un système", "System failure"),
    ("communication", "Communication avec la personne", "Communication with the person"),
    ("other", "Autre", "Other"),
)
# The remedies ISO 10002 and the ombudsmen's standards name.
DEFAULT_REMEDIES = _labels(
    ("explanation", "Explication", "Explanation"),
    ("apology", "Excuses", "Apology"),
    ("correction", "Correction", "Correction"),
    ("reconsideration", "Réexamen de la décision", "Reconsideration"),
    ("compensation", "Compensation", "Compensation"),
    ("none", "Aucune", "None"),
)
# The aspects the satisfaction survey measures (DESIGN §2.6).
DEFAULT_ASPECTS = _labels(
    ("access_to_staff", "Accès au personnel", "Access to staff"),
    ("courtesy", "Courtoisie", "Courtesy"),
    ("clarity_of_language", "Clarté du langage", "Clarity of language"),
    ("relevance", "Pertinence", "Relevance"),
    ("response_time", "Délai de réponse", "Response time"),
    ("ease_of_finding", "Facilité de repérage", "Ease of finding"),
    ("clarity_of_content", "Clarté des contenus", "Clarity of content"),
    ("accessibility", "Accessibilité", "Accessibility"),
    ("variety_of_topics", "Variété des aspects abordés", "Variety of topics covered"),
    ("fit_with_challenges", "Adéquation avec les défis", "Fit with the challenges faced"),
)


class DeclarationCommitment(_Section):
    """One measurable commitment of the service declaration: a satisfaction target."""

    service: str
    aspect: str
    target: float = Field(gt=0, le=100)
    wording_fr: str = Field(min_length=1)
    wording_en: str = Field(min_length=1)


def _commitment(service: str, aspect: str, target: int, what_fr: str, what_en: str):
    return DeclarationCommitment(
        service=service,
        aspect=aspect,
        target=target,
        wording_fr=f"Obtenir un taux de satisfaction d’au moins {target}\u00a0% {what_fr}.",
        wording_en=f"Reach a satisfaction rate of at least {target}% {what_en}.",
    )


# DESIGN §2.6, the declaration's table.
DEFAULT_DECLARATION = [
    _commitment(
        "support_advice",
        "access_to_staff",
        90,
        "quant à l’accès au personnel",
        "on access to staff",
    ),
    _commitment(
        "support_advice",
        "courtesy",
        90,
        "quant à la courtoisie du personnel",
        "on the staff’s courtesy",
    ),
    _commitment(
        "support_advice",
        "clarity_of_language",
        90,
        "quant à la clarté du langage",
        "on the clarity of the language",
    ),
    _commitment(
        "support_advice",
        "relevance",
        88,
        "quant à la pertinence du soutien-conseil",
        "on the relevance of the support and advice",
    ),
    _commitment(
        "support_advice", "response_time", 90, "quant au délai de réponse", "on the response time"
    ),
    _commitment(
        "reference_documents",
        "ease_of_finding",
        80,
        "quant à la facilité de repérage des documents de référence",
        "on how easily reference documents are found",
    ),
    _commitment(
        "reference_documents",
        "clarity_of_content",
        90,
        "quant à la clarté des contenus des documents de référence",
        "on the clarity of the reference documents",
    ),
    _commitment(
        "reference_documents",
        "relevance",
        90,
        "quant à la pertinence des documents de référence",
        "on the relevance of the reference documents",
    ),
    _commitment(
        "information_sessions",
        "accessibility",
        87,
        "quant à l’accessibilité des séances d’information",
        "on the accessibility of the information sessions",
    ),
    _commitment(
        "information_sessions",
        "variety_of_topics",
        90,
        "quant à la variété des aspects abordés dans les séances d’information",
        "on the variety of topics covered in the information sessions",
    ),
    _commitment(
        "information_sessions",
        "clarity_of_content",
        90,
        "quant à la clarté du contenu des séances d’information",
        "on the clarity of the information sessions",
    ),
    _commitment(
        "information_sessions",
        "fit_with_challenges",
        90,
        "quant à l’adéquation des séances d’information avec les défis",
        "on how the information sessions fit the challenges faced",
    ),
]


class AccountabilitySettings(_Section):
    """What complaints are about, and the service declaration's commitments and targets."""

    services: list[Label] = Field(default_factory=lambda: list(DEFAULT_SERVICES))
    commitments: list[Label] = Field(default_factory=lambda: list(DEFAULT_COMMITMENTS))
    root_causes: list[Label] = Field(default_factory=lambda: list(DEFAULT_ROOT_CAUSES))
    remedies: list[Label] = Field(default_factory=lambda: list(DEFAULT_REMEDIES))
    aspects: list[Label] = Field(default_factory=lambda: list(DEFAULT_ASPECTS))
    declaration: list[DeclarationCommitment] = Field(
        default_factory=lambda: list(DEFAULT_DECLARATION)
    )
    # Below this many answers a satisfaction rate says too little: "not measurable".
    minimum_answers: int = Field(default=30, ge=1, le=100000)
    # The acknowledgment commitment: every written request within the acknowledgment delay.
    acknowledgment_target: float = Field(default=100, gt=0, le=100)

    @model_validator(mode="after")
    def _known_codes(self) -> "AccountabilitySettings":
        for name in ("services", "commitments", "root_causes", "remedies", "aspects"):
            codes = [label.code for label in getattr(self, name)]
            if len(set(codes)) != len(codes):
                raise ValueError(f"{name}: a code appears twice")
        services = {label.code for label in self.services}
        aspects = {label.code for label in self.aspects}
        for item in self.declaration:
            if item.service not in services:
                raise ValueError(f"declaration: unknown service {item.service!r}")
            if item.aspect not in aspects:
                raise ValueError(f"declaration: unknown aspect {item.aspect!r}")
        return self

    def label(self, list_name: str, code: str | None, language: str) -> str:
        """Return the label of a code of one list in a language (the code itself when unknown)."""
        for item in getattr(self, list_name):
            if item.code == code:
                return item.fr if language == "fr" else item.en
        return code or ""

    def codes(self, list_name: str) -> list[str]:
        """Return the codes of one list, in their configured order."""
        return [item.code for item in getattr(self, list_name)]


class RetentionRuleSettings(_Section):
    """One line of the body's retention schedule (Loi sur les archives, art. 7)."""

    rule: str = Field(min_length=1, max_length=40)
    active_years: int = Field(ge=0, le=100)
    semi_active_years: int = Field(ge=0, le=100)
    action: FinalAction = FinalAction.ANONYMIZE

    def as_rule(self) -> RetentionRule:
        return RetentionRule(
            rule=self.rule,
            active_years=self.active_years,
            semi_active_years=self.semi_active_years,
            action=self.action,
        )


def _schedule(rule: str, active: int, semi_active: int) -> RetentionRuleSettings:
    return RetentionRuleSettings(rule=rule, active_years=active, semi_active_years=semi_active)


class RetentionSettings(_Section):
    """The retention schedule per case kind; `automatic` lets the scheduler apply it unattended."""

    automatic: bool = False
    complaint: RetentionRuleSettings = _schedule("PLAINTES", 2, 5)
    information_request: RetentionRuleSettings = _schedule("RENSEIGNEMENTS", 2, 3)
    media_request: RetentionRuleSettings = _schedule("MEDIAS", 2, 3)
    supplier_complaint: RetentionRuleSettings = _schedule("FOURNISSEURS", 2, 5)
    comment: RetentionRuleSettings = _schedule("COMMENTAIRES", 1, 1)

    def for_kind(self, kind: CaseKind | str) -> RetentionRule:
        """Return the schedule's rule for one case kind."""
        return getattr(self, CaseKind(kind).value).as_rule()


MEGABYTE = 1024 * 1024


class DocumentSettings(_Section):
    # The Protecteur du citoyen's own complaint form takes 10 MB a file and 75 MB in all.
    max_file_mb: int = Field(default=10, ge=1, le=1024)
    max_case_mb: int = Field(default=75, ge=1, le=10 * 1024)

    @model_validator(mode="after")
    def _case_holds_a_file(self) -> "DocumentSettings":
        if self.max_case_mb < self.max_file_mb:
            raise ValueError("max_case_mb must be at least max_file_mb")
        return self

    @property
    def max_file_bytes(self) -> int:
        return self.max_file_mb * MEGABYTE

    @property
    def max_case_bytes(self) -> int:
        return self.max_case_mb * MEGABYTE


class MailSettings(_Section):
    """The mailbox read by `casework mail fetch` (docs/operations.md)."""

    # Without a host, `mail fetch` has nothing to read (and the scheduler does not try).
    imap_host: str | None = None
    imap_port: int = Field(default=993, ge=1, le=65535)
    security: Literal["ssl", "starttls", "none"] = "ssl"
    username: str | None = None
    password: SecretStr | None = None
    # A certificate authority to trust besides the system's (a server with an internal CA).
    ca_file: Path | None = None
    folder: str = "INBOX"
    # Where a processed message goes; without it, it is only marked seen.
    processed_folder: str | None = None
    timeout_seconds: float = Field(default=30, gt=0)
    fetch_every_minutes: int = Field(default=5, ge=1, le=24 * 60)
    # Messages taken in one unit of work: their files flushed to disk together, one commit.
    batch_size: int = Field(default=50, ge=1, le=500)
    # The kind of a new case by the address it was sent to; complaint for any other address.
    kinds: dict[str, CaseKind] = Field(default_factory=dict)
    # Send the acknowledgment of a new email case at once, or leave it to the officer (default).
    auto_acknowledge: bool = False

    @field_validator("kinds")
    @classmethod
    def _addresses_in_lower_case(cls, value: dict[str, CaseKind]) -> dict[str, CaseKind]:
        return {address.strip().lower(): kind for address, kind in value.items()}

    def kind_for(self, addresses: list[str]) -> CaseKind:
        """Return the kind of a new case sent to these addresses."""
        for address in addresses:
            kind = self.kinds.get(address.lower())
            if kind is not None:
                return kind
        return CaseKind.COMPLAINT


PATH_PATTERN = r"^/[a-z0-9][a-z0-9-]*$"


class PublicForm(_Section):
    """One public form: the kind of case it sends and its French and English paths."""

    kind: CaseKind
    path_fr: str = Field(pattern=PATH_PATTERN, max_length=60)
    path_en: str = Field(pattern=PATH_PATTERN, max_length=60)


DEFAULT_PUBLIC_FORMS = [
    PublicForm(kind=CaseKind.COMPLAINT, path_fr="/plainte", path_en="/complaint"),
    PublicForm(kind=CaseKind.INFORMATION_REQUEST, path_fr="/demande", path_en="/request"),
    PublicForm(kind=CaseKind.COMMENT, path_fr="/commentaire", path_en="/comment"),
]
# Paths of the staff's pages and the API: a public page may not take them.
RESERVED_PATHS = frozenset(
    {
        "/api",
        "/login",
        "/logout",
        "/language",
        "/static",
        "/cases",
        "/queue",
        "/mine",
        "/me",
        "/admin",
        "/dashboard",
        "/reports",
        "/records",
        "/incidents",
        "/letters",
        "/mail",
        "/healthz",
        "/docs",
        "/redoc",
        "/openapi.json",
    }
)


class PublicSettings(_Section):
    """The citizen's side (docs/public.md): the forms, their paths and their protections."""

    enabled: bool = True
    forms: list[PublicForm] = Field(default_factory=lambda: list(DEFAULT_PUBLIC_FORMS))
    # The services a person may choose on the form (codes of accountability.services); none: no
    # choice is offered.
    services: list[str] = Field(default_factory=list)
    status_path: str = Field(default="/suivi", pattern=PATH_PATTERN, max_length=60)
    survey_path: str = Field(default="/sondage", pattern=PATH_PATTERN, max_length=60)
    # A form sent sooner than this after it was shown was not filled by a person.
    minimum_fill_seconds: int = Field(default=3, ge=0, le=600)
    # Per client address, in a moving hour: submissions, and wrong links to a status page.
    submissions_per_hour: int = Field(default=5, ge=1, le=10_000)
    wrong_links_per_hour: int = Field(default=10, ge=1, le=10_000)
    # The largest form with its documents; the documents' own limits (documents.*) also apply.
    max_body_mb: int = Field(default=15, ge=1, le=1024)

    @model_validator(mode="after")
    def _paths_distinct(self) -> "PublicSettings":
        paths = [self.status_path, self.survey_path]
        for form in self.forms:
            paths += [form.path_fr, form.path_en]
        if len(set(paths)) != len(paths):
            raise ValueError("a path appears twice")
        for path in paths:
            if path in RESERVED_PATHS:
                raise ValueError(f"the path {path} belongs to casework's own pages")
        kinds = [form.kind for form in self.forms]
        if len(set(kinds)) != len(kinds):
            raise ValueError("a kind has two forms")
        return self

    def form_at(self, path: str) -> tuple[PublicForm, str] | None:
        """Return the form served at a path and the language of that path."""
        for form in self.forms:
            if path == form.path_fr:
                return form, "fr"
            if path == form.path_en:
                return form, "en"
        return None

    def is_public_page(self, path: str) -> bool:
        """Tell whether a path is one of the citizen's pages (a form, a status page, a survey),
        served only while the public side is enabled."""
        if not self.enabled:
            return False
        if self.form_at(path) is not None:
            return True
        return any(path.startswith(prefix + "/") for prefix in (self.status_path, self.survey_path))

    def form_of(self, kind: str) -> PublicForm | None:
        """Return the form of one kind of case, None when it is not offered."""
        return next((form for form in self.forms if form.kind == kind), None)


class SurveySettings(_Section):
    """The satisfaction survey sent after a case is closed (docs/public.md)."""

    kinds: list[CaseKind] = Field(
        default_factory=lambda: [
            CaseKind.COMPLAINT,
            CaseKind.INFORMATION_REQUEST,
            CaseKind.COMMENT,
        ]
    )
    # Business days after the closing before the invitation goes out (in office hours).
    delay_days: int = Field(default=2, ge=0, le=60)
    # Business days after the invitation before the one reminder; 0: no reminder.
    reminder_days: int = Field(default=5, ge=0, le=60)
    # The service the answers count for when the case records none (accountability.services).
    default_service: str = "support_advice"
    # The aspects asked (accountability.aspects), in order.
    aspects: list[str] = Field(
        default_factory=lambda: [
            "access_to_staff",
            "courtesy",
            "clarity_of_language",
            "relevance",
            "response_time",
        ]
    )
    # Cases closed longer ago than this (calendar days) are not surveyed (a late start).
    lookback_days: int = Field(default=30, ge=1, le=366)


class I18nSettings(_Section):
    default_language: Literal["fr", "en"] = "fr"


class CliSettings(_Section):
    # The account the command line acts as when `--as` is not given (docs/command-line.md).
    user: str = ""


class Settings(BaseSettings):
    """The effective configuration of one casework process."""

    model_config = SettingsConfigDict(
        env_prefix="CASEWORK_",
        env_nested_delimiter="__",
        extra="forbid",
        nested_model_default_partial_update=True,
    )

    database: DatabaseSettings = DatabaseSettings()
    server: ServerSettings = ServerSettings()
    logging: LoggingSettings = LoggingSettings()
    calendar: CalendarSettings = CalendarSettings()
    deadlines: DeadlineSettings = DeadlineSettings()
    reminders: ReminderSettings = ReminderSettings()
    smtp: SmtpSettings = SmtpSettings()
    security: SecuritySettings = SecuritySettings()
    i18n: I18nSettings = I18nSettings()
    cli: CliSettings = CliSettings()
    organization: OrganizationSettings = OrganizationSettings()
    accountability: AccountabilitySettings = AccountabilitySettings()
    retention: RetentionSettings = RetentionSettings()
    documents: DocumentSettings = DocumentSettings()
    mail: MailSettings = MailSettings()
    public: PublicSettings = PublicSettings()
    survey: SurveySettings = SurveySettings()
    data_dir: Path = Path("var")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = Path(os.environ.get(CONFIG_ENV, DEFAULT_CONFIG_FILE))
        toml = TomlConfigSettingsSource(settings_cls, toml_file=toml_path, deep_merge=True)
        return (init_settings, env_settings, toml)

    @model_validator(mode="after")
    def _public_codes_known(self) -> "Settings":
        services = set(self.accountability.codes("services"))
        aspects = set(self.accountability.codes("aspects"))
        for code in self.public.services:
            if code not in services:
                raise ValueError(f"public.services: unknown service {code!r}")
        if self.survey.default_service not in services:
            raise ValueError(
                f"survey.default_service: unknown service {self.survey.default_service!r}"
            )
        for code in self.survey.aspects:
            if code not in aspects:
                raise ValueError(f"survey.aspects: unknown aspect {code!r}")
        return self


class ConfigError(Exception):
    """The configuration is invalid; the message names the key and the problem."""


def load_settings(**overrides: Any) -> Settings:
    """Read and validate the settings; raise ConfigError naming the first bad key."""
    path = Path(os.environ.get(CONFIG_ENV, DEFAULT_CONFIG_FILE))
    if CONFIG_ENV in os.environ and not path.is_file():
        raise ConfigError(f"{CONFIG_ENV}: no such configuration file: {path}")
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None
    except ValueError as exc:  # malformed TOML or an unparsable environment value
        raise ConfigError(f"{path}: {exc}") from None


def _describe(exc: ValidationError) -> str:
    error = exc.errors()[0]
    key = ".".join(str(part) for part in error["loc"] if not isinstance(part, int)) or "settings"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown setting"
    more = len(exc.errors()) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    env = "CASEWORK_" + key.upper().replace(".", "__")
    source = os.environ.get(CONFIG_ENV, DEFAULT_CONFIG_FILE)
    return f"{key}: {message} (set in {source} or {env}){suffix}"


def masked(settings: Settings) -> dict[str, Any]:
    """Return the effective settings as plain data, with secrets and passwords masked."""
    data = settings.model_dump(mode="json")
    url = make_url(settings.database.url)
    if url.password:
        data["database"]["url"] = url.render_as_string(hide_password=True)
    return data
