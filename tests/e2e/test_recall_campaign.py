"""The issue's scenario over HTTP: three safety reports on one heater batch → hold → review →
confirm → every buyer of that batch, and no one else, notified → remedies tracked → the
regulator's report agrees."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from aftersales.cli import app as cli_app
from aftersales.domain.clock import ManualClock
from aftersales.services.context import Context
from aftersales.store.db import READ_ONLY, make_engine
from aftersales.store.tables import outbox
from tests.recall_support import (
    BAD_BATCH,
    GOOD_BATCH,
    HEATER,
    add_heaters,
    notifications,
)
from tests.support import Market, assert_problem, order_body


@pytest.fixture
def heaters(ctx: Context, market: Market) -> Market:
    add_heaters(ctx, market)
    return market


def report_safety(client: TestClient, market: Market, who: str, line: str) -> dict[str, Any]:
    body = {
        "order_line_id": line,
        "type": "safety_report",
        "description": "机身漏电 手碰到外壳发麻",
    }
    response = client.post("/api/v1/cases", json=body, headers=market.auth(who))
    assert response.status_code == 201, response.text
    return dict(response.json())


def recalls_of(client: TestClient, market: Market, who: str) -> list[dict[str, Any]]:
    response = client.get("/api/v1/recalls", headers=market.auth(who))
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def heater_order(order_id: str, line_id: str, batch: str) -> dict[str, Any]:
    line = {
        "id": line_id,
        "product_id": HEATER,
        "batch_id": batch,
        "unit_price": "399.00",
        "quantity": 1,
    }
    return order_body(id=order_id, placed_at="2026-11-02T08:00:00Z", line=line)


def outbox_rows(db_url: str, topic: str) -> list[Any]:
    engine = make_engine(db_url)
    try:
        with engine.connect().execution_options(**{READ_ONLY: True}) as conn:
            return list(
                conn.execute(select(outbox).where(outbox.c.topic == topic).order_by(outbox.c.id))
            )
    finally:
        engine.dispose()


def test_three_safety_reports_on_a_heater_batch_end_in_a_tracked_recall_campaign(
    client: TestClient,
    heaters: Market,
    clock: ManualClock,
    db_url: str,
    tmp_path: Path,
) -> None:
    market = heaters
    # A buyer sold before the trouble starts, on the batch that will be recalled.
    sold = client.post(
        "/api/v1/orders",
        json=heater_order("oh7", "hl7", BAD_BATCH),
        headers=market.auth("integration"),
    )
    assert sold.status_code == 201, sold.text

    # The first report describes a shock hazard: the policy decides an emergency, so the batch
    # is held and a review opened at once, in the same transaction as the case.
    cases = [report_safety(client, market, "c1", "hl1")]
    [review] = recalls_of(client, market, "operator")
    assert (review["state"], review["trigger"], review["batch_ids"]) == (
        "review",
        "emergency",
        [BAD_BATCH],
    )
    assert review["holds"] == [{"product_id": HEATER, "batch_id": BAD_BATCH, "regions": []}]
    assert [t["party"] for t in review["tasks"]] == ["platform"]
    opened = client.get(f"/api/v1/cases/{cases[0]['id']}", headers=market.auth("c1")).json()
    decision = opened["assessment"]["decision"]
    assert (decision["emergency"], decision["severity"], opened["state"]) == (
        True,
        "critical",
        "escalated",
    )
    assert opened["assessment"]["triage"]["safety"] is True

    # Two more reports on the same batch within days join that review.
    clock.advance(timedelta(days=2))
    cases.append(report_safety(client, market, "c2", "hl2"))
    clock.advance(timedelta(days=3))
    cases.append(report_safety(client, market, "c3", "hl3"))
    [review] = recalls_of(client, market, "operator")
    assert review["case_ids"] == [c["id"] for c in cases]
    refused = client.post(
        "/api/v1/orders",
        json=heater_order("oh8", "hl8", BAD_BATCH),
        headers=market.auth("integration"),
    )
    body = assert_problem(refused, 409, "product_on_hold")
    assert "batch hb1 of product ph is on a stop-sale hold" in body["detail"]
    other = client.post(
        "/api/v1/orders",
        json=heater_order("oh9", "hl9", GOOD_BATCH),
        headers=market.auth("integration"),
    )
    assert other.status_code == 201, other.text
    [placed] = outbox_rows(db_url, "recall.hold_placed")
    assert placed.payload["data"] == {"product_id": HEATER, "batch_id": BAD_BATCH, "regions": []}

    # A fourth report joins the open review instead of opening another.
    clock.advance(timedelta(hours=1))
    fourth = report_safety(client, market, "c3", "hl4")
    [review] = recalls_of(client, market, "operator")
    assert review["case_ids"][-1] == fourth["id"]

    # The operator confirms with two remedies: every buyer of hb1 is notified, nobody else.
    clock.advance(timedelta(hours=2))
    decided = client.post(
        f"/api/v1/recalls/{review['id']}/decision",
        json={"decision": "confirm", "remedies": ["refund", "replacement"]},
        headers=market.auth("operator"),
    )
    assert decided.status_code == 200, decided.text
    recall = decided.json()
    assert recall["state"] == "confirmed"
    assert recall["counts"] == {
        "units": 5,
        "notified": 5,
        "responded": 0,
        "remedied": 0,
        "completion_rate": 0.0,
    }
    assert {t["party"] for t in recall["tasks"]} == {
        "platform",
        "merchant",
        "logistics",
        "regulator",
        "brand",
    }
    notices = outbox_rows(db_url, "recall.notification")
    assert notifications(notices) == {"c1": ["hl1", "hl7"], "c2": ["hl2"], "c3": ["hl3", "hl4"]}
    notice = notices[0].payload
    assert (notice["recall_id"], notice["product_name"], notice["channels"]) == (
        recall["id"],
        "Oil heater",
        ["email", "sms"],
    )
    assert notice["remedies"] == ["refund", "replacement"]
    assert "electrical hazard" in notice["hazard"]
    assert "漏电" not in notice["hazard"]  # the reporters' words stay with their cases
    seen = {
        who: [r["id"] for r in recalls_of(client, market, who)]
        for who in ("c1", "c2", "c3", "c4", "c5", "m1", "m2")
    }
    assert seen == {
        "c1": [recall["id"]],
        "c2": [recall["id"]],
        "c3": [recall["id"]],
        "c4": [],
        "c5": [],
        "m1": [recall["id"]],
        "m2": [],
    }
    [mine] = recalls_of(client, market, "c3")
    assert [u["order_line_id"] for u in mine["your_units"]] == ["hl3", "hl4"]
    assert mine["remedies_offered"] == ["refund", "replacement"]
    assert mine["case_ids"] is None and mine["tasks"] is None  # other buyers' cases stay private

    # Remedies: the buyer chooses, the merchant records it done.
    url = f"/api/v1/recalls/{recall['id']}/remedies"
    chosen = client.post(f"{url}/hl1", json={"remedy": "refund"}, headers=market.auth("c1"))
    assert (chosen.status_code, chosen.json()["state"]) == (200, "responded"), chosen.text
    clock.advance(timedelta(days=1))
    done = client.post(
        f"{url}/hl1", json={"remedy": "refund", "note": "paid back"}, headers=market.auth("m1")
    )
    assert (done.status_code, done.json()["state"]) == (200, "remedied"), done.text
    picked = client.post(f"{url}/hl3", json={"remedy": "replacement"}, headers=market.auth("c3"))
    assert picked.status_code == 200, picked.text
    assert_problem(
        client.post(f"{url}/hl1", json={"remedy": "replacement"}, headers=market.auth("c1")),
        409,
        "invalid_transition",
    )
    assert_problem(
        client.post(f"{url}/hl2", json={"remedy": "repair"}, headers=market.auth("c2")),
        422,
        "remedy_not_offered",
    )
    assert_problem(
        client.post(f"{url}/hl2", json={"remedy": "refund"}, headers=market.auth("c1")),
        404,
        "not_found",
    )

    # The regulator's report, from the command line, agrees with the API.
    clock.advance(timedelta(days=1))
    report = run_report(db_url, tmp_path, recall["id"], "json")
    summary = json.loads(report)
    assert summary["units_affected"] == 5 and summary["pieces_affected"] == 6
    assert (summary["units_notified"], summary["units_responded"], summary["units_remedied"]) == (
        5,
        2,
        1,
    )
    assert summary["consumers_notified"] == 3
    assert summary["completion_rate"] == 0.2
    assert summary["batches"] == [BAD_BATCH] and summary["remedies_offered"] == [
        "refund",
        "replacement",
    ]
    assert summary["safety_reports"] == 4
    assert summary["progress"][-1]["remedied"] == 1
    api = client.get(f"/api/v1/recalls/{recall['id']}", headers=market.auth("auditor")).json()
    assert api["counts"] == {
        "units": 5,
        "notified": 5,
        "responded": 2,
        "remedied": 1,
        "completion_rate": 0.2,
    }
    [row] = list(csv.DictReader(io.StringIO(run_report(db_url, tmp_path, recall["id"], "csv"))))
    assert (row["units_affected"], row["units_remedied"], row["batches"]) == ("5", "1", BAD_BATCH)


def run_report(db_url: str, tmp_path: Path, recall_id: str, fmt: str) -> str:
    env = {"AFTERSALES_DATA_DIR": str(tmp_path), "AFTERSALES_DATABASE_URL": db_url}
    result = CliRunner().invoke(cli_app, ["recall", "report", recall_id, "--format", fmt], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_opening_a_review_twice_with_one_idempotency_key_opens_one(
    client: TestClient, heaters: Market
) -> None:
    headers = heaters.auth("operator") | {"Idempotency-Key": "review-hb1"}
    body = {"batch_ids": [BAD_BATCH], "hazard": "the thermostat sticks"}

    first = client.post("/api/v1/recalls", json=body, headers=headers)
    again = client.post("/api/v1/recalls", json=body, headers=headers)
    changed = client.post("/api/v1/recalls", json=body | {"hazard": "other"}, headers=headers)

    assert (first.status_code, again.status_code) == (201, 201), first.text
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert_problem(changed, 422, "idempotency_key_reused")
    assert len(recalls_of(client, heaters, "operator")) == 1
