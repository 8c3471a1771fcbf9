"""`/api/cases/{reference}/about` and `/measures`: what a case is about and what was changed.

ISO 10002 and the ombudsmen's complaint standards: a body analyses what complaints are about and
what it changed as a result (casework.services.accountability holds the rules and checks the
permissions).
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from casework.api.cases import Reference
from casework.api.deps import get_context
from casework.api.errors import responses
from casework.context import Actor, AppContext
from casework.schemas import (
    MAX_ID,
    AboutPublic,
    ClassificationIn,
    ClassificationPublic,
    MeasureDoneIn,
    MeasureIn,
    MeasurePublic,
)
from casework.security.authn import authenticated
from casework.services import accountability as service

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
