"""The letters to the requester in the pages: each letter as it was sent (to print, or its PDF),
and the list of letters to print and mail.

The issue: "the case page lists the letters with their date and channel; re-opening a sent letter
shows that copy, labelled « copie de la lettre envoyée le … », never a re-rendering with today's
data"; "into a *Lettres à poster* list for the officers, where each letter is printed and marked
mailed (the mailing date is recorded)". The services check who may see a letter and write the
access log (interface "web").
"""

from datetime import date

from starlette.responses import Response

from casework.api.cases import Reference
from casework.i18n import N_, ngettext
from casework.services import letters as service
from casework.services.errors import InvalidInput, NotFound
from casework.web.common import CurrentPage, Form, Page, page_router
from notifications.letters import STYLESHEET

router = page_router()


def copy_label(page: Page, letter) -> str:
    """Say which copy this is: sent by email on a day, mailed on a day, or still to mail."""
    if letter.channel == "email":
        return page._(
            "Copy of the letter sent by email on %(day)s.", day=page.fmt.day(letter.letter_date)
        )
    if letter.mailed_on is not None:
        return page._("Copy of the letter mailed on %(day)s.", day=page.fmt.day(letter.mailed_on))
    return page._(
        "Letter to mail, written on %(day)s: not mailed yet.", day=page.fmt.day(letter.letter_date)
    )


@router.get("/letters/letter.css")
def stylesheet(page: CurrentPage) -> Response:
    """The stylesheet of the letters: the same on screen, on paper and in the PDF."""
    return Response(STYLESHEET.read_bytes(), media_type="text/css; charset=utf-8")


@router.get("/cases/{reference}/letters/{letter_id}")
def letter_page(reference: Reference, letter_id: int, page: CurrentPage) -> Response:
    """One letter as it was sent, ready to print."""
    case, letter = service.get(
        page.ctx, actor=page.actor, interface="web", reference=reference, letter_id=letter_id
    )
    return page.render(
        "web/letter.html",
        {
            "case": case,
            "letters": [letter],
            "title": page._(service.KIND_LABELS[letter.kind]),
            "copy_label": copy_label(page, letter),
            "can_mail": page.can("letters.mail")
            and letter.channel == "mail"
            and letter.mailed_on is None,
        },
    )


@router.get("/cases/{reference}/letters/{letter_id}/pdf")
def letter_pdf(reference: Reference, letter_id: int, page: CurrentPage) -> Response:
    """The PDF of a letter, the bytes that were sent."""
    case, letter = service.get(
        page.ctx, actor=page.actor, interface="web", reference=reference, letter_id=letter_id
    )
    name = service.letter_file_name(letter, case.reference)
    return Response(
        letter.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


def _notice(page: Page) -> str | None:
    query = page.request.query_params
    if query.get("mailed", "").isdigit():
        return page._("Letter %(id)s is recorded as mailed.", id=query["mailed"])
    if query.get("address", "").isdigit():
        return page._(
            "The postal address is added: write it on the envelope of letter %(id)s.",
            id=query["address"],
        )
    return None


def _to_mail_page(page: Page, *, errors=None, values=None, status_code=200) -> Response:
    items = service.to_mail(page.ctx, actor=page.actor, interface="web")
    return page.render(
        "web/letters_to_mail.html",
        {
            "items": [
                {
                    "letter": item.letter,
                    "case": item.case,
                    "has_address": item.has_address,
                    "kind": page._(service.KIND_LABELS[item.letter.kind]),
                }
                for item in items
            ],
            "notice": _notice(page),
            "errors": errors or {},
            "values": values or {},
        },
        status_code=status_code,
    )


@router.get("/letters/to-mail")
def to_mail(page: CurrentPage) -> Response:
    """The letters waiting to be printed and mailed, oldest first."""
    return _to_mail_page(page)


@router.get("/letters/to-mail/print")
def print_to_mail(page: CurrentPage) -> Response:
    """Every letter to mail on one page, one per sheet, to print them at once."""
    items = service.to_mail(page.ctx, actor=page.actor, interface="web")
    return page.render(
        "web/letter.html",
        {
            "case": None,
            "letters": [item.letter for item in items],
            "title": page._("Letters to mail"),
            "copy_label": ngettext(
                "%(n)s letter to mail, the oldest first",
                "%(n)s letters to mail, the oldest first",
                len(items),
                page.language,
            ),
            "can_mail": False,
        },
    )


@router.post("/letters/{letter_id}/mailed")
def mark_mailed(letter_id: int, page: CurrentPage, form: Form) -> Response:
    """Record the day a letter was mailed."""
    field = f"mailed_on-{letter_id}"
    raw = form.get("mailed_on", "").strip()
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        message = (
            page._("This date is not valid; write it as YYYY-MM-DD.")
            if raw
            else page._("This field is required.")
        )
        return _to_mail_page(page, errors={field: message}, values={field: raw}, status_code=422)
    try:
        service.mark_mailed(
            page.ctx, actor=page.actor, interface="web", letter_id=letter_id, on=day
        )
    except InvalidInput as exc:
        return _to_mail_page(
            page, errors={field: exc.message(page.language)}, values={field: raw}, status_code=422
        )
    except NotFound:
        raise NotFound(N_("No letter has the id %(id)s."), id=letter_id) from None
    return page.redirect("/letters/to-mail", mailed=letter_id)


@router.post("/letters/{letter_id}/address")
def add_address(letter_id: int, page: CurrentPage, form: Form) -> Response:
    """Add the postal address a letter to mail lacks."""
    field = f"postal_address-{letter_id}"
    raw = form.get("postal_address", "")
    try:
        service.add_postal_address(
            page.ctx, actor=page.actor, interface="web", letter_id=letter_id, address=raw
        )
    except InvalidInput as exc:
        return _to_mail_page(
            page, errors={field: exc.message(page.language)}, values={field: raw}, status_code=422
        )
    return page.redirect("/letters/to-mail", address=letter_id)
