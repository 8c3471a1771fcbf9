"""`casework case`: register, list, read and move cases from the terminal, over the services."""

import inspect
import json

import typer

from casework.cli import documents as documents_cli
from casework.cli.common import context, fail, operator, settings
from casework.context import Actor, AppContext
from casework.explain import running_words
from casework.i18n import colon, format_day, format_moment, gettext
from casework.presenters import case_public
from casework.repositories.cases import CaseFilters, shown_total
from casework.schemas import CaseCreate, TransitionIn
from casework.services import cases as service
from casework.services.errors import ServiceError
from workflows import case_flow
from workflows.case_clock import DEADLINE_LABELS
from workflows.case_flow import STATE_LABELS

app = typer.Typer(help="Cases.", no_args_is_help=True)


def _language() -> str:
    return settings().i18n.default_language


def _(message: str, **params: object) -> str:
    """Translate a message into the configured language."""
    return gettext(message, _language(), **params)


def _run(command):
    try:
        return command()
    except ServiceError as exc:
        fail(exc.message(_language()))


def _current_version(ctx: AppContext, actor: Actor, reference: str) -> int:
    """Return the version of a case as it stands (a command given no --version)."""
    return _run(
        lambda: service.get(ctx, actor=actor, interface="cli", reference=reference)
    ).case.version


def _validated(model, data: dict):
    from pydantic import ValidationError

    from casework.api.errors import validation_problem

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fail(validation_problem(exc.errors(), _language()).detail)


@app.command("new")
def new(
    kind: str = typer.Option(
        "complaint",
        help="complaint, information_request, media_request, supplier_complaint or comment.",
    ),
    channel: str = typer.Option("letter", help="email, letter, phone, in_person or web_form."),
    subject: str = typer.Option(..., help="Subject."),
    received: str = typer.Option(..., help="Receipt: date or datetime (Montreal time)."),
    description: str = typer.Option("", help="Description."),
    requester: str = typer.Option(None, help="Requester's name."),
    email: str = typer.Option(None, help="Requester's email."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Register a case and print its reference and deadlines."""
    data = {
        "kind": kind,
        "channel": channel,
        "subject": subject,
        "description": description,
        "received_at": received,
    }
    if requester:
        data["requester"] = {"name": requester, "email": email}
    created = _validated(CaseCreate, data)
    ctx = context()
    actor = operator(ctx)
    view = _run(
        lambda: service.open_case(
            ctx, actor=actor, interface="cli", data=created, with_requester=as_json
        )
    )
    public = case_public(ctx, view)
    if as_json:
        typer.echo(public.model_dump_json(indent=2))
        return
    ack = format_day(public.ack_due_on, _language()) if public.ack_due_on else "—"
    said = colon(_language())
    typer.echo(
        f"{public.reference}\t{_(DEADLINE_LABELS['acknowledgment'])}{said} {ack}\t"
        f"{_(DEADLINE_LABELS['answer'])}{said} "
        f"{format_day(public.answer_due_on, _language())}"
    )


def _next_deadline(item) -> str:
    """Say the next deadline of a listed case as the queue page does: its name, its date and
    where it stands today, in words."""
    if item.deadline is None:
        return _("No deadline running")
    language = _language()
    return (
        f"{_(DEADLINE_LABELS[item.deadline.name])}{colon(language)} "
        f"{format_day(item.deadline.due_on, language)} — "
        f"{running_words(item.deadline.state, item.deadline.business_days, language)}"
    )


@app.command("list")
def list_(
    status: list[str] = typer.Option(None, help="Status (repeatable)."),
    overdue: bool = typer.Option(False, help="Only overdue cases."),
    q: str = typer.Option(None, help="Text in the subject or description."),
    limit: int = typer.Option(50, min=1, max=1000),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List cases, newest first (or by due date with --overdue)."""
    ctx = context()
    actor = operator(ctx)
    filters = CaseFilters(
        status=tuple(status or ()), overdue_on=ctx.today() if overdue else None, text=q
    )
    views, total = _run(
        lambda: service.search(
            ctx,
            actor=actor,
            interface="cli",
            filters=filters,
            limit=limit,
            with_requesters=as_json,
        )
    )
    total, capped = shown_total(filters, total)
    items = [case_public(ctx, v) for v in views]
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "items": [json.loads(i.model_dump_json()) for i in items],
                    "total": total,
                    "total_capped": capped,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for item in items:
        typer.echo(
            f"{item.reference}\t{_(STATE_LABELS[item.status])}\t{_next_deadline(item)}\t"
            f"{item.subject}"
        )
    if capped:
        typer.echo(_("(%(shown)s of more than %(total)s)", shown=len(items), total=total))
    else:
        typer.echo(_("(%(shown)s of %(total)s)", shown=len(items), total=total))


@app.command("show")
def show(reference: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """Show a case, its deadlines and its trail."""
    ctx = context()
    actor = operator(ctx)
    found = _run(lambda: service.case_file(ctx, actor=actor, interface="cli", reference=reference))
    public = case_public(ctx, found.view)
    if as_json:
        from casework.api.explain import deadline_out

        shown = json.loads(public.model_dump_json())
        shown["deadlines"] = [
            json.loads(deadline_out(d, language=_language()).model_dump_json())
            for d in found.clock.items
        ]
        typer.echo(json.dumps(shown, indent=2, ensure_ascii=False))
        return
    from casework.explain import clock_sentence, state_words
    from casework.services import users
    from casework.timeline import timeline

    language = _language()
    typer.echo(f"{public.reference} — {public.subject}")
    typer.echo(
        _("Status: %(status)s", status=_(STATE_LABELS[public.status])) + f" (v{public.version})"
    )
    requester = public.requester
    if requester is not None and not requester.redacted:
        known = [v for v in (requester.name, requester.email, requester.phone) if v]
        typer.echo(_("Requester") + f"{colon(language)} " + ", ".join(known))
    for deadline in found.clock.items:
        label = _(DEADLINE_LABELS[deadline.name]) + colon(language)
        day = (
            format_day(deadline.due_on, language, weekday=True)
            if deadline.due_on
            else _("not applicable")
        )
        stands = state_words(deadline, language)
        typer.echo(f"- {label} {day}" + (f" — {stands}" if stands else ""))
        typer.echo(f"  {clock_sentence(deadline, language)}")
    if not found.events:  # the trail is read only with `case.history`
        return
    typer.echo("")
    typer.echo(_("Timeline"))
    for entry in timeline(
        found.events,
        language=language,
        people=users.list_users(ctx),
        show_documents=found.documents.shown,
    ):
        typer.echo(f"- {format_moment(entry.at, ctx.tz, language)} — {entry.actor}")
        typer.echo(f"  {entry.label}")
        for line in entry.lines:
            typer.echo(f"    {line}")


@app.command("access-log")
def access_log(reference: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """Show who saw the personal information of a case, oldest first (complaints officers and
    administrators)."""
    from casework.models.access import AccessLogPublic
    from casework.services import access_log as log

    ctx = context()
    actor = operator(ctx)
    entries = _run(lambda: log.for_case(ctx, reference=reference, actor=actor))
    if as_json:
        rows = [
            json.loads(AccessLogPublic.model_validate(e, from_attributes=True).model_dump_json())
            for e in entries
        ]
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not entries:
        typer.echo(
            _("Nobody has seen the personal information of %(reference)s.", reference=reference)
        )
        return
    for entry in entries:
        interface = log.INTERFACE_LABELS.get(entry.interface)
        what = log.WHAT_LABELS.get(entry.what)
        typer.echo(
            "\t".join(
                [
                    format_moment(entry.at, ctx.tz, _language()),
                    entry.actor,
                    _(interface) if interface else entry.interface,
                    _(what) if what else entry.what,
                ]
            )
        )


# The option of each field of the transitions when it is not `--` and the field's name with
# dashes. Which options a trigger takes and requires is its specification (workflows.case_flow).
OPTION_NAMES = {
    "protecteur_file_number": "--file-number",
    "protecteur_reply_due_on": "--reply-due-on",
}
OPTION_HELP = {
    "protecteur_file_number": "Protecteur du citoyen file.",
    "facts_known_on": "Escalating: the date the person learned of the facts.",
    "service": "Closing: the service concerned.",
    "commitment": "Closing: the commitment concerned.",
    "root_cause": "Closing: the root cause.",
    "remedy": "Closing: the remedy given.",
    "protecteur_conclusion": "Closing an escalated case: the Protecteur's.",
}


def option_name(field: str) -> str:
    """Return the command-line option of a transition's field."""
    return OPTION_NAMES.get(field, "--" + field.replace("_", "-"))


def fire(
    reference: str,
    trigger: str,
    version: int | None = None,
    **options: str | None,
) -> None:
    """Fire a transition (acknowledge, answer, request_information, resume, escalate, close,
    reopen)."""
    ctx = context()
    actor = operator(ctx)
    current = _run(lambda: service.get(ctx, actor=actor, interface="cli", reference=reference))
    data: dict = {
        "trigger": trigger,
        "version": current.case.version if version is None else version,
    }
    spec = case_flow.SPEC_OF.get(trigger)  # type: ignore[call-overload]
    if spec is None:
        _validated(TransitionIn, data)  # stops, naming the trigger that is not one
    reads = {field.name: field for field in spec.fields_from(current.case.status)}
    given = {name: value for name, value in options.items() if value is not None}
    for name, value in given.items():
        if name not in reads:
            fail(
                _(
                    "The option %(option)s does not apply to “%(trigger)s” on this case.",
                    option=option_name(name),
                    trigger=trigger,
                )
            )
        group = reads[name].part_of
        (data.setdefault(group, {}) if group else data)[name] = value
    for field in spec.required_from(current.case.status):
        if not given.get(field.name, "").strip():
            fail(
                _(
                    "“%(trigger)s” needs the option %(option)s.",
                    trigger=trigger,
                    option=option_name(field.name),
                )
            )
    request = _validated(TransitionIn, data)
    view = _run(
        lambda: service.fire(
            ctx, actor=actor, interface="cli", reference=reference, request=request
        )
    )
    public = case_public(ctx, view)
    typer.echo(f"{public.reference}\t{_(STATE_LABELS[public.status])}\tversion {public.version}")
    for warning in public.warnings:
        typer.echo(_("Warning: %(warning)s", warning=warning), err=True)


def _fire_signature() -> None:
    """Give `fire` one option per field of the transitions' specifications (Typer reads the
    options of a command from its signature)."""
    parameters = [
        inspect.Parameter("reference", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=str),
        inspect.Parameter("trigger", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=str),
        inspect.Parameter(
            "version",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=int | None,
            default=typer.Option(None, help="Expected version (default: the current one)."),
        ),
    ]
    for name in case_flow.FIELDS:
        parameters.append(
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=str | None,
                default=typer.Option(None, option_name(name), help=OPTION_HELP.get(name)),
            )
        )
    fire.__signature__ = inspect.Signature(parameters, return_annotation=None)
    fire.__annotations__ = {p.name: p.annotation for p in parameters}
    app.command("fire")(fire)


_fire_signature()


@app.command("extend")
def extend(
    reference: str,
    days: int = typer.Option(..., "--days", help="Business days added to the answer delay."),
    reason: str = typer.Option(..., "--reason", help="The reason the requester is told."),
    version: int = typer.Option(None, help="Expected version (default: the current one)."),
) -> None:
    """Extend the answer delay, with the reason the requester is told."""
    from casework.schemas import ExtensionIn

    ctx = context()
    actor = operator(ctx)
    if version is None:
        version = _current_version(ctx, actor, reference)
    data = _validated(ExtensionIn, {"version": version, "days": days, "reason": reason})
    view = _run(
        lambda: service.extend(
            ctx,
            actor=actor,
            interface="cli",
            reference=reference,
            version=data.version,
            days=data.days,
            reason=data.reason,
        )
    )
    typer.echo(f"{view.case.reference}\t{format_day(view.case.answer_due_on, _language())}")


@app.command("set-reply-date")
def set_reply_date(
    reference: str,
    reply_due_on: str = typer.Argument(..., help="The Protecteur du citoyen's reply date."),
    version: int = typer.Option(None, help="Expected version (default: the current one)."),
) -> None:
    """Set or change the date by which the Protecteur du citoyen expects the body's reply."""
    from casework.schemas import ReplyDateIn

    ctx = context()
    data = _validated(ReplyDateIn, {"version": version, "reply_due_on": reply_due_on})
    view = _run(
        lambda: service.set_reply_date(
            ctx,
            actor=operator(ctx),
            interface="cli",
            reference=reference,
            version=data.version,
            reply_due_on=data.reply_due_on,
        )
    )
    due = view.case.protecteur_reply_due_on
    typer.echo(f"{view.case.reference}\t{format_day(due, _language()) if due else '—'}")


# Documents (casework.cli.documents): `case attach` and `case documents`.
app.command("attach")(documents_cli.attach)
app.command("documents")(documents_cli.list_documents)

workflow_app = typer.Typer(help="The case life cycle.", no_args_is_help=True)


@workflow_app.command("diagram")
def diagram() -> None:
    """Print the life cycle as a Mermaid diagram."""
    from workflows.case_flow import mermaid_diagram

    typer.echo(mermaid_diagram())
