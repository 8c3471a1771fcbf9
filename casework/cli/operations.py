"""`casework db`, `casework config`, `casework demo` and `casework serve`: the operator's commands
on the installation itself (they need no account: see docs/operations.md)."""

import json

import typer

from casework.cli.common import context, engine, fail, say, say_count, settings
from casework.config import masked

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
config_app = typer.Typer(help="Configuration.", no_args_is_help=True)
demo_app = typer.Typer(help="Demonstration data.", no_args_is_help=True)
serve_app = typer.Typer()


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("heads", help="Target revision.")) -> None:
    """Apply the schema migrations (harmless when the database is up to date)."""
    from casework import migrate

    before = migrate.current(engine())
    migrate.upgrade(engine(), revision)
    after = migrate.current(engine())
    if before == after:
        typer.echo(say("database already at revision %(revision)s", revision=after))
    elif before is None:
        typer.echo(say("database created at revision %(revision)s", revision=after))
    else:
        typer.echo(
            say(
                "database upgraded from revision %(before)s to %(after)s",
                before=before,
                after=after,
            )
        )


@db_app.command("current")
def db_current() -> None:
    """Print the schema revision of the database and whether it is the newest."""
    from casework import migrate

    current = migrate.current(engine())
    head = migrate.head()
    state = say("up to date") if current == head else say("behind (newest is %(head)s)", head=head)
    revision = current or say("empty database")
    typer.echo(f"{revision} ({state})")


@db_app.command("backup")
def db_backup(
    target: str = typer.Argument(
        ..., help="The backup file to write (a folder with --documents-only)."
    ),
    documents_only: bool = typer.Option(
        False, "--documents-only", help="Copy only the documents' files (beside pg_dump)."
    ),
) -> None:
    """Copy the SQLite database safely while casework runs, and the documents' files beside it
    (TARGET.documents/); PostgreSQL: pg_dump, and --documents-only for the files."""
    import sqlite3
    from pathlib import Path

    from sqlalchemy.engine import make_url

    url = make_url(settings().database.url)
    destination = Path(target)
    if documents_only:
        copied = _copy_documents(destination)
        typer.echo(
            say_count(
                "%(n)s document file copied to %(folder)s",
                "%(n)s document files copied to %(folder)s",
                copied,
                folder=destination,
            )
        )
        return
    if url.get_backend_name() != "sqlite":
        fail(
            "db backup copies SQLite databases; for PostgreSQL use pg_dump, and "
            "`casework db backup --documents-only FOLDER` for the documents (docs/deployment.md)"
        )
    files = destination.with_name(destination.name + ".documents")
    for path in (destination, files):
        if path.exists():
            fail(say("%(path)s exists already: choose a new file.", path=path))
    source = sqlite3.connect(url.database)
    try:
        with sqlite3.connect(destination) as copy:
            source.backup(copy)
    finally:
        source.close()
    # After the database: every document its copy names was stored before its row committed.
    copied = _copy_documents(files)
    typer.echo(
        say_count(
            "database copied to %(file)s, %(n)s document file to %(folder)s",
            "database copied to %(file)s, %(n)s document files to %(folder)s",
            copied,
            file=destination,
            folder=files,
        )
    )


def _copy_documents(destination) -> int:
    """Copy the documents' files (named by their hash, never changed) to a new folder."""
    import shutil

    from casework.storage import DocumentStore

    if destination.exists():
        fail(say("%(path)s exists already: choose a new folder.", path=destination))
    root = DocumentStore.under(settings().data_dir).root
    destination.mkdir(parents=True)
    copied = 0
    if root.exists():
        for path in sorted(root.glob("??/??/*")):
            target = destination / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            copied += 1
    return copied


@config_app.command("show")
def config_show() -> None:
    """Print the effective settings, secrets masked."""
    typer.echo(json.dumps(masked(settings()), indent=2, ensure_ascii=False))


@demo_app.command("load")
def demo_load() -> None:
    """Load demonstration users and cases (once; loading again changes nothing)."""
    from casework import demo

    made, users = demo.load(context())
    typer.echo(
        say_count("%(n)s demo case loaded", "%(n)s demo cases loaded", made)
        if made
        else say("demo data already loaded")
    )
    password = say("password:")
    for user in users or demo.DEMO_USERS:
        typer.echo(f"  {user.role.value:<11} {user.username:<13} {password} {user.password}")


@serve_app.command("serve")
def serve(
    host: str = typer.Option(None, help="Address to listen on (default: server.host)."),
    port: int = typer.Option(None, help="Port (default: server.port)."),
    workers: int = typer.Option(None, help="Worker processes (default: server.workers)."),
) -> None:
    """Start the web application."""
    import uvicorn

    from casework.db import check_database

    current = settings()
    reason = check_database(engine())
    if reason:
        fail(reason, code=1)
    host = host or current.server.host
    port = port or current.server.port
    typer.echo(say("casework is running at %(url)s (Ctrl+C to stop)", url=f"http://{host}:{port}/"))
    typer.echo(
        "  " + say("open it in a browser and sign in (`casework demo load` lists the demo logins)")
    )
    uvicorn.run(
        "casework.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers or current.server.workers,
        log_config=None,
        access_log=False,
    )
