"""`/api/cases`: register, find, read, change and move cases through their life cycle.

Every operation needs an authenticated caller and a permission of the policy table
(casework.security.policy). A permission an agent holds on the cases assigned to them only is
checked here against the case. DESIGN §2.5: the requester is shown only to those the policy lets
see it (`show_requester`), and every answer that shows it leaves one access-log entry per case.
"""

from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from casework.api.deps import get_context, get_language
from casework.api.errors import responses
from casework.api.explain import DeadlineOut, deadline_out
from casework.context import Actor, AppContext
from casework.presenters import case_public, event_public
from casework.repositories.cases import CaseFilters, shown_total
from casework.schemas import (
    MAX_ID,
    REFERENCE_PATTERN,
    CaseCreate,
    CaseList,
    CasePublic,
    CaseUpdate,
    Channel,
    Day,
    EventPublic,
    ExtensionIn,
    LetterPublic,
    NoteIn,
    ReplyDateIn,
    TransitionIn,
    search_text,
)
from casework.security import policy
from casework.security.authn import authenticated, require
from casework.services import access_log, letters
from casework.services import cases as service
from casework.services.cases import CaseView
from casework.services.errors import Forbidden
from workflows.case_flow import CaseState
from workflows.deadlines import CaseKind

router = APIRouter(
    prefix="/api/cases",
    tags=["cases"],
    dependencies=[Depends(authenticated)],
    responses=responses(401, 403),
)
TEXT_HELP = "Text in the subject, description or reference."
ASSIGNEE_HELP = "The assignee's user id."
Context = Annotated[AppContext, Depends(get_context)]
Language = Annotated[str, Depends(get_language)]
CurrentActor = Annotated[Actor, Depends(authenticated)]
# A reference as typed in a URL: letters, digits and dashes (never a control character, which
# PostgreSQL refuses in text).
Reference = Annotated[
    str, Path(min_length=1, max_length=40, pattern=REFERENCE_PATTERN, description="PLT-2026-00042")
]


def _authorize(ctx: AppContext, actor: Actor, reference: str, *permissions: str) -> None:
    """Refuse unless the actor holds each permission, on this case when only on its own."""
    view = None
    for permission in permissions:
        if policy.can(actor, permission):
            continue
        if policy.needs_the_case(actor, permission):
            view = view or service.get(ctx, reference=reference)
            if policy.can(actor, permission, view.case):
                continue
        raise Forbidden()


def _present(
    ctx: AppContext,
    actor: Actor,
    views: list[CaseView],
    *,
    language: str,
    what: str,
    today: date | None = None,
) -> list[CasePublic]:
    """Present cases as the actor may see them, and log each requester shown (one insert)."""
    shown = []
    items = []
    for view in views:
        visible = policy.can_see_requester(actor, view.case)
        items.append(case_public(ctx, view, language=language, today=today, show_requester=visible))
        if visible and view.requester is not None:
            shown.append(view.case.id)
    access_log.record(ctx, actor=actor, case_ids=shown, interface="api", what=what)
    return items


@router.post(
    "",
    status_code=201,
    response_model=CasePublic,
    responses=responses(422),
    summary="Register a case (letter, email, call, visit, web form)",
)
async def create_case(
    data: CaseCreate,
    response: Response,
    ctx: Context,
    language: Language,
    actor: Annotated[Actor, Depends(require("case.create"))],
) -> CasePublic:
    # Intake is the hot path (web forms, mail gateways): the command and its presentation run in
    # one worker thread, and the answer is checked against its model here, without a second hop.
    def command() -> CasePublic:
        view = service.open_case(ctx, actor=actor, data=data)
        response.headers["Location"] = f"/api/cases/{view.case.reference}"
        return _present(ctx, actor, [view], language=language, what="create")[0]

    return await run_in_threadpool(command)


@router.get("", response_model=CaseList, responses=responses(422), summary="Find cases")
def list_cases(
    ctx: Context,
    language: Language,
    actor: Annotated[Actor, Depends(require("case.read"))],
    status: Annotated[list[CaseState] | None, Query()] = None,
    kind: Annotated[list[CaseKind] | None, Query()] = None,
    channel: Annotated[list[Channel] | None, Query()] = None,
    assignee: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Assignee's user id.")
    ] = None,
    unassigned: bool = False,
    received_from: Day | None = None,
    received_to: Day | None = Query(default=None, description="Inclusive."),
    due_before: Day | None = None,
    overdue: bool = False,
    at_risk: bool = Query(default=False, description="Due within the at-risk threshold."),
    q: Annotated[
        str | None,
        Query(max_length=200, description="Text in the subject, description or reference."),
    ] = None,
    sort: Annotated[str, Query(pattern="^(received|due)$")] = "received",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> CaseList:
    today = ctx.today()
    tz = ctx.tz
    filters = CaseFilters(
        status=tuple(s.value for s in status or ()),
        kind=tuple(k.value for k in kind or ()),
        channel=tuple(c.value for c in channel or ()),
        assignee_id=assignee,
        unassigned=unassigned,
        received_from=datetime.combine(received_from, time(), tz) if received_from else None,
        received_to=datetime.combine(received_to + timedelta(days=1), time(), tz)
        if received_to
        else None,
        due_before=due_before,
        overdue_on=today if overdue else None,
        at_risk_until=(
            today,
            ctx.calendar.add_business_days(today, ctx.settings.deadlines.at_risk_within),
        )
        if at_risk
        else None,
        text=search_text(q),
    )
    views, total = service.search(
        ctx,
        filters=filters,
        limit=limit,
        offset=offset,
        by_due=sort == "due",
        actor=actor,
        interface="api",
    )
    total, capped = shown_total(filters, total)
    return CaseList(
        items=_present(ctx, actor, views, language=language, what="list", today=today),
        total=total,
        total_capped=capped,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/{reference}", response_model=CasePublic, responses=responses(404, 422), summary="Read a case"
)
def read_case(
    reference: Reference,
    ctx: Context,
    language: Language,
    actor: Annotated[Actor, Depends(require("case.read"))],
) -> CasePublic:
    view = service.get(ctx, reference=reference)
    return _present(ctx, actor, [view], language=language, what="read")[0]


@router.patch(
    "/{reference}",
    response_model=CasePublic,
    responses=responses(404, 409, 422),
    summary="Assign a case, or change its subject or priority",
)
def update_case(
    reference: Reference, changes: CaseUpdate, ctx: Context, language: Language, actor: CurrentActor
) -> CasePublic:
    needed = []
    if changes.assignee_id is not None or changes.unassign:
        needed.append("case.assign")
    if changes.subject is not None or changes.priority is not None or not needed:
        needed.append("case.update")
    _authorize(ctx, actor, reference, *needed)
    view = service.update(ctx, actor=actor, reference=reference, changes=changes)
    return _present(ctx, actor, [view], language=language, what="update")[0]


@router.post(
    "/{reference}/transitions",
    response_model=CasePublic,
    responses=responses(404, 409, 422),
    summary="Fire a life-cycle transition (acknowledge, answer, escalate, close...)",
)
def fire_transition(
    reference: Reference,
    request: TransitionIn,
    ctx: Context,
    language: Language,
    actor: CurrentActor,
) -> CasePublic:
    _authorize(ctx, actor, reference, policy.fire_permission(request.trigger))
    view = service.fire(ctx, actor=actor, reference=reference, request=request)
    return _present(ctx, actor, [view], language=language, what="transition")[0]


@router.post(
    "/{reference}/extensions",
    response_model=CasePublic,
    responses=responses(404, 409, 422),
    summary="Extend the answer delay, with a reason",
)
def extend_case(
    reference: Reference,
    data: ExtensionIn,
    ctx: Context,
    language: Language,
    actor: Annotated[Actor, Depends(require("case.extend"))],
) -> CasePublic:
    view = service.extend(
        ctx,
        actor=actor,
        reference=reference,
        version=data.version,
        days=data.days,
        reason=data.reason,
    )
    return _present(ctx, actor, [view], language=language, what="extension")[0]


@router.post(
    "/{reference}/reply-date",
    response_model=CasePublic,
    responses=responses(403, 404, 409, 422),
    summary="Set or change the Protecteur du citoyen's reply date of an escalated case",
)
def set_reply_date(
    reference: Reference,
    data: ReplyDateIn,
    ctx: Context,
    language: Language,
    actor: CurrentActor,
) -> CasePublic:
    _authorize(ctx, actor, reference, "case.fire.escalate")
    view = service.set_reply_date(
        ctx,
        actor=actor,
        reference=reference,
        version=data.version,
        reply_due_on=data.reply_due_on,
    )
    return _present(ctx, actor, [view], language=language, what="reply_date")[0]


@router.post(
    "/{reference}/notes",
    status_code=201,
    response_model=EventPublic,
    responses=responses(404, 422),
    summary="Add a note to the case's trail",
)
def add_note(reference: Reference, data: NoteIn, ctx: Context, actor: CurrentActor) -> EventPublic:
    _authorize(ctx, actor, reference, "case.note")
    return event_public(service.add_note(ctx, actor=actor, reference=reference, text=data.text))


@router.get(
    "/{reference}/events",
    response_model=list[EventPublic],
    responses=responses(404, 422),
    summary="Read the audit trail of a case",
)
def list_events(
    reference: Reference, ctx: Context, actor: Annotated[Actor, Depends(require("case.history"))]
) -> list[EventPublic]:
    view = service.get(ctx, reference=reference)
    events = [event_public(e) for e in service.events(ctx, reference=reference)]
    # Events written before letters had their own table kept the acknowledgment letter itself,
    # with the requester's name and address: shown and logged under the requester's rule.
    # The documents and the emails of the requester fall under the requester's rule (issue 14).
    if not policy.can(actor, "document.read", view.case):
        for event in events:
            if event.kind in ("documents", "correspondence"):
                event.reason = None
                event.data = {
                    "redacted": True,
                    "documents": len(event.data.get("documents") or ()),
                }
    letters = [e for e in events if "letter" in e.data]
    if letters and not policy.can_see_requester(actor, view.case):
        for event in letters:
            event.data = {**event.data, "letter": {"redacted": True}}
    elif letters:
        access_log.record(ctx, actor=actor, case_ids=[view.case.id], interface="api", what="events")
    return events


@router.get(
    "/{reference}/deadlines",
    response_model=list[DeadlineOut],
    responses=responses(404, 422),
    summary="Read each deadline of a case with its explanation",
)
def list_deadlines(
    reference: Reference,
    ctx: Context,
    language: Language,
    _: Annotated[Actor, Depends(require("case.read"))],
) -> list[DeadlineOut]:
    return [deadline_out(d, language=language) for d in service.deadlines(ctx, reference=reference)]


def letter_public(letter, reference: str) -> LetterPublic:
    """Present a letter as the API shows it."""
    return LetterPublic(
        id=letter.id,
        case_reference=reference,
        kind=letter.kind,
        language=letter.language,
        channel=letter.channel,
        recipient=letter.recipient,
        letter_date=letter.letter_date,
        subject=letter.subject,
        text=letter.text_body,
        sha256=letter.sha256,
        created_at=letter.created_at,
        mailed_on=letter.mailed_on,
        pdf_url=f"/api/cases/{reference}/letters/{letter.id}",
    )


@router.get(
    "/{reference}/letters",
    response_model=list[LetterPublic],
    responses=responses(404, 422),
    summary="List the letters sent to the requester, oldest first",
)
def list_letters(reference: Reference, ctx: Context, actor: CurrentActor) -> list[LetterPublic]:
    found = letters.for_case(ctx, actor=actor, interface="api", reference=reference)
    return [letter_public(letter, found.case.reference) for letter in found.letters]


@router.get(
    "/{reference}/letters/{letter_id}",
    response_model=LetterPublic,
    responses={
        **responses(404, 422),
        200: {"content": {"application/pdf": {}}, "description": "The letter (JSON or PDF)."},
    },
    summary="Read a letter as sent: JSON, or its PDF with Accept: application/pdf",
)
def read_letter(
    reference: Reference,
    letter_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    request: Request,
    ctx: Context,
    actor: CurrentActor,
):
    case, letter = letters.get(
        ctx, actor=actor, interface="api", reference=reference, letter_id=letter_id
    )
    if "application/pdf" in request.headers.get("accept", ""):
        return Response(
            content=letter.pdf,
            media_type="application/pdf",
            headers={
                "Content-Disposition": (
                    f'inline; filename="{letters.letter_file_name(letter, case.reference)}"'
                ),
                "X-Content-SHA256": letter.sha256,
            },
        )
    return letter_public(letter, case.reference)
