"""What the case commands tell people, and who is told: the letters to the requester at each step
(acknowledgment of receipt, request for missing information, extension notice, answer, closing
without answer), the escalation notice, and the staff who receive reminders.

DESIGN §2.3: "The acknowledgment of receipt [...] states the delay for the answer"; "the person
is told of any extension". DESIGN §2.4: "the assignee, or the complaints officers when nobody is
assigned, get a reminder; supervisors get overdue alerts and a daily digest." The service
declaration requires the acknowledgment to state the answer delay, as a date and as a number of
days.

These functions run inside the unit of work of the command that causes them: the messages are
enqueued in the outbox in the same transaction (DESIGN §3), and delivered later.
"""

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

from sqlmodel import Session

from casework.config import Settings
from casework.context import Actor, AppContext
from casework.i18n import N_, gettext, ngettext, normalize_language
from casework.models import Case, MessageChannel, Requester
from casework.repositories import reminders as reminders_repo
from casework.repositories.reminders import Recipient
from casework.services import letters
from notifications import outbox
from notifications.outbox import NewMessage
from notifications.render import Rendered, render
from workflows.case_clock import DeadlineName
from workflows.case_flow import STATE_LABELS
from workflows.deadlines import DayUnit, receipt_date

# The deadlines as they read inside a sentence ("the deadline for the answer").
DEADLINE_IN_SENTENCE = {
    DeadlineName.ACKNOWLEDGMENT: N_("the acknowledgment of receipt"),
    DeadlineName.ANSWER: N_("the answer"),
    DeadlineName.PROTECTEUR_REPLY: N_("the reply to the Protecteur du citoyen"),
}


def case_link(settings: Settings, reference: str) -> str:
    """Return the address of a case's page, for links in messages."""
    return f"{settings.server.base_url.rstrip('/')}/cases/{quote(reference)}"


def delay_text(days: int, unit: DayUnit | str, language: str) -> str:
    """Say a delay in words: `20 jours ouvrables`, `1 business day`, `30 jours civils`."""
    if DayUnit(unit) is DayUnit.BUSINESS:
        return ngettext("%(n)s business day", "%(n)s business days", days, language)
    return ngettext("%(n)s calendar day", "%(n)s calendar days", days, language)


def case_facts(settings: Settings, case, language: str) -> dict:
    """Return what every message shows of a case (a Case row or a sweep row)."""
    return {
        "reference": case.reference,
        "subject": case.subject,
        "link": case_link(settings, case.reference),
    }


def status_label(status: str, language: str) -> str:
    """Return the translated name of a case state."""
    return gettext(STATE_LABELS[status], language)


# -- who receives what ---------------------------------------------------------------------


@dataclass
class Staff:
    """The active staff, loaded once per command, and who among them receives what."""

    by_id: dict[int, Recipient]

    @classmethod
    def load(cls, session: Session) -> "Staff":
        return cls(reminders_repo.active_recipients(session))

    def with_role(self, role: str) -> list[Recipient]:
        return sorted((r for r in self.by_id.values() if r.role == role), key=lambda r: r.user_id)

    def name_of(self, user_id: int | None) -> str | None:
        user = self.by_id.get(user_id) if user_id is not None else None
        return user.name if user else None

    def for_case(self, assignee_id: int | None) -> list[tuple[Recipient, str]]:
        """Return who is reminded of a case and why: its assignee, or else the complaints
        officers; when there is no active officer either, the supervisors and administrators,
        so that a reminder always reaches someone."""
        assignee = self.by_id.get(assignee_id) if assignee_id is not None else None
        if assignee is not None:
            return [(assignee, "assignee")]
        officers = self.with_role("officer")
        if officers:
            return [(officer, "queue") for officer in officers]
        return [(r, "fallback") for r in self.with_role("supervisor") + self.with_role("admin")]

    def for_overdue(self, assignee_id: int | None) -> list[tuple[Recipient, str]]:
        """Return who is alerted of an overdue case: those reminded of it, and the
        supervisors."""
        chosen = self.for_case(assignee_id)
        seen = {recipient.user_id for recipient, _ in chosen}
        for supervisor in self.with_role("supervisor"):
            if supervisor.user_id not in seen:
                chosen.append((supervisor, "supervisor"))
                seen.add(supervisor.user_id)
        return chosen


def channels_of(recipient: Recipient) -> list[MessageChannel]:
    """Return how a staff member is told: by email when their account has an address, and
    always in their casework inbox."""
    if recipient.email:
        return [MessageChannel.EMAIL, MessageChannel.INAPP]
    return [MessageChannel.INAPP]


def staff_messages(
    recipient: Recipient,
    *,
    kind: str,
    case_id: int | None,
    link: str | None,
    rendered: Rendered | None = None,
    context: dict | None = None,
    key: str | None = None,
) -> list[NewMessage]:
    """Return the messages of one staff member: an email when they have an address, and always
    one in their casework inbox; rendered, or with the context to render them from at delivery.
    With `key`, each message gets `<key>:<channel>:<user id>`."""
    return [
        NewMessage(
            kind=kind,
            channel=channel.value,
            language=normalize_language(recipient.language),
            subject=rendered.subject if rendered else None,
            text_body=rendered.text if rendered else None,
            html_body=rendered.html if rendered and channel is MessageChannel.EMAIL else None,
            context=context,
            recipient=recipient.email if channel is MessageChannel.EMAIL else None,
            user_id=recipient.user_id,
            case_id=case_id,
            link=link,
            dedup_key=f"{key}:{channel.value}:{recipient.user_id}" if key else None,
        )
        for channel in channels_of(recipient)
    ]


# -- letters to the requester --------------------------------------------------------------
# Each step the person must hear about writes its letter (casework.services.letters) in the unit
# of work of the step; the event of the step keeps the letter's id and channel.


def _requester_language(session: Session, case: Case) -> str:
    requester = session.get(Requester, case.requester_id) if case.requester_id else None
    return normalize_language(requester.language if requester else None)


def on_acknowledged(
    ctx: AppContext, session: Session, case: Case, *, actor: Actor, now: datetime, today: date
) -> dict:
    """Write the acknowledgment of receipt: it states the answer delay as a date and as a number
    of days counted from the day of receipt. Return what the transition's event keeps."""
    received_on = receipt_date(case.received_at, ctx.tz)
    language = _requester_language(session, case)
    delay = ctx.policy(case.kind).answer
    unit = delay.unit
    if unit is DayUnit.BUSINESS:
        days = ctx.calendar.business_days_between(received_on, case.answer_due_on)
    else:
        # Calendar days: the delay itself; a due date carried past a non-business day does not
        # lengthen it (C.p.c., art. 83; Loi d'interprétation, art. 52).
        days = delay.days
    letter = letters.issue(
        ctx,
        session,
        case,
        kind="acknowledgment",
        actor=actor,
        now=now,
        today=today,
        answer_due_on=case.answer_due_on,
        answer_delay=delay_text(days, unit, language),
    )
    return letters.event_data(letter)


def on_information_requested(
    ctx: AppContext,
    session: Session,
    case: Case,
    *,
    missing: str,
    actor: Actor,
    now: datetime,
    today: date,
) -> dict:
    """Ask the requester for what is missing: what, how and where to send it, and that the
    answer delay is suspended until it arrives (with the business days that will remain)."""
    language = _requester_language(session, case)
    remaining = (
        ctx.calendar.business_days_between(today, case.answer_due_on)
        if case.answer_due_on > today
        else 0
    )
    letter = letters.issue(
        ctx,
        session,
        case,
        kind="information_request",
        actor=actor,
        now=now,
        today=today,
        missing=missing,
        paused_on=today,
        remaining_delay=delay_text(remaining, DayUnit.BUSINESS, language) if remaining else "",
    )
    return letters.event_data(letter)


def on_extended(
    ctx: AppContext,
    session: Session,
    case: Case,
    *,
    previous_due_on: date,
    late: bool,
    reason: str,
    actor: Actor,
    now: datetime,
    today: date,
) -> dict:
    """Tell the requester of an extension of the answer delay: the reason and the new date; an
    extension given after the deadline (`late`, as the case clock says) says that the deadline
    was missed."""
    letter = letters.issue(
        ctx,
        session,
        case,
        kind="extension_notice",
        actor=actor,
        now=now,
        today=today,
        answer_due_on=case.answer_due_on,
        previous_due_on=previous_due_on,
        late=late,
        reason=reason,
    )
    return letters.event_data(letter)


def on_answered(
    ctx: AppContext,
    session: Session,
    case: Case,
    *,
    answer: str,
    actor: Actor,
    now: datetime,
    today: date,
) -> dict:
    """Send the answer written by the officer, with the recourse to the Protecteur du citoyen
    for a complaint."""
    letter = letters.issue(
        ctx, session, case, kind="answer", actor=actor, now=now, today=today, answer=answer
    )
    return letters.event_data(letter)


def on_closed_without_answer(
    ctx: AppContext,
    session: Session,
    case: Case,
    *,
    outcome: str,
    redirected_to: str | None,
    comment: str | None,
    actor: Actor,
    now: datetime,
    today: date,
) -> dict:
    """Tell the requester that the file is closed without an answer: withdrawn, redirected (to
    whom, with their contact details when known) or without follow-up."""
    letter = letters.issue(
        ctx,
        session,
        case,
        kind="closing",
        actor=actor,
        now=now,
        today=today,
        outcome=outcome,
        redirected_to=redirected_to or "",
        comment=comment or "",
    )
    return letters.event_data(letter)


def on_escalated(ctx: AppContext, session: Session, case: Case, *, now: datetime) -> list[int]:
    """Tell the assignee and the complaints officers that the case was taken to the Protecteur
    du citoyen; return the ids of the staff members told."""
    staff = Staff.load(session)
    chosen = staff.for_case(case.assignee_id)
    if chosen and chosen[0][1] == "assignee":
        officers = [
            (o, "queue") for o in staff.with_role("officer") if o.user_id != case.assignee_id
        ]
        chosen += officers
    messages = []
    for recipient, why in chosen:
        language = normalize_language(recipient.language)
        rendered = render(
            "escalation_notice",
            language,
            user_name=recipient.name,
            why=why,
            case=case_facts(ctx.settings, case, language),
            status_label=status_label(case.status, language),
            assignee_name=staff.name_of(case.assignee_id),
            file_number=case.protecteur_file_number or "—",
            escalated_on=case.escalated_on or receipt_date(now, ctx.tz),
            reply_due_on=case.protecteur_reply_due_on,
        )
        messages += staff_messages(
            recipient,
            rendered=rendered,
            kind="escalation_notice",
            case_id=case.id,
            link=case_link(ctx.settings, case.reference),
        )
    for message in messages:
        outbox.enqueue(session, message=message, now=now)
    return [recipient.user_id for recipient, _ in chosen]


def on_correspondence(
    ctx: AppContext,
    session: Session,
    case: Case,
    *,
    now: datetime,
    received_on: date,
    email_subject: str,
    from_requester: bool,
    resumed: bool,
) -> list[int]:
    """Tell the assignee (or else the complaints officers) that an email landed on their case,
    and whether it resumed it; return the ids of the staff members told."""
    staff = Staff.load(session)
    chosen = staff.for_case(case.assignee_id)
    for recipient, why in chosen:
        language = normalize_language(recipient.language)
        rendered = render(
            "correspondence_notice",
            language,
            user_name=recipient.name,
            why=why,
            case=case_facts(ctx.settings, case, language),
            status_label=status_label(case.status, language),
            assignee_name=staff.name_of(case.assignee_id),
            received_on=received_on,
            email_subject=email_subject or "—",
            from_requester=from_requester,
            resumed=resumed,
            answer_due_on=case.answer_due_on,
        )
        for message in staff_messages(
            recipient,
            rendered=rendered,
            kind="correspondence_notice",
            case_id=case.id,
            link=case_link(ctx.settings, case.reference),
        ):
            outbox.enqueue(session, message=message, now=now)
    return [recipient.user_id for recipient, _ in chosen]
