"""``warn run`` end to end: counts from the database, the detectors, stored alerts, once."""

from __future__ import annotations

import json
import math
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import select, update
from typer.testing import CliRunner

from aftersales.cli import app
from aftersales.cli.main import _warning_job
from aftersales.config import Settings
from aftersales.domain.clock import ManualClock
from aftersales.errors import ValidationFailed
from aftersales.services.context import Context
from aftersales.services.warning_run import WarningRun, run_warning, utc_start
from aftersales.store.db import make_engine
from aftersales.store.tables import alert_events, alerts, order_lines, outbox
from aftersales.warning import AlertStatus, Reason
from tests.support import START, Market
from tests.warning_support import (
    AS_OF,
    CATEGORY,
    HEATER_A,
    WEEK,
    Series,
    add_heaters,
    open_cases,
    seed_weeks,
    sell,
)

PLANTED = {
    ("product:hA|CN-BJ|week", "farrington_flexible"),
    ("category:appliance/heater|CN-BJ|week", "farrington_flexible"),
}
QUIET = ("product:hB|CN-BJ|week", "product:hA|CN-SH|week", "category:appliance/heater|CN-SH|week")


class WarnCli:
    def __init__(self, db_url: str, data_dir: Path) -> None:
        self._env = {"AFTERSALES_DATA_DIR": str(data_dir), "AFTERSALES_DATABASE_URL": db_url}

    def __call__(self, *args: str) -> Result:
        return CliRunner().invoke(app, ["warn", *args], env=self._env)

    def run(self, *args: str) -> dict[str, Any]:
        result = self("run", "--format", "json", *args)
        assert result.exit_code == 0, result.output
        found: dict[str, Any] = json.loads(result.stdout)
        return found


@pytest.fixture
def cli(db_url: str, tmp_path: Path, market: Market) -> WarnCli:
    return WarnCli(db_url, tmp_path)


def _stored(db_url: str) -> tuple[list[Any], list[Any], list[Any]]:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = list(conn.execute(select(alerts).order_by(alerts.c.series)))
        events = list(conn.execute(select(alert_events)))
        raised = list(conn.execute(select(outbox).where(outbox.c.topic == "alert.raised")))
    engine.dispose()
    return rows, events, raised


def test_a_planted_outbreak_raises_exactly_its_alerts_and_the_quiet_series_stay_quiet(
    ctx: Context, clock: ManualClock, market: Market, db_url: str
) -> None:
    seed_weeks(ctx, clock)

    run = run_warning(ctx, AS_OF)

    assert (run.week, run.new) == (WEEK, 2)
    assert {(a.series, a.method) for a in run.alerts} == PLANTED
    assert not set(QUIET) & set(run.not_judged)  # judged, and found quiet
    product = next(a for a in run.alerts if a.product_id == HEATER_A)
    assert (product.observed, product.merchant_id, product.status) == (14, "m1", AlertStatus.OPEN)
    assert product.expected < 4 < product.threshold < 14 and product.score > 1
    assert product.exposure is not None and product.exposure > 150  # 4 weeks of sales
    assert product.window_start == WEEK - timedelta(weeks=55)  # the Farrington method's year
    assert product.excerpt[-1] == [WEEK.isoformat(), 14.0]
    assert "14 cases in the week of 2026-10-26" in product.explanation_en
    assert "2026-10-26 当周 14 单" in product.explanation_zh
    assert {a.rollup_group for a in run.alerts} == {f"{CATEGORY}|CN-BJ"}
    [group] = run.groups  # the category's own alarm is not counted twice
    assert "14 cases against" in group.explanation_en
    rows, events, raised = _stored(db_url)
    assert len(rows) == 2 and len(events) == 2 and len(raised) == 2
    assert {e.status for e in events} == {"open"} and {e.actor_role for e in events} == {"system"}


def test_without_an_outbreak_the_same_history_raises_nothing(
    ctx: Context, clock: ManualClock, market: Market, db_url: str
) -> None:
    seed_weeks(ctx, clock, outbreak=0)

    run = run_warning(ctx, AS_OF)

    assert run.alerts == () and run.new == 0 and run.judged >= 5
    assert _stored(db_url)[0] == []


def test_running_the_same_week_again_from_the_command_line_stores_nothing_twice(
    ctx: Context, clock: ManualClock, cli: WarnCli, db_url: str
) -> None:
    seed_weeks(ctx, clock)

    first = cli.run("--as-of", AS_OF.isoformat())
    again = cli.run("--as-of", (AS_OF + timedelta(days=3)).isoformat())  # the same week
    text_output = cli("run", "--as-of", AS_OF.isoformat())

    assert (first["week"], first["new"], again["new"]) == (WEEK.isoformat(), 2, 0)
    assert sorted(a["id"] for a in first["alerts"]) == sorted(a["id"] for a in again["alerts"])
    assert {(a["series"], a["method"]) for a in again["alerts"]} == PLANTED
    assert len(_stored(db_url)[0]) == 2
    assert text_output.stdout.startswith("week 2026-10-26 to 2026-11-01 (as of 2026-11-02): "), (
        text_output.output
    )
    assert "2 alert(s), 0 new" in text_output.stdout
    assert "hA in CN-BJ: 14 cases in the week of 2026-10-26" in text_output.stdout
    # The schedule inside `serve` runs the same use case, on the server's clock: nothing new.
    scheduled = _warning_job(ctx, Settings(database_url=db_url))()
    assert isinstance(scheduled, WarningRun) and (scheduled.week, scheduled.new) == (WEEK, 0)


def test_a_date_in_the_future_is_refused_and_nothing_is_stored(
    ctx: Context, cli: WarnCli, clock: ManualClock, db_url: str
) -> None:
    result = cli("run", "--as-of", "2999-01-04")
    malformed = cli("run", "--as-of", "next monday")

    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("error [validation_failed] 2999-01-04 is in the future")
    assert malformed.stderr == (
        "error [validation_failed] 'next monday' is not a day such as 2026-11-02\n"
    )
    tomorrow = clock.now().date() + timedelta(days=2)
    with pytest.raises(ValidationFailed, match="in the future"):
        run_warning(ctx, tomorrow)
    assert _stored(db_url)[0] == []


def test_series_that_cannot_be_judged_say_why_and_nothing_is_nan(
    ctx: Context, clock: ManualClock, market: Market, db_url: str
) -> None:
    add_heaters(ctx)
    _bad_series(ctx, clock, db_url)

    run = run_warning(ctx, AS_OF)

    reasons = run.not_judged
    assert reasons["product:hB|CN-BJ|week"] is Reason.ZEROS_ONLY  # sold for weeks, no case
    assert reasons["product:hA|CN-SH|week"] is Reason.TOO_SHORT  # one week of history
    assert reasons["product:hA|CN-BJ|week"] is Reason.NEGATIVE_EXPOSURE  # a bad import
    assert reasons["product:p3|CN-GD|week"] is Reason.TOO_SHORT  # sold once, five weeks ago
    assert "product:hA|CN-GZ|week" not in reasons  # sales with gaps: judged all the same
    assert sum(run.reasons.values()) == len(reasons)
    for a in run.alerts:
        assert all(
            math.isfinite(x)
            for x in (a.observed, a.expected, a.threshold, a.score, a.exposure or 0)
        )


def _bad_series(ctx: Context, clock: ManualClock, db_url: str) -> None:
    first = WEEK - timedelta(weeks=12)
    for w in range(13):
        at = utc_start(first + timedelta(weeks=w, days=1)) + timedelta(hours=3)
        clock.set(at)
        sell(ctx, "hB", "CN-BJ", "c1", 20, at)  # never a case
        sell(ctx, HEATER_A, "CN-BJ", "c1", 20, at)
        open_cases(ctx, clock, Series(HEATER_A, "CN-BJ", "c1", 0), 1 + w % 2, at)
        if w < 4 or w > 8:  # no sale for five weeks: exposure unknown there
            clock.set(at)
            sell(ctx, HEATER_A, "CN-GZ", "c2", 30, at)
        open_cases(ctx, clock, Series(HEATER_A, "CN-GZ", "c2", 0), 2 + w % 3, at)
    last = utc_start(WEEK) + timedelta(days=2)
    open_cases(ctx, clock, Series(HEATER_A, "CN-SH", "c2", 0), 2, last)
    clock.set(START)
    engine = make_engine(db_url)
    with engine.begin() as conn:  # an order line imported with a negative quantity
        line = conn.execute(
            select(order_lines.c.id).where(order_lines.c.product_id == HEATER_A).limit(1)
        ).scalar_one()
        conn.execute(update(order_lines).where(order_lines.c.id == line).values(quantity=-40))
    engine.dispose()


def test_the_json_output_has_no_nan_even_for_a_database_without_cases(
    cli: WarnCli, db_url: str
) -> None:
    found = cli.run("--as-of", AS_OF.isoformat())

    assert found["alerts"] == [] and found["new"] == 0
    assert "NaN" not in json.dumps(found)
    assert set(found["reasons"]) <= {r.value for r in Reason}
