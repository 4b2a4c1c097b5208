"""``aftersales kb`` on the test database: import a file as an operator's edits, list, show,
export; an export imports back as no change; a broken file writes nothing."""

# ruff: noqa: RUF001

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from aftersales.cli import app
from aftersales.services.context import Context
from aftersales.triage.knowledge_base import parse_knowledge
from tests.dispatch_support import fresh_line, open_case
from tests.support import Market, Storage

BATTERY_STEP = "打开设置 → 电池，查看耗电排行，关掉异常的后台应用。"


class KbCli:
    def __init__(self, db_url: str, data_dir: Path) -> None:
        self._env = {"AFTERSALES_DATA_DIR": str(data_dir), "AFTERSALES_DATABASE_URL": db_url}

    def __call__(self, *args: str) -> Result:
        return CliRunner().invoke(app, ["kb", *args], env=self._env)


@pytest.fixture
def cli(db_url: str, tmp_path: Path, market: Market) -> KbCli:
    return KbCli(db_url, tmp_path)


def edits_file(path: Path, **battery_changes: Any) -> Path:
    entries = [
        {
            "id": "battery.phone",
            "issue_types": ["malfunction", "quality_defect"],
            "categories": ["digital/phone"],
            "keywords": ["耗电", "battery"],
            "zh": {"lead": "耗电快多半是后台应用。", "steps": [BATTERY_STEP]},
            "en": {"lead": "Fast drain is mostly apps.", "steps": ["Open Settings → Battery."]},
        }
        | battery_changes,
        {
            "id": "wrong_item",
            "issue_types": ["wrong_item"],
            "zh": {"lead": "发错货了。", "steps": ["先别拆封，拍下外箱和面单。"]},
            "en": {"lead": "Wrong item.", "steps": ["Do not open it; photograph the box."]},
        },
    ]
    path.write_text(yaml.safe_dump({"entries": entries}, allow_unicode=True), encoding="utf-8")
    return path


def test_a_file_is_imported_as_an_operators_edits_and_answers_the_next_case(
    cli: KbCli, client: TestClient, market: Market, ctx: Context, tmp_path: Path
) -> None:
    ctx.auto_reply = True
    result = cli("import", str(edits_file(tmp_path / "kb.yaml")), "--operator", "alice")
    listed = json.loads(cli("list", "--category", "digital/phone", "--format", "json").stdout)
    shown = json.loads(cli("show", "wrong_item").stdout)
    case = open_case(client, market, fresh_line(ctx), "手机特别耗电，半天就没电了")
    events = client.get(f"/api/v1/cases/{case['id']}/events", headers=market.auth("c1")).json()

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["created  battery.phone", "edited  wrong_item"]
    assert "1 created, 1 edited, 0 unchanged" in result.stderr
    battery = next(e for e in listed["items"] if e["id"] == "battery.phone")
    assert (battery["origin"], battery["revision"], battery["updated_by"]) == (
        "operator",
        1,
        "operator:alice",
    )
    assert [(h["revision"], h["action"], h["by"]) for h in shown["history"]] == [
        (0, "shipped", None),
        (1, "edited", "operator:alice"),
    ]
    reply = events[1]["data"]
    assert reply["auto_reply"]["entry"] == "battery.phone"
    assert BATTERY_STEP in reply["body"]


def test_an_export_imports_back_as_no_change_and_serves_as_a_knowledge_base_file(
    cli: KbCli, tmp_path: Path
) -> None:
    cli("import", str(edits_file(tmp_path / "kb.yaml")))
    exported = tmp_path / "export.yaml"
    written = cli("export", "--output", str(exported))
    again = cli("import", str(exported))
    text = cli("list")

    assert written.exit_code == 0, written.output
    kb = parse_knowledge(exported.read_text(encoding="utf-8"), "export.yaml")
    assert kb.entries[0].id == "battery.phone"  # an operator's new entry comes first
    wrong_item = kb.get("wrong_item")
    assert wrong_item is not None and "先别拆封" in wrong_item.guidance["zh"].steps[0]
    assert again.exit_code == 0, again.output
    assert again.stdout == ""
    assert "0 created, 0 edited, 31 unchanged" in again.stderr
    assert "battery.phone  r1  operator  active   malfunction,quality_defect" in text.stdout


def test_retired_entries_are_listed_on_request_and_left_out_of_the_export(
    cli: KbCli, ctx: Context, tmp_path: Path
) -> None:
    from aftersales.domain.actors import Actor, Role
    from aftersales.services.knowledge import retire_entry

    retire_entry(ctx, Actor(Role.OPERATOR, "alice"), "late_delivery")
    active = cli("list")
    everything = cli("list", "--retired")
    exported = cli("export")

    assert "late_delivery" not in active.stdout
    assert "late_delivery  r1  shipped   retired" in everything.stdout
    assert "id: late_delivery" not in exported.stdout
    assert "id: wrong_item" in exported.stdout


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "categories: unknown categories moon"),
        ("entries: [", "not valid YAML"),
        ("", "expected a mapping"),
    ],
)
def test_a_broken_file_is_refused_on_one_line_and_writes_nothing(
    cli: KbCli, storage: Storage, tmp_path: Path, content: str | None, says: str
) -> None:
    path = tmp_path / "kb.yaml"
    if content is None:
        edits_file(path, categories=["digital/phone", "moon"])
    else:
        path.write_text(content, encoding="utf-8")
    before = storage.snapshot()
    result = cli("import", str(path))

    assert result.exit_code == 1
    assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert storage.snapshot() == before


def test_an_unknown_entry_is_not_found(cli: KbCli) -> None:
    result = cli("show", "no.such.entry")

    assert result.exit_code == 1
    assert "[not_found] knowledge entry no.such.entry not found" in result.stderr
