"""``aftersales simulate``: a simulated marketplace run through the platform, with a summary;
with ``--target``, the same traffic replayed against a running server (the load generator).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aftersales.cli.common import DbOption, err, errors_on_one_line, settings_for
from aftersales.config import Settings
from aftersales.errors import ValidationFailed

if TYPE_CHECKING:
    from aftersales.cli.side_by_side import VariantRun
    from aftersales.services.simulate import SimulationResult

__all__ = [
    "fresh_sqlite",
    "run_and_report",
    "serve_command",
    "simulate",
    "simulation_settings",
]


def simulation_settings(db: str | None, folder: str) -> Settings:
    """Settings for a simulated database: by default a SQLite file of its own under
    ``data_dir/<folder>``, never the platform's own database."""
    base = settings_for(None)
    data_dir = base.data_dir / folder
    url = db or f"sqlite:///{data_dir / 'aftersales.db'}"
    return base.model_copy(update={"database_url": url, "data_dir": data_dir})


@errors_on_one_line
def simulate(
    db: DbOption = None,
    seed: Annotated[int, typer.Option(help="The seed: one seed, one history.")] = 7,
    merchants: Annotated[int, typer.Option(help="Merchants in the marketplace.")] = 40,
    consumers: Annotated[int, typer.Option(help="Buyers in the marketplace.")] = 3000,
    days: Annotated[int | None, typer.Option(help="Simulate this many days (default 30).")] = None,
    cycles: Annotated[
        int | None, typer.Option(help="Simulate this many assessment cycles (months).")
    ] = None,
    orders_per_day: Annotated[int, typer.Option(help="Orders on an ordinary day.")] = 300,
    start: Annotated[
        str | None, typer.Option(help="First simulated day, YYYY-MM-DD (default: so it ends now).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    target: Annotated[
        str | None, typer.Option(help="Replay simulated traffic against this running server.")
    ] = None,
    rate: Annotated[float, typer.Option(help="With --target: requests per second.")] = 200.0,
    count: Annotated[int | None, typer.Option(help="With --target: stop after N requests.")] = None,
    seconds: Annotated[
        float | None, typer.Option(help="With --target: stop after S seconds.")
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="Write the flywheel report (HTML) to this file.")
    ] = None,
    compare: Annotated[
        tuple[Path, Path] | None,
        typer.Option(help="Run two configurations (YAML files) on the same seed and compare."),
    ] = None,
    on_disk: Annotated[
        bool,
        typer.Option(
            "--on-disk",
            help="Write to the SQLite file as the run goes instead of building it in memory"
            " (slower; for runs larger than memory).",
        ),
    ] = False,
) -> None:
    """Simulate a marketplace through the platform (or, with --target, load-test a server)."""
    if target is not None:
        from aftersales.cli.load import run_load

        run_load(target, rate, count, seconds, seed=seed, db=db)
        return
    from aftersales.simulation import CST, SimulationParams, plan_span

    now = datetime.now(CST)
    first, end = plan_span(days=days, cycles=cycles, start=_day(start), today=now.date())
    _refuse_the_future(first, end, now, days=days, cycles=cycles)
    params = SimulationParams(seed, merchants, consumers, orders_per_day, first, end)
    if compare is not None:
        if db is not None:
            raise ValidationFailed("--compare makes a fresh database per variant: leave out --db")
        _compare(compare, params, report, as_json=as_json, bar=progress, on_disk=on_disk)
        return
    settings = simulation_settings(db, "simulation")
    result = run_and_report(settings, params, as_json=as_json, bar=progress, on_disk=on_disk)
    if report is not None:
        _write_report(report, [(f"seed {seed}", result.summary)])
    _say(f"serve it: {serve_command(settings)}")


def _refuse_the_future(
    first: date, end: datetime, now: datetime, *, days: int | None, cycles: int | None
) -> None:
    """Refuse a run that would end after now: it would store cycles, scores and evidence of
    days that have not happened, which the real clock then reads as history."""
    from aftersales.simulation import CST, plan_span

    if end <= now:
        return
    # Without a start, a run ends as late as it may: at the start of today (China Standard
    # Time), or of this month for whole cycles.
    latest, _ = plan_span(days=days, cycles=cycles, start=None, today=now.date())
    raise ValidationFailed(
        f"--start {first}: the run would end {end.astimezone(CST):%Y-%m-%d %H:%M} (China Standard"
        f" Time), after now; the latest start for this run is {latest}"
    )


def serve_command(settings: Settings, port: int | None = None) -> str:
    """The command that serves a simulated database: with the data directory that holds its
    evidence log's key, since any other is refused (``bootstrap.ledger_keys``)."""
    at = "" if port is None else f" --port {port}"
    url = shown_url(settings)
    return f"AFTERSALES_DATA_DIR={settings.data_dir} aftersales serve{at} --db {url}"


def shown_url(settings: Settings) -> str:
    """The database URL as a printed command may show it: with any password hidden."""
    from sqlalchemy import make_url

    return make_url(settings.db_url).render_as_string(hide_password=True)


def _compare(
    files: tuple[Path, Path],
    params: object,
    report: Path | None,
    *,
    as_json: bool,
    bar: bool,
    on_disk: bool,
) -> None:
    from aftersales.cli.side_by_side import VariantRun, side_by_side_possible
    from aftersales.cli.simulate_compare import for_variant, load_variant
    from aftersales.simulation import SimulationParams

    assert isinstance(params, SimulationParams)
    variants = [load_variant(f) for f in files]
    # Both checked before anything runs: a mistake in the second must not cost the first run.
    runs = [
        VariantRun(
            f"变体 variant {i}: {v.name}",
            v.apply(simulation_settings(None, f"simulation/compare-{i}")),
            for_variant(params, v),
        )
        for i, v in enumerate(variants, start=1)
    ]
    for run in runs:
        fresh_sqlite(run.settings)
    if side_by_side_possible(params.orders_per_day * params.days):
        summaries = _side_by_side(runs, as_json=as_json, bar=bar, on_disk=on_disk)
    else:
        summaries = []
        for run in runs:
            err.print(run.label, highlight=False)
            result = run_and_report(
                run.settings, run.params, as_json=as_json, bar=bar, on_disk=on_disk
            )
            summaries.append(result.summary)
    base = simulation_settings(None, "simulation")
    named = [(v.name, summary) for v, summary in zip(variants, summaries, strict=True)]
    _write_report(report or base.data_dir / "compare.html", named)


def _side_by_side(
    runs: list[VariantRun], *, as_json: bool, bar: bool, on_disk: bool
) -> list[dict[str, Any]]:
    """The variants at once, one process each (``cli.side_by_side``); summaries in order."""
    from aftersales.cli.side_by_side import run_side_by_side
    from aftersales.cli.sim_database import Interrupted
    from aftersales.cli.stop_signals import exit_code

    err.print("the two variants run side by side, one process each", highlight=False)
    try:
        finished = run_side_by_side(runs, bar=bar and not as_json, on_disk=on_disk, say=_say)
    except Interrupted as stop:  # how far each got is said
        raise typer.Exit(exit_code(stop.signum)) from None
    for run, done in zip(runs, finished, strict=True):
        err.print(run.label, highlight=False)
        _show_result(done.run_id, done.status, done.summary, as_json=as_json)
    return [done.summary for done in finished]


def _say(text: str) -> None:
    err.print(text, highlight=False)


def _write_report(path: Path, runs: list[tuple[str, Any]]) -> None:
    from aftersales.cli.flywheel_report import render

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(runs), encoding="utf-8")
    err.print(f"flywheel report: {path}", highlight=False)


def fresh_sqlite(settings: Settings) -> None:
    """Delete the settings' SQLite database (and its side files), so a run starts empty."""
    from aftersales.store.db import sqlite_file

    path = sqlite_file(settings.db_url)
    if path is None:
        return
    for suffix in ("", "-wal", "-shm", ".writer-lock", ".writing"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def run_and_report(
    settings: Settings, params: object, *, as_json: bool, bar: bool, on_disk: bool = False
) -> SimulationResult:
    """Run the simulation for the settings' database (``cli.sim_database``) and print its
    summary; Ctrl-C (or SIGTERM) says how far it got and exits 130 (143)."""
    from aftersales.cli.sim_database import Interrupted, run_in_database
    from aftersales.cli.simulate_report import day_progress
    from aftersales.cli.stop_signals import exit_code
    from aftersales.simulation import SimulationParams

    assert isinstance(params, SimulationParams)
    try:
        with day_progress(params.days, show=bar and not as_json) as on_day:
            result = run_in_database(settings, params, on_day, on_disk=on_disk, say=err.print)
    except Interrupted as stop:
        err.print(stop.message, highlight=False)
        raise typer.Exit(exit_code(stop.signum)) from None
    _show_result(result.run_id, result.status, result.summary, as_json=as_json)
    return result


def _show_result(run_id: str, status: str, summary: dict[str, Any], *, as_json: bool) -> None:
    from aftersales.cli.simulate_report import print_summary

    if as_json:
        print(json.dumps({"run": run_id, **summary}, ensure_ascii=False, indent=2))
    else:
        print_summary(summary, run_id, status)


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()  # noqa: DTZ007 - a calendar day
    except ValueError:
        raise ValidationFailed(f"--start {text!r} is not a day such as 2026-08-01") from None
