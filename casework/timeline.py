"""The timeline of a case: each line of its audit trail said in words, in French or English.

One presenter for every place that shows the trail: the case page, `casework case show` and the
`label` of the API's events. It receives the events as the services return them (already redacted
for whoever asks) and says what each one records: a label, detail lines and who did it. The
documents and the emails an event carries are named only when `show_documents` says the reader may
see them (DESIGN §2.5); otherwise only their number is said.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from casework.i18n import format_day, format_size, gettext, ngettext
from casework.labels import CHANNEL_LABELS, PRIORITY_LABELS
from casework.models import CaseEvent
from casework.services.clock import CALENDAR_CHANGED
from workflows.case_clock import DEADLINE_LABELS
from workflows.case_flow import OUTCOME_LABELS, STATE_LABELS, TRIGGER_LABELS
from workflows.events import EVENT_LABELS, EventKind

SYSTEM_NAME = "casework"


class Person(Protocol):
    id: int | None
    username: str
    full_name: str


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the trail in words."""

    id: int | None
    kind: str
    at: datetime
    label: str
    actor: str
    lines: tuple[str, ...]


def _word(labels: Mapping[str, str], code: str | None, language: str) -> str:
    """Translate the label of a code; an unknown code is shown as it is stored."""
    return gettext(labels[code], language) if code in labels else (code or "—")


def _day(value: Any, language: str) -> str:
    try:
        return format_day(date.fromisoformat(value), language)
    except (TypeError, ValueError):
        return "—"


def label_of(event: CaseEvent, language: str) -> str:
    """Name what an event records: the trigger of a transition, else the kind of the event."""
    if event.kind == EventKind.TRANSITION and event.trigger:
        return _word(TRIGGER_LABELS, event.trigger, language)
    return _word(EVENT_LABELS, event.kind, language)


def actor_name(label: str, people: Iterable[Person]) -> str:
    """Say who acted: a person's full name, `casework` for the system, else the label stored."""
    if label.startswith("user:"):
        username = label.removeprefix("user:")
        return next((p.full_name for p in people if p.username == username), username)
    if label == "system" or label.startswith("system:"):
        return SYSTEM_NAME
    return label


def _documents(data: dict, language: str, show_documents: bool) -> list[str]:
    """Name the documents an event added and those refused (only to whom may see them)."""
    added, refused = data.get("documents") or [], data.get("refused") or []
    if not show_documents:
        count = added if isinstance(added, int) else len(added)
        if not count:
            return []
        return [
            ngettext(
                "%(n)s document (confidential)", "%(n)s documents (confidential)", count, language
            )
        ]
    lines = [
        gettext(
            "Document: %(name)s (%(size)s)",
            language,
            name=d.get("filename"),
            size=format_size(d["size"], language) if d.get("size") is not None else "—",
        )
        for d in added
    ]
    lines += [gettext("Not kept: %(name)s", language, name=r.get("filename")) for r in refused]
    return lines


def _transition(event: CaseEvent, data: dict, language: str) -> list[str]:
    lines = [
        gettext(
            "From “%(before)s” to “%(after)s”.",
            language,
            before=_word(STATE_LABELS, event.from_state, language),
            after=_word(STATE_LABELS, event.to_state, language),
        ),
        data.get("answer_summary") or "",
    ]
    if data.get("outcome"):
        outcome = _word(OUTCOME_LABELS, data["outcome"], language)
        lines.append(gettext("Outcome: %(outcome)s", language, outcome=outcome))
    if data.get("protecteur_file_number"):
        lines.append(
            gettext(
                "Protecteur du citoyen file %(number)s.",
                language,
                number=data["protecteur_file_number"],
            )
        )
    if event.reason and event.reason != data.get("answer_summary"):
        lines.append(event.reason)
    lines.extend(data.get("warnings") or ())
    return lines


def _deadline_changed(event: CaseEvent, data: dict, language: str) -> list[str]:
    lines = [
        gettext(
            "%(deadline)s: from %(before)s to %(after)s.",
            language,
            deadline=_word(DEADLINE_LABELS, data.get("deadline"), language),
            before=_day(data.get("from"), language),
            after=_day(data.get("to"), language),
        )
    ]
    closure = data.get("closure")
    if isinstance(closure, dict):
        day = _day(closure.get("date"), language)
        if closure.get("action") == "add":
            name = closure.get("name_fr" if language == "fr" else "name_en") or ""
            lines.append(
                gettext("Closure day added: %(day)s %(name)s", language, day=day, name=name)
            )
        else:
            lines.append(gettext("Closure day removed: %(day)s", language, day=day))
    if event.reason == CALENDAR_CHANGED:
        lines.append(gettext("The calendar of closure days changed.", language))
    elif event.reason:
        lines.append(event.reason)
    return lines


def _edit(data: dict, language: str) -> list[str]:
    lines = []
    subject, priority = data.get("subject"), data.get("priority")
    if isinstance(subject, dict):
        lines.append(
            gettext(
                "Subject: from “%(before)s” to “%(after)s”.",
                language,
                before=subject.get("from"),
                after=subject.get("to"),
            )
        )
    if isinstance(priority, dict):
        lines.append(
            gettext(
                "Priority: from “%(before)s” to “%(after)s”.",
                language,
                before=_word(PRIORITY_LABELS, priority.get("from"), language),
                after=_word(PRIORITY_LABELS, priority.get("to"), language),
            )
        )
    return lines


def _lines(
    event: CaseEvent, language: str, people: Sequence[Person], show_documents: bool
) -> list[str]:
    """Say what an event records beyond its label."""
    data = event.data or {}
    kind = event.kind
    if kind == EventKind.DOCUMENTS:
        return _documents(data, language, show_documents)
    if kind == EventKind.CORRESPONDENCE:
        lines = []
        if show_documents:
            subject = data.get("subject") or "—"
            lines.append(gettext("Subject: %(subject)s", language, subject=subject))
            if data.get("from_requester"):
                lines.append(gettext("From the requester.", language))
            lines.append(event.reason or "")
        return lines + _documents(data, language, show_documents)
    if kind == EventKind.PORTAL_ADDITION:
        lines = [event.reason or ""] if show_documents else []
        if data.get("resumed"):
            lines.append(
                gettext("The case resumed: the requester gave the information awaited.", language)
            )
        return lines + _documents(data, language, show_documents)
    if kind == EventKind.CREATED:
        channel = _word(CHANNEL_LABELS, data.get("channel"), language)
        return [gettext("Received by: %(channel)s", language, channel=channel)]
    if kind == EventKind.TRANSITION:
        return _transition(event, data, language)
    if kind == EventKind.ASSIGNMENT:
        target = data.get("to")
        if not target:
            return [gettext("Nobody is assigned now.", language)]
        name = next((p.full_name for p in people if p.id == target), f"#{target}")
        return [gettext("Assigned to %(name)s.", language, name=name)]
    if kind == EventKind.NOTE:
        return [event.reason or ""]
    if kind in (EventKind.DEADLINE_CHANGED, EventKind.REPLY_DATE_SET):
        return _deadline_changed(event, data, language)
    if kind == EventKind.EDIT:
        return _edit(data, language)
    return []


def describe(
    event: CaseEvent,
    *,
    language: str,
    people: Sequence[Person] = (),
    show_documents: bool = True,
) -> TimelineEntry:
    """Say what one line of the audit trail records, in `language`; `people` are the accounts
    (for the names of who acted and who was assigned)."""
    return TimelineEntry(
        id=event.id,
        kind=event.kind,
        at=event.at,
        label=label_of(event, language),
        actor=actor_name(event.actor, people),
        lines=tuple(line for line in _lines(event, language, people, show_documents) if line),
    )


def timeline(
    events: Iterable[CaseEvent],
    *,
    language: str,
    people: Sequence[Person] = (),
    show_documents: bool = True,
) -> list[TimelineEntry]:
    """Say each line of a trail, in order."""
    return [
        describe(e, language=language, people=people, show_documents=show_documents) for e in events
    ]
