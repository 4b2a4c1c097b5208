"""Alerts over the API: who sees which, filters and paging, and what operators do with them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from aftersales.domain.actors import Actor, Role
from aftersales.domain.clock import ManualClock
from aftersales.services import recalls as rc
from aftersales.services.context import Context
from aftersales.services.warning_run import run_warning
from tests.support import Market, Storage, assert_problem
from tests.warning_support import AS_OF, HEATER_A, WEEK, seed_weeks, stored_alert

API = "/api/v1/alerts"
OPERATOR = Actor(Role.OPERATOR, "op1")


def _ids(client: TestClient, market: Market, who: str, **params: Any) -> list[str]:
    response = client.get(API, params=params, headers=market.auth(who))
    assert response.status_code == 200, response.text
    return [a["id"] for a in response.json()["items"]]


def test_a_planted_outbreak_is_worked_through_the_api_from_alert_to_recall(
    client: TestClient, market: Market, ctx: Context, clock: ManualClock
) -> None:
    seed_weeks(ctx, clock)
    run_warning(ctx, AS_OF)
    op = market.auth("operator")

    listed = client.get(API, headers=op).json()["items"]
    product, category = listed  # strongest first: the product's own alarm
    assert (product["series"]["product_id"], category["series"]["level"]) == (HEATER_A, "category")
    assert product["recent"][-1] == {"week": WEEK.isoformat(), "count": 14.0}
    assert product["explanation_zh"].startswith("CN-BJ地区 hA")
    assert "2026-10-26 当周 14 单" in product["explanation_zh"]
    # A merchant sees the alerts on its own products, never a whole category's.
    assert _ids(client, market, "m1") == [product["id"]]
    assert _ids(client, market, "m2") == []
    assert _ids(client, market, "auditor") == [product["id"], category["id"]]
    m1_on_category = client.get(f"{API}/{category['id']}", headers=market.auth("m1"))
    assert_problem(m1_on_category, 404, "not_found")
    assert_problem(client.get(API, headers=market.auth("c1")), 403, "permission_denied")

    acknowledged = client.post(f"{API}/{product['id']}/acknowledge", headers=op)
    again = client.post(f"{API}/{product['id']}/acknowledge", headers=op)
    recall = rc.open_review(ctx, OPERATOR, rc.OpenReview("the knob comes off", HEATER_A))
    linked = client.post(
        f"{API}/{product['id']}/link-recall", json={"recall_id": recall.recall.id}, headers=op
    )
    dismissed = client.post(
        f"{API}/{category['id']}/dismiss", json={"reason": "the same as hA's"}, headers=op
    )
    late = client.post(f"{API}/{category['id']}/acknowledge", headers=op)

    assert acknowledged.status_code == 200 and acknowledged.json()["status"] == "acknowledged"
    assert_problem(again, 409, "invalid_transition")
    assert linked.status_code == 200, linked.text
    assert (linked.json()["status"], linked.json()["recall_id"]) == (
        "linked_to_recall",
        recall.recall.id,
    )
    assert dismissed.json()["dismissal_reason"] == "the same as hA's"
    assert_problem(late, 409, "invalid_transition")
    shown = client.get(f"{API}/{product['id']}", headers=market.auth("m1")).json()
    assert [(h["status"], h["by"]["role"]) for h in shown["history"]] == [
        ("open", "system"),
        ("acknowledged", "operator"),
        ("linked_to_recall", "operator"),
    ]
    assert _ids(client, market, "operator", status="open") == []
    assert _ids(client, market, "operator", status=["dismissed", "acknowledged"]) == [
        category["id"]
    ]


def test_filters_and_pages_follow_the_newest_week_and_the_strongest_alert(
    client: TestClient, market: Market, ctx: Context
) -> None:
    older = WEEK - timedelta(weeks=1)
    made = [
        stored_alert(ctx, week=WEEK, score=3.0),
        stored_alert(ctx, week=WEEK, score=1.5, region="CN-SH"),
        stored_alert(ctx, week=WEEK, score=1.5, product="p2", merchant="m2", region="CN-SH"),
        stored_alert(ctx, week=older, score=9.0),
        stored_alert(ctx, week=older, score=2.0, product=None, category="digital/phone"),
    ]
    same_score = sorted(made[1:3])
    expected = [made[0], *same_score, made[3], made[4]]

    seen: list[str] = []
    cursor: str | None = None
    for _ in range(5):
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get(API, params=params, headers=market.auth("operator")).json()
        seen += [a["id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == expected
    assert _ids(client, market, "operator", region="CN-SH") == same_score
    assert _ids(client, market, "operator", since=WEEK.isoformat()) == expected[:3]
    assert _ids(client, market, "m1", since=older.isoformat()) == [made[0], made[1], made[3]]


def test_bad_requests_get_a_problem_and_write_nothing(
    client: TestClient, market: Market, ctx: Context, storage: Storage
) -> None:
    alert = stored_alert(ctx)
    other = rc.open_review(ctx, OPERATOR, rc.OpenReview("hot casing", "p3")).recall.id
    op = market.auth("operator")
    before = storage.snapshot()

    answers = {
        "bad region": client.get(API, params={"region": "north"}, headers=op),
        "bad since": client.get(API, params={"since": "last week"}, headers=op),
        "bad status": client.get(API, params={"status": "closed"}, headers=op),
        "bad cursor": client.get(API, params={"cursor": "bm9wZQ=="}, headers=op),
        "bad limit": client.get(API, params={"limit": 0}, headers=op),
        "blank reason": client.post(f"{API}/{alert}/dismiss", json={"reason": "  "}, headers=op),
        "no reason": client.post(f"{API}/{alert}/dismiss", json={}, headers=op),
        "extra field": client.post(
            f"{API}/{alert}/dismiss", json={"reason": "x", "why": "y"}, headers=op
        ),
        "not json": client.post(
            f"{API}/{alert}/dismiss",
            content=b"{reason",
            headers=op | {"Content-Type": "application/json"},
        ),
        "unknown recall": client.post(
            f"{API}/{alert}/link-recall", json={"recall_id": "rc_nope"}, headers=op
        ),
        "another product's recall": client.post(
            f"{API}/{alert}/link-recall", json={"recall_id": other}, headers=op
        ),
        "unknown alert": client.post(f"{API}/al_nope/acknowledge", headers=op),
        "bad id": client.get(f"{API}/al%00x", headers=op),
    }

    codes = {name: (r.status_code, r.json()["code"]) for name, r in answers.items()}
    assert codes == {
        "bad region": (422, "validation_failed"),
        "bad since": (422, "validation_failed"),
        "bad status": (422, "validation_failed"),
        "bad cursor": (422, "validation_failed"),
        "bad limit": (422, "validation_failed"),
        "blank reason": (422, "validation_failed"),
        "no reason": (422, "validation_failed"),
        "extra field": (422, "validation_failed"),
        "not json": (400, "malformed_request"),
        "unknown recall": (422, "unknown_reference"),
        "another product's recall": (422, "validation_failed"),
        "unknown alert": (404, "not_found"),
        "bad id": (422, "validation_failed"),
    }
    for response in answers.values():
        assert response.headers["content-type"] == "application/problem+json"
    assert "is about product p3, not p1" in answers["another product's recall"].json()["detail"]
    assert storage.snapshot() == before
