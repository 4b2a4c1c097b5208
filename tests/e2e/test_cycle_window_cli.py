"""``aftersales cycle run`` and ``show`` print a cycle's window in the marketplace's calendar
(China Standard Time), whose month starts the day before in UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aftersales.cli import app
from aftersales.domain.clock import ManualClock
from aftersales.services.context import Context
from tests.scoring_support import month_of_business
from tests.support import Market

OCTOBER = datetime(2026, 10, 8, 10, 0, tzinfo=UTC)
# October's cycle looks at the 90 days before 1 November 00:00 CST (31 October 16:00 UTC).
WINDOW = "window 2026-08-03..2026-10-31 CST"


@pytest.fixture
def cycle(db_url: str, tmp_path: Path, ctx: Context, clock: ManualClock, market: Market) -> object:
    clock.set(OCTOBER)
    month_of_business(ctx, clock, OCTOBER)
    env = {"AFTERSALES_DATA_DIR": str(tmp_path), "AFTERSALES_DATABASE_URL": db_url}

    def invoke(*args: str) -> str:
        result = CliRunner().invoke(app, ["cycle", *args], env=env)
        assert result.exit_code == 0, result.output
        return result.stdout

    return invoke


def test_run_and_show_print_the_window_in_china_standard_time(cycle: object) -> None:
    ran = cycle("run", "--period", "2026-10", "--operator", "ana")  # type: ignore[operator]
    shown = cycle("show", "--period", "2026-10")  # type: ignore[operator]
    zh = cycle("show", "--period", "2026-10", "--lang", "zh")  # type: ignore[operator]

    assert ran.rstrip().endswith(f"; {WINDOW}")
    revision = shown.splitlines()[0]
    assert revision.startswith("2026-10 revision 1: 2 merchants, computed ")
    assert revision.endswith(f" CST by operator:ana, {WINDOW}")
    assert "2026-08-02" not in shown  # the window's first day in UTC
    assert zh.splitlines()[0].endswith("考核窗口 2026-08-03..2026-10-31 CST")
