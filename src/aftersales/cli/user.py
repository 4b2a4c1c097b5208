"""``aftersales user``: the people who sign in to the console, each acting as an API role."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from aftersales.cli.common import DbOption, err, errors_on_one_line, out, settings_for
from aftersales.domain.actors import Actor, Role

app = typer.Typer(help="Console users (sign-in to /console).", no_args_is_help=True)


@app.command("create")
@errors_on_one_line
def create(
    role: Annotated[Role, typer.Option(help="The API role the user acts as.")],
    name: Annotated[str, typer.Option(help="The name the user signs in with.")],
    subject: Annotated[
        str | None, typer.Option(help="Consumer or merchant id for those roles.")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Add a console user; the password is asked for (twice), or read from standard input."""
    from aftersales.bootstrap import bootstrap
    from aftersales.services.users import create_user

    password = _password(password_stdin)
    ctx = bootstrap(settings_for(db))
    user = create_user(ctx, name, Actor(role, subject), password)
    who = f"{user.actor.role.value}{' ' + user.actor.subject if user.actor.subject else ''}"
    out.print(f"user {user.name} ({who}) can sign in at /console", highlight=False)


@app.command("list")
@errors_on_one_line
def list_(db: DbOption = None) -> None:
    """Every console user: name, role, subject, and whether sign-in is paused."""
    from aftersales.bootstrap import bootstrap
    from aftersales.services.users import list_users

    ctx = bootstrap(settings_for(db))
    now = ctx.clock.now()
    for user in list_users(ctx):
        paused = " (sign-in paused)" if ctx.sign_in.locked(user.locked_until, now) else ""
        subject = user.actor.subject or "-"
        print(f"{user.name}\t{user.actor.role.value}\t{subject}{paused}")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt("Password", hide_input=True)
    if typer.prompt("Again", hide_input=True) != first:
        err.print("[red]error[/red] the two passwords differ", highlight=False)
        raise typer.Exit(1)
    return str(first)
