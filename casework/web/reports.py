"""The supervisor's accountability pages: the service declaration's results over a period, the
annual management report of a fiscal year (with its workbook and PDF), and the list of the cases
behind any figure.

Loi sur l'administration publique, art. 24, and the service declaration: « Le suivi des
engagements et des résultats est publié dans le rapport annuel de gestion ». The figures come
from casework.services.accountability_report, the tables from casework.annual_report: the page,
the workbook and the PDF show the same numbers. Permission `reports.read`; no requester shown.
"""

from datetime import date
from urllib.parse import urlencode

from fastapi import Request
from starlette.responses import Response

from casework import annual_report
from casework.i18n import N_
from casework.services import accountability_report as service
from casework.services import citizen_survey, survey
from casework.services.errors import InvalidInput, NotFound
from casework.web.common import CurrentPage, Form, Page, page_router
from workflows.accountability import STATUS_LABELS, fiscal_year_bounds, fiscal_year_of

router = page_router()
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _day(request: Request, name: str, default: date) -> date:
    value = request.query_params.get(name)
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            N_("The date %(value)s is not valid (YYYY-MM-DD)."), field=name, value=value
        ) from None


def _fiscal_year(page: Page, request: Request) -> int:
    default = fiscal_year_of(page.ctx.today())
    value = request.query_params.get("fiscal_year", "")
    if not value:
        return default
    if not value.isdigit():
        raise InvalidInput(
            N_("The fiscal year must be between 2000 and 2100."), field="fiscal_year"
        )
    return int(value)


def _link(first: date, last: date):
    def link(figure: str | None) -> str | None:
        if not figure:
            return None
        query = {"from": first.isoformat(), "to": last.isoformat(), "figure": figure}
        return "/reports/cases?" + urlencode(query)

    return link


@router.get("/reports/declaration")
def declaration(request: Request, page: CurrentPage) -> Response:
    page.require("reports.read")
    today = page.ctx.today()
    first = _day(request, "from", fiscal_year_bounds(fiscal_year_of(today))[0])
    last = _day(request, "to", today)
    period = service.declaration(page.ctx, actor=page.actor, first=first, last=last)
    data = service.declaration_json(period, page.language)
    config = page.ctx.settings.accountability
    return page.render(
        "web/reports_declaration.html",
        {
            "data": data,
            "first": first,
            "last": last,
            "link": _link(first, last),
            "status_label": lambda code: page._(STATUS_LABELS[code]),
            "can_import": page.can("survey.record"),
            "percent": lambda value, target=False: annual_report.percent(
                value, page.language, target=target
            ),
            "number": lambda value: annual_report.number(value, page.language),
            "label": lambda list_name, code: config.label(list_name, code, page.language),
        },
    )


@router.get("/reports/annual")
def annual(request: Request, page: CurrentPage) -> Response:
    page.require("reports.read")
    year = _fiscal_year(page, request)
    period = service.annual(page.ctx, actor=page.actor, fiscal_year=year)
    data = service.annual_json(page.ctx, period, fiscal_year=year, language=page.language)
    config = page.ctx.settings.accountability
    first, last = fiscal_year_bounds(year)
    return page.render(
        "web/reports_annual.html",
        {
            "data": data,
            "year": year,
            "title": annual_report.title(data, page.language),
            "tables": annual_report.tables(page.ctx.settings, data, language=page.language),
            "link": _link(first, last),
            "label": lambda list_name, code: (
                config.label(list_name, code, page.language)
                if code != service.UNCLASSIFIED
                else page._("Not recorded")
            ),
            "services": [*config.codes("services"), service.UNCLASSIFIED],
            "commitments": [*config.codes("commitments"), service.UNCLASSIFIED],
            "percent": lambda value: annual_report.percent(value, page.language),
        },
    )


@router.get("/reports/annual.{extension}")
def annual_file(extension: str, request: Request, page: CurrentPage) -> Response:
    page.require("reports.read")
    if extension not in MEDIA_TYPES:
        raise InvalidInput(N_("Choose xlsx or pdf."), field="format")
    year = _fiscal_year(page, request)
    period = service.annual(page.ctx, actor=page.actor, fiscal_year=year, trace=extension == "xlsx")
    data = service.annual_json(page.ctx, period, fiscal_year=year, language=page.language)
    content = (
        annual_report.xlsx(page.ctx.settings, data, period, language=page.language)
        if extension == "xlsx"
        else annual_report.pdf(page.ctx.settings, data, language=page.language)
    )
    name = f"rapport-annuel-{year}-{year + 1}.{extension}"
    return Response(
        content,
        media_type=MEDIA_TYPES[extension],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/reports/cases")
def cases_behind(request: Request, page: CurrentPage) -> Response:
    page.require("reports.read")
    today = page.ctx.today()
    first = _day(request, "from", fiscal_year_bounds(fiscal_year_of(today))[0])
    last = _day(request, "to", today)
    figure = request.query_params.get("figure", "")
    references = service.cases_behind(
        page.ctx, actor=page.actor, first=first, last=last, figure=figure
    )
    return page.render(
        "web/reports_cases.html",
        {"figure": figure, "references": references, "first": first, "last": last},
    )


@router.get("/reports/survey")
def survey_form(page: CurrentPage) -> Response:
    page.require("survey.record")
    return page.render("web/reports_survey.html", {"error": None, "imported": None})


@router.post("/reports/survey")
async def survey_import(request: Request, page: CurrentPage) -> Response:
    """Import a survey's results from the uploaded CSV file (all rows or none)."""
    from starlette.concurrency import run_in_threadpool

    page.require("survey.record")
    async with request.form() as form:
        upload = form.get("file")
        content = await upload.read() if hasattr(upload, "read") else b""
    try:
        _, count = await run_in_threadpool(
            survey.import_csv, page.ctx, actor=page.actor, content=content
        )
    except InvalidInput as exc:
        return page.render(
            "web/reports_survey.html",
            {"error": exc.message(page.language), "imported": None},
            status_code=422,
        )
    return page.render("web/reports_survey.html", {"error": None, "imported": count})


@router.get("/reports/survey/comments")
def survey_comments(request: Request, page: CurrentPage) -> Response:
    """The survey's free comments, newest first; one that is itself a complaint can become a
    case (officers)."""
    rows = citizen_survey.comments(page.ctx, actor=page.actor)
    return page.render(
        "web/reports_survey_comments.html",
        {"comments": rows, "created": request.query_params.get("created")},
    )


@router.post("/reports/survey/comments/{comment_id}/case")
async def survey_comment_to_case(comment_id: str, page: CurrentPage, form: Form) -> Response:
    """Register a new complaint from a survey comment."""
    from starlette.concurrency import run_in_threadpool

    if not comment_id.isdigit() or len(comment_id) > 9:
        raise NotFound(N_("No survey comment has the id %(id)s."), id=comment_id)
    reference = await run_in_threadpool(
        citizen_survey.comment_to_case, page.ctx, actor=page.actor, comment_id=int(comment_id)
    )
    return page.redirect("/reports/survey/comments", created=reference)
