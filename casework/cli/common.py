"""What every command shares: settings, the engine, and errors that stop with status 2."""

import sys
from functools import cache
from typing import NoReturn

import typer
from sqlalchemy import Engine

from casework.config import ConfigError, Settings, load_settings
from casework.context import Actor, AppContext
from casework.db import check_database, make_engine
from casework.i18n import gettext, ngettext
from casework.logs import configure_logging


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one line to stderr and stop with the given status."""
    typer.echo(f"casework: {message}", err=True)
    raise typer.Exit(code)


@cache
def settings() -> Settings:
    """Load and validate the settings once per command; stop with status 2 when invalid."""
    try:
        loaded = load_settings()
    except ConfigError as exc:
        fail(f"invalid configuration: {exc}")
    configure_logging(loaded.logging.level)
    return loaded


@cache
def engine() -> Engine:
    """Build the engine of the configured database once per command."""
    return make_engine(settings().database)


def context(clock=None) -> AppContext:
    """Build the context of a command that works on the data; stop when the schema is missing."""
    reason = check_database(engine())
    if reason:
        fail(reason, code=1)
    from casework.services.calendar import refresh

    made = AppContext(settings=settings(), engine=engine(), clock=clock)
    refresh(made)
    return made


def operator(ctx: AppContext) -> Actor:
    """Return the staff account a command that shows or changes cases acts as: `--as USERNAME`,
    else the `cli.user` setting; stop with status 2 unless it names an active account."""
    from casework.cli.main import ACCOUNT
    from casework.i18n import gettext
    from casework.services.users import acting_as

    language = ctx.settings.i18n.default_language
    username = ACCOUNT["name"] or ctx.settings.cli.user
    if not username:
        fail(
            gettext(
                "this command shows or changes cases: name the staff account it acts as with "
                "--as USERNAME or the cli.user setting",
                language,
            )
        )
    actor = acting_as(ctx, username=username)
    if actor is None:
        fail(
            gettext(
                "--as %(username)s: no active account has this username (from --as or the "
                "cli.user setting)",
                language,
                username=username,
            )
        )
    return actor


def is_tty() -> bool:
    """Tell whether standard output is a terminal."""
    return sys.stdout.isatty()


def language() -> str:
    """Return the language the command line speaks: the configured default language."""
    return settings().i18n.default_language


def say(message: str, **params: object) -> str:
    """Translate a message into the language the command line speaks."""
    return gettext(message, language(), **params)


def say_count(singular: str, plural: str, n: int, **params: object) -> str:
    """Translate a message that depends on a count into the language the command line speaks."""
    return ngettext(singular, plural, n, language(), **params)
