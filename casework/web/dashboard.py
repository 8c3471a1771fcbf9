"""The supervisor's dashboard: overdue and at-risk lists, workload per person, ageing of open
cases in business days, cases opened and answered per week, the on-time rates; each list also as
a CSV file.

DESIGN §1: the supervisor "reviews overdue and at-risk cases, workload, and the service-standard
figures". The page is for those who balance the workload (permission `reports.read`: officers,
supervisors, administrators); it shows no requester.
"""

from datetime import date
from functools import cache

from fastapi import Request
from starlette.responses import Response

from casework.i18n import format_day
from casework.services import reports
from casework.services.errors import NotFound
from casework.web.charts import bar_chart
from casework.web.common import CurrentPage, Page, csv_response, page_router
from casework.web.queue import queue_csv

router = page_router()
EXPORTS = ("overdue", "at-risk", "workload", "ageing", "weekly")


def _weeks(request: Request) -> int:
    try:
        return max(4, min(int(request.query_params.get("weeks", "12")), 52))
    except ValueError:
        return 12


def _week_label(page: Page, monday) -> str:
    return format_day(monday, page.language, year=False)


@router.get("/dashboard")
def dashboard(request: Request, page: CurrentPage) -> Response:
    page.require("reports.read")
    weeks = _weeks(request)
    data = reports.dashboard(page.ctx, weeks=weeks)
    fmt = page.fmt
    volume = bar_chart(
        [
            (
                _week_label(page, w.week),
                [
                    (
                        w.opened,
                        page._("Week of %(day)s: %(n)s opened", day=fmt.day(w.week), n=w.opened),
                    ),
                    (
                        w.answered,
                        page._(
                            "Week of %(day)s: %(n)s answered", day=fmt.day(w.week), n=w.answered
                        ),
                    ),
                ],
            )
            for w in data.weeks
        ],
        ["series-a", "series-b"],
    )
    rates = bar_chart(
        [
            (
                _week_label(page, w.week),
                [
                    (
                        w.acknowledgment.percent,
                        page._(
                            "Week of %(day)s: acknowledgments on time %(rate)s",
                            day=fmt.day(w.week),
                            rate=fmt.percent(w.acknowledgment.percent),
                        ),
                    ),
                    (
                        w.answer.percent,
                        page._(
                            "Week of %(day)s: answers on time %(rate)s",
                            day=fmt.day(w.week),
                            rate=fmt.percent(w.answer.percent),
                        ),
                    ),
                ],
            )
            for w in data.weeks
        ],
        ["series-a", "series-b"],
        maximum=100,
        unit=" %" if page.language == "fr" else "%",
    )
    return page.render(
        "web/dashboard.html",
        {
            "data": data,
            "weeks": weeks,
            "volume": volume,
            "rates": rates,
            "week_label": lambda monday: _week_label(page, monday),
            "at_risk_days": page.ctx.settings.deadlines.at_risk_within,
        },
    )


@router.get("/dashboard/{name}.csv")
def export(name: str, request: Request, page: CurrentPage) -> Response:
    page.require("reports.read")
    if name not in EXPORTS:
        raise NotFound("No such page.")
    # Each file computes only its own list.
    ctx = page.ctx
    fmt, _ = page.fmt, page._
    today = ctx.today()
    day = today.isoformat()
    if name == "overdue":
        views = reports.overdue_cases(ctx, today=today)
        return _named(queue_csv(page, views), _file(_("overdue"), day))
    if name == "at-risk":
        views = reports.at_risk_cases(ctx, today=today)
        return _named(queue_csv(page, views), _file(_("at-risk"), day))
    if name == "workload":
        return csv_response(
            _file(_("workload"), day),
            [_("Assigned to"), _("Open cases"), _("Overdue"), _("At risk")],
            [
                [fmt.user(row.assignee_id), row.open, row.overdue, row.at_risk]
                for row in reports.workload(ctx)
            ],
        )
    if name == "ageing":
        # The same few kinds, states, days and people on every line: each written once.
        kind, state, user = cache(fmt.kind), cache(fmt.state), cache(fmt.user)
        day_of = cache(date.isoformat)
        return csv_response(
            _file(_("ageing"), day),
            [
                _("Reference"),
                _("Subject"),
                _("Kind"),
                _("Status"),
                _("Received on"),
                _("Business days open"),
                _("Assigned to"),
            ],
            (
                [
                    a.reference,
                    a.subject,
                    kind(a.kind),
                    state(a.status),
                    day_of(a.received_on),
                    a.age,
                    user(a.assignee_id) if a.assignee_id else "",
                ]
                for a in reports.aged_cases(ctx)
            ),
        )
    weeks, _ack, _answer = reports.weekly(ctx, weeks=_weeks(request))
    return csv_response(
        _file(_("weekly"), day),
        [
            _("Week of"),
            _("Opened"),
            _("Answers given"),
            _("Acknowledgments on time"),
            _("Acknowledgments counted"),
            _("Acknowledgment on-time rate (%)"),
            _("Answers on time"),
            _("Answers counted"),
            _("Answer on-time rate (%)"),
        ],
        [
            [
                w.week.isoformat(),
                w.opened,
                w.answered,
                w.acknowledgment.on_time,
                w.acknowledgment.counted,
                _rounded(w.acknowledgment.percent),
                w.answer.on_time,
                w.answer.counted,
                _rounded(w.answer.percent),
            ]
            for w in weeks
        ],
    )


def _file(name: str, day: str) -> str:
    return f"{name}-{day}.csv"


def _rounded(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _named(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
