"""The annual management report's tables, as a workbook (openpyxl) and as a PDF (WeasyPrint).

Loi sur l'administration publique (RLRQ, c. A-6.01), art. 24: the body publishes its annual
management report; the service declaration says « Le suivi des engagements et des résultats est
publié dans le rapport annuel de gestion ». Every table here is built once, by `tables()`, from
the figures of `casework.services.accountability_report`, and the page, the workbook and the PDF
all show those tables: the same figures everywhere. The workbook adds a sheet listing, for each
figure, the references of the cases it counts, so that every number can be traced.
"""

from dataclasses import dataclass, field
from io import BytesIO

from casework.config import Settings
from casework.i18n import format_day, gettext
from casework.labels import CHANNEL_LABELS, KIND_LABELS
from casework.services.accountability_report import UNCLASSIFIED, Period
from casework.templating import STATIC, templates
from workflows.accountability import (
    PROTECTEUR_CONCLUSION_LABELS,
    RATING_LABELS,
    STATUS_LABELS,
)
from workflows.case_flow import OUTCOME_LABELS


@dataclass
class Row:
    cells: list
    # The tally key of a cell's count, by column: its cases can be listed.
    links: dict[int, str] = field(default_factory=dict)


@dataclass
class Table:
    name: str  # the sheet's name, in the report's language
    title: str
    headers: list[str]
    rows: list[Row] = field(default_factory=list)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",") + "\u00a0%"


def percent(value: float | None, language: str, *, target: bool = False) -> str:
    """Write a rate as the language does: « 66,7 % » in French, "66.7%" in English (a target
    as written in the declaration: « 90 % »)."""
    if value is None:
        return "—"
    if target and float(value).is_integer():
        return f"{value:.0f}\u00a0%" if language == "fr" else f"{value:.0f}%"
    return _percent(value) if language == "fr" else f"{value:.1f}%"


def number(value: float | None, language: str) -> str:
    """Write a median as the language does: « 3,5 » in French."""
    if value is None:
        return "—"
    text = f"{value:g}"
    return text.replace(".", ",") if language == "fr" else text


def tables(settings: Settings, data: dict, *, language: str) -> list[Table]:
    """Return the report's tables, labelled in the language, from the report's data."""
    config = settings.accountability

    def _(message: str, **params) -> str:
        return gettext(message, language, **params)

    def label(list_name: str, code: str | None) -> str:
        if code in (None, UNCLASSIFIED):
            return _("Not recorded")
        return config.label(list_name, code, language)

    volumes = data["volumes"]
    count = _("Cases")
    result = []
    table = Table(_("Volumes"), _("Cases received by kind"), [_("Kind"), count])
    for kind, n in volumes["by_kind"].items():
        table.rows.append(Row([_(KIND_LABELS[kind]), n], {1: f"volumes.by_kind.{kind}"}))
    table.rows.append(Row([_("Total"), volumes["received"]], {1: "volumes.received"}))
    result.append(table)
    table = Table(_("Channels"), _("Cases received by channel"), [_("Channel"), count])
    for channel, n in volumes["by_channel"].items():
        table.rows.append(
            Row([_(CHANNEL_LABELS[channel]), n], {1: f"volumes.by_channel.{channel}"})
        )
    result.append(table)
    table = Table(_("Services"), _("Cases received by service"), [_("Service"), count])
    for service, n in volumes["by_service"].items():
        table.rows.append(
            Row([label("services", service), n], {1: f"volumes.by_service.{service}"})
        )
    result.append(table)
    table = Table(_("Outcomes"), _("Cases received by outcome"), [_("Outcome"), count])
    for outcome, n in volumes["by_outcome"].items():
        name = _("Still open") if outcome == "open" else _(OUTCOME_LABELS[outcome])
        table.rows.append(Row([name, n], {1: f"volumes.by_outcome.{outcome}"}))
    result.append(table)

    declaration = data["declaration"]
    table = Table(
        _("Commitments"),
        _("Commitments of the service declaration"),
        [_("Commitment"), _("Target"), _("Result"), _("Answers"), _("Status")],
    )
    for c in declaration["commitments"]:
        links = {3: "delays.acknowledgment.on_time"} if c["service"] is None else {}
        table.rows.append(
            Row(
                [
                    c["wording"],
                    percent(c["target"], language, target=True),
                    percent(c["rate"], language),
                    c["answers"],
                    _(STATUS_LABELS[c["status"]]),
                ],
                links,
            )
        )
    result.append(table)
    table = Table(
        _("Survey"),
        _("Survey answers by aspect"),
        [_("Aspect"), *(_(RATING_LABELS[r]) for r in RATING_LABELS), _("Satisfaction")],
    )
    for a in declaration["survey"]:
        table.rows.append(
            Row(
                [
                    label("aspects", a["aspect"]),
                    *(a["ratings"][r] for r in RATING_LABELS),
                    percent(a["rate"], language),
                ]
            )
        )
    result.append(table)
    table = Table(
        _("Delays"),
        _("Acknowledgment and answer delays"),
        [_("Deadline"), _("On time"), _("Late"), _("On-time rate"), _("Median (business days)")],
    )
    for name, title in (
        ("acknowledgment", _("Acknowledgment of receipt")),
        ("answer", _("Answer")),
    ):
        d = declaration["delays"][name]
        table.rows.append(
            Row(
                [
                    title,
                    d["on_time"],
                    d["late"],
                    percent(d["rate"], language),
                    number(d["median_business_days"], language),
                ],
                {1: f"delays.{name}.on_time"},
            )
        )
    fewest = declaration["fewest_people"]
    table.rows.append(
        Row(
            [
                _("Answered cases handled by at most two people"),
                fewest["at_most_two"],
                fewest["answered"] - fewest["at_most_two"],
                percent(fewest["share"], language),
                "",
            ],
            {1: "fewest_people.at_most_two"},
        )
    )
    result.append(table)
    escalations = data["escalations"]
    table = Table(
        _("Protecteur"),
        _("Escalations to the Protecteur du citoyen"),
        [_("Conclusion of the Protecteur du citoyen"), count],
    )
    for conclusion, n in escalations["by_conclusion"].items():
        name = (
            _("Not concluded yet")
            if conclusion == "pending"
            else _(PROTECTEUR_CONCLUSION_LABELS[conclusion])
        )
        table.rows.append(Row([name, n], {1: f"escalations.by_conclusion.{conclusion}"}))
    table.rows.append(Row([_("Total"), escalations["total"]], {1: "escalations.total"}))
    result.append(table)
    measures = data["measures"]
    table = Table(_("Measures"), _("Corrective measures"), [_("Corrective measures"), count])
    for key, title in (
        ("opened", _("Decided during the year")),
        ("done", _("Done during the year")),
        ("open_at_end", _("Not done at the end of the year")),
        ("overdue_at_end", _("Past their due date and not done")),
    ):
        table.rows.append(Row([title, measures[key]], {1: f"measures.{key}"}))
    result.append(table)
    table = Table(
        _("Trends"),
        _("Complaints by quarter"),
        [
            _("Quarter"),
            _("Complaints"),
            _("Founded (share of those closed on their merits)"),
            _("Main root causes"),
            _("Measures decided"),
            _("Measures done"),
        ],
    )
    for q in data["trends"]:
        causes = "; ".join(
            f"{label('root_causes', c['root_cause'])} ({c['count']})" for c in q["top_root_causes"]
        )
        table.rows.append(
            Row(
                [
                    q["quarter"],
                    q["complaints"],
                    "{} / {} ({})".format(
                        q["founded"], q["closed_on_merits"], percent(q["founded_share"], language)
                    ),
                    causes or "—",
                    q["measures_opened"],
                    q["measures_done"],
                ],
                {
                    1: f"trends.{q['quarter']}.complaints",
                    2: f"trends.{q['quarter']}.founded",
                    4: f"trends.{q['quarter']}.measures_opened",
                    5: f"trends.{q['quarter']}.measures_done",
                },
            )
        )
    result.append(table)
    return result


def title(data: dict, language: str) -> str:
    """Return the report's title: its fiscal year and its first and last days."""
    from datetime import date

    first, last = date.fromisoformat(data["from"]), date.fromisoformat(data["to"])
    return gettext(
        "Complaints and service declaration: fiscal year %(year)s–%(next)s (%(first)s to %(last)s)",
        language,
        year=data["fiscal_year"],
        next=data["fiscal_year"] + 1,
        first=format_day(first, language),
        last=format_day(last, language),
    )


def xlsx(settings: Settings, data: dict, period: Period, *, language: str) -> bytes:
    """Return the workbook: one sheet per table, a trace sheet, and the reliability statement."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    about.title = gettext("Report", language)
    about.append([title(data, language)])
    about["A1"].font = Font(bold=True, size=14)
    about.append([])
    about.append([gettext("Reliability of the data", language)])
    about["A3"].font = Font(bold=True)
    about.append([data["reliability"]])
    about.column_dimensions["A"].width = 120
    for table in tables(settings, data, language=language):
        sheet = book.create_sheet(table.name)
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True)
        sheet.append(table.headers)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(row.cells)
        sheet.column_dimensions["A"].width = 60
    trace = book.create_sheet(gettext("Trace", language))
    trace.append(
        [
            gettext("Figure", language),
            gettext("Cases", language),
            gettext("References of the cases counted", language),
        ]
    )
    for cell in trace[1]:
        cell.font = Font(bold=True)
    for key in sorted(period.tally.counts):
        trace.append(
            [key, period.tally.counts[key], " ".join(period.tally.references.get(key, []))]
        )
    trace.column_dimensions["A"].width = 50
    trace.column_dimensions["C"].width = 120
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def html(settings: Settings, data: dict, *, language: str) -> str:
    """Return the printable report as a complete HTML document."""

    def _(message: str, **params) -> str:
        return gettext(message, language, **params)

    template = templates().env.get_template("reports/annual_print.html")
    return template.render(
        _=_,
        language=language,
        title=title(data, language),
        organization=None,
        data=data,
        tables=tables(settings, data, language=language),
    )


def pdf(settings: Settings, data: dict, *, language: str) -> bytes:
    """Return the report as a PDF."""
    from casework.pdf import render_pdf

    return render_pdf(html(settings, data, language=language), base_url=STATIC)
