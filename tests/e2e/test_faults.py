"""Recurring faults of a product through the API and the CLI, on SQLite and PostgreSQL."""

# ruff: noqa: RUF001

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from aftersales.cli import app
from aftersales.domain.actors import Actor, Role
from aftersales.domain.cases_types import CaseType
from aftersales.domain.clock import ManualClock
from aftersales.services import cases as uc
from aftersales.services.context import Context
from tests.dispatch_support import fresh_line
from tests.support import Market, assert_problem

FLICKER = ("屏幕闪烁，用了三天就开始闪", "手机屏幕闪烁得厉害", "看视频的时候屏幕闪烁")
BATTERY = ("The battery drains fast overnight", "battery drains in two hours")


def complain(ctx: Context, texts: tuple[str, ...]) -> list[str]:
    consumer = Actor(Role.CONSUMER, "c1")
    return [
        uc.open_case(ctx, consumer, uc.OpenCase(fresh_line(ctx), CaseType.RETURN_REFUND, t)).id
        for t in texts
    ]


def test_a_merchant_sees_the_recurring_faults_of_its_own_product(
    client: TestClient, market: Market, ctx: Context, clock: ManualClock
) -> None:
    flicker = complain(ctx, FLICKER)
    clock.advance(timedelta(days=1))
    battery = complain(ctx, BATTERY)

    answer = client.get("/api/v1/faults?product_id=p1", headers=market.auth("m1"))

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["product_id"] == "p1" and body["cases"] == 5
    phrases = {p["phrase"]: p for p in body["phrases"]}
    assert set(phrases["屏幕闪烁"]["example_case_ids"]) == set(flicker)
    assert phrases["battery drains"]["count"] == 2
    assert set(phrases["battery drains"]["example_case_ids"]) == set(battery)
    assert sum(i["count"] for i in body["issue_types"]) == 5
    assert {i["trend"] for i in body["issue_types"]} <= {"rising", "falling", "steady"}


def test_other_merchants_products_do_not_exist_for_a_merchant(
    client: TestClient, market: Market, ctx: Context
) -> None:
    complain(ctx, FLICKER)
    theirs = client.get("/api/v1/faults?product_id=p1", headers=market.auth("m2"))
    unknown = client.get("/api/v1/faults?product_id=p404", headers=market.auth("operator"))
    consumer = client.get("/api/v1/faults?product_id=p1", headers=market.auth("c1"))
    auditor = client.get("/api/v1/faults?product_id=p1", headers=market.auth("auditor"))
    future = client.get("/api/v1/faults?product_id=p1&since=2099-01-01", headers=market.auth("m1"))
    no_product = client.get("/api/v1/faults", headers=market.auth("m1"))

    assert_problem(theirs, 404, "not_found")
    assert_problem(unknown, 404, "not_found")
    assert_problem(consumer, 403, "permission_denied")
    assert auditor.status_code == 200
    assert_problem(future, 422, "validation_failed")
    assert_problem(no_product, 422, "validation_failed")


def test_since_leaves_out_older_cases(
    client: TestClient, market: Market, ctx: Context, clock: ManualClock
) -> None:
    complain(ctx, FLICKER)
    clock.advance(timedelta(days=10))
    complain(ctx, BATTERY)
    day = (clock.now() + timedelta(hours=8)).date().isoformat()  # the CST calendar day

    body = client.get(
        f"/api/v1/faults?product_id=p1&since={day}", headers=market.auth("operator")
    ).json()

    assert body["cases"] == 2
    assert [p["phrase"] for p in body["phrases"]] == ["battery drains"]


def test_faults_top_on_the_command_line(
    db_url: str, tmp_path: Path, market: Market, ctx: Context
) -> None:
    complain(ctx, FLICKER)
    env = {"AFTERSALES_DATA_DIR": str(tmp_path), "AFTERSALES_DATABASE_URL": db_url}
    runner = CliRunner()

    text = runner.invoke(app, ["faults", "top", "--product", "p1"], env=env)
    as_json = runner.invoke(app, ["faults", "top", "--product", "p1", "--format", "json"], env=env)
    missing = runner.invoke(app, ["faults", "top", "--product", "p404"], env=env)

    assert text.exit_code == 0, text.output
    assert "product p1: 3 triaged case(s)" in text.stdout
    assert "屏幕闪烁" in text.stdout
    assert json.loads(as_json.stdout)["phrases"][0]["phrase"] == "屏幕闪烁"
    assert (missing.exit_code, missing.stderr) == (1, "error [not_found] product p404 not found\n")
