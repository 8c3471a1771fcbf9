"""`/api/reports`: the service declaration's results, the annual management report, the cases
behind each figure; `/api/survey`: the satisfaction survey's answers.

The services check the permission (`reports.read`, `survey.record`) and compute the figures
(casework.services.accountability_report); nothing here counts.
"""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from casework import annual_report
from casework.api.deps import get_context, get_language
from casework.api.errors import responses
from casework.context import Actor, AppContext
from casework.schemas import SurveyAnswersIn, SurveyImportPublic
from casework.security.authn import authenticated
from casework.services import accountability_report as service
from casework.services import survey

router = APIRouter(
    tags=["reports"], dependencies=[Depends(authenticated)], responses=responses(401, 403)
)
Context = Annotated[AppContext, Depends(get_context)]
Language = Annotated[str, Depends(get_language)]
CurrentActor = Annotated[Actor, Depends(authenticated)]
FiscalYear = Annotated[
    int, Query(ge=2000, le=2100, description="2026 is 1 April 2026 to 31 March 2027.")
]
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@router.get(
    "/api/reports/service-declaration",
    responses=responses(422),
    summary="The service declaration's results over a period (Montreal days, inclusive)",
)
def service_declaration(
    ctx: Context,
    language: Language,
    actor: CurrentActor,
    first: Annotated[date, Query(alias="from")],
    last: Annotated[date, Query(alias="to")],
) -> dict:
    period = service.declaration(ctx, actor=actor, first=first, last=last)
    return service.declaration_json(period, language)


@router.get(
    "/api/reports/service-standards",
    responses=responses(422),
    summary="On-time acknowledgments and answers falling due in a period, as of today",
)
def service_standards(
    ctx: Context,
    actor: CurrentActor,
    first: Annotated[date, Query(alias="from")],
    last: Annotated[date, Query(alias="to")],
) -> dict[str, dict]:
    from casework.services import reports as reports_service

    figures = reports_service.service_standards(ctx, actor=actor, first=first, last=last)
    return {name: item.as_dict() for name, item in figures.items()}


@router.get(
    "/api/reports/annual",
    responses={
        **responses(422),
        200: {
            "description": "The report: JSON, or the workbook or the PDF asked for by `format`.",
            "content": {"application/json": {}, **{t: {} for t in MEDIA_TYPES.values()}},
        },
    },
    summary="The annual management report of a fiscal year (JSON, XLSX or PDF)",
)
def annual(
    ctx: Context,
    language: Language,
    actor: CurrentActor,
    fiscal_year: FiscalYear,
    format: Literal["json", "xlsx", "pdf"] = "json",
):
    period = service.annual(ctx, actor=actor, fiscal_year=fiscal_year, trace=format == "xlsx")
    data = service.annual_json(ctx, period, fiscal_year=fiscal_year, language=language)
    if format == "json":
        return data
    name = f"rapport-annuel-{fiscal_year}-{fiscal_year + 1}.{format}"
    content = (
        annual_report.xlsx(ctx.settings, data, period, language=language)
        if format == "xlsx"
        else annual_report.pdf(ctx.settings, data, language=language)
    )
    return Response(
        content,
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/api/reports/cases",
    responses=responses(404, 422),
    summary="The references of the cases one figure of a period counts",
)
def cases_behind(
    ctx: Context,
    actor: CurrentActor,
    first: Annotated[date, Query(alias="from")],
    last: Annotated[date, Query(alias="to")],
    figure: Annotated[str, Query(min_length=1, max_length=120, pattern=r"^[a-z0-9_.Q-]+$")],
) -> dict:
    references = service.cases_behind(ctx, actor=actor, first=first, last=last, figure=figure)
    return {"figure": figure, "count": len(references), "references": references}


@router.post(
    "/api/survey/answers",
    status_code=201,
    responses=responses(422),
    summary="Record survey answers taken by an officer (a call, a paper questionnaire)",
)
def record_answers(ctx: Context, actor: CurrentActor, data: SurveyAnswersIn) -> dict:
    return {"answers": survey.record(ctx, actor=actor, answers=data.answers)}


@router.post(
    "/api/survey/imports",
    status_code=201,
    response_model=SurveyImportPublic,
    responses=responses(422),
    summary="Import a survey's results: CSV, one row per respondent and aspect",
    openapi_extra={
        "requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}, "required": True}
    },
)
async def import_answers(request: Request, ctx: Context, actor: CurrentActor) -> SurveyImportPublic:
    from starlette.concurrency import run_in_threadpool

    content = await request.body()
    batch, count = await run_in_threadpool(survey.import_csv, ctx, actor=actor, content=content)
    return SurveyImportPublic(batch=batch, answers=count)
