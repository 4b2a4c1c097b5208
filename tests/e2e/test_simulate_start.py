"""``aftersales simulate --start``: a run that would end after now is refused, naming the latest
start; that start runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aftersales.cli import app
from aftersales.domain.clock import CST

TINY = ["--merchants", "2", "--consumers", "10", "--orders-per-day", "5", "--no-progress"]


def _simulate(tmp_path: Path, *args: str) -> tuple[int, str]:
    env = {"AFTERSALES_DATA_DIR": str(tmp_path / "var")}
    result = CliRunner().invoke(app, ["simulate", *args], env=env)
    return result.exit_code, result.output


def _months_back(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _this_month() -> date:
    return datetime.now(CST).date().replace(day=1)


@pytest.mark.parametrize(
    ("args", "latest"),
    [
        (lambda: ["--days", "3", "--start", str(datetime.now(CST).date())],
         lambda: datetime.now(CST).date() - timedelta(days=3)),
        (lambda: ["--cycles", "2", "--start", str(_this_month())],
         lambda: _months_back(_this_month(), 2)),
    ],
    ids=["days", "cycles"],
)  # fmt: skip
def test_a_start_whose_run_would_end_after_now_is_refused_naming_the_latest_start(
    tmp_path: Path, args: Callable[[], list[str]], latest: Callable[[], date]
) -> None:
    code, output = _simulate(tmp_path, *args(), *TINY)

    assert code == 1
    assert output.count("\n") == 1 and "the run would end" in output
    assert f"after now; the latest start for this run is {latest()}" in output
    assert not (tmp_path / "var" / "simulation" / "aftersales.db").exists()


def test_the_latest_start_runs(tmp_path: Path) -> None:
    latest = datetime.now(CST).date() - timedelta(days=1)

    code, output = _simulate(tmp_path, "--days", "1", "--start", str(latest), *TINY)

    assert code == 0, output
