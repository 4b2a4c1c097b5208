"""The content ladder through the API and ``aftersales ladder run``: every transition, the
operator's review, once-a-day runs, metrics that add up, and who may see what.

The command line keeps the system clock, so the scenarios happen in the past: the API's clock
is set to each scenario day and the ladder runs with ``--day``.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from fastapi.testclient import TestClient

from aftersales.domain.clock import ManualClock
from aftersales.services.context import Context
from tests.exposure_support import API, ExposureCli, add_products, days_ago, noon
from tests.support import Market, Storage, assert_problem, outcome

D0 = days_ago(30)  # publication day of every scenario


def day(n: int) -> date:
    return D0 + timedelta(days=n)


class Ladder:
    """One shop (m1) on the ladder: its items, the API, the clock and the command line."""

    def __init__(
        self, client: TestClient, market: Market, clock: ManualClock, cli: ExposureCli
    ) -> None:
        self.client, self.market, self.clock, self.cli = client, market, clock, cli

    def post(self, path: str, body: Any, who: str = "integration") -> Any:
        return self.client.post(f"{API}{path}", json=body, headers=self.market.auth(who))

    def publish(self, n: int) -> list[str]:
        """``n`` items of m1, published on D0 by a shop with 10% of its fans active."""
        self.clock.set(noon(D0))
        body = {"fans": 1000, "active_fans": 100}
        audience = self.client.put(
            f"{API}/merchants/m1/audience", json=body, headers=self.market.auth("integration")
        )
        assert audience.status_code == 200, audience.text
        ids = []
        for i in range(n):
            made = self.post(
                "/contents",
                {"kind": "short_video", "title": f"视频 {i}", "product_ids": ["p1", "p3"]},
                "m1",
            )
            assert made.status_code == 201, made.text
            ids.append(made.json()["id"])
        return ids

    def metrics(self, item: str, on: int, impressions: int, clicks: int, dwell: float) -> None:
        self.clock.set(noon(day(on)))
        body = {
            "day": day(on).isoformat(),
            "impressions": impressions,
            "clicks": clicks,
            "dwell_seconds": dwell,
        }
        answer = self.post(f"/contents/{item}/metrics", body)
        assert answer.status_code == 200, answer.text

    def run(self, on: int) -> Result:
        self.clock.set(noon(day(on)))
        result = self.cli("ladder", "run", "--day", day(on).isoformat())
        assert result.exit_code == 0, result.output
        return result

    def content(self, item: str, who: str = "m1") -> dict[str, Any]:
        answer = self.client.get(f"{API}/contents/{item}", headers=self.market.auth(who))
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def stage(self, item: str) -> str:
        return str(self.content(item)["stage"])


@pytest.fixture
def ladder(
    client: TestClient, market: Market, clock: ManualClock, db_url: str, tmp_path: Path
) -> Ladder:
    return Ladder(client, market, clock, ExposureCli(db_url, tmp_path))


GATE = (2_000, 120, 1_200.0)  # 6% click-through, 10 s per open: over the boost gate
AMPLIFY = (12_000, 900, 18_000.0)  # 7.5%, 20 s: over the amplification gate


def test_an_item_climbs_from_cold_start_to_the_amplification_pool(
    ladder: Ladder, ctx: Context
) -> None:
    a, _, _ = ladder.publish(3)

    started = ladder.run(1)
    ladder.metrics(a, 1, *GATE)
    boosted = ladder.run(2)
    ladder.metrics(a, 2, *AMPLIFY)
    ladder.run(3)
    nominated = ladder.content(a)
    queue = ladder.client.get(
        f"{API}/contents?nominated=true", headers=ladder.market.auth("operator")
    )
    approved = ladder.post(f"/contents/{a}/approve", {"note": "good care tips"}, "operator")
    pool = ladder.client.get(
        f"{API}/contents?stage=amplification_pool", headers=ladder.market.auth("integration")
    )

    assert "ladder " + day(1).isoformat() + ": 3 item(s) judged, 3 moved" in started.stdout
    assert f"content:{a} stage_changed: The shop posted 3 items in 7 days" in started.stdout
    assert f"content:{a} stage_changed: Promoted to boost" in boosted.stdout
    assert nominated["stage"] == "boost" and nominated["nominated_on"] == day(3).isoformat()
    assert [c["id"] for c in queue.json()["items"]] == [a]
    assert approved.status_code == 200, approved.text
    assert approved.json()["stage"] == "amplification_pool"
    assert approved.json()["quota"] == 30_000
    assert [c["id"] for c in pool.json()["items"]] == [a]
    history = ladder.content(a)["history"]
    assert [(h["kind"], h["data"].get("to")) for h in history] == [
        ("stage_changed", "cold_start"),
        ("stage_changed", "boost"),
        ("amplification_nominated", None),
        ("stage_changed", "amplification_pool"),
    ]
    assert "放大池" in history[-1]["reason"]["zh"]
    with ctx.uow(read_only=True) as uow:
        logged = [json.loads(e.body)["record"] for e in uow.ledger.entries_about(f"content:{a}")]
    assert [r["data"]["to"] for r in logged] == ["cold_start", "boost", "amplification_pool"]
    assert "operator" in logged[-1] and "op" not in json.dumps(logged[-1]["data"])


def test_cold_start_ends_after_three_days_and_organic_traffic_can_still_earn_a_boost(
    ladder: Ladder,
) -> None:
    _, b, _ = ladder.publish(3)
    ladder.run(1)

    ladder.run(2)
    ladder.run(3)
    still = ladder.stage(b)
    ended = ladder.run(4)
    ladder.metrics(b, 4, *GATE)
    promoted = ladder.run(5)

    assert still == "cold_start"
    assert f"content:{b} stage_changed: Cold start ended after 3 days" in ended.stdout
    assert f"content:{b} stage_changed: Promoted to boost" in promoted.stdout
    history = [h["data"]["to"] for h in ladder.content(b)["history"]]
    assert history == ["cold_start", "organic", "boost"]
    assert ladder.content(b)["cold_start_used"] is True


def test_a_declined_item_stays_in_boost_and_is_not_put_up_again_before_the_cooldown(
    ladder: Ladder,
) -> None:
    a = ladder.publish(3)[0]
    ladder.run(1)
    ladder.metrics(a, 1, *GATE)
    ladder.run(2)
    ladder.metrics(a, 2, *AMPLIFY)
    ladder.run(3)

    blank = ladder.post(f"/contents/{a}/decline", {"reason": " "}, "operator")
    by_merchant = ladder.post(f"/contents/{a}/decline", {"reason": "no"}, "m1")
    declined = ladder.post(f"/contents/{a}/decline", {"reason": "重复内容 / duplicate"}, "operator")
    again = ladder.post(f"/contents/{a}/approve", {}, "operator")
    ladder.metrics(a, 3, *AMPLIFY)
    next_day = ladder.run(4)

    assert outcome(blank) == "422 validation_failed"
    assert outcome(by_merchant) == "403 permission_denied"
    assert declined.status_code == 200, declined.text
    body = declined.json()
    assert (body["stage"], body["nominated_on"], body["declined_on"]) == (
        "boost",
        None,
        day(3).isoformat(),
    )
    assert_problem(again, 409, "invalid_transition")
    assert "amplification_nominated" not in next_day.stdout
    last = ladder.content(a)["history"][-1]
    assert last["kind"] == "amplification_declined"
    assert "重复内容 / duplicate" in last["reason"]["en"]


def test_items_whose_metrics_fall_away_are_demoted_a_stage_at_a_time(ladder: Ladder) -> None:
    a = ladder.publish(3)[0]
    ladder.run(1)
    ladder.metrics(a, 1, *GATE)
    ladder.run(2)
    ladder.metrics(a, 2, *AMPLIFY)
    ladder.run(3)
    assert ladder.post(f"/contents/{a}/approve", {}, "operator").status_code == 200

    kept = ladder.run(9)  # day 2's metrics are still in the window
    to_boost = ladder.run(10)
    too_soon = ladder.run(11)  # a new stage gets two days before it can be lost
    to_organic = ladder.run(12)

    assert f"content:{a}" not in kept.stdout
    assert f"content:{a} stage_changed: Demoted from amplification pool to boost" in (
        to_boost.stdout
    )
    assert f"content:{a}" not in too_soon.stdout
    assert f"content:{a} stage_changed: Demoted from boost to organic" in to_organic.stdout
    history = [h["data"].get("to") for h in ladder.content(a)["history"]]
    assert history == ["cold_start", "boost", None, "amplification_pool", "boost", "organic"]


def test_the_ladder_runs_once_a_day_and_never_for_a_future_day(ladder: Ladder) -> None:
    ladder.publish(3)
    first = ladder.run(1)
    twice = ladder.run(1)
    earlier = ladder.run(0)
    future = ladder.cli("ladder", "run", "--day", days_ago(-2).isoformat())

    assert "3 moved" in first.stdout
    assert twice.stdout == (
        f"the ladder already ran for {day(1).isoformat()}; nothing to do for {day(1).isoformat()}\n"
    )
    assert "already ran" in earlier.stdout
    assert future.exit_code == 1
    assert future.stderr.startswith("error [validation_failed] the ladder cannot run for")


def test_metrics_reports_add_up_and_a_retried_report_counts_once(ladder: Ladder) -> None:
    a = ladder.publish(1)[0]
    headers = ladder.market.auth("integration") | {"Idempotency-Key": "report-7"}
    body = {"impressions": 100, "clicks": 5, "dwell_seconds": 40.5, "new_fans": 1}

    ladder.post(f"/contents/{a}/metrics", body)
    first = ladder.client.post(f"{API}/contents/{a}/metrics", json=body, headers=headers)
    retried = ladder.client.post(f"{API}/contents/{a}/metrics", json=body, headers=headers)

    assert first.json() == retried.json()
    assert first.json()["day"] == D0.isoformat()
    totals = first.json()["totals"]
    assert (totals["impressions"], totals["clicks"], totals["new_fans"]) == (200, 10, 2)
    assert totals["dwell_seconds"] == 81.0 and totals["average_dwell"] == 8.1
    window = ladder.content(a)["window"]
    assert window["metrics"]["impressions"] == 200
    assert window["last"] == D0.isoformat()


def test_content_is_its_merchants_operators_auditors_and_the_integrations_to_read(
    ladder: Ladder,
) -> None:
    a = ladder.publish(1)[0]

    def read(who: str) -> str:
        return outcome(ladder.client.get(f"{API}/contents/{a}", headers=ladder.market.auth(who)))

    def listed(who: str, query: str = "") -> list[str]:
        path = f"{API}/contents{query}"
        answer = ladder.client.get(path, headers=ladder.market.auth(who))
        assert answer.status_code == 200, answer.text
        return [c["id"] for c in answer.json()["items"]]

    assert {w: read(w) for w in ("m1", "operator", "auditor", "integration")} == dict.fromkeys(
        ("m1", "operator", "auditor", "integration"), "200"
    )
    assert read("m2") == "404 not_found"
    assert read("c1") == "403 permission_denied"
    assert listed("m2") == [] and listed("m2", "?merchant_id=m1") == []
    assert listed("m1") == [a] and listed("operator", "?merchant_id=m1") == [a]
    metrics = ladder.post(f"/contents/{a}/metrics", {"impressions": 1}, "m2")
    assert_problem(metrics, 403, "permission_denied")
    approve = ladder.post(f"/contents/{a}/approve", {}, "m1")
    assert_problem(approve, 403, "permission_denied")


def test_bad_content_input_is_refused_and_changes_nothing(
    ladder: Ladder, ctx: Context, storage: Storage
) -> None:
    a = ladder.publish(1)[0]
    many = add_products(ctx, "m1", 21)
    before = storage.snapshot()

    def publish(body: dict[str, Any], who: str = "m1") -> str:
        base = {"kind": "post", "title": "t", "product_ids": ["p1"]}
        return outcome(ladder.post("/contents", base | body, who))

    def metrics(body: dict[str, Any], item: str = a) -> str:
        return outcome(ladder.post(f"/contents/{item}/metrics", body))

    answers = {
        "another merchant's product": publish({"product_ids": ["p2"]}),
        "an unknown product": publish({"product_ids": ["p404"]}),
        "21 products": publish({"product_ids": many}),
        "no product": publish({"product_ids": []}),
        "a product twice": publish({"product_ids": ["p1", "p1"]}),
        "an empty title": publish({"title": " "}),
        "an unknown kind": publish({"kind": "poem"}),
        "a consumer": publish({}, "c1"),
        "more clicks than impressions": metrics({"impressions": 1, "clicks": 2}),
        "a negative count": metrics({"impressions": -1}),
        "a day in the future": metrics({"day": (D0 + timedelta(days=1)).isoformat()}),
        "a day before publication": metrics({"day": (D0 - timedelta(days=1)).isoformat()}),
        "unknown content": metrics({"impressions": 1}, "ct_404"),
        "an unknown field": metrics({"views": 1}),
        "too many fans": outcome(
            ladder.client.put(
                f"{API}/merchants/m1/audience",
                json={"fans": 1, "active_fans": 2},
                headers=ladder.market.auth("integration"),
            )
        ),
        "an unknown merchant": outcome(
            ladder.client.put(
                f"{API}/merchants/m404/audience",
                json={"fans": 1, "active_fans": 0},
                headers=ladder.market.auth("integration"),
            )
        ),
    }
    nan = ladder.client.post(
        f"{API}/contents/{a}/metrics",
        content='{"dwell_seconds": NaN}',
        headers=ladder.market.auth("integration") | {"Content-Type": "application/json"},
    )

    assert answers == {
        "another merchant's product": "404 not_found",
        "an unknown product": "404 not_found",
        "21 products": "422 validation_failed",
        "no product": "422 validation_failed",
        "a product twice": "422 validation_failed",
        "an empty title": "422 validation_failed",
        "an unknown kind": "422 validation_failed",
        "a consumer": "403 permission_denied",
        "more clicks than impressions": "422 validation_failed",
        "a negative count": "422 validation_failed",
        "a day in the future": "422 validation_failed",
        "a day before publication": "422 validation_failed",
        "unknown content": "404 not_found",
        "an unknown field": "422 validation_failed",
        "too many fans": "422 validation_failed",
        "an unknown merchant": "404 not_found",
    }
    assert outcome(nan) == "422 validation_failed"
    assert storage.snapshot() == before
