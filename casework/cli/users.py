"""`casework users`: staff accounts from the terminal (the first administrator is made here).

Passwords are typed at a hidden prompt (twice), or read from standard input with
`--password-stdin`; never from the command line, where other users of the machine could read
them.
"""

import getpass
import json
import sys

import typer

from casework.cli.common import context, fail, say, settings
from casework.context import Actor
from casework.i18n import ngettext
from casework.models.users import Role
from casework.services import users as service
from casework.services.errors import ServiceError

app = typer.Typer(
    help="Staff accounts: add, list, disable, set a password or a role.", no_args_is_help=True
)

ROLES_HELP = "agent, officer (responsable des plaintes), supervisor or admin."


def actor() -> Actor:
    """Name who runs the command in the logs: the operating-system account."""
    return Actor(label=f"cli:{getpass.getuser()}")


def run(command):
    """Run a service command; stop with its message (in the configured language) when it is
    refused."""
    try:
        return command()
    except ServiceError as exc:
        fail(exc.message(settings().i18n.default_language))


def read_password(from_stdin: bool) -> str:
    """Read a new password: one line of standard input, or a hidden prompt typed twice."""
    if from_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            fail(say("No password on standard input."))
        return password
    return typer.prompt(
        "Mot de passe / Password",
        hide_input=True,
        confirmation_prompt="Confirmez / Confirm",
    )


@app.command("add")
def add(
    username: str = typer.Argument(..., help="Login name: lowercase letters, digits, . _ -"),
    full_name: str = typer.Option(..., "--full-name", help="The person's name."),
    role: str = typer.Option(Role.AGENT.value, help=ROLES_HELP),
    email: str = typer.Option(None, help="Where reminders are sent."),
    language: str = typer.Option("fr", help="fr or en."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
) -> None:
    """Create an account (`--role admin` for the first administrator)."""
    password = read_password(password_stdin)
    user = run(
        lambda: service.add(
            context(),
            actor=actor(),
            username=username,
            full_name=full_name,
            role=role,
            email=email,
            language=language,
            password=password,
        )
    )
    typer.echo(
        say("account %(username)s created (%(role)s)", username=user.username, role=user.role)
    )


@app.command("list")
def list_(as_json: bool = typer.Option(False, "--json", help="Print JSON objects.")) -> None:
    """List the accounts: username, role, state, name."""
    ctx = context()
    users = service.list_users(ctx)
    rows = [
        {
            "username": u.username,
            "full_name": u.full_name,
            "role": u.role,
            "active": u.is_active,
            "failed_logins": u.failed_logins,
            "email": u.email,
            "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None,
        }
        for u in users
    ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        state = say("active") if row["active"] else say("disabled")
        if row["failed_logins"]:
            state += ", " + ngettext(
                "%(n)s failed login",
                "%(n)s failed logins",
                row["failed_logins"],
                settings().i18n.default_language,
            )
        typer.echo(f"{row['username']}\t{row['role']}\t{state}\t{row['full_name']}")


@app.command("disable")
def disable(username: str) -> None:
    """Disable an account: it can no longer sign in, its sessions end, its history stays."""
    user = run(lambda: service.disable(context(), actor=actor(), username=username))
    typer.echo(say("account %(username)s disabled", username=user.username))


@app.command("enable")
def enable(username: str) -> None:
    """Enable a disabled account again (and clear its count of failed logins)."""
    user = run(lambda: service.enable(context(), actor=actor(), username=username))
    typer.echo(say("account %(username)s enabled again", username=user.username))


@app.command("set-password")
def set_password(
    username: str,
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
) -> None:
    """Give an account a new password; its open sessions end."""
    password = read_password(password_stdin)
    user = run(
        lambda: service.set_password(context(), actor=actor(), username=username, password=password)
    )
    typer.echo(say("password of %(username)s changed", username=user.username))


@app.command("set-role")
def set_role(username: str, role: str = typer.Argument(..., help=ROLES_HELP)) -> None:
    """Change the role of an account."""
    user = run(lambda: service.set_role(context(), actor=actor(), username=username, role=role))
    typer.echo(
        say("%(username)s now has the role %(role)s", username=user.username, role=user.role)
    )


@app.command("set-email")
def set_email(
    username: str,
    email: str = typer.Argument(..., help="The new address; an empty value removes it."),
) -> None:
    """Change the email address that reminders and alerts go to."""
    user = run(lambda: service.set_email(context(), actor=actor(), username=username, email=email))
    typer.echo(
        say(
            "address of %(username)s: %(email)s",
            username=user.username,
            email=user.email or say("none"),
        )
    )
