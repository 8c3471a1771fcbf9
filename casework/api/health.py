"""Liveness and readiness for load balancers and `make run`."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from casework.db import check_database

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    database: str
    reason: str | None = None


@router.get(
    "/healthz",
    response_model=Health,
    responses={503: {"model": Health, "description": "The database does not answer."}},
    summary="Tell whether the application and its database answer",
)
async def healthz(request: Request) -> JSONResponse:
    reason = await run_in_threadpool(check_database, request.app.state.engine)
    if reason:
        body = Health(status="unavailable", database="error", reason=reason)
        return JSONResponse(body.model_dump(), status_code=503)
    return JSONResponse(Health(status="ok", database="ok").model_dump())
