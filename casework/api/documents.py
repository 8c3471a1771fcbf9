"""`/api/cases/{reference}/documents`: attach files to a case, list them, download one.

The service (casework.services.documents) decides who may see and attach, checks each file's
kind from its content and the configured limits, and writes the access log of every download.
This router reads the multipart body itself, so that a body larger than a case may hold is
refused before it is read, whether its length is announced or streamed.
"""

from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from casework.api.deps import get_context
from casework.api.errors import responses
from casework.config import Settings
from casework.context import Actor, AppContext
from casework.i18n import N_
from casework.models import Document
from casework.schemas import MAX_ID, REFERENCE_PATTERN
from casework.security.authn import require
from casework.services import documents as service
from casework.services.errors import Forbidden, InvalidInput, TooLarge

router = APIRouter(prefix="/api/cases", tags=["documents"], responses=responses(401, 403))
Context = Annotated[AppContext, Depends(get_context)]
Reference = Annotated[
    str, Path(min_length=1, max_length=40, pattern=REFERENCE_PATTERN, description="PLT-2026-00042")
]
# Room for the multipart framing and the text fields beside the files.
FORM_OVERHEAD = 1024 * 1024
MAX_FILES = 50


class DocumentPublic(BaseModel):
    id: int
    filename: str
    description: str
    media_type: str
    size: int
    sha256: str
    from_requester: bool
    source: str
    created_at: datetime
    created_by: str
    url: str


class DocumentList(BaseModel):
    count: int
    items: list[DocumentPublic]


def document_public(reference: str, document: Document) -> DocumentPublic:
    """Present one document with the address to download it."""
    return DocumentPublic(
        **document.model_dump(
            include={
                "id",
                "filename",
                "description",
                "media_type",
                "size",
                "sha256",
                "from_requester",
                "source",
                "created_at",
                "created_by",
            }
        ),
        url=f"/api/cases/{reference}/documents/{document.id}",
    )


class BodyTooLarge(Exception):
    pass


def limited(request: Request, limit: int) -> Request:
    """Return the request with a body that stops being read past `limit` bytes."""
    announced = request.headers.get("content-length")
    if announced is not None and announced.isdigit() and int(announced) > limit:
        raise BodyTooLarge()
    seen = 0
    receive = request.receive

    async def counting():
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge()
        return message

    return Request(request.scope, counting)


def upload_limit(settings: Settings) -> int:
    """Return the largest body an upload of documents may send: what a case may hold, and room
    for the form around it (a request body limit must let the upload routes go this far)."""
    return settings.documents.max_case_bytes + FORM_OVERHEAD


def too_large(ctx: AppContext) -> TooLarge:
    """The refusal of a body larger than the documents of a case may be."""
    return TooLarge(
        N_("The documents of a case may take %(limit)s MB in all."),
        field="files",
        limit=ctx.settings.documents.max_case_mb,
    )


async def read_uploads(request: Request, ctx: AppContext) -> tuple[list[service.Upload], object]:
    """Read the files of a multipart form (fields `files`, `description`, `from_requester`)."""
    try:
        form = await limited(request, upload_limit(ctx.settings)).form(max_files=MAX_FILES)
    except BodyTooLarge:
        raise too_large(ctx) from None
    except Exception:  # a body that is no multipart form
        raise InvalidInput(N_("Send the files as a multipart form."), field="files") from None
    files = [item for item in form.getlist("files") if isinstance(item, UploadFile)]
    descriptions = [d for d in form.getlist("description") if isinstance(d, str)]
    from_requester = str(form.get("from_requester", "")).lower() in {"1", "true", "on", "yes"}
    uploads = []
    for index, item in enumerate(files):
        if len(descriptions) == len(files):
            description = descriptions[index]
        else:
            description = descriptions[0] if descriptions else ""
        uploads.append(
            service.Upload(
                filename=item.filename or "document",
                stream=item.file,
                description=description,
                from_requester=from_requester,
            )
        )
    return uploads, form


MULTIPART = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {
                            "type": "array",
                            "minItems": 1,
                            "items": {"type": "string", "format": "binary"},
                        },
                        "description": {
                            "type": "array",
                            "items": {"type": "string", "maxLength": service.MAX_DESCRIPTION},
                            "description": "One for all the files, or one per file.",
                        },
                        "from_requester": {"type": "boolean"},
                    },
                }
            }
        },
    }
}


@router.post(
    "/{reference}/documents",
    status_code=201,
    response_model=list[DocumentPublic],
    responses=responses(404, 413, 422),
    summary="Attach one or several files to a case",
    openapi_extra=MULTIPART,
)
async def attach_documents(
    reference: Reference,
    request: Request,
    ctx: Context,
    actor: Annotated[Actor, Depends(require("document.attach"))],
) -> list[DocumentPublic]:
    uploads, form = await read_uploads(request, ctx)
    try:
        rows = await run_in_threadpool(
            service.attach, ctx, actor=actor, interface="api", reference=reference, uploads=uploads
        )
    finally:
        await form.close()
    return [document_public(reference, row) for row in rows]


@router.get(
    "/{reference}/documents",
    response_model=DocumentList,
    responses=responses(404, 422),
    summary="List the documents of a case",
)
def list_documents(
    reference: Reference,
    ctx: Context,
    actor: Annotated[Actor, Depends(require("case.read"))],
) -> DocumentList:
    view = service.for_case(ctx, actor=actor, interface="api", reference=reference)
    if not view.shown:
        raise Forbidden()
    return DocumentList(count=view.count, items=[document_public(reference, d) for d in view.items])


def file_response(found: service.DocumentFile) -> FileResponse:
    """Send a document's bytes as a download under its own name, never shown in place."""
    document = found.document
    return FileResponse(
        found.path,
        media_type=document.media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(document.filename)}",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get(
    "/{reference}/documents/{document_id}",
    responses={**responses(404, 422), 200: {"content": {"application/octet-stream": {}}}},
    response_class=FileResponse,
    summary="Download one document (each download is written in the access log)",
)
def download_document(
    reference: Reference,
    document_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    ctx: Context,
    actor: Annotated[Actor, Depends(require("document.read"))],
) -> FileResponse:
    return file_response(
        service.download(
            ctx, actor=actor, interface="api", reference=reference, document_id=document_id
        )
    )
