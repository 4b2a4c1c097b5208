"""``aftersales staff plan``: nonsense loads refused on one line; the plan read at 80 columns."""

from __future__ import annotations

import io

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from aftersales.cli import warning

app = typer.Typer()
app.add_typer(warning.staff_app, name="staff")
runner = CliRunner()
PLAN = ["staff", "plan", "--region", "north", "--days", "3", "--start", "2026-01-01"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cases-per-day", "-5"], "--cases-per-day must be at least 0, not -5"),
        (["--cases-per-day", "nan"], "--cases-per-day must be at least 0, not nan"),
        (["--cases-per-day", "9", "--quantile", "1.5"], "--quantile must be between 0 and 1"),
        (["--cases-per-day", "9", "--quantile", "0"], "--quantile must be between 0 and 1"),
        (["--cases-per-day", "9", "--aht", "nan"], "handling time must be positive"),
        (["--cases-per-day", "9", "--within", "nan"], "the SLA not negative"),
        (["--cases-per-day", "9", "--patience", "nan"], "patience must be positive"),
    ],
)
def test_a_load_no_queue_could_have_is_refused_on_one_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, [*PLAN, *args])

    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and message in result.output


def test_the_plan_reads_whole_on_an_80_column_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = io.StringIO()
    terminal = Console(file=screen, width=80, force_terminal=True, color_system=None)
    monkeypatch.setattr(warning, "out", terminal)

    result = runner.invoke(app, [*PLAN, "--cases-per-day", "48000", "--quantile", "0.95"])

    assert result.exit_code == 0, result.output
    text = screen.getvalue()
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= 80
    for whole in ("2026-01-01 │ Thu", "2026-01-03 │ Sat", "48000.0", "100.0%", "peak"):
        assert whole in text
