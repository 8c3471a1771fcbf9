"""The documents of a case in its page (attach, download), and the quarantine of email messages.

Issue 14: documents are uploaded "one or several [...], each with a description and whether it
came from the requester", downloaded, and listed "in the case page and the timeline"; a message
that cannot be read is kept "in a quarantine list that officers can see". Who may see and attach
is the service's decision (casework.services.documents, .intake), with the access log.
"""

from fastapi import Request
from starlette.responses import FileResponse, Response

from casework.api.documents import file_response, read_uploads
from casework.services import documents as service
from casework.services import intake
from casework.services.errors import InvalidInput, TooLarge
from casework.web.case import case_page
from casework.web.common import CurrentPage, page_router

router = page_router()


@router.post("/cases/{reference}/documents")
async def attach(reference: str, request: Request, page: CurrentPage) -> Response:
    from starlette.concurrency import run_in_threadpool

    values = {}
    try:
        uploads, form = await read_uploads(request, page.ctx)
    except (InvalidInput, TooLarge) as refusal:
        return await run_in_threadpool(_refused, page, reference, refusal, values)
    values = {
        "documents-description": str(form.get("description", "")),
        "documents-from_requester": "on" if form.get("from_requester") else "",
    }
    try:
        await run_in_threadpool(
            service.attach,
            page.ctx,
            actor=page.actor,
            interface="web",
            reference=reference,
            uploads=uploads,
        )
    except (InvalidInput, TooLarge) as refusal:
        return await run_in_threadpool(_refused, page, reference, refusal, values)
    finally:
        await form.close()
    return page.redirect(f"/cases/{reference}", done="documents")


def _refused(page, reference: str, refusal, values: dict) -> Response:
    """Show the case page again with the refusal next to the file field."""
    status = 413 if isinstance(refusal, TooLarge) else 422
    field = f"documents-{refusal.field or 'files'}"
    return case_page(
        page,
        reference,
        errors={field: refusal.message(page.language)},
        open_form="documents",
        values=values,
        status_code=status,
    )


@router.get("/cases/{reference}/documents/{document_id}")
def download(reference: str, document_id: int, page: CurrentPage) -> FileResponse:
    return file_response(
        service.download(
            page.ctx,
            actor=page.actor,
            interface="web",
            reference=reference,
            document_id=document_id,
        )
    )


@router.get("/mail/quarantine")
def quarantine(page: CurrentPage) -> Response:
    messages = intake.quarantined(page.ctx, actor=page.actor)
    return page.render("web/quarantine.html", {"messages": messages})


@router.get("/mail/quarantine/{message_id}")
def quarantined_message(message_id: int, page: CurrentPage) -> FileResponse:
    row, path = intake.quarantined_file(page.ctx, actor=page.actor, message_id=message_id)
    return FileResponse(
        path,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="quarantine-{row.id}.eml"',
            "X-Content-Type-Options": "nosniff",
        },
    )
