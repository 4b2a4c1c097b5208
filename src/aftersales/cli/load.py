"""``aftersales simulate --target URL``: replay simulated traffic against a running server."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from aftersales.cli.common import err, out, settings_for, shown
from aftersales.config import Settings
from aftersales.errors import ValidationFailed

__all__ = ["run_load"]

_LIMITS = {"rate": (0.1, 5000.0), "count": (1, 1_000_000), "seconds": (0.1, 86_400.0)}
_DEFAULT_SECONDS = 10.0  # neither --count nor --seconds: a short run, never an endless one
_MOST_CASES = 20_000  # cases prepared in advance, at most


def run_load(
    target: str, rate: float, count: int | None, seconds: float | None, *, seed: int, db: str | None
) -> None:
    """Check the bounds and the server, prepare the marketplace, replay, print the figures."""
    from aftersales.loadgen import Bounds

    _check(rate=rate, count=count, seconds=seconds)
    bounds = Bounds(rate, count, seconds if seconds or count else _DEFAULT_SECONDS)
    asyncio.run(_run(target.rstrip("/"), bounds, seed, db))


def _check(**values: float | None) -> None:
    problems = [
        f"--{name} must be between {low:g} and {high:g} (got {values[name]:g})"
        for name, (low, high) in _LIMITS.items()
        if values[name] is not None and not low <= values[name] <= high  # type: ignore[operator]
    ]
    if problems:
        raise ValidationFailed("; ".join(problems), errors=problems)


async def _run(target: str, bounds: object, seed: int, db: str | None) -> None:
    from aftersales.bootstrap import bootstrap
    from aftersales.loadgen import Bounds, prepare, replay

    assert isinstance(bounds, Bounds)
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=target, timeout=30, limits=limits) as client:
        await _reachable(client, target)
        settings = _server_database(db)
        ctx = bootstrap(settings, schema="as_is")
        try:
            cases = _cases_needed(bounds)
            err.print(f"preparing {cases:,} delivered orders on {target} …", highlight=False)
            try:
                cast = await prepare(client, ctx, cases, seed)
            except DBAPIError as exc:
                raise _not_the_database(shown(settings)) from exc
            report = await replay(client, cast, bounds)
        finally:
            ctx.close()
    _print(report, bounds)


def _server_database(db: str | None) -> Settings:
    """The settings of the server's database, which must exist: tokens are minted there."""
    settings = settings_for(db)
    url = make_url(settings.db_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        raise _not_the_database(shown(settings))
    return settings


def _not_the_database(where: str) -> ValidationFailed:
    return ValidationFailed(
        f"no aftersales database at {where}: give --db the database the server uses"
        " (for the demo: --db sqlite:///var/demo/aftersales.db)"
    )


def _cases_needed(bounds: object) -> int:
    from aftersales.loadgen import Bounds

    assert isinstance(bounds, Bounds)
    total = bounds.count if bounds.count is not None else math.inf
    if bounds.seconds is not None:
        total = min(total, bounds.rate * bounds.seconds)
    return int(min(_MOST_CASES, max(1, math.ceil(total / 2))))


async def _reachable(client: httpx.AsyncClient, target: str) -> None:
    try:
        answer = await client.get("/healthz", timeout=5)
    except httpx.HTTPError as exc:
        raise ValidationFailed(
            f"no server answers at {target} ({type(exc).__name__}); start one with"
            " `aftersales serve` or `aftersales demo`"
        ) from None
    if answer.status_code != 200:
        raise ValidationFailed(
            f"{target}/healthz answered {answer.status_code}: not an aftersales server?"
        )


def _print(report: object, bounds: object) -> None:
    from aftersales.loadgen import Bounds, Report

    assert isinstance(report, Report) and isinstance(bounds, Bounds)
    achieved = report.sent / report.elapsed if report.elapsed else 0.0
    out.print(
        f"sent {report.sent:,} requests in {report.elapsed:.1f} s ({achieved:.0f}/s, asked"
        f" {bounds.rate:g}/s); latency from due time p50 {report.percentile(50) * 1000:.1f} ms,"
        f" p90 {report.percentile(90) * 1000:.1f} ms, p99 {report.percentile(99) * 1000:.1f} ms,"
        f" max {max(report.latencies, default=0) * 1000:.1f} ms",
        highlight=False,
    )
    if report.sent < 0.95 * report.due:
        out.print(
            f"  the load generator fell behind: {report.sent:,} sent of {report.due:,} due (this"
            " machine is saturated; run it on another, or lower --rate)",
            highlight=False,
        )
    for status, n in sorted(report.statuses.items()):
        out.print(f"  {status}: {n:,}", highlight=False)
    for failure, n in sorted(report.failures.items()):
        out.print(f"  [red]failed[/red] {failure}: {n:,}")
