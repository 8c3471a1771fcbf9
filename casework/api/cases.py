"""`/api/cases`: register, find, read, change and move cases through their life cycle."""

from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from casework.api.deps import get_actor, get_context, get_language
from casework.api.errors import responses
from casework.api.explain import DeadlineOut, deadline_out
from casework.context import Actor, AppContext
from casework.presenters import case_public, event_public
from casework.repositories.cases import CaseFilters
from casework.schemas import (
    MAX_ID,
    CaseCreate,
    CaseList,
    CasePublic,
    CaseUpdate,
    Channel,
    EventPublic,
    ExtensionIn,
    NoteIn,
    TransitionIn,
)
from casework.services import cases as service
from workflows.case_flow import CaseState
from workflows.deadlines import CaseKind

router = APIRouter(prefix="/api/cases", tags=["cases"])
TEXT_HELP = "Text in the subject, description or reference."
ASSIGNEE_HELP = "The assignee's user id."
Context = Annotated[AppContext, Depends(get_context)]
Language = Annotated[str, Depends(get_language)]
CurrentActor = Annotated[Actor, Depends(get_actor)]


@router.post(
    "",
    status_code=201,
    response_model=CasePublic,
    responses=responses(422),
    summary="Register a case (letter, email, call, visit, web form)",
)
def create_case(
    data: CaseCreate, response: Response, ctx: Context, language: Language, actor: CurrentActor
) -> CasePublic:
    view = service.open_case(ctx, actor=actor, data=data)
    response.headers["Location"] = f"/api/cases/{view.case.reference}"
    return case_public(ctx, view, language=language)


@router.get("", response_model=CaseList, responses=responses(422), summary="Find cases")
def list_cases(
    ctx: Context,
    language: Language,
    status: Annotated[list[CaseState] | None, Query()] = None,
    kind: Annotated[list[CaseKind] | None, Query()] = None,
    channel: Annotated[list[Channel] | None, Query()] = None,
    assignee: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Assignee's user id.")
    ] = None,
    unassigned: bool = False,
    received_from: date | None = None,
    received_to: date | None = Query(default=None, description="Inclusive."),
    due_before: date | None = None,
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
        text=q.strip() if q and q.strip() else None,
    )
    views, total = service.search(
        ctx, filters=filters, limit=limit, offset=offset, by_due=sort == "due"
    )
    return CaseList(
        items=[case_public(ctx, v, language=language, today=today) for v in views],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/{reference}", response_model=CasePublic, responses=responses(404), summary="Read a case"
)
def read_case(reference: str, ctx: Context, language: Language) -> CasePublic:
    return case_public(ctx, service.get(ctx, reference=reference), language=language)


@router.patch(
    "/{reference}",
    response_model=CasePublic,
    responses=responses(404, 409, 422),
    summary="Assign a case, or change its subject or priority",
)
def update_case(
    reference: str, changes: CaseUpdate, ctx: Context, language: Language, actor: CurrentActor
) -> CasePublic:
    view = service.update(ctx, actor=actor, reference=reference, changes=changes)
    return case_public(ctx, view, language=language)


@router.post(
    "/{reference}/transitions",
    response_model=CasePublic,
    responses=responses(404, 409, 422),
    summary="Fire a life-cycle transition (acknowledge, answer, escalate, close...)",
)
def fire_transition(
    reference: str, request: TransitionIn, ctx: Context, language: Language, actor: CurrentActor
) -> CasePublic:
    view = service.fire(ctx, actor=actor, reference=reference, request=request)
    return case_public(ctx, view, language=language)


@router.post(
    "/{reference}/extensions",
    response_model=CasePublic,
    responses=responses(404, 409, 422),
    summary="Extend the answer delay, with a reason",
)
def extend_case(
    reference: str, data: ExtensionIn, ctx: Context, language: Language, actor: CurrentActor
) -> CasePublic:
    view = service.extend(
        ctx,
        actor=actor,
        reference=reference,
        version=data.version,
        days=data.days,
        reason=data.reason,
    )
    return case_public(ctx, view, language=language)


@router.post(
    "/{reference}/notes",
    status_code=201,
    response_model=EventPublic,
    responses=responses(404, 422),
    summary="Add a note to the case's trail",
)
def add_note(reference: str, data: NoteIn, ctx: Context, actor: CurrentActor) -> EventPublic:
    return event_public(service.add_note(ctx, actor=actor, reference=reference, text=data.text))


@router.get(
    "/{reference}/events",
    response_model=list[EventPublic],
    responses=responses(404),
    summary="Read the audit trail of a case",
)
def list_events(reference: str, ctx: Context) -> list[EventPublic]:
    return [event_public(e) for e in service.events(ctx, reference=reference)]


@router.get(
    "/{reference}/deadlines",
    response_model=list[DeadlineOut],
    responses=responses(404),
    summary="Read each deadline of a case with its explanation",
)
def list_deadlines(reference: str, ctx: Context, language: Language) -> list[DeadlineOut]:
    today = ctx.today()
    return [
        deadline_out(ctx, d.name, d.explanation, language=language, today=today)
        for d in service.deadlines(ctx, reference=reference)
    ]
