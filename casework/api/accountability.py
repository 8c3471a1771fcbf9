"""`/api/cases/{reference}/about` and `/measures`: what a case is about and what was changed.

ISO 10002 and the ombudsmen's complaint standards: a body analyses what complaints are about and
what it changed as a result (casework.services.accountability holds the rules and checks the
permissions).
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from casework.api.cases import Reference
from casework.api.deps import get_context, get_language
from casework.api.errors import responses
from casework.context import Actor, AppContext
from casework.schemas import (
    MAX_ID,
    AboutPublic,
    AttachmentPublic,
    ClassificationIn,
    ClassificationPublic,
    DossierContentsPublic,
    DossierIn,
    MeasureDoneIn,
    MeasureIn,
    MeasurePublic,
    NotePublic,
)
from casework.security.authn import authenticated
from casework.services import accountability as service
from casework.services import dossier

router = APIRouter(
    prefix="/api/cases",
    tags=["accountability"],
    dependencies=[Depends(authenticated)],
    responses=responses(401, 403),
)
Context = Annotated[AppContext, Depends(get_context)]
CurrentActor = Annotated[Actor, Depends(authenticated)]


def _about(view: service.About) -> AboutPublic:
    return AboutPublic.model_validate(
        {
            "classification": view.classification.model_dump() if view.classification else None,
            "measures": [m.model_dump() for m in view.measures],
            "finding": view.finding.model_dump() if view.finding else None,
        }
    )


@router.get(
    "/{reference}/about",
    response_model=AboutPublic,
    responses=responses(404, 422),
    summary="Read what a case is about, its corrective measures and the Protecteur's findings",
)
def read_about(reference: Reference, ctx: Context, actor: CurrentActor) -> AboutPublic:
    return _about(service.about(ctx, actor=actor, reference=reference))


@router.put(
    "/{reference}/classification",
    response_model=ClassificationPublic,
    responses=responses(404, 422),
    summary="Record what a case is about (service, commitment, root cause, remedy)",
)
def classify(
    reference: Reference, data: ClassificationIn, ctx: Context, actor: CurrentActor
) -> ClassificationPublic:
    row = service.classify(ctx, actor=actor, reference=reference, data=data)
    return ClassificationPublic.model_validate(row.model_dump())


@router.post(
    "/{reference}/measures",
    status_code=201,
    response_model=MeasurePublic,
    responses=responses(404, 422),
    summary="Record a corrective measure, with its owner and due date",
)
def add_measure(
    reference: Reference, data: MeasureIn, ctx: Context, actor: CurrentActor
) -> MeasurePublic:
    row = service.add_measure(ctx, actor=actor, reference=reference, data=data)
    return MeasurePublic.model_validate(row.model_dump())


@router.post(
    "/{reference}/measures/{measure_id}/done",
    response_model=MeasurePublic,
    responses=responses(404, 422),
    summary="Record that a corrective measure is done",
)
def complete_measure(
    reference: Reference,
    measure_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    data: MeasureDoneIn,
    ctx: Context,
    actor: CurrentActor,
) -> MeasurePublic:
    row = service.complete_measure(
        ctx, actor=actor, reference=reference, measure_id=measure_id, data=data
    )
    return MeasurePublic.model_validate(row.model_dump())


def _attachment(item: dossier.Attachment) -> AttachmentPublic:
    return AttachmentPublic(id=item.id, title=item.title, dated=item.dated, filename=item.filename)


@router.get(
    "/{reference}/dossier",
    response_model=DossierContentsPublic,
    responses=responses(404, 422),
    summary="List what the Protecteur du citoyen dossier of an escalated case can hold",
)
def dossier_contents(
    reference: Reference, ctx: Context, actor: CurrentActor
) -> DossierContentsPublic:
    found = dossier.contents(ctx, actor=actor, reference=reference)
    return DossierContentsPublic(
        letters=[_attachment(a) for a in found.letters],
        documents=[_attachment(a) for a in found.documents],
        notes=[
            NotePublic(id=n.id, at=n.at, actor=n.actor, text=n.reason or "") for n in found.notes
        ],
    )


@router.post(
    "/{reference}/dossier",
    responses={
        **responses(404, 422),
        200: {
            "description": "A ZIP: the chronology PDF, the letters sent, the chosen documents.",
            "content": {"application/zip": {}},
        },
    },
    summary="Export the Protecteur du citoyen dossier of an escalated case (ZIP)",
)
def export_dossier(
    reference: Reference,
    data: DossierIn,
    ctx: Context,
    actor: CurrentActor,
    language: Annotated[str, Depends(get_language)],
) -> Response:
    made = dossier.export(
        ctx,
        actor=actor,
        reference=reference,
        documents=data.documents,
        notes=data.notes,
        interface="api",
        language=language,
    )
    return Response(
        made.content,
        media_type=made.media_type,
        headers={"Content-Disposition": f'attachment; filename="{made.filename}"'},
    )
