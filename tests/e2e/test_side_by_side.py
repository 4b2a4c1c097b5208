"""``simulate --compare`` runs its two variants side by side, one process each."""

from __future__ import annotations

import os
import queue
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aftersales.cli import app, side_by_side
from aftersales.cli.side_by_side import VariantRun, run_side_by_side
from aftersales.cli.sim_database import run_in_database
from aftersales.config import Settings
from aftersales.errors import AftersalesError
from aftersales.simulation import SimulationParams, day_start

START = date(2026, 8, 1)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "whatif"
COMPARE = ["--compare", str(EXAMPLES / "today.yaml"), str(EXAMPLES / "no_throttle.yaml")]
TINY = ["--days", "4", "--start", "2026-11-01", "--merchants", "4", "--consumers", "40"]


def _settings(folder: Path, **changes: object) -> Settings:
    url = f"sqlite:///{folder / 'aftersales.db'}"
    return Settings(env="test", data_dir=folder, database_url=url, **changes)  # type: ignore[arg-type]


def _params(days: int) -> SimulationParams:
    return SimulationParams(7, 5, 80, 40, START, day_start(START + timedelta(days=days)))


def _quiet(text: str) -> None:
    raise AssertionError(f"nothing to say expected, got {text!r}")


def test_side_by_side_gives_each_variant_the_run_it_gets_alone(tmp_path: Path) -> None:
    variants = [
        VariantRun("today", _settings(tmp_path / "a"), _params(10)),
        VariantRun(
            "no throttle", _settings(tmp_path / "b", exposure_throttling=False), _params(10)
        ),
    ]

    finished = run_side_by_side(variants, bar=False, on_disk=False, say=_quiet)

    alone = [
        run_in_database(
            v.settings.model_copy(
                update={"database_url": f"sqlite:///{tmp_path / f'alone{i}.db'}"}
            ),
            v.params,
            lambda r: None,
            say=_quiet,
        )
        for i, v in enumerate(variants)
    ]
    assert [f.summary for f in finished] == [a.summary for a in alone]
    assert [f.status for f in finished] == ["complete", "complete"]
    for folder in ("a", "b"):  # each process wrote its own file
        with sqlite3.connect(tmp_path / folder / "aftersales.db") as con:
            assert con.execute("SELECT status FROM simulation_runs").fetchone() == ("complete",)


def test_a_variant_that_fails_is_one_error_naming_it_and_the_other_still_finishes(
    tmp_path: Path,
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the variant's folder should be", encoding="utf-8")
    variants = [
        VariantRun("today", _settings(tmp_path / "a"), _params(3)),
        VariantRun("broken", _settings(blocked / "inside"), _params(3)),
    ]

    with pytest.raises(AftersalesError) as failure:
        run_side_by_side(variants, bar=False, on_disk=False, say=_quiet)

    assert failure.value.detail.startswith("broken: ")
    with sqlite3.connect(tmp_path / "a" / "aftersales.db") as con:
        assert con.execute("SELECT status FROM simulation_runs").fetchone() == ("complete",)


class _Dead:
    """A worker process that ended without a word (killed by the system, say)."""

    pid = None
    exitcode = -9

    def is_alive(self) -> bool:
        return False


def test_a_process_that_dies_without_an_outcome_is_reported_not_waited_for() -> None:
    outcomes: dict[int, tuple[object, ...]] = {}
    side_by_side._collect([_Dead()], queue.Queue(), outcomes, lambda w, r: None, _quiet)  # type: ignore[list-item]

    assert outcomes == {0: ("crashed", "its process ended (exit code -9)")}
    variant = VariantRun("today", Settings(env="test"), _params(1))
    with pytest.raises(RuntimeError, match="today failed: its process ended"):
        side_by_side._results([variant], outcomes)


def test_without_a_second_core_the_variants_run_one_after_the_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(side_by_side, "side_by_side_possible", lambda orders: False)
    result = CliRunner().invoke(
        app,
        ["simulate", *COMPARE, *TINY, "--orders-per-day", "30", "--no-progress"],
        env={"AFTERSALES_DATA_DIR": str(tmp_path / "var")},
    )

    assert result.exit_code == 0, result.output
    assert "side by side" not in result.output
    assert result.output.index("variant 1:") < result.output.index("variant 2:")
    assert (tmp_path / "var" / "simulation" / "compare.html").exists()


def _compare_running(var: Path) -> subprocess.Popen[str]:
    """A long comparison in a process group of its own, once both variants are running."""
    cli = "import sys; from aftersales.cli import app; sys.exit(app(prog_name='aftersales'))"
    command = [sys.executable, "-c", cli, "simulate", *COMPARE, "--no-progress"]
    command += ["--days", "120", "--start", "2026-06-01", "--orders-per-day", "300"]
    running = subprocess.Popen(
        command,
        env=os.environ | {"AFTERSALES_DATA_DIR": str(var), "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert running.stdout is not None
    started = 0
    while started < 2:  # each variant's platform says so when it makes its ledger key
        line = running.stdout.readline()
        assert line, "the comparison ended before both variants started"
        started += "evidence-log key" in line
    time.sleep(3)  # into the simulated days
    return running


def _partial_days(var: Path, index: int) -> tuple[str, int]:
    file = var / "simulation" / f"compare-{index}" / "aftersales.db"
    with sqlite3.connect(file) as con:
        row = con.execute("SELECT status, days_completed FROM simulation_runs").fetchone()
    return str(row[0]), int(row[1])


@pytest.mark.parametrize("how", ["terminal", "parent-only", "terminal-twice", "sigterm"])
def test_a_stop_signal_stops_both_variants_each_file_marked_partial(
    tmp_path: Path, how: str
) -> None:
    """A terminal's Ctrl-C reaches every process of the group; ``kill -INT`` or ``kill`` of the
    parent alone is passed on by it; a second Ctrl-C while they finish changes nothing."""
    running = _compare_running(tmp_path / "var")
    if how == "parent-only":
        running.send_signal(signal.SIGINT)
    elif how == "sigterm":
        running.send_signal(signal.SIGTERM)
    else:
        os.killpg(running.pid, signal.SIGINT)
    if how == "terminal-twice":
        time.sleep(0.3)
        os.killpg(running.pid, signal.SIGINT)
    output, _ = running.communicate(timeout=180)

    assert running.returncode == (143 if how == "sigterm" else 130), output
    assert output.count("is recorded as partial") == 2, output
    for index in (1, 2):
        status, days = _partial_days(tmp_path / "var", index)
        assert status == "partial" and 0 < days < 120
