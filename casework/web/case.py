"""The case page and its forms (with the letters sent to the requester), and the new case form.

The issue: "summary; requester panel under the confidentiality rules; each deadline with its
explanation; the timeline of events; notes; buttons only for the transitions allowed now, each
with a form for what it needs [...]". And: "New case
form for a letter, a call or a visit, with the receipt date and time."

DESIGN §2.5: the page shows what `services.cases.case_file` hands back, already as this person
may see it (the requester, the documents, the letters) and logged (casework.services.door,
interface "web"); the services refuse what this person may not do on the case. Forms post back
with the session's CSRF token; a successful one redirects to the case (POST/redirect/GET); a
refused one shows the page again with the reason next to the field and what was typed kept.
"""

import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from starlette.responses import Response

from casework.api.cases import Reference
from casework.explain import clock_sentence, state_words
from casework.i18n import N_, colon
from casework.schemas import (
    CaseCreate,
    CaseUpdate,
    Channel,
    ClassificationIn,
    ExtensionIn,
    MeasureDoneIn,
    MeasureIn,
    NoteIn,
    Priority,
    ReplyDateIn,
    TransitionIn,
)
from casework.services import access_log, accountability, dossier
from casework.services import cases as service
from casework.services import letters as letters_service
from casework.services.accountability import LISTS
from casework.services.errors import (
    InvalidInput,
    NotFound,
    TransitionNotAllowed,
    VersionConflict,
)
from casework.timeline import actor_name, timeline
from casework.web import typed
from casework.web.common import (
    CurrentPage,
    Form,
    Page,
    blank_to_none,
    field_errors,
    page_router,
    service_error,
)
from casework.web.letters import copy_label
from notifications.delivery import in_office_hours
from workflows import case_flow
from workflows.accountability import PROTECTEUR_CONCLUSION_LABELS, ProtecteurConclusion
from workflows.case_clock import UNANSWERED_STATES
from workflows.case_flow import OUTCOME_LABELS, FieldKind, Outcome
from workflows.deadlines import CaseKind
from workflows.events import EventKind

router = page_router()

# The labels of the transitions' fields, by field name. Which fields a trigger's form shows, in
# what order and as what kind of input, is the trigger's specification (workflows.case_flow).
FIELD_LABELS = {
    "answer_summary": N_("The answer to the requester (the letter's text, in paragraphs)"),
    "comment": N_("What is missing from the requester"),
    "protecteur_file_number": N_("Protecteur du citoyen file number"),
    "escalated_on": N_("Date the person went to the Protecteur du citoyen"),
    "protecteur_reply_due_on": N_("Reply expected by the Protecteur du citoyen by"),
    "facts_known_on": N_("Date the person learned of the facts"),
    "outcome": N_("Outcome"),
    "redirected_to": N_("Redirected to (the body and its contact details, for the letter)"),
    "reason": N_("Reason for reopening"),
    "service": N_("Service concerned"),
    "commitment": N_("Commitment concerned"),
    "root_cause": N_("Root cause"),
    "remedy": N_("Remedy given"),
    "protecteur_conclusion": N_("Conclusion of the Protecteur du citoyen"),
    "protecteur_recommendations": N_("Recommendations of the Protecteur du citoyen"),
}
# How the page asks each kind of field (templates/web/case.html); the outcome, one of a few
# values the officer must weigh, is a set of radio buttons rather than a list.
WIDGETS = {
    FieldKind.TEXT: "text",
    FieldKind.LONG_TEXT: "textarea",
    FieldKind.DATE: "date",
    FieldKind.CHOICE: "select",
    FieldKind.LISTED: "select",
}
RADIOS = frozenset({"outcome"})
# The labels of the values of each choice field's enum.
CHOICE_LABELS = {Outcome: OUTCOME_LABELS, ProtecteurConclusion: PROTECTEUR_CONCLUSION_LABELS}
# The fields of the case page's other forms, by their ids (the error summary names them).
OTHER_FORM_LABELS = {
    "note-text": N_("Add a note"),
    "extend-days": N_("Business days to add"),
    "extend-reason": N_("Reason (the requester is told)"),
    "reply-reply_due_on": N_("Reply expected by the Protecteur du citoyen by"),
    "edit-subject": N_("Subject"),
    "edit-priority": N_("Priority"),
}
NOTICES = {
    "created": N_("The case is registered."),
    "note": N_("The note is added."),
    "extended": N_("The answer delay is extended."),
    "reply_date": N_("The Protecteur du citoyen's reply date is saved."),
    "edited": N_("The subject and priority are saved."),
    "documents": N_("The documents are attached."),
    "classified": N_("What the case is about is saved."),
    "measure": N_("The corrective measure is added."),
    "measure_done": N_("The corrective measure is marked as done."),
}
CREATE_ALIASES = {
    "received_at": "received_date",
    "requester.name": "requester_name",
    "requester.email": "requester_email",
    "requester.phone": "requester_phone",
    "requester.postal_address": "requester_address",
    "requester.language": "requester_language",
    "requester.title": "requester_title",
    "requester": "requester_name",
}


@dataclass
class Action:
    trigger: str
    label: str
    fields: list[dict[str, Any]]
    defaults: dict[str, str]


def _listed(page: Page, name: str) -> list[tuple[str, str]]:
    """Return the choices of a field whose codes the body configures (what a case is about)."""
    config = page.ctx.settings.accountability
    return [("", "—")] + [
        (label.code, label.fr if page.language == "fr" else label.en)
        for label in getattr(config, LISTS[name])
    ]


def _field(page: Page, spec: case_flow.TriggerSpec, field: case_flow.FieldSpec, state: str):
    """Return how the form of `spec`'s trigger asks one field, from a case in `state`."""
    widget = "radios" if field.name in RADIOS else WIDGETS[field.kind]
    options: list[tuple[str, str]] = []
    if field.kind is FieldKind.LISTED:
        options = _listed(page, field.name)
    elif field.choices is not None:
        labels = CHOICE_LABELS[field.choices]
        options = [(code, page._(labels[code])) for code in spec.choices(field, state)]
        if widget == "select":
            options.insert(0, ("", "—"))
    return {
        "name": field.name,
        "label": page._(FIELD_LABELS[field.name]),
        "kind": widget,
        "required": field.required,
        "id": f"{spec.trigger.value}-{field.name}",
        "options": options,
    }


def _actions(page: Page, case, about) -> list[Action]:
    """Return the transitions allowed now that this person may fire, with their fields."""
    actions = []
    for trigger in case_flow.allowed_triggers(case.status):
        if not page.can_fire(trigger, case):
            continue
        spec = case_flow.SPEC_OF[trigger]
        fields = [
            _field(page, spec, field, case.status)
            for field in spec.fields_from(case.status)
            if field.in_form
        ]
        defaults = {}
        if trigger == case_flow.Trigger.ESCALATE:
            defaults["escalated_on"] = page.ctx.today().isoformat()
        if trigger == case_flow.Trigger.CLOSE and about.classification is not None:
            defaults.update(
                {n: getattr(about.classification, n) or "" for n in LISTS},
            )
        actions.append(
            Action(
                trigger=trigger.value,
                label=page.fmt.trigger(trigger.value),
                fields=fields,
                defaults=defaults,
            )
        )
    return actions


def _deadlines(page: Page, case, clock) -> list[dict[str, Any]]:
    """Each deadline as the case clock (workflows.case_clock) says it stands today."""
    items = []
    for deadline in clock.items:
        if deadline.name == "acknowledgment" and deadline.due_on is None:
            # DESIGN §2.3: the acknowledgment is owed for a written request only; say so, rather
            # than leave the officer wondering where the deadline went.
            text = page._(
                "No acknowledgment of receipt is owed: only written requests (letter, email, "
                "web form) get one, and this one came by “%(channel)s”.",
                channel=page.fmt.channel(case.channel),
            )
        else:
            text = clock_sentence(deadline, page.language)
        items.append(
            {
                "name": deadline.name.value,
                "label": page.fmt.deadline(deadline.name.value),
                "due_on": deadline.due_on,
                "sentence": text,
                "badge": page.fmt.badge(deadline.due_on, page.ctx.today())
                if deadline.running
                else None,
                "status": state_words(deadline, page.language),
            }
        )
    return items


def case_page(
    page: Page,
    reference: str,
    *,
    errors: dict[str, str] | None = None,
    open_form: str | None = None,
    values: dict[str, str] | None = None,
    alert: str | None = None,
    warnings: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    """Render the case page (after a refused form: with the errors and what was typed)."""
    page.require("case.read")
    found = service.case_file(
        page.ctx, actor=page.actor, interface="web", reference=reference, today=page.ctx.today()
    )
    view, documents = found.view, found.documents
    case = view.case
    show_requester = view.requester is not None and not view.redacted
    events = timeline(
        found.events,
        language=page.language,
        people=page.users,
        show_documents=documents.shown,
    )
    accesses = (
        [
            {
                "at": entry.at,
                "actor": actor_name(entry.actor, page.users),
                "interface": page.fmt.interface(entry.interface),
                "what": page.fmt.access(entry.what),
            }
            for entry in access_log.for_case(page.ctx, reference=reference, actor=page.actor)
        ]
        if page.can("access_log.read")
        else None
    )
    about = accountability.about(page.ctx, actor=page.actor, reference=reference)
    dossier_contents = (
        dossier.contents(page.ctx, actor=page.actor, reference=reference)
        if case.protecteur_file_number and page.can("case.dossier", case)
        else None
    )
    done = page.request.query_params.get("done", "")
    notice = None
    if done in NOTICES:
        notice = page._(NOTICES[done])
    elif done in case_flow.TRIGGER_LABELS:
        notice = page._("Done: %(action)s.", action=page.fmt.trigger(done))
    elif page.request.query_params.get("assigned"):
        notice = page._("Assigned to %(name)s.", name=page.fmt.user(case.assignee_id))
    actions = _actions(page, case, about)
    labels = {f["id"]: f["label"] for action in actions for f in action.fields}
    labels.update({fid: page._(label) for fid, label in OTHER_FORM_LABELS.items()})
    return page.render(
        "web/case.html",
        {
            "case": case,
            "labels": labels,
            "requester": view.requester if show_requester else None,
            "has_requester": view.requester is not None,
            "show_requester": show_requester,
            "other_cases": found.other_cases,
            "deadlines": _deadlines(page, case, found.clock),
            "events": events,
            "notes": [e for e in events if e.kind == EventKind.NOTE],
            "accesses": accesses,
            "actions": actions,
            "about": about,
            "dossier": dossier_contents,
            "about_fields": [(n, page._(FIELD_LABELS[n])) for n in LISTS],
            "about_labels": {
                n: page.ctx.settings.accountability.label(
                    LISTS[n], getattr(about.classification, n), page.language
                )
                if about.classification
                else ""
                for n in LISTS
            },
            "about_values": {f"classify-{n}": getattr(about.classification, n) or "" for n in LISTS}
            if about.classification
            else {},
            "classify_fields": [
                {
                    "name": n,
                    "label": page._(FIELD_LABELS[n]),
                    "id": f"classify-{n}",
                    "options": _listed(page, n),
                }
                for n in LISTS
            ],
            "finding_label": page._(PROTECTEUR_CONCLUSION_LABELS[about.finding.conclusion])
            if about.finding
            else "",
            "colon": colon(page.language),
            "can_classify": page.can("case.classify", case),
            "can_note": page.can("case.note", case),
            "can_extend": page.can("case.extend", case) and case.status in UNANSWERED_STATES,
            "can_set_reply_date": page.can_fire("escalate", case)
            and case.status == case_flow.CaseState.ESCALATED,
            "can_assign": page.can("case.assign", case),
            "can_edit": page.can("case.update", case),
            "priorities": [p.value for p in Priority],
            "documents": documents,
            "can_attach": page.can("document.attach", case),
            "limits": page.ctx.settings.documents,
            "letters": [
                {
                    "letter": letter,
                    "kind": page._(letters_service.KIND_LABELS[letter.kind]),
                    "label": copy_label(page, letter),
                }
                for letter in found.letters
            ],
            "assignees": page.active_users(),
            "errors": errors or {},
            "open_form": open_form,
            "values": values or {},
            "alert": alert,
            "warnings": warnings or [],
            "notice": notice,
            "here": f"/cases/{case.reference}",
        },
        status_code=status_code,
    )


# The new case form's fields and their labels, in the order shown (the error summary names
# each field with its label).
NEW_CASE_LABELS = {
    "channel": N_("Received by"),
    "received_date": N_("Date of receipt"),
    "received_time": N_("Time of receipt"),
    "kind": N_("Kind"),
    "priority": N_("Priority"),
    "subject": N_("Subject"),
    "description": N_("What the person wrote or said"),
    "facts_known_on": N_("Date the person learned of the facts"),
    "requester_title": N_("Letters begin with"),
    "requester_name": N_("Name"),
    "requester_email": N_("Email"),
    "requester_phone": N_("Phone"),
    "requester_language": N_("Language of the letters"),
    "requester_address": N_("Postal address"),
    "assignee_id": N_("Assign to"),
}


def _receipt_default(page: Page) -> tuple[str, str, bool]:
    """Propose the day and time of receipt: now during office hours; after the office closed,
    today at its opening (the mail came in the day); before it opens or on a day it is closed,
    no time, for the officer to type. Say whether the office is open now."""
    ctx = page.ctx
    now = ctx.now()
    local = now.astimezone(ctx.tz)
    periods = ctx.settings.calendar.office_hours
    today, clock = local.date(), local.time().replace(tzinfo=None)
    if in_office_hours(ctx, now):
        return today.isoformat(), local.strftime("%H:%M"), True
    if ctx.calendar.is_business_day(today) and periods and periods[0].start <= clock:
        if clock < periods[-1].end:  # between two periods (lunch): the office is open today
            return today.isoformat(), local.strftime("%H:%M"), True
        return today.isoformat(), periods[0].start.strftime("%H:%M"), False
    return today.isoformat(), "", False


@router.get("/cases/new")
def new_case_form(page: CurrentPage) -> Response:
    page.require("case.create")
    day, moment, _ = _receipt_default(page)
    return _new_case_page(
        page,
        values={
            "kind": "complaint",
            "channel": "letter",
            "priority": "normal",
            "received_date": day,
            "received_time": moment,
            "requester_language": "fr",
        },
    )


def _new_case_page(
    page: Page, *, values: dict[str, str], errors: dict[str, str] | None = None, status=200
) -> Response:
    labels = {name: page._(label) for name, label in NEW_CASE_LABELS.items()}
    ordered = {name: errors[name] for name in (*labels, "form") if errors and name in errors}
    return page.render(
        "web/new_case.html",
        {
            "values": values,
            "errors": ordered,
            "labels": labels,
            "office_open": _receipt_default(page)[2],
            "kinds": [k.value for k in CaseKind],
            "channels": [c.value for c in Channel],
            "priorities": [p.value for p in Priority],
            "assignees": page.active_users(),
        },
        status_code=status,
    )


def _received_at(page: Page, form: dict[str, str]) -> tuple[str | None, dict[str, str]]:
    """Read the typed day and time of receipt: the ISO form for the schema, or what is wrong
    (a time typed after the date wins over the time field, which comes filled in)."""
    typed_day = form.get("received_date", "").strip()
    typed_time = form.get("received_time", "").strip()
    if not typed_day:
        return None, {"received_date": page._("This field is required.")}
    try:
        day, moment = typed.read_moment(typed_day)
    except ValueError:
        return None, {"received_date": page._(typed.DATE_WORDS)}
    if moment is None and typed_time:
        try:
            moment = typed.read_time(typed_time)
        except ValueError:
            return None, {"received_time": page._(typed.TIME_WORDS)}
    return day.isoformat() + (f"T{moment:%H:%M}" if moment else ""), {}


@router.post("/cases/new")
def create_case(page: CurrentPage, form: Form) -> Response:
    page.require("case.create")
    read, typed_errors = typed.iso_dates(form, {"facts_known_on": "facts_known_on"}, page.language)
    data: dict[str, Any] = blank_to_none(
        read, "kind", "channel", "subject", "description", "priority", "facts_known_on"
    )
    data["subject"] = form.get("subject", "")
    received, received_errors = _received_at(page, form)
    typed_errors.update(received_errors)
    if received is not None:
        data["received_at"] = received
    if form.get("assignee_id", "").strip():
        data["assignee_id"] = form["assignee_id"].strip()
    requester = {
        key: value
        for key, value in {
            "name": form.get("requester_name", "").strip(),
            "email": form.get("requester_email", "").strip(),
            "phone": form.get("requester_phone", "").strip(),
            "postal_address": form.get("requester_address", "").strip(),
        }.items()
        if value
    }
    if requester:
        if not requester.get("name"):
            typed_errors["requester_name"] = page._(
                "Give the requester's name with their contact details, or leave them all empty "
                "for an anonymous request."
            )
        requester.setdefault("name", "")
        requester["language"] = form.get("requester_language", "fr")
        requester["title"] = form.get("requester_title") or None
        requester["by_mail"] = form.get("requester_by_mail") == "1"
        data["requester"] = requester
    try:
        create = CaseCreate(**data)
    except ValidationError as exc:
        errors = {**field_errors(exc, page.language, CREATE_ALIASES), **typed_errors}
        return _new_case_page(page, values=form, errors=errors, status=422)
    if typed_errors:
        return _new_case_page(page, values=form, errors=typed_errors, status=422)
    try:
        view = service.open_case(page.ctx, actor=page.actor, interface="web", data=create)
    except InvalidInput as exc:
        errors = service_error(exc, page.language)
        errors = {CREATE_ALIASES.get(k, k): v for k, v in errors.items()}
        return _new_case_page(page, values=form, errors=errors, status=422)
    return page.redirect(f"/cases/{view.case.reference}", done="created")


@router.get("/cases/{reference}")
def case_detail(reference: Reference, page: CurrentPage) -> Response:
    return case_page(page, reference)


@router.post("/cases/{reference}/fire/{trigger}")
def fire(reference: Reference, trigger: str, page: CurrentPage, form: Form) -> Response:
    if trigger not in {t.value for t in case_flow.Trigger}:
        raise NotFound(N_("No such page."))
    values = {k: v for k, v in form.items() if k != "csrf_token"}
    retry = {"open_form": trigger, "values": values}
    fields = [f for f in case_flow.SPEC_OF[case_flow.Trigger(trigger)].fields if f.in_form]
    dates = {f.name: f"{trigger}-{f.name}" for f in fields if f.kind is FieldKind.DATE}
    read, typed_errors = typed.iso_dates(form, dates, page.language)
    if typed_errors:
        return case_page(page, reference, errors=typed_errors, status_code=422, **retry)
    data: dict[str, Any] = {"trigger": trigger, "version": form.get("version", "")}
    for field in fields:
        typed_value = blank_to_none(read, field.name)
        if typed_value:
            (data.setdefault(field.part_of, {}) if field.part_of else data).update(typed_value)
    try:
        request = TransitionIn(**data)
    except ValidationError as exc:
        return _invalid_form(page, reference, exc, **retry)
    try:
        view = service.fire(
            page.ctx, actor=page.actor, interface="web", reference=reference, request=request
        )
    except TransitionNotAllowed as exc:
        key = f"{trigger}-{exc.field}" if exc.field else f"{trigger}-form"
        return case_page(
            page, reference, errors={key: exc.message(page.language)}, status_code=409, **retry
        )
    except VersionConflict:
        return case_page(page, reference, alert=_conflict(page), status_code=409, **retry)
    if view.warnings:
        warnings = [w.render(lambda msgid: page._(msgid)) for w in view.warnings]
        return case_page(page, reference, warnings=warnings)
    return page.redirect(f"/cases/{reference}", done=trigger)


def _invalid_form(
    page: Page, reference: str, exc: ValidationError, *, open_form: str, values: dict[str, str]
) -> Response:
    """Show the case page again with the form open, what was typed kept, and each field's error
    next to it (field ids are prefixed with the form's name)."""
    errors = {f"{open_form}-{k}": v for k, v in field_errors(exc, page.language).items()}
    return case_page(
        page, reference, errors=errors, open_form=open_form, values=values, status_code=422
    )


def _conflict(page: Page) -> str:
    return page._(
        "Someone changed this case while you were reading it. The page now shows its current "
        "state; check it, then send your form again."
    )


@router.post("/cases/{reference}/classification")
def classify(reference: str, page: CurrentPage, form: Form) -> Response:
    values = {f"classify-{n}": form.get(n, "") for n in LISTS}
    try:
        data = ClassificationIn(**blank_to_none(form, *LISTS))
    except ValidationError as exc:
        return _invalid_form(page, reference, exc, open_form="classify", values=values)
    accountability.classify(page.ctx, actor=page.actor, reference=reference, data=data)
    return page.redirect(f"/cases/{reference}", done="classified")


@router.post("/cases/{reference}/measures")
def add_measure(reference: str, page: CurrentPage, form: Form) -> Response:
    names = ("description", "owner", "due_on")
    values = {f"measure-{n}": form.get(n, "") for n in names}
    try:
        data = MeasureIn(**blank_to_none(form, *names))
    except ValidationError as exc:
        return _invalid_form(page, reference, exc, open_form="measure", values=values)
    accountability.add_measure(page.ctx, actor=page.actor, reference=reference, data=data)
    return page.redirect(f"/cases/{reference}", done="measure")


@router.post("/cases/{reference}/measures/{measure_id}/done")
def complete_measure(reference: str, measure_id: int, page: CurrentPage) -> Response:
    accountability.complete_measure(
        page.ctx,
        actor=page.actor,
        reference=reference,
        measure_id=measure_id,
        data=MeasureDoneIn(done_on=page.ctx.today()),
    )
    return page.redirect(f"/cases/{reference}", done="measure_done")


@router.post("/cases/{reference}/dossier")
def export_dossier(reference: str, page: CurrentPage, form: Form) -> Response:
    """Send the Protecteur du citoyen dossier: the notes and documents ticked one by one."""
    notes = [int(k.removeprefix("note-")) for k in form if re.fullmatch(r"note-\d{1,10}", k)]
    documents = [k.removeprefix("include-") for k in form if k.startswith("include-document-")]
    made = dossier.export(
        page.ctx,
        actor=page.actor,
        reference=reference,
        documents=documents,
        notes=notes,
        interface="web",
        language=page.language,
    )
    return Response(
        made.content,
        media_type=made.media_type,
        headers={"Content-Disposition": f'attachment; filename="{made.filename}"'},
    )


@router.post("/cases/{reference}/notes")
def add_note(reference: Reference, page: CurrentPage, form: Form) -> Response:
    values = {"note-text": form.get("text", "")}
    try:
        note = NoteIn(text=form.get("text", ""))
    except ValidationError as exc:
        return _invalid_form(page, reference, exc, open_form="note", values=values)
    service.add_note(
        page.ctx, actor=page.actor, interface="web", reference=reference, text=note.text
    )
    return page.redirect(f"/cases/{reference}", done="note")


@router.post("/cases/{reference}/extensions")
def extend(reference: Reference, page: CurrentPage, form: Form) -> Response:
    values = {"extend-days": form.get("days", ""), "extend-reason": form.get("reason", "")}
    retry = {"open_form": "extend", "values": values}
    try:
        data = ExtensionIn(
            version=form.get("version", ""),
            days=form.get("days", ""),
            reason=form.get("reason", ""),
        )
    except ValidationError as exc:
        return _invalid_form(page, reference, exc, **retry)
    try:
        service.extend(
            page.ctx,
            actor=page.actor,
            interface="web",
            reference=reference,
            version=data.version,
            days=data.days,
            reason=data.reason,
        )
    except VersionConflict:
        return case_page(page, reference, alert=_conflict(page), status_code=409, **retry)
    except InvalidInput as exc:
        return case_page(
            page,
            reference,
            errors={f"extend-{exc.field or 'form'}": exc.message(page.language)},
            status_code=409,
            **retry,
        )
    return page.redirect(f"/cases/{reference}", done="extended")


@router.post("/cases/{reference}/reply-date")
def set_reply_date(reference: Reference, page: CurrentPage, form: Form) -> Response:
    """Set or change the date by which the Protecteur du citoyen expects the body's reply (issue
    11: "the reply date can be set or changed later (an event each time)")."""
    values = {"reply-reply_due_on": form.get("reply_due_on", "")}
    retry = {"open_form": "reply", "values": values}
    read, typed_errors = typed.iso_dates(
        form, {"reply_due_on": "reply-reply_due_on"}, page.language
    )
    if typed_errors:
        return case_page(page, reference, errors=typed_errors, status_code=422, **retry)
    try:
        data = ReplyDateIn(
            version=form.get("version", ""), reply_due_on=read.get("reply_due_on", "")
        )
    except ValidationError as exc:
        return _invalid_form(page, reference, exc, **retry)
    try:
        service.set_reply_date(
            page.ctx,
            actor=page.actor,
            interface="web",
            reference=reference,
            version=data.version,
            reply_due_on=data.reply_due_on,
        )
    except VersionConflict:
        return case_page(page, reference, alert=_conflict(page), status_code=409, **retry)
    except InvalidInput as exc:
        return case_page(
            page,
            reference,
            errors={f"reply-{exc.field or 'form'}": exc.message(page.language)},
            status_code=422,
            **retry,
        )
    return page.redirect(f"/cases/{reference}", done="reply_date")


@router.post("/cases/{reference}/edit")
def edit(reference: Reference, page: CurrentPage, form: Form) -> Response:
    """Correct the subject of a case or change its priority (one event records both)."""
    values = {"edit-subject": form.get("subject", ""), "edit-priority": form.get("priority", "")}
    retry = {"open_form": "edit", "values": values}
    try:
        changes = CaseUpdate(
            version=form.get("version", ""),
            subject=form.get("subject", ""),
            priority=form.get("priority") or None,
        )
    except ValidationError as exc:
        return _invalid_form(page, reference, exc, **retry)
    try:
        service.update(
            page.ctx, actor=page.actor, interface="web", reference=reference, changes=changes
        )
    except VersionConflict:
        return case_page(page, reference, alert=_conflict(page), status_code=409, **retry)
    return page.redirect(f"/cases/{reference}", done="edited")
