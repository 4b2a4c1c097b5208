"""``aftersales user``: the people who sign in to the console, each acting as an API role."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from aftersales.cli.common import DbOption, err, errors_on_one_line, open_context, out, settings_for
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
    from aftersales.services.users import create_user

    password = _password(password_stdin)
    ctx = open_context(settings_for(db))
    user = create_user(ctx, name, Actor(role, subject), password)
    who = f"{user.actor.role.value}{' ' + user.actor.subject if user.actor.subject else ''}"
    out.print(f"user {user.name} ({who}) can sign in at /console", highlight=False)


@app.command("list")
@errors_on_one_line
def list_(db: DbOption = None) -> None:
    """Every console user: name, role, subject, and whether sign-in is paused."""
    from aftersales.services.users import list_users

    ctx = open_context(settings_for(db))
    now = ctx.clock.now()
    for user in list_users(ctx):
        paused = " (sign-in paused)" if ctx.sign_in.locked(user.locked_until, now) else ""
        disabled = f" (disabled {user.disabled_at:%Y-%m-%d})" if user.disabled_at else ""
        subject = user.actor.subject or "-"
        print(f"{user.name}\t{user.actor.role.value}\t{subject}{disabled}{paused}")


NameArgument = Annotated[str, typer.Argument(help="The name the user signs in with.")]


@app.command("disable")
@errors_on_one_line
def disable(name: NameArgument, db: DbOption = None) -> None:
    """Stop a user signing in (someone who has left); their open sessions end at once."""
    from aftersales.services.users import disable_user

    ended = disable_user(open_context(settings_for(db)), name)
    out.print(f"user {name} disabled; {ended} open session(s) ended", highlight=False)


@app.command("enable")
@errors_on_one_line
def enable(name: NameArgument, db: DbOption = None) -> None:
    """Let a disabled user sign in again."""
    from aftersales.services.users import enable_user

    enable_user(open_context(settings_for(db)), name)
    out.print(f"user {name} can sign in again", highlight=False)


@app.command("password")
@errors_on_one_line
def password(
    name: NameArgument,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Set a new password (asked twice, or read from standard input); every session ends."""
    from aftersales.services.users import set_password

    ctx = open_context(settings_for(db))
    ended = set_password(ctx, name, _password(password_stdin))
    out.print(f"new password for {name}; {ended} open session(s) ended", highlight=False)


@app.command("unpause")
@errors_on_one_line
def unpause(name: NameArgument, db: DbOption = None) -> None:
    """Lift the pause on a user's sign-in after repeated wrong passwords, before it runs out."""
    from aftersales.services.users import unpause_user

    unpause_user(open_context(settings_for(db)), name)
    out.print(f"user {name} can sign in again now", highlight=False)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt("Password", hide_input=True)
    if typer.prompt("Again", hide_input=True) != first:
        err.print("[red]error[/red] the two passwords differ", highlight=False)
        raise typer.Exit(1)
    return str(first)
