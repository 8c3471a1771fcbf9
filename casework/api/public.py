"""`POST /api/public/submissions`: a body's own website form sends a complaint, a request or a
comment, without a key.

Issue 15: "JSON with `kind`, `subject`, `description`, `requester` (`name`, `email`, `phone`,
`postal_address`, `preferred_channel`) and `website`, under the same protections, answering `201`
with `reference` and `status_url` (absolute), or 422 naming the field." The service
(casework.services.public) holds every rule: the hidden field, the rate limit per address, the
private link. The body-size limit is the middleware's (413).
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from casework.api.auth import client_address
from casework.api.deps import get_context
from casework.api.errors import responses
from casework.context import AppContext
from casework.schemas import PublicSubmissionIn, PublicSubmissionPublic
from casework.services import public as service
from casework.services.errors import NotFound

router = APIRouter(prefix="/api/public", tags=["public"])
Context = Annotated[AppContext, Depends(get_context)]

_ANSWERS = responses(413, 422, 429)
_ANSWERS[422]["description"] = (
    "The request is not valid, each bad field named; also a filled hidden field `website` "
    "(field `website`). Nothing is written."
)
_ANSWERS[429]["description"] = (
    "Too many submissions from this address in the last hour: wait for the Retry-After seconds."
)
_ANSWERS.update(responses(404))
_ANSWERS[404]["description"] = "The public side is turned off (`public.enabled`)."


@router.post(
    "/submissions",
    status_code=201,
    response_model=PublicSubmissionPublic,
    responses=_ANSWERS,
    summary="Send a complaint, a request for information or a comment (no key)",
)
async def submit(
    data: PublicSubmissionIn, request: Request, ctx: Context
) -> PublicSubmissionPublic:
    """Register the case and email the person (when they gave an address) their private link to
    the status page; answer the reference and that link."""
    if not ctx.settings.public.enabled:
        raise NotFound("There is nothing at this address.")
    submitted = await run_in_threadpool(
        service.submit, ctx, data=data, address=client_address(request)
    )
    return PublicSubmissionPublic(reference=submitted.reference, status_url=submitted.status_url)
