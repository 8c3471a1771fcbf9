"""Move a case through its life cycle: the transition table and the guards on each transition.

Rules implemented (DESIGN §2.2, "Life cycle"); the transitions of its diagram, as `TRANSITIONS`
holds them:

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
    "OPEN_STATES",
    "OUTCOMES_WITHOUT_ANSWER",
    "OUTCOME_LABELS",
    "STATE_LABELS",
    "TRANSITIONS",
    "TRIGGER_LABELS",
    "CaseState",
    "Message",
    "Outcome",
    "TransitionRefused",
    "TransitionRequest",
    "TransitionResult",
    "Trigger",
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

# THE transition table, in the format `transitions.Machine(transitions=...)` accepts. Conditions
# name guard methods of `_CaseAdapter`; each (trigger, source) pair appears in at most one row, so
# a refusal always comes from one known guard. Plain strings, not enum members: the Machine keys
# its states by name, and an Enum would be keyed by its member name ("RECEIVED").
TRANSITIONS: tuple[dict[str, Any], ...] = (
    {"trigger": "acknowledge", "source": ["received"], "dest": "acknowledged"},
    {
        "trigger": "answer",
        "source": ["received", "acknowledged"],
        "dest": "answered",
        "conditions": ["has_answer_summary"],
    },
    {
        "trigger": "request_information",
        "source": ["received", "acknowledged"],
        "dest": "awaiting_requester",
        "conditions": ["says_what_is_missing"],
    },
    {
        "trigger": "resume",
        "source": ["awaiting_requester"],
        "dest": "acknowledged",
        "after": ["return_to_the_state_left"],
    },
    {
        "trigger": "escalate",
        "source": ["received", "acknowledged", "awaiting_requester", "answered", "closed"],
        "dest": "escalated",
        "conditions": ["has_protecteur_file_number", "has_plausible_escalation_dates"],
        "after": ["warn_if_more_than_one_year_after_facts"],
    },
    {
        "trigger": "close",
        "source": ["answered", "escalated"],
        "dest": "closed",
        "conditions": ["has_known_outcome"],
    },
    {
        "trigger": "close",
        "source": ["received", "acknowledged", "awaiting_requester"],
        "dest": "closed",
        "conditions": ["has_known_outcome", "has_outcome_needing_no_answer"],
    },
    {
        "trigger": "reopen",
        "source": ["closed"],
        "dest": "acknowledged",
        "conditions": ["has_reopening_reason"],
    },
)

# The request fields each guard insists on, for `describe()` (forms, API documentation).
_GUARD_FIELDS: dict[str, tuple[str, ...]] = {
    "has_answer_summary": ("answer_summary",),
    "says_what_is_missing": ("comment",),
    "has_protecteur_file_number": ("protecteur_file_number",),
    "has_plausible_escalation_dates": ("escalated_on",),
    "has_known_outcome": ("outcome",),
    "has_outcome_needing_no_answer": ("outcome",),
    "has_reopening_reason": ("reason",),
}

# Fields a trigger reads when given but does not insist on.
_OPTIONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "escalate": ("protecteur_reply_due_on", "facts_known_on"),
    "close": ("redirected_to",),
}

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


@dataclass(frozen=True)
class TransitionRequest:
    """What the person asked for: a trigger and the data it needs; `today` is their local date."""

    trigger: str
    today: date
    answer_summary: str | None = None
    comment: str | None = None
    protecteur_file_number: str | None = None
    escalated_on: date | None = None
    protecteur_reply_due_on: date | None = None
    facts_known_on: date | None = None
    outcome: str | None = None
    redirected_to: str | None = None
    reason: str | None = None
    # The case clock says the acknowledgment is still owed (resume then returns to `received`).
    acknowledgment_owed: bool = False

    def __post_init__(self) -> None:
        # A datetime is a date but cannot be compared with one: catch it here rather than
        # crash halfway through a guard.
        for name in ("today", "escalated_on", "protecteur_reply_due_on", "facts_known_on"):
            value = getattr(self, name)
            if value is None and name != "today":
                continue
            if not isinstance(value, date) or isinstance(value, datetime):
                raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")
        for name in (
            "trigger",
            "answer_summary",
            "comment",
            "protecteur_file_number",
            "outcome",
            "reason",
        ):
            value = getattr(self, name)
            if (value is not None or name == "trigger") and not isinstance(value, str):
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


def _is_blank(text: str | None) -> bool:
    return text is None or not text.strip()


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

    def has_answer_summary(self, event: EventData) -> bool:
        """Refuse an answer that does not summarize what was answered."""
        if _is_blank(event.kwargs["request"].answer_summary):
            return self._refuse(
                Message(N_("An answer needs an answer summary."), field="answer_summary")
            )
        return True

    def says_what_is_missing(self, event: EventData) -> bool:
        """Refuse to wait for the requester without saying what is missing."""
        if _is_blank(event.kwargs["request"].comment):
            return self._refuse(
                Message(
                    N_("A request for information needs a comment saying what is missing."),
                    field="comment",
                )
            )
        return True

    def has_protecteur_file_number(self, event: EventData) -> bool:
        """Refuse an escalation without the Protecteur du citoyen's file number."""
        if _is_blank(event.kwargs["request"].protecteur_file_number):
            return self._refuse(
                Message(
                    N_("An escalation needs the Protecteur du citoyen’s file number."),
                    field="protecteur_file_number",
                )
            )
        return True

    def has_plausible_escalation_dates(self, event: EventData) -> bool:
        """Refuse an escalation date that is missing, in the future or out of order."""
        request: TransitionRequest = event.kwargs["request"]
        escalated_on = request.escalated_on
        if escalated_on is None:
            return self._refuse(
                Message(
                    N_(
                        "An escalation needs the date the person took the case to the"
                        " Protecteur du citoyen."
                    ),
                    field="escalated_on",
                )
            )
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
        """Refuse to close a case without one of the known outcomes."""
        outcome = event.kwargs["request"].outcome
        if _is_blank(outcome):
            return self._refuse(Message(N_("Closing a case needs an outcome."), field="outcome"))
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

    def has_reopening_reason(self, event: EventData) -> bool:
        """Refuse to reopen a case without saying why."""
        if _is_blank(event.kwargs["request"].reason):
            return self._refuse(Message(N_("Reopening a case needs a reason."), field="reason"))
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
    """Return the life cycle as plain data: states, one entry per table row, and the diagram."""
    triggers = []
    for row in TRANSITIONS:
        requires: dict[str, None] = {}
        for guard in row.get("conditions", ()):
            requires.update(dict.fromkeys(_GUARD_FIELDS[guard]))
        takes_outcome = "outcome" in requires
        restricted = "has_outcome_needing_no_answer" in row.get("conditions", ())
        triggers.append(
            {
                "trigger": row["trigger"],
                "sources": list(row["source"]),
                "dest": row["dest"],
                "requires": list(requires),
                "optional": list(_OPTIONAL_FIELDS.get(row["trigger"], ())),
                "outcomes": [
                    outcome.value
                    for outcome in (OUTCOMES_WITHOUT_ANSWER if restricted else Outcome)
                ]
                if takes_outcome
                else [],
            }
        )
    return {
        "states": _STATE_NAMES.copy(),
        "triggers": triggers,
        "diagram": mermaid_diagram(),
    }
