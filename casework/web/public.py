"""The public pages (docs/public.md): the forms a body links from its website, the private status
page, and the satisfaction survey. No account; French first, each form with an English path.

These routes only read the forms and show the answers: casework.services.public and
casework.services.citizen_survey decide, check, redact and log. The paths come from the settings
(`[public]`), so the router is built with the application. Every refusal is a page of the public
side in the page's language, never the staff's error page; an unknown, wrong or expired link gets
the same page as any address that leads nowhere.
"""

import io
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from casework.api.auth import client_address
from casework.api.errors import PAGE_TITLES, status_of
from casework.config import PublicForm, Settings
from casework.context import AppContext
from casework.i18n import colon, format_day, gettext, ngettext
from casework.schemas import PreferredChannel, PublicSubmissionIn
from casework.security import sessions
from casework.services import citizen_survey
from casework.services import documents as documents_service
from casework.services import public as service
from casework.services.errors import ServiceError
from casework.services.letters import KIND_LABELS as LETTER_LABELS
from casework.templating import page_language, render
from casework.web.common import field_errors
from workflows.accountability import RATING_LABELS, Rating

MAX_FILES = service.MAX_FILES
# Form fields named after their place in the submission.
ALIASES = {
    "requester.name": "name",
    "requester.email": "email",
    "requester.phone": "phone",
    "requester.postal_address": "postal_address",
    "requester.preferred_channel": "preferred_channel",
}
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _ctx(request: Request) -> AppContext:
    return request.app.state.context


def _with_session(request: Request) -> None:
    """Give a visitor a session, so that the form carries its CSRF token."""
    if getattr(request.state, "session", None) is None:
        request.state.session = sessions.anonymous(_ctx(request).now())


def _page(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    language: str,
    switch: str | None = None,
    status_code: int = 200,
    private: bool = False,
) -> Response:
    ctx = _ctx(request)
    organization = ctx.settings.organization
    values = {
        "current_user": None,
        "organization": {
            **organization.in_language(language),
            "telephone": organization.telephone,
            "toll_free": organization.toll_free,
            "email": organization.email,
        },
        "ngettext": lambda singular, plural, n, **params: ngettext(
            singular, plural, n, language, **params
        ),
        "switch_href": switch,
        "fmt_day": lambda day, weekday=False: format_day(day, language, weekday=weekday),
        **context,
    }
    response = render(request, name, values, status_code=status_code, language=language)
    if private:
        response.headers.update(PRIVATE)
    return response


def _refusal(request: Request, error: ServiceError, *, language: str) -> Response:
    status = status_of(error)
    response = _page(
        request,
        "public/error.html",
        {
            "title": gettext(PAGE_TITLES.get(status, PAGE_TITLES[422]), language),
            "message": error.message(language),
        },
        language=language,
        status_code=status,
        private=True,
    )
    if getattr(error, "retry_after", None):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _language_switch(request: Request, language: str) -> str:
    other = "en" if language == "fr" else "fr"
    return f"/language/{other}?next={quote(request.url.path)}"


async def _form(request: Request) -> tuple[dict[str, str], list[documents_service.Upload]]:
    async with request.form(max_files=MAX_FILES + 1, max_fields=100) as form:
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        uploads = []
        for item in form.getlist("files"):
            if isinstance(item, UploadFile) and item.filename:
                data = await item.read()
                uploads.append(
                    documents_service.Upload(filename=item.filename, stream=io.BytesIO(data))
                )
    return fields, uploads


def router(settings: Settings) -> APIRouter:
    """Build the public pages at their configured paths."""
    public = settings.public
    pages = APIRouter(include_in_schema=False)
    if not public.enabled:
        return pages

    def form_page(form: PublicForm, language: str):
        other_path = form.path_en if language == "fr" else form.path_fr

        def show(
            request: Request,
            values: dict[str, str] | None = None,
            errors: dict[str, str] | None = None,
            status_code: int = 200,
        ) -> Response:
            _with_session(request)
            ctx = _ctx(request)
            services = [
                (code, ctx.settings.accountability.label("services", code, language))
                for code in public.services
            ]
            return _page(
                request,
                "public/form.html",
                {
                    "kind": form.kind.value,
                    "action": request.url.path,
                    "values": values or {"preferred_channel": "email"},
                    "errors": errors or {},
                    "stamp": service.form_stamp(ctx),
                    "services": services,
                    "channels": [c.value for c in PreferredChannel],
                    "max_file_mb": ctx.settings.documents.max_file_mb,
                    "max_files": MAX_FILES,
                },
                language=language,
                switch=other_path,
                status_code=status_code,
            )

        async def get(request: Request) -> Response:
            return show(request)

        async def post(request: Request) -> Response:
            ctx = _ctx(request)
            try:
                fields, uploads = await _form(request)
            except Exception:
                fields, uploads = {}, []
            requester = {
                name: fields.get(name, "").strip() or None
                for name in ("name", "email", "phone", "postal_address")
            }
            requester["preferred_channel"] = fields.get("preferred_channel") or "email"
            try:
                data = PublicSubmissionIn(
                    kind=form.kind,
                    subject=fields.get("subject", ""),
                    description=fields.get("description", ""),
                    requester={k: v for k, v in requester.items() if v is not None},
                    language=language,
                    service=fields.get("service") or None,
                    website=fields.get("website", ""),
                )
            except ValidationError as invalid:
                errors = field_errors(invalid, language, ALIASES)
                return show(request, fields, errors, status_code=422)
            try:
                submitted = await run_in_threadpool(
                    service.submit,
                    ctx,
                    data=data,
                    address=client_address(request),
                    uploads=uploads,
                    stamp=fields.get("started"),
                    from_page=True,
                )
            except ServiceError as refused:
                if status_of(refused) in (413, 422):
                    field = ALIASES.get(refused.field or "form", refused.field or "form")
                    errors = {field: refused.message(language)}
                    return show(request, fields, errors, status_code=status_of(refused))
                return _refusal(request, refused, language=language)
            response = RedirectResponse(
                f"{public.status_path}/{submitted.token}?sent=1", status_code=303
            )
            response.set_cookie(
                "lang", language, max_age=365 * 24 * 3600, path="/", samesite="lax", httponly=True
            )
            return response

        return get, post

    for form in public.forms:
        for path, language in ((form.path_fr, "fr"), (form.path_en, "en")):
            get, post = form_page(form, language)
            pages.add_api_route(path, get, methods=["GET"])
            pages.add_api_route(path, post, methods=["POST"])

    # -- the status page -------------------------------------------------------------------

    def show_status(
        request: Request,
        token: str,
        *,
        errors: dict[str, str] | None = None,
        text: str = "",
        added: str | None = None,
        status_code: int = 200,
    ) -> Response:
        ctx = _ctx(request)
        language = page_language(request)
        try:
            view = service.status(ctx, token=token, address=client_address(request))
        except ServiceError as refused:
            return _refusal(request, refused, language=language)
        _with_session(request)
        return _page(
            request,
            "public/status.html",
            {
                "view": view,
                "token": token,
                "action": f"{public.status_path}/{token}",
                "sent": request.query_params.get("sent") == "1",
                "added": added or request.query_params.get("added"),
                "errors": errors or {},
                "text": text,
                "plain_state": gettext(service.PLAIN_STATES[view.status], language),
                "kind_label": gettext(service.KIND_NOUNS[view.kind], language),
                "letter_label": lambda kind: gettext(LETTER_LABELS.get(kind, kind), language),
                "max_file_mb": ctx.settings.documents.max_file_mb,
                "max_files": MAX_FILES,
                "status_link": service.status_url(ctx, token),
            },
            language=language,
            switch=_language_switch(request, language),
            status_code=status_code,
            private=True,
        )

    async def status_get(request: Request, token: str) -> Response:
        return await run_in_threadpool(show_status, request, token)

    async def status_post(request: Request, token: str) -> Response:
        ctx = _ctx(request)
        language = page_language(request)
        try:
            fields, uploads = await _form(request)
        except Exception:
            fields, uploads = {}, []
        text = fields.get("text", "")
        try:
            resumed = await run_in_threadpool(
                service.add_information,
                ctx,
                token=token,
                address=client_address(request),
                text=text,
                uploads=uploads,
            )
        except ServiceError as refused:
            code = status_of(refused)
            if code in (413, 422):
                errors = {refused.field or "text": refused.message(language)}
                return await run_in_threadpool(
                    lambda: show_status(request, token, errors=errors, text=text, status_code=code)
                )
            return _refusal(request, refused, language=language)
        added = "resumed" if resumed else "1"
        response = RedirectResponse(
            f"{public.status_path}/{token}?added={added}#added", status_code=303
        )
        response.headers.update(PRIVATE)
        return response

    async def status_letter(request: Request, token: str, letter_id: str) -> Response:
        ctx = _ctx(request)
        try:
            if not letter_id.isdigit() or len(letter_id) > 9:
                raise service.unknown_link()
            filename, pdf = await run_in_threadpool(
                service.letter,
                ctx,
                token=token,
                address=client_address(request),
                letter_id=int(letter_id),
            )
        except ServiceError as refused:
            return _refusal(request, refused, language=page_language(request))
        return Response(
            pdf,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="{quote(filename)}"',
                **PRIVATE,
            },
        )

    pages.add_api_route(public.status_path + "/{token}", status_get, methods=["GET"])
    pages.add_api_route(public.status_path + "/{token}", status_post, methods=["POST"])
    pages.add_api_route(
        public.status_path + "/{token}/letters/{letter_id}", status_letter, methods=["GET"]
    )

    # -- the survey ------------------------------------------------------------------------

    def show_survey(
        request: Request,
        token: str,
        *,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Response:
        ctx = _ctx(request)
        language = page_language(request)
        try:
            survey = citizen_survey.open_survey(ctx, token=token, address=client_address(request))
        except ServiceError as refused:
            return _refusal(request, refused, language=language)
        if survey.answered:
            return _page(
                request,
                "public/thanks.html",
                {},
                language=language,
                switch=_language_switch(request, language),
                private=True,
            )
        _with_session(request)
        aspects = [
            (code, ctx.settings.accountability.label("aspects", code, language))
            for code in ctx.settings.survey.aspects
        ]
        return _page(
            request,
            "public/survey.html",
            {
                "reference": survey.reference,
                "aspects": aspects,
                "ratings": [(r.value, gettext(RATING_LABELS[r], language)) for r in Rating],
                "action": f"{public.survey_path}/{token}",
                "errors": errors or {},
                "values": values or {},
                "colon_": colon(language),
            },
            language=language,
            switch=_language_switch(request, language),
            status_code=status_code,
            private=True,
        )

    async def survey_get(request: Request, token: str) -> Response:
        return await run_in_threadpool(show_survey, request, token)

    async def survey_post(request: Request, token: str) -> Response:
        ctx = _ctx(request)
        language = page_language(request)
        try:
            fields, _ = await _form(request)
        except Exception:
            fields = {}
        ratings = {code: fields.get(f"aspect_{code}", "") for code in ctx.settings.survey.aspects}
        try:
            await run_in_threadpool(
                citizen_survey.answer,
                ctx,
                token=token,
                address=client_address(request),
                ratings=ratings,
                comment=fields.get("comment", ""),
            )
        except ServiceError as refused:
            if status_of(refused) == 422:
                errors = {refused.field or "form": refused.message(language)}
                return await run_in_threadpool(
                    lambda: show_survey(
                        request, token, errors=errors, values=fields, status_code=422
                    )
                )
            return _refusal(request, refused, language=language)
        response = RedirectResponse(f"{public.survey_path}/{token}", status_code=303)
        response.headers.update(PRIVATE)
        return response

    pages.add_api_route(public.survey_path + "/{token}", survey_get, methods=["GET"])
    pages.add_api_route(public.survey_path + "/{token}", survey_post, methods=["POST"])
    return pages
