"""The ``aftersales`` command line: serve, db, token, sla; each capability adds its own group."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from aftersales.cli.agent import agent_app
from aftersales.cli.common import (
    DbOption,
    err,
    errors_on_one_line,
    open_context,
    out,
    settings_for,
    shown,
)
from aftersales.cli.cycle import app as cycle_app
from aftersales.cli.demo import demo
from aftersales.cli.exposure import exposure_app, ladder_app, programme_app
from aftersales.cli.faults import faults_app
from aftersales.cli.kb import kb_app
from aftersales.cli.ledger import app as ledger_app
from aftersales.cli.policy import policy_app
from aftersales.cli.recall import app as recall_app
from aftersales.cli.simulate import simulate
from aftersales.cli.triage import triage_app
from aftersales.cli.user import app as user_app
from aftersales.cli.warning import staff_app, warn_app
from aftersales.domain.actors import Actor, Role

app = typer.Typer(
    help="After-sales service platform for multi-merchant marketplaces.", no_args_is_help=True
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
sla_app = typer.Typer(help="SLA clocks.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(token_app, name="token")
app.add_typer(sla_app, name="sla")
app.add_typer(triage_app, name="triage")
app.add_typer(agent_app, name="agent")
app.add_typer(faults_app, name="faults")
app.add_typer(kb_app, name="kb")
app.add_typer(ledger_app, name="ledger")
app.add_typer(recall_app, name="recall")
app.add_typer(policy_app, name="policy")
app.add_typer(warn_app, name="warn")
app.add_typer(staff_app, name="staff")
app.add_typer(ladder_app, name="ladder")
app.add_typer(exposure_app, name="exposure")
app.add_typer(programme_app, name="programme")
app.add_typer(user_app, name="user")
app.add_typer(cycle_app, name="cycle")
app.command("simulate")(simulate)
app.command("demo")(demo)


@app.command()
@errors_on_one_line
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: DbOption = None,
    sweep: Annotated[bool, typer.Option(help="Run the SLA sweep periodically.")] = True,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Server processes (one per core is a good start).")
    ] = 1,
) -> None:
    """Serve the API (migrating the database first) with the SLA sweep running in the background."""
    import os

    import uvicorn

    from aftersales.api.app import create_app
    from aftersales.api.workers import run_workers
    from aftersales.bootstrap import bootstrap, ledger_keys
    from aftersales.scheduler import Scheduler
    from aftersales.services import cycles, ledger
    from aftersales.services.exposure_jobs import add_recording_jobs, serving_jobs
    from aftersales.services.idempotency import purge_expired
    from aftersales.services.sla import sweep as sla_sweep

    settings = settings_for(db)
    ledger_keys(settings, create=True)  # made here if missing, before any worker needs it
    ctx = bootstrap(settings)
    ctx.triager()  # a broken triage model stops the start, not the first consumer's request
    ctx.knowledge()  # so does a broken knowledge base of first replies
    jobs: list[Callable[[], object]] = [lambda: sla_sweep(ctx), lambda: purge_expired(ctx)]
    scheduler = Scheduler(settings.sweep_interval_seconds, jobs) if sweep else None
    if scheduler:
        scheduler.every(settings.ledger_checkpoint_seconds, lambda: ledger.checkpoint(ctx))
        scheduler.every(settings.warning_interval_seconds, _warning_job(ctx, settings))
        add_recording_jobs(scheduler, ctx, settings)  # exposure refresh, daily ladder
        scheduler.every(settings.cycle_check_seconds, lambda: cycles.run_due(ctx))  # scoring
    out.print(
        f"aftersales on http://{host}:{port}  (API docs at /docs, database {shown(settings)})"
    )
    # At log level "warning" uvicorn prints no access lines anyway; switched off, it does not
    # even format them (bench/api.py runs its bare baseline with the same settings).
    quiet: dict[str, Any] = {"log_level": "warning", "access_log": False}
    if workers == 1:
        with serving_jobs(ctx, settings):  # this process's ranking plan and pacing counts
            uvicorn.run(create_app(ctx, scheduler), host=host, port=port, **quiet)
        return
    # Each worker is a fresh process that builds its app from the environment; the periodic
    # jobs run here, once, not in every worker.
    os.environ["AFTERSALES_DATABASE_URL"] = settings.db_url
    if scheduler:
        scheduler.start()
    try:
        # A listening socket per worker, so the kernel spreads connections (api/workers.py).
        run_workers(
            "aftersales.api.worker:worker_app", host=host, port=port, workers=workers, **quiet
        )
    finally:
        if scheduler:
            scheduler.stop()


def _warning_job(ctx: Any, settings: Any) -> Callable[[], object]:
    """Early warning on the schedule: the last complete week, judged once (docs/early-warning)."""
    from aftersales.cli.warning_ops import terms_from
    from aftersales.services.warning_run import run_warning

    terms = terms_from(settings)
    return lambda: run_warning(ctx, terms=terms)


@db_app.command("upgrade")
@errors_on_one_line
def db_upgrade(db: DbOption = None) -> None:
    """Bring the database schema up to date."""
    from aftersales.bootstrap import bootstrap

    settings = settings_for(db)
    bootstrap(settings)
    out.print(f"database {shown(settings)} is up to date")


@token_app.command("create")
@errors_on_one_line
def token_create(
    role: Annotated[Role, typer.Option(help="The role the token acts as.")],
    subject: Annotated[
        str | None, typer.Option(help="Consumer or merchant id for those roles.")
    ] = None,
    label: Annotated[str, typer.Option(help="A note on who holds the token.")] = "",
    db: DbOption = None,
) -> None:
    """Issue an API token; it is printed once and stored only as a hash."""
    from aftersales.services.tokens import create_token

    ctx = open_context(settings_for(db))
    token_id, secret = create_token(ctx, Actor(role, subject), label)
    err.print(f"token {token_id} for {role.value}{' ' + subject if subject else ''}; keep it safe:")
    print(secret)


@token_app.command("list")
@errors_on_one_line
def token_list(
    all_: Annotated[
        bool, typer.Option("--all", help="Revoked tokens too, with when they were revoked.")
    ] = False,
    db: DbOption = None,
) -> None:
    """The tokens in force, newest first: id, role, subject, label, issued (never a secret)."""
    from aftersales.services.tokens import list_tokens

    for token in list_tokens(open_context(settings_for(db)), revoked=all_):
        revoked = f"\trevoked {token.revoked_at:%Y-%m-%d %H:%M}Z" if token.revoked_at else ""
        print(
            f"{token.id}\t{token.actor.role.value}\t{token.actor.subject or '-'}"
            f"\t{token.label or '-'}\t{token.created_at:%Y-%m-%d %H:%M}Z{revoked}"
        )


@token_app.command("revoke")
@errors_on_one_line
def token_revoke(token_id: str, db: DbOption = None) -> None:
    """Revoke a token by its id (tok_…)."""
    from aftersales.services.tokens import revoke_token

    revoke_token(open_context(settings_for(db)), token_id)
    out.print(f"token {token_id} revoked")


@sla_app.command("sweep")
@errors_on_one_line
def sla_sweep_command(db: DbOption = None) -> None:
    """Apply every SLA timeout that has come due, once."""
    from aftersales.services.sla import sweep

    report = sweep(open_context(settings_for(db)))
    detail = ", ".join(f"{kind} {n}" for kind, n in sorted(report.events.items())) or "nothing due"
    out.print(f"{report.cases} case(s) changed: {detail}")


def main() -> None:  # pragma: no cover
    app()
