"""The records officer's pages: the cases whose retention period has ended, the preview of what
the final action removes, its confirmation, the destruction certificate; and the register of
confidentiality incidents.

Loi sur les archives, art. 7; Loi sur l'accès, arts. 63.8 to 63.11 and 73. The services check the
permissions and apply the rules; these pages only show and collect.
"""

from datetime import date
from typing import Annotated

from fastapi import Path, Request
from pydantic import ValidationError
from starlette.responses import Response

from casework.i18n import N_
from casework.schemas import MAX_ID
from casework.services import incidents, person, retention
from casework.services.errors import InvalidInput, NotFound
from casework.web.common import CurrentPage, Form, Page, csv_response, field_errors, page_router
from workflows.retention import ACTION_LABELS, HOLD_LABELS, FinalAction, HoldReason

router = page_router()
IncidentId = Annotated[int, Path(ge=1, le=MAX_ID)]
INCIDENT_FIELDS = (
    "title",
    "information",
    "circumstances",
    "occurred_on",
    "known_on",
    "people_count",
    "serious_injury_risk",
    "risk_assessment",
    "measures",
    "cai_notified_on",
    "people_notified_on",
    "cases",
)
RISKS = (
    ("low", N_("Low")),
    ("moderate", N_("Moderate")),
    ("high", N_("High: a risk of serious injury")),
)
NOTICES = {
    "applied": N_("The schedule's final action is applied."),
    "recorded": N_("The incident is recorded in the register."),
    "saved": N_("The incident is updated."),
}


def _as_of(request: Request, page: Page) -> date:
    try:
        return date.fromisoformat(request.query_params.get("as_of", ""))
    except ValueError:
        return page.ctx.today()


def _labels(page: Page) -> dict:
    return {
        "can_records": page.can("retention.manage"),
        "can_person": page.can("person.export"),
        "can_incidents": page.can("incidents.manage"),
        "actions": {a.value: page._(ACTION_LABELS[a]) for a in FinalAction},
        "holds": {h.value: page._(HOLD_LABELS[h]) for h in HoldReason},
    }


@router.get("/records")
def records(request: Request, page: CurrentPage) -> Response:
    as_of = _as_of(request, page)
    due = retention.due(page.ctx, actor=page.actor, as_of=as_of)
    held = retention.held(page.ctx, actor=page.actor, as_of=as_of)
    return page.render(
        "web/records.html",
        {
            "due": due,
            "held": held,
            "as_of": as_of,
            "notice": page._(NOTICES[request.query_params["done"]])
            if request.query_params.get("done") in NOTICES
            else None,
            **_labels(page),
        },
    )


@router.get("/records/cases/{reference}")
def preview(reference: str, page: CurrentPage) -> Response:
    found = retention.preview(page.ctx, actor=page.actor, reference=reference)
    return page.render(
        "web/records_preview.html",
        {
            "preview": found,
            "errors": {},
            "can_apply": bool(found.planned_on) and not found.holds,
            **_labels(page),
        },
    )


@router.post("/records/cases/{reference}")
def apply(reference: str, page: CurrentPage, form: Form) -> Response:
    try:
        retention.apply(
            page.ctx, actor=page.actor, references=[reference], confirm=form.get("confirm") == "yes"
        )
    except InvalidInput as refused:
        found = retention.preview(page.ctx, actor=page.actor, reference=reference)
        return page.render(
            "web/records_preview.html",
            {
                "preview": found,
                "errors": {refused.field or "form": refused.message(page.language)},
                "can_apply": bool(found.planned_on) and not found.holds,
                **_labels(page),
            },
            status_code=422,
        )
    return page.redirect("/records", done="applied")


def _period(request: Request, page: Page) -> tuple[date, date]:
    today = page.ctx.today()
    try:
        return (
            date.fromisoformat(request.query_params.get("from", "")),
            date.fromisoformat(request.query_params.get("to", "")),
        )
    except ValueError:
        return date(today.year, 1, 1), today


@router.get("/records/certificate.csv")
def certificate(request: Request, page: CurrentPage) -> Response:
    start, end = _period(request, page)
    rows = retention.certificate_rows(page.ctx, actor=page.actor, start=start, end=end)
    return csv_response("certificat-destruction.csv", retention.CERTIFICATE_HEADER, rows)


@router.get("/records/certificate.pdf")
def certificate_pdf(request: Request, page: CurrentPage) -> Response:
    start, end = _period(request, page)
    content = retention.certificate_pdf(
        page.ctx, actor=page.actor, start=start, end=end, language=page.language
    )
    name = page._("destruction-certificate")
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'},
    )


MATCHED = {"name": N_("Name"), "email": N_("Email"), "phone": N_("Telephone")}


def _person_page(
    page: Page, values: dict, *, found=None, errors: dict | None = None, status_code: int = 200
) -> Response:
    return page.render(
        "web/records_person.html",
        {
            "values": values,
            "found": found,
            "errors": errors or {},
            "matched": {code: page._(label) for code, label in MATCHED.items()},
            **_labels(page),
        },
        status_code=status_code,
    )


def _criteria(form: dict[str, str]) -> tuple[dict, person.Criteria]:
    values = {name: (form.get(name) or "").strip() for name in ("name", "email", "phone")}
    return values, person.Criteria(**{k: v or None for k, v in values.items()})


@router.get("/records/person")
def person_search(page: CurrentPage) -> Response:
    page.require("person.export")
    return _person_page(page, {})


@router.post("/records/person")
def person_found(page: CurrentPage, form: Form) -> Response:
    values, criteria = _criteria(form)
    try:
        found = person.find(page.ctx, actor=page.actor, criteria=criteria, interface="web")
    except InvalidInput as refused:
        errors = {refused.field or "form": refused.message(page.language)}
        return _person_page(page, values, errors=errors, status_code=422)
    return _person_page(page, values, found=found)


@router.post("/records/person/export")
async def person_export(request: Request, page: CurrentPage) -> Response:
    async with request.form() as form:
        chosen = [value for value in form.getlist("cases") if isinstance(value, str)]
        fields = {key: value for key, value in form.items() if isinstance(value, str)}
    values, criteria = _criteria(fields)
    try:
        done = person.export(
            page.ctx, actor=page.actor, criteria=criteria, references=chosen, interface="web"
        )
    except InvalidInput as refused:
        field = refused.field if refused.field in values else "form"
        errors = {field: refused.message(page.language)}
        return _person_page(page, values, errors=errors, status_code=422)
    except NotFound as missing:  # no case, or a case that is not the person's
        errors = {"form": missing.message(page.language)}
        return _person_page(page, values, errors=errors, status_code=404)
    return Response(
        done.content,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{done.filename}"'},
    )


def _register_page(
    page: Page,
    *,
    values: dict | None = None,
    errors: dict | None = None,
    notice=None,
    status_code: int = 200,
    editing: int | None = None,
) -> Response:
    return page.render(
        "web/incidents.html",
        {
            "register": incidents.register(page.ctx, actor=page.actor),
            "values": values or {"serious_injury_risk": "low"},
            "errors": errors or {},
            "risks": [(code, page._(label)) for code, label in RISKS],
            "risk_labels": {code: page._(label) for code, label in RISKS},
            "notice": page._(notice) if notice else None,
            "editing": editing,
            **_labels(page),
        },
        status_code=status_code,
    )


@router.get("/incidents")
def register(request: Request, page: CurrentPage) -> Response:
    page.require("incidents.manage")
    return _register_page(page, notice=NOTICES.get(request.query_params.get("done", "")))


@router.get("/incidents.csv")
def register_csv(page: CurrentPage) -> Response:
    text = incidents.register_csv(page.ctx, actor=page.actor)
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="registre-incidents.csv"'},
    )


def _incident_input(form: dict[str, str]) -> tuple[dict, dict]:
    values = {name: (form.get(name) or "").strip() for name in INCIDENT_FIELDS}
    data = {k: v for k, v in values.items() if v != "" and k != "cases"}
    data["cases"] = values["cases"].replace(",", " ").split()
    return values, data


def _save(page: Page, form: dict[str, str], incident_id: int | None) -> Response:
    values, data = _incident_input(form)
    try:
        if incident_id is None:
            incidents.record(page.ctx, actor=page.actor, data=incidents.IncidentCreate(**data))
        else:
            incidents.change(
                page.ctx,
                actor=page.actor,
                incident_id=incident_id,
                data=incidents.IncidentUpdate(**data),
            )
    except ValidationError as invalid:
        errors = field_errors(invalid, page.language)
    except (InvalidInput, NotFound) as refused:
        errors = {refused.field or "form": refused.message(page.language)}
    else:
        return page.redirect("/incidents", done="recorded" if incident_id is None else "saved")
    return _register_page(page, values=values, errors=errors, status_code=422, editing=incident_id)


@router.post("/incidents")
def record(page: CurrentPage, form: Form) -> Response:
    page.require("incidents.manage")
    return _save(page, form, None)


@router.get("/incidents/{incident_id}")
def edit(incident_id: IncidentId, page: CurrentPage) -> Response:
    found = incidents.get(page.ctx, actor=page.actor, incident_id=incident_id)
    values = {
        name: ("" if getattr(found, name) is None else getattr(found, name))
        for name in INCIDENT_FIELDS
    }
    values["cases"] = " ".join(found.cases)
    return _register_page(page, values=values, editing=incident_id)


@router.post("/incidents/{incident_id}")
def change(incident_id: IncidentId, page: CurrentPage, form: Form) -> Response:
    page.require("incidents.manage")
    return _save(page, form, incident_id)
