"""``aftersales recall`` on the test database: the same use cases as the API, one-line errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from aftersales.cli import app
from aftersales.services.context import Context
from tests.recall_support import recall_review
from tests.support import Market


class RecallCli:
    def __init__(self, db_url: str, data_dir: Path) -> None:
        self._env = {"AFTERSALES_DATA_DIR": str(data_dir), "AFTERSALES_DATABASE_URL": db_url}

    def __call__(self, *args: str) -> Result:
        return CliRunner().invoke(app, ["recall", *args], env=self._env)


@pytest.fixture
def cli(db_url: str, tmp_path: Path, market: Market) -> RecallCli:
    return RecallCli(db_url, tmp_path)


def test_an_operator_confirms_a_review_and_reports_it_from_the_command_line(
    cli: RecallCli, ctx: Context
) -> None:
    recall_id = recall_review(ctx)["recall_id"]

    confirmed = cli(
        "confirm", recall_id, "--remedy", "refund", "--remedy", "repair", "--operator", "ana"
    )
    listed = cli("list", "--format", "csv")
    task = cli("task", recall_id, "regulator.report", "--note", "filed with SAMR")
    shown = cli("show", recall_id)
    progress = cli("report", recall_id, "--format", "csv", "--progress")

    assert confirmed.exit_code == 0, confirmed.output
    assert (
        confirmed.stdout == f"recall {recall_id} confirmed: 1 unit(s) of 1 consumer(s) notified\n"
    )
    [row] = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert (row["recall_id"], row["state"], row["units"]) == (recall_id, "confirmed", "1")
    assert task.exit_code == 0, task.output
    detail = json.loads(shown.stdout)
    assert [e["kind"] for e in detail["events"]] == [
        "review_opened",
        "hold_placed",
        "confirmed",
        "task_done",  # the review, done by the decision
        "campaign_launched",
        "task_done",
    ]
    assert detail["events"][2]["actor"] == "operator:ana"
    done = {t["id"]: t["done_at"] is not None for t in detail["tasks"]}
    assert done["regulator.report"] and not done["brand.remedy_plan"]
    days = list(csv.DictReader(io.StringIO(progress.stdout)))
    assert days and set(days[0]) == {"day", "notified", "responded", "remedied", "completion_rate"}


def test_a_dismissal_from_the_command_line_needs_a_reason(cli: RecallCli, ctx: Context) -> None:
    recall_id = recall_review(ctx)["recall_id"]

    blank = cli("dismiss", recall_id, "--reason", " ")
    dismissed = cli("dismiss", recall_id, "--reason", "no fault found")
    unknown = cli("report", "rc_404")
    one_remedy = cli("confirm", recall_id, "--remedy", "refund")

    assert (blank.exit_code, blank.stdout) == (1, "")
    assert blank.stderr.startswith("error [validation_failed] a dismissal needs a reason")
    assert dismissed.exit_code == 0, dismissed.output
    assert unknown.stderr == "error [not_found] recall rc_404 not found\n"
    assert one_remedy.stderr.startswith("error [invalid_transition] ")
    assert json.loads(cli("show", recall_id).stdout)["state"] == "dismissed"


def test_list_filters_by_state(cli: RecallCli, ctx: Context) -> None:
    recall_review(ctx)
    confirmed = recall_review(ctx)["recall_id"]
    cli("confirm", confirmed, "--remedy", "refund", "--remedy", "replacement")

    rows = json.loads(cli("list", "--state", "review", "--format", "json").stdout)

    assert [r["state"] for r in rows] == ["review"]
