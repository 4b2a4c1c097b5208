"""``aftersales warn eval`` and ``aftersales staff plan`` from the command line."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import typer
from typer.testing import CliRunner

from aftersales.cli.warning import staff_app, warn_app

# The two groups as `aftersales` mounts them, without the rest of the command line.
app = typer.Typer()
app.add_typer(warn_app, name="warn")
app.add_typer(staff_app, name="staff")
runner = CliRunner()


def test_warn_eval_prints_the_metrics_per_scenario() -> None:
    result = runner.invoke(
        app, ["warn", "eval", "--scenarios", "14,37", "--sizes", "5", "--replicates", "3"]
    )
    assert result.exit_code == 0, result.output
    for word in ("FPR", "POD k1-3", "sens.", "timeliness", "14", "37", "all"):
        assert word in result.output


def test_warn_eval_scores_a_detector_on_a_sustained_rise() -> None:
    args = ["warn", "eval", "--method", "cusum", "--scenarios", "37", "--replicates", "3"]
    result = runner.invoke(app, [*args, "--rise", "1.5", "--rise-weeks", "12"])
    assert result.exit_code == 0, result.output
    assert "a rise x1.5 over 12 weeks" in result.output and "POD k1-3" not in result.output


def test_warn_eval_refuses_unknown_scenarios_and_methods_in_one_line() -> None:
    bad = runner.invoke(app, ["warn", "eval", "--scenarios", "43"])
    assert bad.exit_code == 1 and "between 1 and 42" in bad.output
    bad = runner.invoke(app, ["warn", "eval", "--method", "magic"])
    assert bad.exit_code == 1 and "unknown method" in bad.output


def test_staff_plan_from_a_constant_load_reproduces_the_worked_example() -> None:
    args = ["staff", "plan", "--region", "north", "--days", "2", "--cases-per-day", "4800"]
    args += ["--aht", "180", "--within", "20", "--hours", "0-24", "--start", "2025-03-03"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "2025-03-03" in result.output and " 14 " in result.output and " 20 " in result.output


def test_staff_plan_reads_daily_counts_from_csv(tmp_path: Path) -> None:
    path = tmp_path / "daily.csv"
    first = date(2025, 1, 1)
    lines = ["date,count,region"]
    for i in range(90):
        day = first + timedelta(days=i)
        lines += [f"{day},{300 + 50 * (day.weekday() == 0)},north", f"{day},40,south"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["staff", "plan", "--region", "north", "--csv", str(path)])
    assert result.exit_code == 0, result.output
    assert "2025-04-01" in result.output and "day of week" in result.output


def test_staff_plan_explains_bad_input_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("date,count\n2025-01-01,lots\n", encoding="utf-8")
    bad = runner.invoke(app, ["staff", "plan", "--region", "x", "--csv", str(path)])
    assert bad.exit_code == 1 and "bad.csv:2" in bad.output
    both = ["staff", "plan", "--region", "x", "--csv", str(path), "--cases-per-day", "9"]
    assert "not both" in runner.invoke(app, both).output
    # Without either, the history comes from the database, whose regions are codes.
    database = runner.invoke(app, ["staff", "plan", "--region", "x"])
    assert database.exit_code == 1 and "province-level code such as CN-BJ" in database.output
    hours = runner.invoke(app, ["staff", "plan", "--region", "x", "--hours", "22-8"])
    assert hours.exit_code == 1 and "hours" in hours.output
