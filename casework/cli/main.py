"""`casework`: the root of the command line.

Each command group lives in its own module, imported only when the group runs (or when the help
lists it), so that `casework --version` and a single command do not pay for every service.
"""

from importlib import import_module

import click
import typer
from typer.core import TyperGroup
from typer.main import get_command, get_group

import casework

# name → (module under casework.cli, attribute, extra commands: name → (module, attribute)).
# The attribute is a Typer application: a group of commands, except `serve` and `scheduler`,
# single commands.
COMMANDS = ("serve", "scheduler")
GROUPS: dict[str, tuple[str, str, dict[str, tuple[str, str]]]] = {
    "scheduler": ("scheduler", "app", {}),
    "serve": ("operations", "serve_app", {}),
    "db": ("operations", "db_app", {}),
    "config": ("operations", "config_app", {}),
    "demo": ("operations", "demo_app", {}),
    "calendar": ("calendar", "app", {}),
    "case": ("cases", "app", {"letters": ("letters", "case_letters")}),
    "workflow": ("cases", "workflow_app", {}),
    "users": ("users", "app", {}),
    "apikeys": ("apikeys", "app", {}),
    "outbox": ("outbox", "app", {}),
    "mail": ("mail", "app", {}),
    "retention": ("retention", "app", {}),
    "letters": ("letters", "app", {}),
    "reports": ("reports", "app", {}),
    "survey": ("reports", "survey_app", {}),
}


# The `--as` of the command being run (read by casework.cli.common.operator).
ACCOUNT: dict[str, str | None] = {"name": None}


def _load(name: str) -> click.Command:
    """Import the module of one command group and build its click command."""
    module, attribute, extras = GROUPS[name]
    application = getattr(import_module(f"casework.cli.{module}"), attribute)
    for command_name, (extra_module, function) in extras.items():
        if not any(info.name == command_name for info in application.registered_commands):
            command = getattr(import_module(f"casework.cli.{extra_module}"), function)
            application.command(command_name)(command)
    command = get_command(application) if name in COMMANDS else get_group(application)
    command.name = name
    return command


class LazyGroup(TyperGroup):
    """The root group: lists every command group by name, imports one when it is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*GROUPS, *(name for name in self.commands if name not in GROUPS)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in GROUPS:
            self.commands[cmd_name] = _load(cmd_name)
        return self.commands.get(cmd_name)


app = typer.Typer(
    cls=LazyGroup,
    name="casework",
    help="Case tracking for complaints and requests sent to a Quebec public body.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    epilog=(
        "The installation commands (db, config, demo, serve, scheduler, users, apikeys, "
        "calendar, mail fetch and import, workflow) run as the server's operator and "
        "need no account (docs/command-line.md)."
    ),
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"casework {casework.__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    account: str = typer.Option(
        None,
        "--as",
        metavar="USERNAME",
        help=(
            "The staff account the command acts as, with its role (default: the cli.user "
            "setting, CASEWORK_CLI__USER). Needed by the commands that show or change cases: "
            "case, letters, mail quarantine, outbox, retention, reports, survey."
        ),
    ),
) -> None:
    """Case tracking for complaints and requests sent to a Quebec public body."""
    ACCOUNT["name"] = account


def main() -> None:
    """Run the command line."""
    app()
