"""``staff plan`` fed by the cases in the database: per region and queue, per China day."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from aftersales.cli import app
from aftersales.domain.actors import Actor, Role
from aftersales.domain.clock import ManualClock
from aftersales.services import cases as uc
from aftersales.services.context import Context
from aftersales.services.staff_load import case_arrivals
from aftersales.services.warning_run import utc_start
from aftersales.store.cases import CaseQuery
from tests.support import START, Market
from tests.warning_support import HEATER_A, Series, add_heaters, open_cases

OPERATOR = Actor(Role.OPERATOR)
FIRST = date(2026, 10, 5)  # a Monday; four weeks of cases up to 2026-11-01
DAYS = 28


def _per_day(day: int) -> int:
    """Busy Mondays and Tuesdays (5 cases), quiet other days (1)."""
    return 5 if day % 7 in (0, 1) else 1


@pytest.fixture
def seeded(ctx: Context, clock: ManualClock, market: Market) -> Context:
    add_heaters(ctx)
    for d in range(DAYS):
        at = utc_start(FIRST + timedelta(days=d)) + timedelta(hours=10)
        open_cases(ctx, clock, Series(HEATER_A, "CN-BJ", "c1", 0), _per_day(d), at)
        open_cases(ctx, clock, Series(HEATER_A, "CN-SH", "c2", 0), 1, at)
    clock.set(START)
    return ctx


def _plan(db_url: str, tmp_path: Path, *args: str) -> Result:
    env = {"AFTERSALES_DATA_DIR": str(tmp_path), "AFTERSALES_DATABASE_URL": db_url}
    return CliRunner().invoke(app, ["staff", "plan", *args], env=env)


def test_the_history_is_the_cases_of_the_region_per_china_day(seeded: Context) -> None:
    # Every case has the same complaint, so triage and the policy route them all to one queue
    # (which one is theirs to say: the human triage queue when triage is unsure of the words).
    listed = uc.list_cases(seeded, OPERATOR, CaseQuery(limit=200))
    routed = {c.assessment["queue"] for c in listed if c.assessment}
    assert len(listed) == sum(_per_day(d) + 1 for d in range(DAYS)) and len(routed) == 1
    history = case_arrivals(seeded, "CN-BJ", None, until=FIRST + timedelta(days=DAYS))
    queue = case_arrivals(seeded, "CN-BJ", routed.pop(), until=FIRST + timedelta(DAYS))

    assert history.first_day == FIRST
    assert history.counts.tolist() == [_per_day(d) for d in range(DAYS)]
    assert queue.counts.tolist() == history.counts.tolist()


def test_staff_plan_forecasts_a_region_from_the_database_with_its_weekly_pattern(
    seeded: Context, db_url: str, tmp_path: Path
) -> None:
    args = ["--region", "CN-BJ", "--days", "7", "--target", "0.8", "--start", "2026-11-02"]

    result = _plan(db_url, tmp_path, *args, "--aht", "600", "--within", "60")

    assert result.exit_code == 0, result.output
    rows = {
        m[2]: float(m[3])
        for m in re.finditer(r"(\d{4}-\d{2}-\d{2}) │ (\w{3}) │\s+([\d.]+) │", result.stdout)
    }
    assert set(rows) == {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
    assert rows["Mon"] == pytest.approx(5, abs=0.5) and rows["Wed"] == pytest.approx(1, abs=0.5)
    assert "day of week" in result.stdout


def test_a_region_or_queue_without_cases_is_an_error_that_says_so(
    seeded: Context, db_url: str, tmp_path: Path
) -> None:
    empty = _plan(db_url, tmp_path, "--region", "CN-XZ", "--start", "2026-11-02")
    queue = _plan(db_url, tmp_path, "--region", "CN-BJ", "--queue", "billing")
    bad_start = _plan(db_url, tmp_path, "--region", "CN-BJ", "--start", "soon")

    assert empty.exit_code == 1 and empty.stdout == ""
    assert empty.stderr.startswith(
        "error [validation_failed] no case was opened in region CN-XZ in the two years before"
    )
    assert "region CN-BJ, queue billing" in queue.stderr
    assert "'soon' is not a day" in bad_start.stderr
