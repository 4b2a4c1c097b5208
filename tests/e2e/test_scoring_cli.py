"""``aftersales cycle`` on the test database: run, revise, show and export a month's cycle.

The command line runs on the real clock, so the month assessed here (October 2026) has closed.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import Result
from typer.testing import CliRunner

from aftersales.cli import app
from aftersales.domain.clock import ManualClock
from aftersales.services.context import Context
from tests.scoring_support import month_of_business
from tests.support import Market

OCTOBER = datetime(2026, 10, 8, 10, 0, tzinfo=UTC)


class CycleCli:
    def __init__(self, db_url: str, data_dir: Path) -> None:
        self._env = {"AFTERSALES_DATA_DIR": str(data_dir), "AFTERSALES_DATABASE_URL": db_url}

    def __call__(self, *args: str) -> Result:
        return CliRunner().invoke(app, ["cycle", *args], env=self._env)


@pytest.fixture
def cli(db_url: str, tmp_path: Path, ctx: Context, clock: ManualClock, market: Market) -> CycleCli:
    clock.set(OCTOBER)
    month_of_business(ctx, clock, OCTOBER)
    return CycleCli(db_url, tmp_path)


def test_an_operator_runs_revises_shows_and_exports_a_cycle(cli: CycleCli, tmp_path: Path) -> None:
    first = cli("run", "--period", "2026-10", "--operator", "ana")
    refused = cli("run", "--period", "2026-10")
    second = cli("run", "--period", "2026-10", "--reason", "recount after a data fix")
    shown = cli("show", "--period", "2026-10")
    card = cli("show", "--period", "2026-10", "--merchant", "m1", "--lang", "zh")
    as_json = cli("show", "--period", "2026-10", "--merchant", "m2", "--json")
    csv_file, parquet_file = tmp_path / "cards.csv", tmp_path / "cards.parquet"
    exported = cli("export", "--period", "2026-10", "--format", "csv", "--out", str(csv_file))
    cli("export", "--period", "2026-10", "--format", "parquet", "--out", str(parquet_file))

    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("cycle 2026-10 revision 1: 2 merchants, tiers standard 2;")
    assert refused.exit_code == 1 and "[invalid_transition]" in refused.output
    assert "give a reason to compute revision 2" in refused.output
    assert second.stdout.startswith("cycle 2026-10 revision 2:"), second.output
    assert "revision 2" in shown.stdout and "recount after a data fix" in shown.stdout
    assert "tiers (r2): standard 2" in shown.stdout
    assert card.exit_code == 0 and "m1 · 2026-10 第 2 版 · 标准 · 得分" in card.stdout
    assert json.loads(as_json.stdout)["merchant_id"] == "m2"
    assert "2 scorecards of 2026-10 revision 2" in exported.output
    rows = list(csv.DictReader(io.StringIO(csv_file.read_text(encoding="utf-8"))))
    assert sorted(r["merchant_id"] for r in rows) == ["m1", "m2"]
    assert {r["revision"] for r in rows} == {"2"}
    table = pq.read_table(parquet_file)
    assert table.num_rows == 2 and "satisfaction_estimate" in table.column_names


def test_bad_periods_fail_on_one_line(cli: CycleCli) -> None:
    answers = {p: cli("run", "--period", p) for p in ("2099-01", "2026-1", "2025-01")}

    assert {p: r.exit_code for p, r in answers.items()} == {p: 1 for p in answers}
    assert "is in the future" in answers["2099-01"].output
    assert "YYYY-MM" in answers["2026-1"].output
    assert "no orders were placed" in answers["2025-01"].output
    missing = cli("show", "--period", "2026-09")
    assert missing.exit_code == 1 and "[not_found] period 2026-09 has no" in missing.output


def test_an_operator_lists_one_tiers_merchants(cli: CycleCli) -> None:
    cli("run", "--period", "2026-10")
    standard = cli("show", "--period", "2026-10", "--tier", "standard")
    in_chinese = cli("show", "--period", "2026-10", "--tier", "standard", "--lang", "zh")
    empty = cli("show", "--period", "2026-10", "--tier", "restricted")
    unknown = cli("show", "--period", "2026-10", "--tier", "gold")

    assert standard.exit_code == 0, standard.output
    listed = [line.split()[0] for line in standard.stdout.splitlines()[3:]]
    assert listed == ["m1", "m2"]
    assert "merchant" in standard.stdout and "percentile" in standard.stdout
    assert "等级 (r1): 标准 2" in in_chinese.stdout and "同行百分位" in in_chinese.stdout
    assert empty.exit_code == 0 and "no merchant is in tier restricted" in empty.stdout
    assert unknown.exit_code == 1 and "unknown tier 'gold' (known: excellent" in unknown.output


def test_an_export_to_nowhere_fails_on_one_line(cli: CycleCli, tmp_path: Path) -> None:
    cli("run", "--period", "2026-10")
    for target in (tmp_path / "no-such-folder" / "cards.csv", tmp_path):
        refused = cli("export", "--period", "2026-10", "--out", str(target))
        assert refused.exit_code == 1 and "give a file in a folder that exists" in refused.output
        assert "Traceback" not in refused.output
