"""`/api/workflow`: the life cycle as data and as a diagram."""

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from casework.api.deps import get_language
from casework.api.errors import responses
from casework.i18n import gettext
from casework.security.authn import require
from workflows import case_flow

router = APIRouter(
    prefix="/api",
    tags=["workflow"],
    dependencies=[Depends(require("workflow.read"))],
    responses=responses(401, 403),
)


class WorkflowOut(BaseModel):
    states: list[dict[str, str]]
    triggers: list[dict[str, Any]]
    diagram: str


@router.get("/workflow", response_model=WorkflowOut, summary="Describe the case life cycle")
def workflow(language: str = Depends(get_language)) -> WorkflowOut:
    described = case_flow.describe()
    return WorkflowOut(
        states=[
            {"state": s, "label": gettext(case_flow.STATE_LABELS[s], language)}
            for s in described["states"]
        ],
        triggers=[
            {**t, "label": gettext(case_flow.TRIGGER_LABELS[t["trigger"]], language)}
            for t in described["triggers"]
        ],
        diagram=described["diagram"],
    )
