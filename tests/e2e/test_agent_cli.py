"""``aftersales agent`` on the test database: the same use cases as the API, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from aftersales.cli import app
from aftersales.services.context import Context
from tests.dispatch_support import agent_of, fresh_line, open_case
from tests.support import Market


class AgentCli:
    def __init__(self, db_url: str, data_dir: Path) -> None:
        self._env = {"AFTERSALES_DATA_DIR": str(data_dir), "AFTERSALES_DATABASE_URL": db_url}

    def __call__(self, *args: str) -> Result:
        return CliRunner().invoke(app, ["agent", *args], env=self._env)


@pytest.fixture
def cli(db_url: str, tmp_path: Path, market: Market) -> AgentCli:
    return AgentCli(db_url, tmp_path)


def add(cli: AgentCli, *args: str) -> str:
    result = cli("add", *args)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_agents_are_added_listed_and_take_waiting_cases(
    cli: AgentCli, client: TestClient, market: Market, ctx: Context
) -> None:
    case = open_case(client, market, fresh_line(ctx))

    result = cli(
        "add", "--name", "李工", "--merchant", "m1", "--queue", "technical_support",
        "--language", "zh", "--capacity", "3",
    )  # fmt: skip
    agent_id = result.stdout.strip()
    listed = cli("list", "--merchant", "m1", "--format", "json")
    text = cli("list")

    assert result.exit_code == 0, result.output
    assert agent_id.startswith("ag_")
    assert (
        "added 李工 (merchant m1; technical_support zh; capacity 3); took 1 waiting"
        in result.stderr
    )
    doc = json.loads(listed.stdout)
    assert doc["waiting"] == 0
    assert [(a["id"], a["open_cases"], a["online"]) for a in doc["items"]] == [(agent_id, 1, True)]
    assert f"{agent_id}  online   1/3  李工" in text.stdout
    assert agent_of(client, market, agent_id)["case_ids"] == [case["id"]]


def test_presence_and_capacity_move_cases_and_say_what_happened(
    cli: AgentCli, client: TestClient, market: Market, ctx: Context
) -> None:
    base = ("--merchant", "m1", "--queue", "technical_support", "--language", "zh")
    first = add(cli, "--name", "A", *base, "--capacity", "2")
    case = open_case(client, market, fresh_line(ctx))
    second = add(cli, "--name", "B", *base, "--capacity", "1", "--offline")

    back = cli("presence", second, "online")
    leave = cli("presence", first, "offline")
    more = cli("capacity", second, "4")

    tail = "reassigned, 0 waiting, 0 taken from the backlog\n"
    assert back.stdout == f"agent {second} online, 0/1 open: 0 case(s) {tail}"
    assert leave.stdout == f"agent {first} offline, 0/2 open: 1 case(s) {tail}"
    assert more.exit_code == 0, more.output
    assert agent_of(client, market, second)["case_ids"] == [case["id"]]


def test_an_operator_assigns_a_case_from_the_command_line(
    cli: AgentCli, client: TestClient, market: Market, ctx: Context
) -> None:
    case = open_case(client, market, fresh_line(ctx))
    agent = add(
        cli,
        "--name",
        "A",
        "--merchant",
        "m1",
        "--queue",
        "general",
        "--language",
        "zh",
        "--capacity",
        "2",
    )

    done = cli(
        "assign",
        case["id"],
        "--queue",
        "general",
        "--issue-type",
        "malfunction",
        "--operator",
        "ana",
    )

    assert done.stdout == f"case {case['id']} in general: {agent}\n"
    found = client.get(f"/api/v1/agents/{agent}", headers=market.auth("operator")).json()
    assert found["case_ids"] == [case["id"]]


def test_mistakes_are_one_line_errors(cli: AgentCli) -> None:
    platform_queue = cli(
        "add",
        "--name",
        "A",
        "--merchant",
        "m1",
        "--queue",
        "arbitration",
        "--language",
        "zh",
        "--capacity",
        "2",
    )
    unknown = cli("presence", "ag_nobody", "offline")
    bad_capacity = cli("capacity", "ag_nobody", "0")
    unknown_case = cli("assign", "cs_nobody", "--queue", "general")
    bad_issue = cli("assign", "cs_nobody", "--issue-type", "gremlins")

    assert platform_queue.exit_code == 1
    assert (
        platform_queue.stderr
        == "error [validation_failed] queue arbitration is served by platform agents only\n"
    )
    assert unknown.stderr == "error [not_found] agent ag_nobody not found\n"
    assert bad_capacity.exit_code == 1
    assert unknown_case.stderr == "error [not_found] case cs_nobody not found\n"
    assert bad_issue.stderr == "error [validation_failed] unknown issue type gremlins\n"
