"""`/api/retention`, `/api/cases/{reference}/holds` and `/api/incidents`: the life of personal
information (Loi sur les archives, art. 7; Loi sur l'accès, arts. 63.8 to 63.11 and 73).

Thin adapters: the services check the permission, apply the rules and write the trail.
"""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from casework.api.cases import Reference
from casework.api.deps import get_context, get_language
from casework.api.errors import responses
from casework.context import Actor, AppContext
from casework.schemas import MAX_ID, VISIBLE, CaseReference, Day, Line, Text, _Input
from casework.security.authn import authenticated
from casework.services import incidents, person, retention

router = APIRouter(tags=["retention"], responses=responses(401, 403))
Context = Annotated[AppContext, Depends(get_context)]
Who = Annotated[Actor, Depends(authenticated)]


class DueOut(BaseModel):
    reference: str
    kind: str
    closed_on: date
    planned_on: date
    action: str
    rule: str


class PreviewItemOut(BaseModel):
    what: str
    count: int


class PreviewOut(BaseModel):
    reference: str
    planned_on: date | None
    action: str
    rule: str
    holds: list[str]
    items: list[PreviewItemOut]


class ApplyIn(_Input):
    references: list[CaseReference] = Field(min_length=1, max_length=1000)
    confirm: Literal[True] = Field(description="Must be true: the final action cannot be undone.")


class HoldIn(_Input):
    kind: Literal["legal", "access_request"]
    reason: Text = Field(min_length=1, max_length=5000, json_schema_extra=VISIBLE)


class HoldOut(BaseModel):
    id: int
    reason_kind: str
    reason: str
    set_by: str
    set_at: str
    lifted_at: str | None
    lifted_by: str | None


def _hold(hold) -> HoldOut:
    return HoldOut(
        id=hold.id,
        reason_kind=hold.reason_kind,
        reason=hold.reason,
        set_by=hold.set_by,
        set_at=hold.set_at.isoformat(),
        lifted_at=hold.lifted_at.isoformat() if hold.lifted_at else None,
        lifted_by=hold.lifted_by,
    )


@router.get(
    "/api/retention/due",
    response_model=list[DueOut],
    responses=responses(422),
    summary="List the closed cases whose retention period has ended (records officer)",
)
def due(ctx: Context, actor: Who, as_of: Day | None = None) -> list[DueOut]:
    return [DueOut(**vars(item)) for item in retention.due(ctx, actor=actor, as_of=as_of)]


@router.get(
    "/api/retention/cases/{reference}/preview",
    response_model=PreviewOut,
    responses=responses(404, 422),
    summary="Say exactly what the schedule's final action would remove from a case",
)
def preview(ctx: Context, actor: Who, reference: Reference) -> PreviewOut:
    found = retention.preview(ctx, actor=actor, reference=reference)
    return PreviewOut(
        reference=found.reference,
        planned_on=found.planned_on,
        action=found.action,
        rule=found.rule,
        holds=list(found.holds),
        items=[PreviewItemOut(what=i.what, count=i.count) for i in found.items],
    )


@router.post(
    "/api/retention/apply",
    response_model=list[DueOut],
    responses=responses(404, 422),
    summary="Anonymize or destroy the named cases, as the schedule says (cannot be undone)",
)
def apply(ctx: Context, actor: Who, body: ApplyIn) -> list[DueOut]:
    done = retention.apply(ctx, actor=actor, references=body.references, confirm=body.confirm)
    return [DueOut(**vars(item)) for item in done]


@router.get(
    "/api/retention/certificate",
    responses={
        **responses(422),
        200: {
            "description": "The certificate: CSV, or the PDF to sign with `format=pdf` (in the "
            "language of Accept-Language).",
            "content": {"text/csv": {}, "application/pdf": {}},
        },
    },
    summary="The destruction certificate of a period, as CSV or PDF",
)
def certificate(
    ctx: Context,
    actor: Who,
    language: Annotated[str, Depends(get_language)],
    start: Annotated[Day, Query(alias="from")],
    end: Annotated[Day, Query(alias="to")],
    format: Literal["csv", "pdf"] = "csv",
) -> Response:
    if format == "pdf":
        return Response(
            retention.certificate_pdf(ctx, actor=actor, start=start, end=end, language=language),
            media_type="application/pdf",
            headers={"Content-Disposition": 'attachment; filename="certificat-destruction.pdf"'},
        )
    rows = retention.certificate_rows(ctx, actor=actor, start=start, end=end)
    return Response(
        retention.certificate_csv(rows).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="certificat-destruction.csv"'},
    )


class PersonIn(_Input):
    """Who is looked for: at least one of the three (in the body, so that they stay out of
    addresses and server logs)."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": [name], "properties": {name: {"type": "string"}}}
                for name in ("name", "email", "phone")
            ]
        }
    )

    name: Line | None = Field(default=None, max_length=200, json_schema_extra=VISIBLE)
    email: str | None = Field(default=None, max_length=320, pattern=person.EMAIL_PATTERN)
    phone: str | None = Field(
        default=None,
        max_length=40,
        pattern=person.PHONE_PATTERN,
        description="At least seven digits: the area code and the number.",
    )


class PersonExportIn(PersonIn):
    cases: list[CaseReference] | None = Field(
        default=None, min_length=1, max_length=1000, description="Only these of the person's cases."
    )


class FoundOut(BaseModel):
    reference: str
    kind: str
    status: str
    received_at: str
    name: str
    email: str | None
    phone: str | None
    matched: list[str]


def _criteria(body: PersonIn) -> person.Criteria:
    return person.Criteria(name=body.name, email=body.email, phone=body.phone)


@router.post(
    "/api/retention/person/search",
    response_model=list[FoundOut],
    responses=responses(422),
    summary="Find every case of a person by name, email or telephone (access officer)",
)
def person_search(ctx: Context, actor: Who, body: PersonIn) -> list[FoundOut]:
    found = person.find(ctx, actor=actor, criteria=_criteria(body), interface="api")
    return [
        FoundOut(
            **{**vars(item), "received_at": item.received_at.isoformat()},
        )
        for item in found
    ]


@router.post(
    "/api/retention/person/export",
    responses={**responses(404, 422), 200: {"content": {"application/zip": {}}}},
    summary="Export what casework holds about a person, as a ZIP (Loi sur l'accès, art. 83)",
)
def person_export(ctx: Context, actor: Who, body: PersonExportIn) -> Response:
    done = person.export(
        ctx, actor=actor, criteria=_criteria(body), references=body.cases, interface="api"
    )
    return Response(
        done.content,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{done.filename}"'},
    )


@router.get(
    "/api/cases/{reference}/holds",
    response_model=list[HoldOut],
    responses=responses(404, 422),
    summary="List a case's legal and access-request holds",
)
def list_holds(ctx: Context, actor: Who, reference: Reference) -> list[HoldOut]:
    return [_hold(h) for h in retention.holds(ctx, actor=actor, reference=reference)]


@router.post(
    "/api/cases/{reference}/holds",
    response_model=HoldOut,
    status_code=201,
    responses=responses(404, 422),
    summary="Put a case under a legal or access-request hold",
)
def place_hold(ctx: Context, actor: Who, reference: Reference, body: HoldIn) -> HoldOut:
    hold = retention.place_hold(
        ctx, actor=actor, reference=reference, kind=body.kind, reason=body.reason
    )
    return _hold(hold)


@router.delete(
    "/api/cases/{reference}/holds/{hold_id}",
    response_model=HoldOut,
    responses=responses(404, 422),
    summary="Lift a hold",
)
def lift_hold(
    ctx: Context,
    actor: Who,
    reference: Reference,
    hold_id: Annotated[int, Path(ge=1, le=MAX_ID)],
) -> HoldOut:
    return _hold(retention.lift_hold(ctx, actor=actor, reference=reference, hold_id=hold_id))


@router.get(
    "/api/incidents",
    response_model=list[incidents.IncidentPublic],
    summary="The register of confidentiality incidents",
)
def register(ctx: Context, actor: Who) -> list[incidents.IncidentPublic]:
    return incidents.register(ctx, actor=actor)


@router.get(
    "/api/incidents.csv",
    responses={200: {"content": {"text/csv": {}}}},
    summary="The register of confidentiality incidents, as CSV",
)
def register_csv(ctx: Context, actor: Who) -> Response:
    return Response(
        incidents.register_csv(ctx, actor=actor).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="registre-incidents.csv"'},
    )


@router.post(
    "/api/incidents",
    response_model=incidents.IncidentPublic,
    status_code=201,
    responses=responses(404, 422),
    summary="Record a confidentiality incident",
)
def record(ctx: Context, actor: Who, body: incidents.IncidentCreate) -> incidents.IncidentPublic:
    return incidents.record(ctx, actor=actor, data=body)


@router.get(
    "/api/incidents/{incident_id}",
    response_model=incidents.IncidentPublic,
    responses=responses(404, 422),
    summary="One incident of the register",
)
def read(
    ctx: Context, actor: Who, incident_id: Annotated[int, Path(ge=1, le=MAX_ID)]
) -> incidents.IncidentPublic:
    return incidents.get(ctx, actor=actor, incident_id=incident_id)


@router.put(
    "/api/incidents/{incident_id}",
    response_model=incidents.IncidentPublic,
    responses=responses(404, 422),
    summary="Update an incident (assessment, measures, notification dates, cases)",
)
def change(
    ctx: Context,
    actor: Who,
    incident_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    body: incidents.IncidentUpdate,
) -> incidents.IncidentPublic:
    return incidents.change(ctx, actor=actor, incident_id=incident_id, data=body)
