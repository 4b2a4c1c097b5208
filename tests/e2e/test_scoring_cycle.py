"""Assessment cycles end to end, on SQLite and PostgreSQL: run, read, revise, appeal, refuse.

The month of business (tests/scoring_support.py) is made through the real use cases; the cycle
reads it back from the operational tables, aggregates it on DuckDB and stores the scorecards.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError

from aftersales.domain.actors import Actor, Role
from aftersales.domain.clock import ManualClock
from aftersales.errors import InvalidTransition, PermissionDenied, ValidationFailed
from aftersales.services import cycles
from aftersales.services.context import Context
from aftersales.store.db import make_engine
from aftersales.store.tables import scorecards, tier_events
from tests.scoring_support import month_of_business
from tests.support import Market, Storage, assert_problem

OPERATOR = Actor(Role.OPERATOR, "ana")
PLACED = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
DECEMBER = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def business(ctx: Context, clock: ManualClock, market: Market) -> dict[str, list[str]]:
    found = month_of_business(ctx, clock, PLACED)
    clock.set(DECEMBER)
    return found


def _card(client: TestClient, market: Market, who: str, merchant: str, **params: str) -> dict:
    response = client.get(
        f"/api/v1/merchants/{merchant}/scorecard", params=params, headers=market.auth(who)
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a_cycle_scores_the_careful_merchant_above_the_careless_one(
    ctx: Context, client: TestClient, market: Market, business: dict[str, list[str]]
) -> None:
    run = cycles.run_cycle(ctx, OPERATOR, "2026-11")

    m1 = _card(client, market, "m1", "m1", period="2026-11")
    m2 = _card(client, market, "operator", "m2")
    assert (run.cycle.period, run.cycle.revision) == ("2026-11", 1)
    assert m1["cycle"]["id"] == run.cycle.id == m2["cycle"]["id"]
    assert m1["score"] > m2["score"]
    figures = {f["metric"]: f for f in m2["figures"]}
    late = figures["first_response"]
    assert (late["trials"], late["events"]) == (4.0, 0.0)  # four deadlines due, none met
    assert late["low"] <= late["estimate"] <= late["high"]
    assert figures["satisfaction"]["raw"] == 0.0
    assert {f["metric"]: f["raw"] for f in m1["figures"]}["satisfaction"] == 1.0
    assert m1["explanation"]["en"].startswith("Score") and "得分" in m1["explanation"]["zh"]
    assert m1["tier"] == "standard"  # a first cycle never promotes: two must agree
    assert m1["programme"] is None  # a named period shows that period's card alone
    now = _card(client, market, "m1", "m1")["programme"]
    assert (now["merchant_id"], now["tier"], now["eligible"]) == ("m1", "standard", False)
    assert now["reason"]["en"] and now["reason"]["zh"]


def test_a_merchant_without_enough_orders_gets_an_explicit_tier_and_no_score(
    ctx: Context, client: TestClient, market: Market, business: dict[str, list[str]]
) -> None:
    cycles.run_cycle(ctx, OPERATOR, "2026-11")

    # m1 and m2 only; the market's own orders of late October fall in the window too. A
    # merchant with no order in the window still gets its card.
    listing = client.get(
        "/api/v1/scorecards", params={"period": "2026-11"}, headers=market.auth("auditor")
    )
    assert listing.status_code == 200, listing.text
    assert {c["merchant_id"] for c in listing.json()["items"]} == {"m1", "m2"}
    everyone = client.get("/api/v1/scorecards", headers=market.auth("operator")).json()["items"]
    assert all(c["score"] is None or 0 <= c["score"] <= 100 for c in everyone)


def test_a_finished_cycle_is_immutable_and_a_revision_needs_a_reason(
    ctx: Context, business: dict[str, list[str]], db_url: str
) -> None:
    first = cycles.run_cycle(ctx, OPERATOR, "2026-11")

    with pytest.raises(InvalidTransition, match="give a reason"):
        cycles.run_cycle(ctx, OPERATOR, "2026-11")
    second = cycles.run_cycle(ctx, OPERATOR, "2026-11", reason="late arbitration data")

    assert (second.cycle.revision, second.cycle.reason) == (2, "late arbitration data")
    assert second.cycle.parameters_digest == first.cycle.parameters_digest
    engine = make_engine(db_url)
    try:
        for statement in (
            update(scorecards).values(tier="excellent"),
            text("DELETE FROM scoring_cycles"),
            update(tier_events).values(tier_after="excellent"),
        ):
            with pytest.raises(DBAPIError, match="immutable"), engine.begin() as conn:
                conn.execute(statement)
    finally:
        engine.dispose()


def test_tier_changes_are_recorded_as_events_and_in_the_evidence_log(
    ctx: Context, business: dict[str, list[str]], storage: Storage
) -> None:
    run = cycles.run_cycle(ctx, OPERATOR, "2026-11")

    stored = storage.snapshot()
    changes = [r for r in stored["tier_events"] if r[1] in ("m1", "m2")]
    kinds = [row[3] for row in stored["ledger_entries"]]
    assert run.changes == len(stored["tier_events"]) >= 2
    assert {(r[4], r[5]) for r in changes} == {("not_enough_data", "standard")}
    assert kinds.count(cycles.TIER_CHANGE) == run.changes


def test_an_accepted_appeal_takes_the_case_out_of_the_next_revision(
    ctx: Context, client: TestClient, market: Market, business: dict[str, list[str]]
) -> None:
    cycles.run_cycle(ctx, OPERATOR, "2026-11")
    case_id = business["m2"][0]
    body = {"case_id": case_id, "reason": "the courier lost the parcel, not us"}

    others = client.post("/api/v1/appeals", json=body, headers=market.auth("m1"))
    filed = client.post("/api/v1/appeals", json=body, headers=market.auth("m2"))
    again = client.post("/api/v1/appeals", json=body, headers=market.auth("m2"))
    assert_problem(others, 404, "not_found")
    assert filed.status_code == 201, filed.text
    assert_problem(again, 409, "concurrent_update")
    appeal = filed.json()
    accept = {"reason": "the tracking shows the loss in transit"}
    url = f"/api/v1/appeals/{appeal['id']}/accept"
    assert_problem(
        client.post(url, json=accept, headers=market.auth("m2")), 403, "permission_denied"
    )
    accepted = client.post(url, json=accept, headers=market.auth("operator"))
    assert accepted.json()["state"] == "accepted"
    assert_problem(
        client.post(url, json=accept, headers=market.auth("operator")), 409, "invalid_transition"
    )
    before = _card(client, market, "m2", "m2")

    cycles.run_cycle(ctx, OPERATOR, "2026-11", reason="appeal accepted")

    after = _card(client, market, "m2", "m2")
    assert after["excluded"] == [{"case_id": case_id, "reason": accept["reason"]}]
    trials = {f["metric"]: f["trials"] for f in after["figures"]}
    assert trials["first_response"] == 3.0
    assert {f["metric"]: f["trials"] for f in before["figures"]}["first_response"] == 4.0
    assert "appeal" in after["explanation"]["en"] and "申诉" in after["explanation"]["zh"]
    mine = client.get("/api/v1/appeals", headers=market.auth("m2")).json()["items"]
    theirs = client.get("/api/v1/appeals", headers=market.auth("m1")).json()["items"]
    assert [a["id"] for a in mine] == [appeal["id"]] and theirs == []


def test_a_merchant_reads_only_its_own_scorecard(
    ctx: Context, client: TestClient, market: Market, business: dict[str, list[str]]
) -> None:
    cycles.run_cycle(ctx, OPERATOR, "2026-11")

    def answer(who: str, merchant: str) -> int:
        url = f"/api/v1/merchants/{merchant}/scorecard"
        return client.get(url, headers=market.auth(who)).status_code

    assert {who: answer(who, "m1") for who in ("m1", "m2", "operator", "auditor", "c1")} == {
        "m1": 200,
        "m2": 404,
        "operator": 200,
        "auditor": 200,
        "c1": 403,
    }
    assert answer("m1", "m404") == 404
    listing = client.get("/api/v1/scorecards", headers=market.auth("m1"))
    assert_problem(listing, 403, "permission_denied")


def test_bad_periods_are_refused_with_a_clear_error_and_nothing_stored(
    ctx: Context,
    client: TestClient,
    market: Market,
    business: dict[str, list[str]],
    storage: Storage,
) -> None:
    before = storage.snapshot()
    problems = {}
    for period in ("2026-12", "2027-03", "2025-01", "2026-13", "26-11"):
        try:
            cycles.run_cycle(ctx, OPERATOR, period)
        except ValidationFailed as error:
            problems[period] = error.detail
    with pytest.raises(PermissionDenied):
        cycles.run_cycle(ctx, Actor(Role.MERCHANT_AGENT, "m1"), "2026-11")

    assert set(problems) == {"2026-12", "2027-03", "2025-01", "2026-13", "26-11"}
    assert "still open" in problems["2026-12"] and "future" in problems["2027-03"]
    assert "no orders" in problems["2025-01"] and "YYYY-MM" in problems["2026-13"]
    assert storage.snapshot() == before
    missing = client.get(
        "/api/v1/merchants/m1/scorecard", params={"period": "2026-10"}, headers=market.auth("m1")
    )
    assert_problem(missing, 404, "not_found")
    bad = client.get(
        "/api/v1/scorecards", params={"period": "november"}, headers=market.auth("operator")
    )
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"


def test_the_weekly_check_lowers_no_careful_merchant_and_raises_no_one(
    ctx: Context, business: dict[str, list[str]]
) -> None:
    cycles.run_cycle(ctx, OPERATOR, "2026-11")

    weekly = cycles.run_weekly(ctx, OPERATOR, "2026-W48")

    with ctx.uow(read_only=True) as uow:
        tiers = cycles.tiers_in_force(uow, ["m1", "m2"], at=DECEMBER)
    assert weekly.cycle.kind == "weekly"
    assert tiers["m1"] == "standard"
    assert tiers["m2"] in ("standard", "watch", "restricted")


def test_the_cycle_and_the_weekly_check_score_with_the_collector_held_back(
    ctx: Context, business: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, tuple[int, int, int]] = {}

    def watching(name: str, score: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            seen[name] = gc.get_threshold()
            return score(*args, **kwargs)

        return wrapped

    monkeypatch.setattr(cycles, "score_cycle", watching("monthly", cycles.score_cycle))
    monkeypatch.setattr(cycles, "weekly_check", watching("weekly", cycles.weekly_check))
    before = gc.get_threshold()

    cycles.run_cycle(ctx, OPERATOR, "2026-11")
    cycles.run_weekly(ctx, OPERATOR, "2026-W48")

    assert seen["monthly"][0] == seen["weekly"][0] == 50_000  # tens of thousands of cards
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_serve_runs_the_last_closed_month_and_week_once(
    ctx: Context, business: dict[str, list[str]], clock: ManualClock
) -> None:
    clock.set(DECEMBER + timedelta(days=1))

    first = cycles.run_due(ctx)
    second = cycles.run_due(ctx)

    assert sorted(r.cycle.kind for r in first) == ["monthly", "weekly"]
    assert {r.cycle.computed_by for r in first} == {"system:cycles"}  # the calendar, not the SLA
    assert second == []
