"""``POST /exposure/rank`` and ``/exposure/impressions``: boosts on their slots, pacing that stops
at the promise, penalties within one refresh, holds never shown, and bad requests refused."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aftersales.domain.actors import Actor, Role
from aftersales.domain.clock import ManualClock
from aftersales.services import recalls
from aftersales.services.context import Context
from aftersales.services.exposure_refresh import refresh
from aftersales.services.exposure_serving import sync_counts
from aftersales.services.exposure_tiers import cycle_at
from aftersales.services.ladder_run import run_ladder
from tests.exposure_support import API, add_products, rank_body, use_tiers
from tests.support import Market, Storage, assert_problem, outcome

OPERATOR = Actor(Role.OPERATOR, "op1")


@pytest.fixture
def tiers(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    return use_tiers(monkeypatch, {"m1": "good", "m2": "standard"})


@pytest.fixture
def crowd(ctx: Context, market: Market) -> list[str]:
    """Ten products of m2 to rank m1's against."""
    return add_products(ctx, "m2", 10)


def rank(client: TestClient, market: Market, body: dict[str, Any]) -> dict[str, Any]:
    answer = client.post(f"{API}/exposure/rank", json=body, headers=market.auth("integration"))
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def shown(result: dict[str, Any]) -> dict[str, list[str]]:
    return {i["item_id"]: i["reasons"] for i in result["items"]}


def enrol_store(client: TestClient, market: Market, who: str) -> None:
    body = {"mode": "store"}
    made = client.post(f"{API}/programme/enrolments", json=body, headers=market.auth(who))
    assert made.status_code == 201, made.text


def merit_then_margin(crowd: list[str], slot: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two requests on ``slot``: p1 on its merits in the top 3, then p1 just below the third."""
    on_merit = {"p1": ("m1", 0.95)} | {p: ("m2", 0.9 - n / 10) for n, p in enumerate(crowd[:4])}
    margin = {p: ("m2", s) for p, s in zip(crowd[:4], (0.9, 0.85, 0.8, 0.7), strict=True)}
    return rank_body(slot, on_merit, 3), rank_body(slot, margin | {"p1": ("m1", 0.79)}, 3)


def test_the_programme_boost_brings_a_product_in_on_the_slot_where_it_earned_merit(
    client: TestClient, market: Market, ctx: Context, tiers: dict[str, str], crowd: list[str]
) -> None:
    enrol_store(client, market, "m1")
    refresh(ctx)
    on_merit, margin = merit_then_margin(crowd, "search")
    feed_margin = merit_then_margin(crowd, "feed")[1]

    unboosted = rank(client, market, margin)  # no merit yet: nothing is owed
    first = rank(client, market, on_merit)
    boosted = rank(client, market, margin)
    feed = rank(client, market, feed_margin)  # merit in search owes nothing in the feed

    assert "p1" not in shown(unboosted)
    assert shown(first)["p1"] == []  # on its merits: no reason
    assert shown(boosted)["p1"] == ["programme_boost"]
    assert [i["item_id"] for i in boosted["items"]][-1] == "p1"  # below those shown on merit
    assert boosted["boosted"] == 1 and boosted["relevance"] >= 0.996
    assert "quality-merchant programme" in boosted["reason_texts"]["programme_boost"]["en"]
    assert boosted["reason_texts"]["programme_boost"]["zh"]
    assert "p1" not in shown(feed)


def test_impressions_pay_the_promise_and_the_boost_stops_there(
    client: TestClient, market: Market, ctx: Context, tiers: dict[str, str], crowd: list[str]
) -> None:
    enrol_store(client, market, "m1")
    refresh(ctx)
    on_merit, margin = merit_then_margin(crowd, "search")
    rank(client, market, on_merit)
    boosted = rank(client, market, margin)
    shown_items = [
        {"item_id": i["item_id"], "merchant_id": i["merchant_id"]} for i in boosted["items"]
    ]

    reported = client.post(
        f"{API}/exposure/impressions",
        json={"slot": "search", "items": shown_items},
        headers=market.auth("integration"),
    )
    after = rank(client, market, margin)
    sync_counts(ctx)

    assert reported.status_code == 200, reported.text
    assert reported.json() == {"slot": "search", "received": 3, "counted": 1}
    # Delivered 1 of the 1.1 x 1 merit impression owed: on schedule, so no more boost.
    assert "p1" not in shown(after)
    with ctx.uow(read_only=True) as uow:
        stored = uow.exposure.live_counts(ctx.clock.now())
    counts = {key: c for (key, _), c in stored.items() if key == "programme:m1:search"}
    assert counts == {"programme:m1:search": (1, 1, 3)}  # delivered, merit, reach (3 requests)


def test_penalties_take_effect_within_one_refresh(
    client: TestClient, market: Market, ctx: Context, tiers: dict[str, str], crowd: list[str]
) -> None:
    more = add_products(ctx, "m1", 2)
    enrol_store(client, market, "m1")
    refresh(ctx)
    on_merit, margin = merit_then_margin(crowd, "search")
    rank(client, market, on_merit)
    two_of_m1 = {more[0]: ("m1", 0.99), more[1]: ("m1", 0.98)} | {
        p: ("m2", 0.9 - n / 10) for n, p in enumerate(crowd[:4])
    }

    tiers["m1"] = "restricted"
    events = refresh(ctx).events
    throttled = rank(client, market, rank_body("search", two_of_m1, 3))
    tiers["m1"] = "watch"
    refresh(ctx)
    watched = rank(client, market, margin)
    on_merit_watched = rank(client, market, on_merit)

    kinds = [e.kind.value for e in events if e.subject == "merchant:m1"]
    assert kinds == ["eligibility_lost", "throttle_applied", "boost_ended"]
    # Two of m1's products earned places: a restricted merchant keeps half of them.
    assert throttled["throttled_out"] == 1
    assert shown(throttled)[more[0]] == ["throttled"] and more[1] not in shown(throttled)
    assert "p1" not in shown(watched)
    assert shown(on_merit_watched)["p1"] == ["boost_withheld"]


def test_a_product_on_a_stop_sale_hold_is_never_shown(
    client: TestClient, market: Market, ctx: Context, tiers: dict[str, str], crowd: list[str]
) -> None:
    enrol_store(client, market, "m1")
    refresh(ctx)
    body = rank_body("feed", {"p1": ("m1", 0.99)} | {p: ("m2", 0.5) for p in crowd}, 5)
    before = rank(client, market, body)

    recalls.open_review(ctx, OPERATOR, recalls.OpenReview("sparks", product_id="p1"))
    sync_counts(ctx)  # every process checks the holds at each sync, and rebuilds its plan
    after = rank(client, market, body)

    assert "p1" in shown(before)
    assert "p1" not in shown(after) and after["held_out"] == 1
    assert len(after["items"]) == 5


def test_a_content_quota_boosts_only_on_the_ladder_slots(
    client: TestClient,
    market: Market,
    ctx: Context,
    clock: ManualClock,
    tiers: dict[str, str],
    crowd: list[str],
) -> None:
    made = [
        client.post(
            f"{API}/contents",
            json={"kind": "post", "title": f"post {n}", "product_ids": ["p3"]},
            headers=market.auth("m1"),
        ).json()["id"]
        for n in range(3)
    ]
    client.put(
        f"{API}/merchants/m1/audience",
        json={"fans": 1000, "active_fans": 100},
        headers=market.auth("integration"),
    )
    clock.advance(timedelta(days=1))
    assert run_ladder(ctx).moved == 3  # the shop posts and its fans are active: cold start
    refresh(ctx)
    margin = zip(crowd[:4], (0.9, 0.85, 0.8, 0.7), strict=True)
    scores = {p: ("m2", s) for p, s in margin} | {"p3": ("m1", 0.79)}

    feed = rank(client, market, rank_body("feed", scores, 3, {"p3": made[0]}))
    detail = rank(client, market, rank_body("mini_detail", scores, 3, {"p3": made[0]}))
    other_shop = rank(client, market, rank_body("feed", scores, 3, {"p3": "ct_404"}))

    assert shown(feed)["p3"] == ["ladder_boost"]
    assert "p3" not in shown(detail)  # the ladder's slots are the feed and search
    assert "p3" not in shown(other_shop)


def test_bad_rank_requests_are_refused_and_change_nothing(
    client: TestClient, market: Market, tiers: dict[str, str], storage: Storage
) -> None:
    ok = rank_body("feed", {"a": ("m1", 0.5), "b": ("m2", 0.4)}, 2)
    headers = market.auth("integration") | {"Content-Type": "application/json"}

    def post(body: Any, who: str = "integration") -> str:
        raw = body if isinstance(body, str) else json.dumps(body)
        hdrs = headers if who == "integration" else market.auth(who)
        return outcome(client.post(f"{API}/exposure/rank", content=raw, headers=hdrs))

    def many(n: int) -> dict[str, Any]:
        return ok | {
            "candidates": [{"item_id": f"i{i}", "merchant_id": "m", "score": 1} for i in range(n)]
        }

    first = client.post(f"{API}/exposure/rank", content=json.dumps(ok), headers=headers)
    before = storage.snapshot()
    cases = {
        "100,000 candidates": post(many(100_000)),
        "10,001 candidates": post(many(10_001)),
        "duplicate item ids": post(ok | {"candidates": ok["candidates"] * 2}),
        "a NaN score": post(json.dumps(ok).replace("0.5", "NaN")),
        "an infinite score": post(json.dumps(ok).replace("0.5", "1e400")),
        "a negative score": post(json.dumps(ok).replace("0.5", "-0.5")),
        "a score as text": post(json.dumps(ok).replace("0.5", '"0.5"')),
        "an unknown slot": post(ok | {"slot": "banner"}),
        "k = 0": post(ok | {"k": 0}),
        "k = 201": post(ok | {"k": 201}),
        "no user": post(ok | {"user_id": ""}),
        "no merchant": post(ok | {"candidates": [{"item_id": "a", "score": 1}]}),
        "an unknown field": post(ok | {"page": 2}),
        "not JSON": post("{"),
        "a merchant's token": post(ok, "m1"),
    }
    unauthenticated = client.post(f"{API}/exposure/rank", json=ok)

    assert first.status_code == 200, first.text
    assert cases == {
        "100,000 candidates": "413 rank_request_too_large",
        "10,001 candidates": "413 rank_request_too_large",
        "duplicate item ids": "422 validation_failed",
        "a NaN score": "400 malformed_request",  # NaN is not JSON
        "an infinite score": "422 validation_failed",
        "a negative score": "422 validation_failed",
        "a score as text": "422 validation_failed",
        "an unknown slot": "422 validation_failed",
        "k = 0": "422 validation_failed",
        "k = 201": "422 validation_failed",
        "no user": "422 validation_failed",
        "no merchant": "422 validation_failed",
        "an unknown field": "422 validation_failed",
        "not JSON": "400 malformed_request",
        "a merchant's token": "403 permission_denied",
    }
    assert_problem(unauthenticated, 401, "authentication_failed")
    assert storage.snapshot() == before
    slot = client.post(
        f"{API}/exposure/rank", content=json.dumps(ok | {"slot": "x"}), headers=headers
    )
    assert "known: search, feed, mini_detail" in slot.json()["detail"]
    twice = client.post(
        f"{API}/exposure/rank",
        content=json.dumps(ok | {"candidates": ok["candidates"] * 2}),
        headers=headers,
    )
    assert "duplicate item ids among the candidates: a, b" in twice.json()["detail"]


def test_bad_impression_reports_are_refused(
    client: TestClient, market: Market, tiers: dict[str, str]
) -> None:
    def post(body: Any) -> str:
        path = f"{API}/exposure/impressions"
        return outcome(client.post(path, json=body, headers=market.auth("integration")))

    item = {"item_id": "a", "merchant_id": "m1"}
    assert post({"slot": "feed", "items": [item]}) == "200"
    assert post({"slot": "banner", "items": [item]}) == "422 validation_failed"
    assert post({"slot": "feed", "items": [{"item_id": "a"}]}) == "422 validation_failed"
    assert post({"slot": "feed", "items": [item] * 10_001}) == "422 validation_failed"
    counted = client.post(
        f"{API}/exposure/impressions",
        json={"slot": "feed", "items": [item]},
        headers=market.auth("m1"),
    )
    assert_problem(counted, 403, "permission_denied")


def test_counts_are_shared_through_the_counters_table(
    client: TestClient, market: Market, ctx: Context, tiers: dict[str, str], crowd: list[str]
) -> None:
    enrol_store(client, market, "m1")
    refresh(ctx)
    on_merit = merit_then_margin(crowd, "feed")[0]
    for _ in range(3):
        rank(client, market, on_merit)

    sync_counts(ctx)
    sync_counts(ctx)  # a second sync adds nothing: only what was counted since the last one

    with ctx.uow(read_only=True) as uow:
        totals = uow.exposure.live_counts(ctx.clock.now())
    start = cycle_at(ctx.clock.now()).start
    assert totals[("programme:m1:feed", start)] == (0, 3, 3)  # delivered, merit, reach
