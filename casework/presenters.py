"""Turn what services return into what the API, the CLI and the pages show."""

from datetime import date

from casework.context import AppContext
from casework.i18n import gettext
from casework.models import CaseEvent
from casework.schemas import CasePublic, DeadlineState, EventPublic, RequesterPublic
from casework.services.cases import CaseView
from casework.timeline import label_of
from workflows import case_flow
from workflows.deadlines import deadline_status


def case_public(
    ctx: AppContext,
    view: CaseView,
    *,
    language: str = "fr",
    today: date | None = None,
) -> CasePublic:
    """Present a case as its service returned it (the requester redacted there, by
    casework.services.door), with the state of its running deadline on `today`."""
    case = view.case
    today = today or ctx.today()
    deadline = None
    if case.next_due_on is not None:
        status = deadline_status(
            ctx.calendar,
            due_on=case.next_due_on,
            today=today,
            soon_within=ctx.settings.deadlines.at_risk_within,
        )
        deadline = DeadlineState(
            name=case.next_deadline,
            due_on=case.next_due_on,
            state=status.state.value,
            business_days=status.business_days,
        )
    requester = None
    if view.requester is not None:
        r = view.requester
        requester = (
            RequesterPublic(
                name=r.name,
                email=r.email,
                phone=r.phone,
                postal_address=r.postal_address,
                language=r.language,
                title=r.title,
                by_mail=r.by_mail,
            )
            if not view.redacted
            else RequesterPublic(
                name=None,
                email=None,
                phone=None,
                postal_address=None,
                language=r.language,
                redacted=True,
            )
        )
    return CasePublic(
        reference=case.reference,
        kind=case.kind,
        channel=case.channel,
        subject=case.subject,
        description=case.description,
        priority=case.priority,
        status=case.status,
        received_at=case.received_at,
        received_on=case.received_at.astimezone(ctx.tz).date(),
        facts_known_on=case.facts_known_on,
        assignee_id=case.assignee_id,
        requester=requester,
        ack_due_on=case.ack_due_on,
        answer_due_on=case.answer_due_on,
        protecteur_reply_due_on=case.protecteur_reply_due_on,
        next_due_on=case.next_due_on,
        overdue=case.next_due_on is not None and case.next_due_on < today,
        deadline=deadline,
        calendar_version=case.calendar_version,
        acknowledged_at=case.acknowledged_at,
        answered_at=case.answered_at,
        closed_at=case.closed_at,
        answer_summary=case.answer_summary,
        outcome=case.outcome,
        protecteur_file_number=case.protecteur_file_number,
        escalated_on=case.escalated_on,
        paused_on=case.paused_on,
        version=case.version,
        created_at=case.created_at,
        updated_at=case.updated_at,
        allowed_triggers=list(case_flow.allowed_triggers(case.status)),
        warnings=[w.render(lambda msgid: gettext(msgid, language)) for w in view.warnings],
    )


def event_public(event: CaseEvent, *, language: str) -> EventPublic:
    """Present one line of the audit trail, with what it records in words (`label`)."""
    shown = EventPublic.model_validate(event, from_attributes=True)
    shown.label = label_of(event, language)
    return shown
