"""`casework apikeys`: keys for integrations (a web form, a mail gateway).

`create` prints the key once, alone on standard output (so that a script can capture it); only
its hash is stored, so a lost key cannot be shown again: revoke it and create another.
"""

import json

import typer

from casework.cli.common import say
from casework.cli.users import actor, context, run
from casework.security.policy import INTEGRATION, KEY_ROLES
from casework.services import apikeys as service

app = typer.Typer(help="API keys for integrations: create, list, revoke.", no_args_is_help=True)


@app.command("create")
def create(
    name: str = typer.Option(..., help="What the key is for, e.g. formulaire-web."),
    role: str = typer.Option(INTEGRATION, help=", ".join(KEY_ROLES) + "."),
) -> None:
    """Create a key and print it (it is shown only this once)."""
    key, secret = run(lambda: service.create(context(), actor=actor(), name=name, role=role))
    typer.echo(secret)
    typer.echo(
        say(
            "key %(name)s (%(role)s) created: copy it now, it will not be shown again.",
            name=key.name,
            role=key.role,
        ),
        err=True,
    )


@app.command("list")
def list_(as_json: bool = typer.Option(False, "--json", help="Print JSON objects.")) -> None:
    """List the keys (never their secret): name, role, prefix, last use, revocation."""
    keys = service.list_keys(context())
    rows = [
        {
            "name": k.name,
            "role": k.role,
            "prefix": k.prefix,
            "created_at": k.created_at.isoformat(),
            "created_by": k.created_by,
            "last_used_at": k.last_used_at.isoformat() if k.last_used_at else None,
            "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None,
        }
        for k in keys
    ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        state = (
            say("revoked %(at)s", at=row["revoked_at"]) if row["revoked_at"] else say("in service")
        )
        used = row["last_used_at"] or say("never used")
        typer.echo(f"{row['name']}\t{row['role']}\t{row['prefix']}…\t{state}\t{used}")


@app.command("revoke")
def revoke(name: str) -> None:
    """Revoke a key for good (its history stays)."""
    key = run(lambda: service.revoke(context(), actor=actor(), name=name))
    typer.echo(say("key %(name)s revoked", name=key.name))
