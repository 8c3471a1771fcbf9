"""« Mon compte »: one's own password and language, and the private calendar of one's deadlines.

Issue 17, item 13: "no page lets a person change their own password or language". Item 16: "a
private iCalendar feed per person (`/me/deadlines.ics?token=…`, RFC 5545 through the `icalendar`
package) of the deadlines of their cases, so they appear in Outlook or any calendar; the token can
be renewed; no requester data in the feed" (what goes in it: casework.services.feeds).

Changing one's password ends every other session of the account (a stolen session dies with the
old password); the session of the person who changed it starts again at once, so they stay signed
in. The language chosen here is kept on the account (reminders and alerts are written in it) and
in the language cookie of this browser.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from fastapi import Request
from icalendar import Calendar, Event
from starlette.responses import Response

from casework.i18n import N_, gettext
from casework.labels import KIND_LABELS
from casework.security import sessions
from casework.services import feeds
from casework.services import users as user_service
from casework.services.errors import InvalidInput
from casework.web.common import LANGUAGE_COOKIE, CurrentPage, Form, Page, page_router
from casework.web.home import ONE_YEAR
from workflows.case_clock import DEADLINE_LABELS
from workflows.case_flow import STATE_LABELS

router = page_router()
NOTICES = {
    "password": N_("Your password is changed. Your other sessions are ended."),
    "language": N_("Your language is saved."),
}
PASSWORD_FIELDS = {
    "current_password": N_("Current password"),
    "new_password": N_("New password"),
    "confirm_password": N_("Confirm the new password"),
}


def _account_page(
    page: Page,
    *,
    errors: dict[str, str] | None = None,
    feed_url: str | None = None,
    status_code: int = 200,
) -> Response:
    user = user_service.get(page.ctx, user_id=page.actor.user_id)
    done = page.request.query_params.get("done", "")
    return page.render(
        "web/account.html",
        {
            "user": user,
            "errors": errors or {},
            "labels": {name: page._(label) for name, label in PASSWORD_FIELDS.items()},
            "notice": page._(NOTICES[done]) if done in NOTICES else None,
            "min_length": page.ctx.settings.security.password_min_length,
            "has_feed": feeds.has_feed(page.ctx, actor=page.actor),
            "feed_url": feed_url,
        },
        status_code=status_code,
    )


@router.get("/me")
def account(page: CurrentPage) -> Response:
    page.require("account.own")
    return _account_page(page)


@router.post("/me/password")
def change_password(request: Request, page: CurrentPage, form: Form) -> Response:
    page.require("account.own")
    new_password = form.get("new_password", "")
    if new_password != form.get("confirm_password", ""):
        message = page._("The two new passwords are not the same.")
        return _account_page(page, errors={"confirm_password": message}, status_code=422)
    try:
        user = user_service.change_own_password(
            page.ctx,
            actor=page.actor,
            current_password=form.get("current_password", ""),
            new_password=new_password,
        )
    except InvalidInput as exc:
        field = exc.field if exc.field in PASSWORD_FIELDS else "new_password"
        return _account_page(page, errors={field: exc.message(page.language)}, status_code=422)
    request.state.session = sessions.signed_in(
        user_id=user.id, generation=user.session_generation, now=page.ctx.now()
    )
    return page.redirect("/me", done="password")


@router.post("/me/language")
def change_language(page: CurrentPage, form: Form) -> Response:
    page.require("account.own")
    try:
        user = user_service.set_own_language(
            page.ctx, actor=page.actor, language=form.get("language", "")
        )
    except InvalidInput as exc:
        return _account_page(page, errors={"language": exc.message(page.language)}, status_code=422)
    response = page.redirect("/me", done="language")
    response.set_cookie(
        LANGUAGE_COOKIE, user.language, max_age=ONE_YEAR, path="/", samesite="lax", httponly=True
    )
    return response


@router.post("/me/calendar")
def renew_calendar(page: CurrentPage) -> Response:
    """Make a new address for one's calendar and show it, once."""
    page.require("account.own")
    token = feeds.renew(page.ctx, actor=page.actor)
    base = page.ctx.settings.server.base_url.rstrip("/")
    return _account_page(page, feed_url=f"{base}/me/deadlines.ics?token={token}")


@router.get("/me/deadlines.ics")
def deadlines_calendar(request: Request) -> Response:
    """The calendar of one's deadlines, for a calendar application (the token is the key)."""
    ctx = request.app.state.context
    feed = feeds.read(ctx, token=request.query_params.get("token", ""))
    return Response(
        ics(feed, base_url=ctx.settings.server.base_url, now=ctx.now()),
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, no-store"},
    )


def ics(feed: feeds.Feed, *, base_url: str, now) -> bytes:
    """Write a feed as an RFC 5545 calendar: one all-day event per running deadline."""
    language = feed.language
    base = base_url.rstrip("/")
    host = urlsplit(base).hostname or "casework"
    calendar = Calendar()
    calendar.add("prodid", "-//casework//deadlines//" + language.upper())
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", gettext("My casework deadlines", language))
    calendar.add("x-published-ttl", "PT1H")
    for entry in feed.entries:
        label = gettext(DEADLINE_LABELS[entry.deadline], language)
        event = Event()
        event.add("uid", f"{entry.reference}-{entry.deadline}@{host}")
        event.add("dtstamp", now)
        event.add("last-modified", entry.updated_at)
        event.add("dtstart", entry.due_on)
        event.add("dtend", entry.due_on + timedelta(days=1))
        event.add("summary", f"{entry.reference} — {label}")
        event.add(
            "description",
            gettext(
                "%(deadline)s due for case %(reference)s (%(kind)s, %(state)s).",
                language,
                deadline=label,
                reference=entry.reference,
                kind=gettext(KIND_LABELS.get(entry.kind, entry.kind), language),
                state=gettext(STATE_LABELS.get(entry.status, entry.status), language),
            ),
        )
        event.add("url", f"{base}/cases/{entry.reference}")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
