"""``aftersales demo``: a fresh database with months of simulated history, a login per role,
and the platform served on it — the one command to see the whole system work.
"""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from aftersales.cli.common import DbOption, err, errors_on_one_line, out
from aftersales.cli.simulate import (
    fresh_sqlite,
    run_and_report,
    serve_command,
    shown_url,
    simulation_settings,
)
from aftersales.config import Settings

__all__ = ["DEMO", "demo"]

# Sized to be ready within a few minutes on a small machine (docs/benchmarks.md, "Simulator"):
# three whole assessment cycles and the current month up to now.
DEMO = {"merchants": 40, "consumers": 3000, "orders_per_day": 200, "months": 3}


@errors_on_one_line
def demo(
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    db: DbOption = None,
    seed: Annotated[int, typer.Option(help="The seed of the simulated history.")] = 7,
    serve: Annotated[bool, typer.Option(help="Serve the platform once it is built.")] = True,
) -> None:
    """Build a simulated marketplace's history, print a login per role, and serve it."""
    started = time.perf_counter()
    settings = simulation_settings(db, "demo")
    if db is None:
        fresh_sqlite(settings)  # a fresh database every time
    run_and_report(settings, _params(seed), as_json=False, bar=True)
    logins = _logins(settings)
    _show(logins, settings)
    out.print(f"ready in {time.perf_counter() - started:.0f} s", highlight=False)
    # Both open the database: both name the data directory that holds its log's key and its
    # uploaded files (any other is refused).
    out.print(
        f"load test it: AFTERSALES_DATA_DIR={settings.data_dir} aftersales simulate"
        f" --target http://{host}:{port} --db {shown_url(settings)} --rate 200 --seconds 30",
        highlight=False,
    )
    out.print(f"serve it again later: {serve_command(settings, port)}", highlight=False)
    if serve:
        _serve(settings, host, port)


def _params(seed: int) -> object:
    from aftersales.simulation import CST, SimulationParams, plan_span

    now = datetime.now(UTC)
    first, _ = plan_span(
        days=None, cycles=DEMO["months"], start=None, today=now.astimezone(CST).date()
    )
    return SimulationParams(
        seed, DEMO["merchants"], DEMO["consumers"], DEMO["orders_per_day"], first, now
    )


def _logins(settings: Settings) -> list[dict[str, str | None]]:
    from aftersales.bootstrap import bootstrap
    from aftersales.domain.actors import Role
    from aftersales.services.sim_logins import demo_logins
    from aftersales.services.sim_staff import demo_staff

    ctx = bootstrap(settings, schema="as_is")
    try:
        logins = demo_logins(ctx)
        merchant = next((x.subject for x in logins if x.role is Role.MERCHANT_AGENT), None)
        agents, taken = demo_staff(ctx, merchant)
        out.print(f"staff: {agents} agents on shift took {taken} waiting cases", highlight=False)
        return [
            {
                "role": login.role.value,
                "subject": login.subject,
                "user": login.user,
                "password": login.password,
                "token": login.token,
            }
            for login in logins
        ]
    finally:
        ctx.close()


def _show(logins: list[dict[str, str | None]], settings: Settings) -> None:
    table = Table(title="演示账号 demo logins (console: /console)")
    for column in ("role", "subject", "user", "password"):
        table.add_column(column, overflow="fold")
    for login in logins:
        table.add_row(*(login[c] or "-" for c in ("role", "subject", "user", "password")))
    out.print(table)
    # A token is one line of its own, never folded into a table cell: it is copied whole.
    out.print("API tokens (Authorization: Bearer …):", highlight=False)
    for login in logins:
        out.print(f"  {login['role']:<15} {login['token']}", highlight=False, soft_wrap=True)
    saved = settings.data_dir / "logins.json"
    saved.write_text(json.dumps(logins, ensure_ascii=False, indent=2), encoding="utf-8")
    saved.chmod(0o600)
    err.print(f"(also written to {saved}, readable by you only)", highlight=False)


def _serve(settings: Settings, host: str, port: int) -> None:
    """The ``serve`` command itself, on the demo's database and data directory."""
    from aftersales.cli.main import serve

    # serve reads its settings from the environment, as its worker processes do.
    os.environ["AFTERSALES_DATA_DIR"] = str(settings.data_dir)
    serve(host=host, port=port, db=settings.db_url, sweep=True, workers=1)
