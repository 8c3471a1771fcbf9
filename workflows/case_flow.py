"""Move a case through its life cycle: the specification of each trigger and its guards.

Rules implemented (DESIGN §2.2, "Life cycle"); the transitions of its diagram, as `SPECS` declares
them (one `TriggerSpec` per trigger: its sources and destination, the fields it reads with whether
each is required and what kind of input it is, and its permission; the transition table
`TRANSITIONS`, the guard on required fields, the API schema's use, the page forms and the command
line's options are all read from it):

    acknowledge           received -> acknowledged
    answer                received, acknowledged -> answered ("answer within the acknowledgment
                          delay" replaces the acknowledgment); needs an answer summary
    request_information   received, acknowledged -> awaiting_requester; needs a comment saying
                          what is missing
    resume                awaiting_requester -> the state it left: acknowledged, or received
                          while the acknowledgment is still owed
    escalate              received, acknowledged, awaiting_requester, answered, closed ->
                          escalated; needs the Protecteur du citoyen's file number and the date
    close                 answered, escalated -> closed; needs an outcome
    close                 received, acknowledged, awaiting_requester -> closed; only as withdrawn,
                          redirected or no follow-up
    reopen                closed -> acknowledged; needs a reason

- "`escalate` records that the person took the case to the Protecteur du citoyen: the
  Protecteur's file number, the date, and the date by which the Protecteur expects the body's
  reply (the Protecteur sets it case by case). It is allowed from any open state: the law does not
  require the person to complain to the body first." It is allowed from `answered` and `closed`
  too: people usually go to the Protecteur du citoyen after the answer, and recording it does not
  reopen the body's answer (workflows.case_clock).
- "The acknowledgment is owed until it is sent": `resume` returns the case to the state it left,
  `received` while the acknowledgment is owed (`acknowledgment_owed`, which the case clock says).
- "Warn (do not refuse) when it comes more than one year after the date the person learned of the
  facts", because of the Loi sur le Protecteur du citoyen (RLRQ, c. P-32), art. 19: « Le
  Protecteur du citoyen doit refuser d'intervenir lorsqu'il s'est écoulé plus d'un an depuis que la
  personne ou le groupe dont les intérêts seraient visés par l'intervention, a eu connaissance des
  faits qui la fondent, à moins que cette personne ou ce groupe ne démontre des circonstances
  jugées exceptionnelles par le Protecteur du citoyen. »
  "More than one year" here: `escalated_on` is later than the anniversary of `facts_known_on`.
  The anniversary of 29 February is 28 February in a common year, so on such dates the warning
  starts on 1 March (a warning one day early costs nothing; the Protecteur decides anyway).
- "`awaiting_requester` stops the clock (information missing from the person); `resume` restarts
  it." The deadlines themselves are computed elsewhere in `workflows`; this module only moves the
  status.
- "A refused transition is an error with a clear message in the user's language, never a silent
  no-op": `fire` raises `TransitionRefused` carrying an untranslated `Message` (msgid marked with
  `N_`, named placeholders) that the application translates with gettext.
- A case cannot be closed as founded, partly founded or unfounded before it is answered: those
  outcomes judge the merits, which only the answer does.

Pure: no I/O, no clock (`today` comes in the request), nothing from the persistence layer.
"""

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Protocol

from transitions import EventData, Machine

from workflows.i18n_markers import N_

__all__ = [
    "FIELDS",
    "OPEN_STATES",
    "OUTCOMES_WITHOUT_ANSWER",
    "OUTCOME_LABELS",
    "SPECS",
    "SPEC_OF",
    "STATE_LABELS",
    "TRANSITIONS",
    "TRIGGER_LABELS",
    "CaseState",
    "FieldKind",
    "FieldSpec",
    "Message",
    "Outcome",
    "ProtecteurConclusion",
    "Route",
    "TransitionRefused",
    "TransitionRequest",
    "TransitionResult",
    "Trigger",
    "TriggerSpec",
    "allowed_triggers",
    "describe",
    "fire",
    "mermaid_diagram",
]


class CaseState(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    AWAITING_REQUESTER = "awaiting_requester"
    ANSWERED = "answered"
    ESCALATED = "escalated"
    CLOSED = "closed"


OPEN_STATES: frozenset[CaseState] = frozenset(set(CaseState) - {CaseState.CLOSED})


class Trigger(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    ANSWER = "answer"
    REQUEST_INFORMATION = "request_information"
    RESUME = "resume"
    ESCALATE = "escalate"
    CLOSE = "close"
    REOPEN = "reopen"


class Outcome(StrEnum):
    FOUNDED = "founded"
    PARTLY_FOUNDED = "partly_founded"
    UNFOUNDED = "unfounded"
    WITHDRAWN = "withdrawn"
    REDIRECTED = "redirected"
    NO_FOLLOW_UP = "no_follow_up"


# Outcomes that say nothing about the merits, so they need no answer first.
OUTCOMES_WITHOUT_ANSWER: tuple[Outcome, ...] = (
    Outcome.WITHDRAWN,
    Outcome.REDIRECTED,
    Outcome.NO_FOLLOW_UP,
)

STATE_LABELS: dict[str, str] = {
    CaseState.RECEIVED: N_("Received"),
    CaseState.ACKNOWLEDGED: N_("Acknowledged"),
    CaseState.AWAITING_REQUESTER: N_("Awaiting the requester"),
    CaseState.ANSWERED: N_("Answered"),
    CaseState.ESCALATED: N_("Escalated to the Protecteur du citoyen"),
    CaseState.CLOSED: N_("Closed"),
}

TRIGGER_LABELS: dict[str, str] = {
    Trigger.ACKNOWLEDGE: N_("Acknowledge receipt"),
    Trigger.ANSWER: N_("Record the answer"),
    Trigger.REQUEST_INFORMATION: N_("Request information from the requester"),
    Trigger.RESUME: N_("Resume processing"),
    Trigger.ESCALATE: N_("Record the escalation to the Protecteur du citoyen"),
    Trigger.CLOSE: N_("Close the case"),
    Trigger.REOPEN: N_("Reopen the case"),
}

OUTCOME_LABELS: dict[str, str] = {
    Outcome.FOUNDED: N_("Founded"),
    Outcome.PARTLY_FOUNDED: N_("Partly founded"),
    Outcome.UNFOUNDED: N_("Unfounded"),
    Outcome.WITHDRAWN: N_("Withdrawn"),
    Outcome.REDIRECTED: N_("Redirected"),
    Outcome.NO_FOLLOW_UP: N_("No follow-up"),
}


class ProtecteurConclusion(StrEnum):
    """What the Protecteur du citoyen concluded when it closed its file."""

    FOUNDED = "founded"
    PARTLY_FOUNDED = "partly_founded"
    UNFOUNDED = "unfounded"
    DISCONTINUED = "discontinued"  # the Protecteur ended its intervention without a conclusion


class FieldKind(StrEnum):
    """What kind of input a field of a transition is (how a form asks it, how it is read)."""

    TEXT = "text"  # one line
    LONG_TEXT = "long_text"  # paragraphs
    DATE = "date"
    CHOICE = "choice"  # one member of the field's `choices` enum
    LISTED = "listed"  # one code of a list the body configures (casework.config [accountability])


@dataclass(frozen=True)
class FieldSpec:
    """One piece of data a trigger reads.

    `required`: the trigger is refused with `missing` (naming the field) when it is blank.
    `only_from`: asked, and required, only when the case is in one of these states.
    `part_of`: the group of the request that holds it (the API's `classification` object).
    `in_form`: whether the case page's form asks it (else only the API and the command line).
    """

    name: str
    kind: FieldKind
    required: bool = False
    missing: str | None = None
    choices: type[StrEnum] | None = None
    only_from: tuple[CaseState, ...] = ()
    part_of: str | None = None
    in_form: bool = True

    def __post_init__(self) -> None:
        if self.required and not self.missing:
            raise ValueError(f"the required field {self.name!r} needs the message of its refusal")
        if (self.kind is FieldKind.CHOICE) != (self.choices is not None):
            raise ValueError(f"{self.name!r}: a choice field, and only one, names its choices")

    def applies_from(self, state: str) -> bool:
        return not self.only_from or state in self.only_from


@dataclass(frozen=True)
class Route:
    """Source states of a trigger that share their guards (beyond the required fields)."""

    sources: tuple[CaseState, ...]
    guards: tuple[str, ...] = ()


@dataclass(frozen=True)
class TriggerSpec:
    """Everything a trigger is: where it goes from and to, what it reads, who may fire it."""

    trigger: Trigger
    routes: tuple[Route, ...]
    dest: CaseState
    permission: str  # a permission of casework.security.policy's table
    fields: tuple[FieldSpec, ...] = ()
    after: tuple[str, ...] = ()  # callbacks of `_CaseAdapter` run once the status is written

    @property
    def sources(self) -> tuple[CaseState, ...]:
        return tuple(source for route in self.routes for source in route.sources)

    def fields_from(self, state: str) -> tuple[FieldSpec, ...]:
        """Return the fields the trigger reads when fired from `state`."""
        return tuple(field for field in self.fields if field.applies_from(state))

    def required_from(self, state: str) -> tuple[FieldSpec, ...]:
        """Return the fields the trigger insists on when fired from `state`."""
        return tuple(field for field in self.fields_from(state) if field.required)

    def choices(self, field: FieldSpec, state: str) -> tuple[str, ...]:
        """Return the values a choice field may take when the trigger is fired from `state`."""
        if field.choices is None:
            return ()
        if field.choices is Outcome and state in OUTCOMES_NEEDING_NO_ANSWER_FROM:
            return tuple(outcome.value for outcome in OUTCOMES_WITHOUT_ANSWER)
        return tuple(member.value for member in field.choices)


_UNANSWERED = (CaseState.RECEIVED, CaseState.ACKNOWLEDGED, CaseState.AWAITING_REQUESTER)
# A case not yet answered can be closed only with an outcome that does not judge its merits.
OUTCOMES_NEEDING_NO_ANSWER_FROM: tuple[CaseState, ...] = _UNANSWERED
_WORK = "case.fire."

# THE specification of each trigger, in the order forms and tables show them.
SPECS: tuple[TriggerSpec, ...] = (
    TriggerSpec(
        Trigger.ACKNOWLEDGE,
        routes=(Route((CaseState.RECEIVED,)),),
        dest=CaseState.ACKNOWLEDGED,
        permission=_WORK + Trigger.ACKNOWLEDGE,
    ),
    TriggerSpec(
        Trigger.ANSWER,
        routes=(Route((CaseState.RECEIVED, CaseState.ACKNOWLEDGED)),),
        dest=CaseState.ANSWERED,
        permission=_WORK + Trigger.ANSWER,
        fields=(
            FieldSpec(
                "answer_summary",
                FieldKind.LONG_TEXT,
                required=True,
                missing=N_("An answer needs an answer summary."),
            ),
        ),
    ),
    TriggerSpec(
        Trigger.REQUEST_INFORMATION,
        routes=(Route((CaseState.RECEIVED, CaseState.ACKNOWLEDGED)),),
        dest=CaseState.AWAITING_REQUESTER,
        permission=_WORK + Trigger.REQUEST_INFORMATION,
        fields=(
            FieldSpec(
                "comment",
                FieldKind.LONG_TEXT,
                required=True,
                missing=N_("A request for information needs a comment saying what is missing."),
            ),
        ),
    ),
    TriggerSpec(
        Trigger.RESUME,
        routes=(Route((CaseState.AWAITING_REQUESTER,)),),
        dest=CaseState.ACKNOWLEDGED,
        permission=_WORK + Trigger.RESUME,
        # Why it resumes: written by the intake of a reply and by the status page (« La personne
        # a répondu par courriel le 26 novembre 2026. »); an officer's button asks nothing.
        fields=(FieldSpec("reason", FieldKind.LONG_TEXT, in_form=False),),
        after=("return_to_the_state_left",),
    ),
    TriggerSpec(
        Trigger.ESCALATE,
        routes=(
            Route(
                (*_UNANSWERED, CaseState.ANSWERED, CaseState.CLOSED),
                guards=("has_plausible_escalation_dates",),
            ),
        ),
        dest=CaseState.ESCALATED,
        permission=_WORK + Trigger.ESCALATE,
        fields=(
            FieldSpec(
                "protecteur_file_number",
                FieldKind.TEXT,
                required=True,
                missing=N_("An escalation needs the Protecteur du citoyen’s file number."),
            ),
            FieldSpec(
                "escalated_on",
                FieldKind.DATE,
                required=True,
                missing=N_(
                    "An escalation needs the date the person took the case to the"
                    " Protecteur du citoyen."
                ),
            ),
            FieldSpec("protecteur_reply_due_on", FieldKind.DATE),
            FieldSpec("facts_known_on", FieldKind.DATE),
        ),
        after=("warn_if_more_than_one_year_after_facts",),
    ),
    TriggerSpec(
        Trigger.CLOSE,
        routes=(
            Route((CaseState.ANSWERED, CaseState.ESCALATED), guards=("has_known_outcome",)),
            Route(_UNANSWERED, guards=("has_known_outcome", "has_outcome_needing_no_answer")),
        ),
        dest=CaseState.CLOSED,
        permission=_WORK + Trigger.CLOSE,
        fields=(
            FieldSpec(
                "outcome",
                FieldKind.CHOICE,
                required=True,
                missing=N_("Closing a case needs an outcome."),
                choices=Outcome,
            ),
            FieldSpec("redirected_to", FieldKind.LONG_TEXT),
            # What the closing letter adds for the requester (a case closed before any answer).
            FieldSpec("comment", FieldKind.LONG_TEXT, in_form=False),
            # What the case is about: a complaint closed on its merits needs it
            # (workflows.accountability.missing_classification).
            *(
                FieldSpec(name, FieldKind.LISTED, part_of="classification")
                for name in ("service", "commitment", "root_cause", "remedy")
            ),
            FieldSpec(
                "protecteur_conclusion",
                FieldKind.CHOICE,
                required=True,
                missing=N_(
                    "Closing an escalated case needs what the Protecteur du citoyen concluded."
                ),
                choices=ProtecteurConclusion,
                only_from=(CaseState.ESCALATED,),
            ),
            FieldSpec(
                "protecteur_recommendations",
                FieldKind.LONG_TEXT,
                only_from=(CaseState.ESCALATED,),
            ),
        ),
    ),
    TriggerSpec(
        Trigger.REOPEN,
        routes=(Route((CaseState.CLOSED,)),),
        dest=CaseState.ACKNOWLEDGED,
        permission=_WORK + Trigger.REOPEN,
        fields=(
            FieldSpec(
                "reason",
                FieldKind.LONG_TEXT,
                required=True,
                missing=N_("Reopening a case needs a reason."),
            ),
        ),
    ),
)
SPEC_OF: Mapping[Trigger, TriggerSpec] = MappingProxyType({spec.trigger: spec for spec in SPECS})


def _every_field() -> dict[str, FieldSpec]:
    fields: dict[str, FieldSpec] = {}
    for spec in SPECS:
        for field in spec.fields:
            fields.setdefault(field.name, field)
    return fields


# Every field any trigger reads, once each (as first declared), in the order of the specifications.
FIELDS: Mapping[str, FieldSpec] = MappingProxyType(_every_field())


def _table_row(spec: TriggerSpec, route: Route) -> dict[str, Any]:
    row: dict[str, Any] = {
        "trigger": spec.trigger.value,
        "source": [source.value for source in route.sources],
        "dest": spec.dest.value,
    }
    conditions = [*(["has_required_fields"] if spec.fields else []), *route.guards]
    if conditions:
        row["conditions"] = conditions
    if spec.after:
        row["after"] = list(spec.after)
    return row


# The transition table, derived from SPECS in the format `transitions.Machine(transitions=...)`
# accepts: one row per route. Conditions name guard methods of `_CaseAdapter`; each (trigger,
# source) pair appears in at most one row, so a refusal always comes from one known guard. Plain
# strings, not enum members: the Machine keys its states by name, and an Enum would be keyed by
# its member name ("RECEIVED").
TRANSITIONS: tuple[dict[str, Any], ...] = tuple(
    _table_row(spec, route) for spec in SPECS for route in spec.routes
)

_OUTCOME_VALUES = frozenset(outcome.value for outcome in Outcome)

REFUSAL_NOT_ALLOWED = "transition_not_allowed"
REFUSAL_INVALID = "transition_invalid"

# Message parameters that hold codes; `Message.render` shows their labels instead.
_LABELLED_PARAMETERS: dict[str, Mapping[str, str]] = {
    "state": STATE_LABELS,
    "trigger": TRIGGER_LABELS,
    "allowed": TRIGGER_LABELS,
    "outcome": OUTCOME_LABELS,
    "outcomes": OUTCOME_LABELS,
}
_LIST_SEPARATOR = ", "


@dataclass(frozen=True)
class Message:
    """An untranslated user-facing message: a gettext msgid and its named placeholders."""

    msgid: str
    params: Mapping[str, str] = dataclasses.field(default_factory=dict)
    field: str | None = None

    def __post_init__(self) -> None:
        # Plain strings (not enum members) in a read-only mapping: a message cannot change after
        # it has been raised or logged, and it serializes as it reads.
        params = {str(name): str(value) for name, value in self.params.items()}
        object.__setattr__(self, "params", MappingProxyType(params))

    def __hash__(self) -> int:
        return hash((self.msgid, tuple(sorted(self.params.items())), self.field))

    def render(self, translate: Callable[[str], str] = N_) -> str:
        """Return the message translated by `translate`, with codes shown as translated labels."""
        values = {}
        for name, value in self.params.items():
            labels = _LABELLED_PARAMETERS.get(name)
            if labels is None:
                values[name] = value
            else:
                values[name] = _LIST_SEPARATOR.join(
                    translate(labels[code]) if code in labels else code
                    for code in value.split(_LIST_SEPARATOR)
                )
        return translate(self.msgid) % values


class TransitionRefused(Exception):
    """A transition the case cannot take, with a message for the person who asked for it."""

    def __init__(self, code: str, message: Message, allowed: tuple[str, ...]) -> None:
        super().__init__(message.render())
        self.code = code
        self.message = message
        self.allowed = allowed
        self.field = message.field


class TransitionRequest:
    """What the person asked for: a trigger and the data it needs; `today` is their local date.

    The data are the fields of the specifications (`FIELDS`), given by name; a field not given
    reads as None. `acknowledgment_owed`: the case clock says the acknowledgment is still owed
    (resume then returns to `received`).
    """

    __slots__ = ("acknowledgment_owed", "data", "today", "trigger")

    def __init__(
        self, *, trigger: str, today: date, acknowledgment_owed: bool = False, **data: object
    ) -> None:
        if not isinstance(trigger, str):
            raise TypeError(f"trigger must be a str, not {type(trigger).__name__}")
        # A datetime is a date but cannot be compared with one: catch it here rather than
        # crash halfway through a guard.
        _check_type("today", today, FieldKind.DATE)
        for name, value in data.items():
            if name not in FIELDS:
                raise TypeError(f"{name!r} is not a field of any trigger")
            if value is not None:
                _check_type(name, value, FIELDS[name].kind)
        for name, value in (("trigger", trigger), ("today", today)):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "acknowledgment_owed", acknowledgment_owed)
        object.__setattr__(self, "data", MappingProxyType(dict(data)))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a TransitionRequest cannot change")

    def __getattr__(self, name: str) -> Any:
        if name in FIELDS:
            return self.data.get(name)
        raise AttributeError(name)

    def __repr__(self) -> str:
        data = ", ".join(f"{name}={value!r}" for name, value in self.data.items())
        return f"TransitionRequest(trigger={self.trigger!r}, today={self.today!r}, {data})"


def _check_type(name: str, value: object, kind: FieldKind) -> None:
    if kind is FieldKind.DATE:
        if not isinstance(value, date) or isinstance(value, datetime):
            raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")
    elif not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")


@dataclass(frozen=True)
class TransitionResult:
    """A transition that happened, and the warnings the person should read."""

    trigger: Trigger
    source: CaseState
    dest: CaseState
    warnings: tuple[Message, ...] = ()


class HasStatus(Protocol):
    status: str


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _one_year_after(day: date) -> date:
    """Return the anniversary of `day`, 28 February standing in for 29 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _case_state(status: str) -> CaseState:
    """Return the CaseState of a stored status; raise ValueError when it is not one."""
    try:
        return CaseState(status)
    except ValueError:
        known = ", ".join(CaseState)
        raise ValueError(f"Unknown case status {status!r}; expected one of: {known}.") from None


def allowed_triggers(state: str) -> tuple[Trigger, ...]:
    """Return the triggers the table allows from `state`, in table order."""
    current = _case_state(state)
    allowed: dict[Trigger, None] = {}
    for row in TRANSITIONS:
        if current in row["source"]:
            allowed[Trigger(row["trigger"])] = None
    return tuple(allowed)


class _CaseAdapter:
    """Give `transitions` a plain model whose state is the record's status, and the guards."""

    def __init__(self, record: HasStatus) -> None:
        self.record = record
        self.refusal: Message | None = None
        self.warnings: list[Message] = []

    @property
    def state(self) -> str:
        return CaseState(self.record.status).value

    @state.setter
    def state(self, value: str) -> None:
        # Machine() writes the initial state back: leave an unchanged record untouched.
        if self.record.status != value:
            self.record.status = CaseState(value)

    def _refuse(self, message: Message) -> bool:
        self.refusal = message
        return False

    # Guards. Each returns False after recording why, because a failed condition in
    # `transitions` only makes the trigger return False.

    def has_required_fields(self, event: EventData) -> bool:
        """Refuse a transition that lacks a field its specification requires, naming it."""
        request: TransitionRequest = event.kwargs["request"]
        for field in SPEC_OF[Trigger(request.trigger)].required_from(self.state):
            if _is_blank(getattr(request, field.name)):
                return self._refuse(Message(str(field.missing), field=field.name))
        return True

    def has_plausible_escalation_dates(self, event: EventData) -> bool:
        """Refuse an escalation date in the future or out of order."""
        request: TransitionRequest = event.kwargs["request"]
        escalated_on = request.escalated_on  # a required field: has_required_fields ran first
        if escalated_on > request.today:
            return self._refuse(
                Message(
                    N_(
                        "The escalation date (%(escalated_on)s) cannot be later than today"
                        " (%(today)s)."
                    ),
                    {"escalated_on": escalated_on.isoformat(), "today": request.today.isoformat()},
                    field="escalated_on",
                )
            )
        due_on = request.protecteur_reply_due_on
        if due_on is not None and due_on < escalated_on:
            return self._refuse(
                Message(
                    N_(
                        "The Protecteur du citoyen’s reply due date (%(reply_due_on)s) cannot be"
                        " earlier than the escalation date (%(escalated_on)s)."
                    ),
                    {"reply_due_on": due_on.isoformat(), "escalated_on": escalated_on.isoformat()},
                    field="protecteur_reply_due_on",
                )
            )
        facts_known_on = request.facts_known_on
        if facts_known_on is not None and facts_known_on > escalated_on:
            return self._refuse(
                Message(
                    N_(
                        "The date the person learned of the facts (%(facts_known_on)s) cannot be"
                        " later than the escalation date (%(escalated_on)s)."
                    ),
                    {
                        "facts_known_on": facts_known_on.isoformat(),
                        "escalated_on": escalated_on.isoformat(),
                    },
                    field="facts_known_on",
                )
            )
        return True

    def warn_if_more_than_one_year_after_facts(self, event: EventData) -> None:
        """Warn when the Protecteur du citoyen must refuse the case unless it is exceptional."""
        request: TransitionRequest = event.kwargs["request"]
        facts_known_on, escalated_on = request.facts_known_on, request.escalated_on
        if facts_known_on is None or escalated_on is None:
            return
        if escalated_on > _one_year_after(facts_known_on):
            self.warnings.append(
                Message(
                    N_(
                        "The person took the case to the Protecteur du citoyen on"
                        " %(escalated_on)s, more than one year after learning of the facts"
                        " (%(facts_known_on)s). The Protecteur du citoyen must then refuse to"
                        " intervene unless the person shows exceptional circumstances (Loi sur"
                        " le Protecteur du citoyen, art. 19)."
                    ),
                    {
                        "escalated_on": escalated_on.isoformat(),
                        "facts_known_on": facts_known_on.isoformat(),
                    },
                    field="escalated_on",
                )
            )

    def return_to_the_state_left(self, event: EventData) -> None:
        """Resume to `received` when the acknowledgment is still owed: waiting for the requester
        did not acknowledge the request."""
        if event.kwargs["request"].acknowledgment_owed:
            self.state = CaseState.RECEIVED.value

    def has_known_outcome(self, event: EventData) -> bool:
        """Refuse to close a case with an outcome that is not one of the known outcomes."""
        outcome = event.kwargs["request"].outcome
        if outcome not in _OUTCOME_VALUES:
            return self._refuse(
                Message(
                    N_("“%(outcome)s” is not a known outcome. Choose one of: %(outcomes)s."),
                    {"outcome": outcome, "outcomes": _LIST_SEPARATOR.join(Outcome)},
                    field="outcome",
                )
            )
        return True

    def has_outcome_needing_no_answer(self, event: EventData) -> bool:
        """Refuse to close an unanswered case with an outcome that judges its merits."""
        outcome = event.kwargs["request"].outcome
        if outcome not in OUTCOMES_WITHOUT_ANSWER:
            return self._refuse(
                Message(
                    N_(
                        "A case that has not been answered can only be closed with one of these"
                        " outcomes: %(outcomes)s. Record the answer first to close it as"
                        " “%(outcome)s”."
                    ),
                    {"outcome": outcome, "outcomes": _LIST_SEPARATOR.join(OUTCOMES_WITHOUT_ANSWER)},
                    field="outcome",
                )
            )
        return True


_STATE_NAMES = [state.value for state in CaseState]


# One Machine per fire() call, not one shared Machine behind a lock. The core Machine is not
# thread-safe (it binds triggers onto its models and keeps a model list), and web workers fire
# transitions from several threads. Measured roughly on this project's machine: building the
# Machine and firing costs about 0.1 ms (a whole fire() about 0.2 ms); add_model, trigger and
# remove_model on a shared Machine under a lock about 0.04 ms. The 0.06 ms saved is noise next to
# the database commit that follows every transition, at the pace an officer clicks; a private
# Machine has no shared state, no lock to hold across a guard, and nothing to clean up when a
# guard raises.
def _machine_for(adapter: _CaseAdapter, current: CaseState) -> Machine:
    """Return a private Machine for one transition of one case, starting at `current`."""
    return Machine(
        model=adapter,
        states=_STATE_NAMES,
        transitions=TRANSITIONS,
        initial=current.value,
        auto_transitions=False,
        send_event=True,
        ignore_invalid_triggers=False,
    )


def _joined(codes: tuple[str, ...]) -> str:
    return _LIST_SEPARATOR.join(codes)


def fire(record: HasStatus, request: TransitionRequest) -> TransitionResult:
    """Apply the requested trigger to the record's status, or raise TransitionRefused."""
    source = _case_state(record.status)
    allowed = allowed_triggers(source)
    try:
        trigger = Trigger(request.trigger)
    except ValueError:
        raise TransitionRefused(
            REFUSAL_NOT_ALLOWED,
            Message(
                N_("“%(trigger)s” is not a known action on a case. Allowed now: %(allowed)s."),
                {"trigger": request.trigger, "allowed": _joined(allowed)},
                field="trigger",
            ),
            allowed,
        ) from None
    if trigger not in allowed:
        raise TransitionRefused(
            REFUSAL_NOT_ALLOWED,
            Message(
                N_(
                    "“%(trigger)s” is not allowed on a case that is “%(state)s”."
                    " Allowed now: %(allowed)s."
                ),
                {"trigger": trigger, "state": source, "allowed": _joined(allowed)},
            ),
            allowed,
        )

    original_status = record.status
    adapter = _CaseAdapter(record)
    _machine_for(adapter, source)  # binds adapter.trigger(); the binding keeps the Machine alive
    try:
        moved = adapter.trigger(trigger.value, request=request)
    except BaseException:
        # An after-callback may fail once the status is written: a failed fire changes nothing.
        if record.status is not original_status:
            record.status = original_status
        raise
    if not moved:
        if adapter.refusal is None:
            raise RuntimeError(f"A guard of {trigger!r} refused without giving a reason.")
        raise TransitionRefused(REFUSAL_INVALID, adapter.refusal, allowed)
    return TransitionResult(
        trigger=trigger,
        source=source,
        dest=_case_state(record.status),
        warnings=tuple(adapter.warnings),
    )


def _edge_label(row: Mapping[str, Any]) -> str:
    """Return the diagram label of a table row: its trigger, and any outcome restriction."""
    if "has_outcome_needing_no_answer" in row.get("conditions", ()):
        return f"{row['trigger']} ({', '.join(OUTCOMES_WITHOUT_ANSWER)})"
    return row["trigger"]


def mermaid_diagram() -> str:
    """Return the Mermaid stateDiagram-v2 of the transition table, the same on every call."""
    # Written from TRANSITIONS rather than with GraphMachine(graph_engine="mermaid"): that output
    # carries graphviz styling classes, highlights the model's current state and leaves
    # whitespace-only lines, none of which belongs in documentation.
    lines = ["stateDiagram-v2", f"    [*] --> {CaseState.RECEIVED.value}"]
    for row in TRANSITIONS:
        label = _edge_label(row)
        for source in row["source"]:
            lines.append(f"    {source} --> {row['dest']}: {label}")
    return "\n".join(lines)


def describe() -> dict[str, Any]:
    """Return the life cycle as plain data: states, one entry per route of each trigger (the rows
    of TRANSITIONS), and the diagram. `requires` lists the fields required from every source of
    the row, `optional` the other fields read from at least one of them."""
    triggers = []
    for spec in SPECS:
        for route in spec.routes:
            asked = [f for f in spec.fields if any(f.applies_from(s) for s in route.sources)]
            required = [
                f for f in asked if f.required and all(f.applies_from(s) for s in route.sources)
            ]
            outcome = FIELDS["outcome"]
            triggers.append(
                {
                    "trigger": spec.trigger.value,
                    "sources": [source.value for source in route.sources],
                    "dest": spec.dest.value,
                    "requires": [f.name for f in required],
                    "optional": [f.name for f in asked if f not in required],
                    "outcomes": list(spec.choices(outcome, route.sources[0]))
                    if outcome in spec.fields
                    else [],
                }
            )
    return {
        "states": _STATE_NAMES.copy(),
        "triggers": triggers,
        "diagram": mermaid_diagram(),
    }
