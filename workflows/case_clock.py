"""Which deadline of a case is running, given its state.

DESIGN §2.2 and §2.3: the acknowledgment is due within 10 business days of receipt, so its clock
runs until the case is acknowledged (or answered within that delay); the answer clock runs until
the case is answered, and stands still while the case awaits the requester ("`awaiting_requester`
stops the clock"); once the person has gone to the Protecteur du citoyen, the reply the Protecteur
expects by the date it set is what is due. "Overdue is derived from dates, not a state."
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from workflows.i18n_markers import N_


class DeadlineName(StrEnum):
    ACKNOWLEDGMENT = "acknowledgment"
    ANSWER = "answer"
    PROTECTEUR_REPLY = "protecteur_reply"


# States in which the answer is still owed (its deadline can move: pauses, extensions, calendar
# changes), and those in which its clock runs ("awaiting_requester stops the clock").
UNANSWERED_STATES = frozenset({"received", "acknowledged", "awaiting_requester"})
ANSWER_CLOCK_STATES = frozenset({"received", "acknowledged"})

DEADLINE_LABELS = {
    DeadlineName.ACKNOWLEDGMENT: N_("Acknowledgment of receipt"),
    DeadlineName.ANSWER: N_("Answer"),
    DeadlineName.PROTECTEUR_REPLY: N_("Reply to the Protecteur du citoyen"),
}


@dataclass(frozen=True, slots=True)
class RunningDeadline:
    name: DeadlineName
    due_on: date


def running_deadlines(
    *,
    status: str,
    ack_due_on: date | None,
    answer_due_on: date | None,
    protecteur_reply_due_on: date | None,
) -> tuple[RunningDeadline, ...]:
    """Return the deadlines whose clock runs in this state, earliest first."""
    running: list[RunningDeadline] = []
    if status == "received" and ack_due_on is not None:
        running.append(RunningDeadline(DeadlineName.ACKNOWLEDGMENT, ack_due_on))
    if status in ANSWER_CLOCK_STATES and answer_due_on is not None:
        running.append(RunningDeadline(DeadlineName.ANSWER, answer_due_on))
    if status == "escalated" and protecteur_reply_due_on is not None:
        running.append(RunningDeadline(DeadlineName.PROTECTEUR_REPLY, protecteur_reply_due_on))
    return tuple(sorted(running, key=lambda deadline: deadline.due_on))


def next_deadline(**kwargs) -> RunningDeadline | None:
    """Return the earliest running deadline, or None when no clock runs."""
    running = running_deadlines(**kwargs)
    return running[0] if running else None
