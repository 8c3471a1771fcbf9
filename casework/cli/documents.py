"""`casework case attach` and `casework case documents`: documents from the terminal."""

import json
from pathlib import Path

import typer

from casework.cli.common import context, fail, operator
from casework.i18n import format_moment


def attach(
    reference: str = typer.Argument(..., help="The case: PLT-2026-00042."),
    files: list[Path] = typer.Argument(..., help="One or several files."),
    description: str = typer.Option("", help="What the files are (for all of them)."),
    from_requester: bool = typer.Option(
        False, "--from-requester", help="The files came from the requester."
    ),
) -> None:
    """Attach files to a case (the scanned letter, the person's documents)."""
    from casework.cli.cases import _, _run
    from casework.services import documents

    for path in files:
        if not path.is_file():
            fail(_("%(path)s: no such file.", path=str(path)))
    ctx = context()
    handles = [path.open("rb") for path in files]
    try:
        uploads = [
            documents.Upload(
                filename=path.name,
                stream=handle,
                description=description,
                from_requester=from_requester,
            )
            for path, handle in zip(files, handles, strict=True)
        ]
        added = _run(
            lambda: documents.attach(
                ctx, actor=operator(ctx), interface="cli", reference=reference, uploads=uploads
            )
        )
    finally:
        for handle in handles:
            handle.close()
    for document in added:
        typer.echo(f"{document.id}\t{document.filename}\t{document.media_type}\t{document.size}")


def list_documents(
    reference: str = typer.Argument(..., help="The case: PLT-2026-00042."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List the documents of a case."""
    from casework.cli.cases import _, _language, _run
    from casework.services import documents

    ctx = context()
    view = _run(
        lambda: documents.for_case(ctx, actor=operator(ctx), interface="cli", reference=reference)
    )
    if as_json:
        rows = [
            json.loads(d.model_dump_json(exclude={"case_id", "message_key"})) for d in view.items
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for document in view.items:
        origin = _("from the requester") if document.from_requester else ""
        moment = format_moment(document.created_at, ctx.tz, _language())
        typer.echo(
            f"{document.id}\t{document.filename}\t{document.media_type}\t{document.size}\t"
            f"{moment}\t{origin}\t{document.description}".rstrip()
        )
    typer.echo(_("(%(n)s documents)", n=view.count))
