"""The ``aftersales`` command line: serve, db, token, sla."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from aftersales.config import Settings
from aftersales.domain.actors import Actor, Role
from aftersales.errors import AftersalesError

app = typer.Typer(
    help="After-sales service platform for multi-merchant marketplaces.", no_args_is_help=True
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
sla_app = typer.Typer(help="SLA clocks.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(token_app, name="token")
app.add_typer(sla_app, name="sla")

# soft_wrap: a line is never broken at the console width (80 columns when piped), so an error
# stays on one line and logs of `sla sweep` stay greppable.
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: AFTERSALES_DATABASE_URL or a SQLite file)."),
]


def _settings(db: str | None) -> Settings:
    settings = Settings()
    return settings.model_copy(update={"database_url": db}) if db else settings


def _errors_on_one_line(fn: F) -> F:
    """Print a user's mistake as one line, exit 1; no traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AftersalesError as exc:
            # Escaped: Rich would otherwise read "[not_found]" (and any brackets in the detail)
            # as markup and silently drop it.
            line = escape(f"[{exc.code.value}] {exc.detail}")
            err.print(f"[red]error[/red] {line}", highlight=False)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@app.command()
@_errors_on_one_line
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: DbOption = None,
    sweep: Annotated[bool, typer.Option(help="Run the SLA sweep periodically.")] = True,
) -> None:
    """Serve the API (migrating the database first) with the SLA sweep running in the background."""
    import uvicorn

    from aftersales.api.app import create_app
    from aftersales.bootstrap import bootstrap
    from aftersales.scheduler import Scheduler
    from aftersales.services.idempotency import purge_expired
    from aftersales.services.sla import sweep as sla_sweep

    settings = _settings(db)
    ctx = bootstrap(settings)
    jobs: list[Callable[[], object]] = [lambda: sla_sweep(ctx), lambda: purge_expired(ctx)]
    scheduler = Scheduler(settings.sweep_interval_seconds, jobs) if sweep else None
    out.print(
        f"aftersales on http://{host}:{port}  (API docs at /docs, database {_shown(settings)})"
    )
    # At log level "warning" uvicorn prints no access lines anyway; switched off, it does not
    # even format them (bench/api.py runs its bare baseline with the same settings).
    uvicorn.run(
        create_app(ctx, scheduler), host=host, port=port, log_level="warning", access_log=False
    )


@db_app.command("upgrade")
@_errors_on_one_line
def db_upgrade(db: DbOption = None) -> None:
    """Bring the database schema up to date."""
    from aftersales.bootstrap import bootstrap

    settings = _settings(db)
    bootstrap(settings)
    out.print(f"database {_shown(settings)} is up to date")


@token_app.command("create")
@_errors_on_one_line
def token_create(
    role: Annotated[Role, typer.Option(help="The role the token acts as.")],
    subject: Annotated[
        str | None, typer.Option(help="Consumer or merchant id for those roles.")
    ] = None,
    label: Annotated[str, typer.Option(help="A note on who holds the token.")] = "",
    db: DbOption = None,
) -> None:
    """Issue an API token; it is printed once and stored only as a hash."""
    from aftersales.bootstrap import bootstrap
    from aftersales.services.tokens import create_token

    ctx = bootstrap(_settings(db))
    token_id, secret = create_token(ctx, Actor(role, subject), label)
    err.print(f"token {token_id} for {role.value}{' ' + subject if subject else ''}; keep it safe:")
    print(secret)


@token_app.command("revoke")
@_errors_on_one_line
def token_revoke(token_id: str, db: DbOption = None) -> None:
    """Revoke a token by its id (tok_…)."""
    from aftersales.bootstrap import bootstrap
    from aftersales.services.tokens import revoke_token

    revoke_token(bootstrap(_settings(db)), token_id)
    out.print(f"token {token_id} revoked")


@sla_app.command("sweep")
@_errors_on_one_line
def sla_sweep_command(db: DbOption = None) -> None:
    """Apply every SLA timeout that has come due, once."""
    from aftersales.bootstrap import bootstrap
    from aftersales.services.sla import sweep

    report = sweep(bootstrap(_settings(db)))
    detail = ", ".join(f"{kind} {n}" for kind, n in sorted(report.events.items())) or "nothing due"
    out.print(f"{report.cases} case(s) changed: {detail}")


def _shown(settings: Settings) -> str:
    url = settings.db_url
    return url.split("@")[-1] if "@" in url else url


def main() -> None:  # pragma: no cover
    app()
