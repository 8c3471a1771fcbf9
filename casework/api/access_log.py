"""`/api/cases/{reference}/access-log`: who saw a case's personal information.

DESIGN §2.5: "Who viewed personal information is logged." Complaints officers and
administrators read the log; nobody can change it (there is no operation to, and the database
refuses it).
"""

from typing import Annotated

from fastapi import APIRouter, Depends

from casework.api.cases import Reference
from casework.api.deps import get_context
from casework.api.errors import responses
from casework.context import Actor, AppContext
from casework.models.access import AccessLogPublic
from casework.security.authn import authenticated, require
from casework.services import access_log as service

router = APIRouter(
    prefix="/api/cases",
    tags=["cases"],
    dependencies=[Depends(authenticated)],
    responses=responses(401, 403),
)


@router.get(
    "/{reference}/access-log",
    response_model=list[AccessLogPublic],
    responses=responses(404, 422),
    summary="Read who saw the personal information of a case, oldest first",
)
def read_access_log(
    reference: Reference,
    ctx: Annotated[AppContext, Depends(get_context)],
    actor: Annotated[Actor, Depends(require("access_log.read"))],
) -> list[AccessLogPublic]:
    return [
        AccessLogPublic.model_validate(entry, from_attributes=True)
        for entry in service.for_case(ctx, reference=reference, actor=actor)
    ]
