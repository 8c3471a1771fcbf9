"""`/api/calendar`: the closure days of a year and a public deadline calculator."""

import re
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from casework.api.deps import get_context, get_language
from casework.api.errors import responses
from casework.context import Actor, AppContext
from casework.explain import sentence
from casework.i18n import N_
from casework.schemas import VISIBLE, Day, Line, Moment, _Input, as_montreal
from casework.security.authn import require
from casework.services import closures as closures_service
from casework.services.calendar import ensure_covered
from casework.services.errors import InvalidInput
from workflows.deadlines import DayUnit, Delay, explain_due

router = APIRouter(prefix="/api/calendar", tags=["calendar"])
# The years of a receipt the calculator takes: with up to 365 business days, the due date stays
# within the calendar's years (2000 to 2100).
RECEIPT_YEARS = r"^20([0-8][0-9]|9[0-8])-"
Context = Annotated[AppContext, Depends(get_context)]
Language = Annotated[str, Depends(get_language)]


class ClosureOut(BaseModel):
    date: date
    name_fr: str
    name_en: str
    source: str


class ClosureList(BaseModel):
    year: int
    calendar: str
    calendar_version: str
    closures: list[ClosureOut]


class DueOut(BaseModel):
    received: datetime
    received_on: date
    days: int
    unit: DayUnit
    due_on: date
    calendar_version: str
    explanation: str
    closures_skipped: list[ClosureOut]


@router.get(
    "/closures",
    response_model=ClosureList,
    responses=responses(422),
    summary="List the closure days of a year (public)",
)
def closures(
    ctx: Context, year: Annotated[int, Query(ge=2000, le=2100, description="The year.")]
) -> ClosureList:
    ensure_covered(ctx, date(year, 1, 1), field="year")
    return ClosureList(
        year=year,
        calendar=ctx.calendar.base,
        calendar_version=ctx.calendar.version,
        closures=[ClosureOut(**c.as_dict()) for c in ctx.calendar.closures(year)],
    )


@router.get(
    "/due",
    response_model=DueOut,
    responses=responses(422),
    summary="Compute a due date from a receipt (public deadline calculator)",
)
def due(
    ctx: Context,
    language: Language,
    received: Annotated[
        Moment,
        Query(
            description="The receipt: a date, or a date and time (with an offset, or else "
            "Montreal local time), from 2000 to 2098 (the calendar covers 2000 to 2100, and "
            "the due date must fall within it).",
            json_schema_extra={"pattern": RECEIPT_YEARS},
        ),
    ],
    days: Annotated[int, Query(ge=0, le=365)] = 10,
    unit: DayUnit = DayUnit.BUSINESS,
) -> DueOut:
    received_at = as_montreal(received)
    if not re.match(RECEIPT_YEARS, received_at.astimezone(ctx.tz).date().isoformat()):
        raise InvalidInput(N_("The calculator takes receipts from 2000 to 2098."), field="received")
    ensure_covered(ctx, received_at.astimezone(ctx.tz).date(), field="received")
    explanation = explain_due(
        ctx.calendar, received_at=received_at, delay=Delay(days, unit), tz=ctx.tz
    )
    ensure_covered(ctx, explanation.due_on, field="days")
    return DueOut(
        received=received_at,
        received_on=explanation.received_on,
        days=days,
        unit=unit,
        due_on=explanation.due_on,
        calendar_version=explanation.calendar_version,
        explanation=sentence(explanation, language),
        closures_skipped=[ClosureOut(**c.as_dict()) for c in explanation.closures_skipped],
    )


class ClosureIn(_Input):
    day: Day = Field(description="A weekday that is not already a closure day, YYYY-MM-DD.")
    name_fr: Line = Field(min_length=1, max_length=200, json_schema_extra=VISIBLE)
    name_en: Line = Field(min_length=1, max_length=200, json_schema_extra=VISIBLE)


class DeadlineMoveOut(BaseModel):
    reference: str
    status: str
    deadline: str
    before: date | None
    after: date | None


class ClosureChangeOut(BaseModel):
    day: date
    action: str
    calendar_version: str
    moves: list[DeadlineMoveOut]


def _change_out(preview) -> ClosureChangeOut:
    return ClosureChangeOut(
        day=preview.change.day,
        action=preview.change.action,
        calendar_version=preview.calendar_version,
        moves=[
            DeadlineMoveOut(
                reference=m.reference,
                status=m.status,
                deadline=m.deadline,
                before=m.before,
                after=m.after,
            )
            for m in preview.moves
        ],
    )


@router.post(
    "/closures",
    status_code=201,
    response_model=ClosureChangeOut,
    responses=responses(401, 403, 422),
    summary="Add a closure day and recompute the open deadlines it moves (administrators)",
)
def add_closure(
    data: ClosureIn,
    ctx: Context,
    actor: Annotated[Actor, Depends(require("calendar.manage"))],
) -> ClosureChangeOut:
    return _change_out(
        closures_service.apply_closure_change(
            ctx,
            actor=actor,
            day=data.day,
            action="add",
            name_fr=data.name_fr,
            name_en=data.name_en,
        )
    )


@router.delete(
    "/closures",
    response_model=ClosureChangeOut,
    responses=responses(401, 403, 422),
    summary="Remove a closure day and recompute the open deadlines it moves (administrators)",
)
def remove_closure(
    day: Annotated[Day, Query(description="The closure day to remove, YYYY-MM-DD.")],
    ctx: Context,
    actor: Annotated[Actor, Depends(require("calendar.manage"))],
) -> ClosureChangeOut:
    return _change_out(
        closures_service.apply_closure_change(ctx, actor=actor, day=day, action="remove")
    )
