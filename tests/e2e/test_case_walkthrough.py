"""The whole journey of one case over HTTP, as the README tells it."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from aftersales.domain.clock import ManualClock
from tests.support import Market


def test_consumer_return_is_proposed_accepted_and_completed(
    client: TestClient, market: Market, clock: ManualClock
) -> None:
    opened = client.post(
        "/api/v1/cases",
        json={"order_line_id": "l1", "type": "return_refund", "description": "屏幕有坏点"},
        headers=market.auth("c1"),
    )
    assert opened.status_code == 201, opened.text
    case = opened.json()
    assert case["state"] == "awaiting_merchant"
    assert case["deadlines"]["first_response_due"] is not None
    case_id = case["id"]

    clock.advance(timedelta(hours=2))
    proposed = client.post(
        f"/api/v1/cases/{case_id}/proposals",
        json={"resolution": "return_refund", "amount": "2999.00"},
        headers=market.auth("m1"),
    )
    assert proposed.status_code == 200, proposed.text
    assert proposed.json()["state"] == "awaiting_consumer"
    assert proposed.json()["deadlines"]["resolution_paused"] is True

    accepted = client.post(f"/api/v1/cases/{case_id}/accept", headers=market.auth("c1"))
    assert accepted.json()["state"] == "in_service"

    done = client.post(
        f"/api/v1/cases/{case_id}/complete", json={"note": "refunded"}, headers=market.auth("m1")
    )
    assert done.json()["state"] == "resolved"
    assert done.json()["resolution"]["amount"] == "2999.00"

    rated = client.post(
        f"/api/v1/cases/{case_id}/rating", json={"score": 5}, headers=market.auth("c1")
    )
    assert rated.json()["rating"] == {"score": 5, "comment": None}

    events = client.get(f"/api/v1/cases/{case_id}/events", headers=market.auth("auditor")).json()
    assert [e["kind"] for e in events] == [
        "opened",
        "proposed",
        "proposal_accepted",
        "service_completed",
        "rated",
    ]
