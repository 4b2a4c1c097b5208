"""The quality-merchant programme through the API and the CLI: enrolment, the 30-product pool,
eligibility, status, and the boost ending within one refresh when the tier drops."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aftersales.domain.clock import ManualClock
from aftersales.services.context import Context
from tests.exposure_support import (
    API,
    ExposureCli,
    add_products,
    store_monthly_cycle,
    use_tiers,
)
from tests.support import Market, Storage, assert_problem, outcome


@pytest.fixture
def tiers(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    return use_tiers(monkeypatch, {"m1": "good", "m2": "excellent"})


@pytest.fixture
def pool(ctx: Context, market: Market) -> list[str]:
    """31 more products of m1."""
    return add_products(ctx, "m1", 31)


def enrol(client: TestClient, market: Market, who: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}/programme/enrolments", json=body, headers=market.auth(who))


def test_a_good_merchant_enrols_a_pool_and_sees_its_boost_and_the_reason(
    client: TestClient, market: Market, tiers: dict[str, str], pool: list[str]
) -> None:
    made = enrol(client, market, "m1", {"mode": "pool", "product_ids": ["p1", pool[0]]})

    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["merchant_id"], body["mode"], body["tier"]) == ("m1", "pool", "good")
    assert body["product_ids"] == sorted(["p1", pool[0]])
    assert body["cycle"]["id"] == "2026-11" and body["ended_at"] is None
    status = client.get(f"{API}/merchants/m1/programme", headers=market.auth("m1")).json()
    assert (status["tier"], status["eligible"], status["penalty"]) == ("good", True, "none")
    assert status["boost"] == {"feed": 1.15, "mini_detail": 1.25, "search": 1.1}
    assert "a targeted pool of 2 products" in status["reason"]["en"]
    assert "定向商品池 2 件" in status["reason"]["zh"]
    assert status["enrolment"]["id"] == body["id"]
    assert [n["kind"] for n in status["notices"]] == ["enrolled"]


def test_the_status_is_the_merchants_operators_and_auditors_to_read(
    client: TestClient, market: Market, tiers: dict[str, str]
) -> None:
    def read(who: str, merchant: str = "m1") -> str:
        path = f"{API}/merchants/{merchant}/programme"
        return outcome(client.get(path, headers=market.auth(who)))

    assert {who: read(who) for who in ("m1", "operator", "auditor")} == dict.fromkeys(
        ("m1", "operator", "auditor"), "200"
    )
    assert read("m2") == "404 not_found"  # another merchant's status does not exist for m2
    assert read("operator", "m404") == "404 not_found"
    assert read("c1") == "403 permission_denied"
    assert read("integration") == "403 permission_denied"


def test_refused_enrolments_say_why_and_change_nothing(
    client: TestClient,
    market: Market,
    tiers: dict[str, str],
    pool: list[str],
    storage: Storage,
) -> None:
    before = storage.snapshot()
    cases = {
        "31 products": ("m1", {"mode": "pool", "product_ids": pool}),
        "another merchant's product": ("m1", {"mode": "pool", "product_ids": ["p1", "p2"]}),
        "unknown product": ("m1", {"mode": "pool", "product_ids": ["p404"]}),
        "a product twice": ("m1", {"mode": "pool", "product_ids": ["p1", "p1"]}),
        "an empty pool": ("m1", {"mode": "pool", "product_ids": []}),
        "products with the store": ("m1", {"mode": "store", "product_ids": ["p1"]}),
        "unknown mode": ("m1", {"mode": "half"}),
        "unknown field": ("m1", {"mode": "store", "cycle": "2026-12"}),
        "an operator": ("operator", {"mode": "store"}),
        "the integration": ("integration", {"mode": "store"}),
    }
    answers = {name: enrol(client, market, who, body) for name, (who, body) in cases.items()}
    tiers["m1"] = "standard"
    answers["tier standard"] = enrol(client, market, "m1", {"mode": "store"})
    tiers["m1"] = "restricted"
    answers["tier restricted"] = enrol(client, market, "m1", {"mode": "store"})

    assert {name: outcome(a) for name, a in answers.items()} == {
        "31 products": "422 validation_failed",
        "another merchant's product": "404 not_found",
        "unknown product": "404 not_found",
        "a product twice": "422 validation_failed",
        "an empty pool": "422 validation_failed",
        "products with the store": "422 validation_failed",
        "unknown mode": "422 validation_failed",
        "unknown field": "422 validation_failed",
        "an operator": "403 permission_denied",
        "the integration": "403 permission_denied",
        "tier standard": "409 programme_not_eligible",
        "tier restricted": "409 programme_not_eligible",
    }
    assert "at most 30 products, got 31" in answers["31 products"].json()["detail"]
    # Another merchant's product is answered as an unknown one: no other tenant's id confirmed.
    foreign, unknown = answers["another merchant's product"], answers["unknown product"]
    assert foreign.json()["detail"] == "product p2 not found among your products"
    assert unknown.json()["detail"] == "product p404 not found among your products"
    refused = answers["tier restricted"].json()
    assert "restricted" in refused["detail"] and "excellent and good" in refused["detail"]
    assert storage.snapshot() == before


def test_thirty_products_are_a_pool_and_a_second_enrolment_replaces_the_first(
    client: TestClient, market: Market, tiers: dict[str, str], pool: list[str]
) -> None:
    first = enrol(client, market, "m1", {"mode": "pool", "product_ids": pool[:30]})
    second = enrol(client, market, "m1", {"mode": "store"})

    assert (first.status_code, second.status_code) == (201, 201), second.text
    status = client.get(f"{API}/merchants/m1/programme", headers=market.auth("m1")).json()
    assert status["enrolment"]["id"] == second.json()["id"]
    assert "the whole store" in status["reason"]["en"]
    events = client.get(f"{API}/exposure/events?kind=enrolled", headers=market.auth("m1"))
    assert [e["data"]["mode"] for e in events.json()["items"]] == ["store", "pool"]


def test_an_enrolment_with_an_idempotency_key_is_made_once(
    client: TestClient, market: Market, tiers: dict[str, str]
) -> None:
    headers = market.auth("m1") | {"Idempotency-Key": "enrol-1"}
    body = {"mode": "store"}
    first = client.post(f"{API}/programme/enrolments", json=body, headers=headers)
    again = client.post(f"{API}/programme/enrolments", json=body, headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["id"] == first.json()["id"]
    events = client.get(f"{API}/exposure/events?kind=enrolled", headers=market.auth("operator"))
    assert len(events.json()["items"]) == 1


def test_a_tier_drop_ends_the_boost_at_the_next_refresh_with_the_reason(
    client: TestClient,
    market: Market,
    tiers: dict[str, str],
    clock: ManualClock,
    ctx: Context,
    db_url: str,
    tmp_path: Path,
) -> None:
    clock.set(datetime.now(UTC))  # the command line keeps the system clock: share its cycle
    cli = ExposureCli(db_url, tmp_path)
    enrolled = enrol(client, market, "m1", {"mode": "store"}).json()

    first = cli("exposure", "refresh", "--verbose")
    tiers["m1"] = "watch"  # the weekly check constrains m1
    dropped = cli("exposure", "refresh", "--verbose")
    again = cli("exposure", "refresh")
    status = cli("programme", "status", "--merchant", "m1")

    assert first.exit_code == 0, first.output
    assert "merchant:m1 eligibility_gained" in first.stdout
    assert "merchant:m1 boost_started" in first.stdout
    assert dropped.exit_code == 0, dropped.output
    lines = [ln for ln in dropped.stdout.splitlines() if "merchant:m1" in ln]
    assert [ln.split(":")[1].split()[1] for ln in lines] == [
        "eligibility_lost",
        "boosts_withheld",
        "boost_ended",
    ]
    assert "Tier dropped from good to watch: the boost ended at this serving refresh" in lines[2]
    assert "1 enrolment(s) ended" in dropped.stdout
    assert again.stdout.startswith("0 decision(s) recorded, 0 enrolment(s) ended")
    assert "tier: watch; eligible: no" in status.stdout
    assert "boost: none" in status.stdout and "enrolment:" not in status.stdout
    read = client.get(f"{API}/merchants/m1/programme", headers=market.auth("m1")).json()
    assert read["enrolment"] is None and read["penalty"] == "no_boost"
    assert read["notices"][0]["kind"] == "boost_ended"
    assert "观察" in read["notices"][0]["reason"]["zh"]
    with ctx.uow(read_only=True) as uow:
        ended = uow.programme.latest("m1")[0]
        logged = [json.loads(e.body) for e in uow.ledger.entries_about("merchant:m1")]
    assert ended.id == enrolled["id"] and ended.ended_at is not None
    assert ended.end_reason is not None and "Tier dropped" in ended.end_reason.en
    assert [e["record"]["decision"] for e in logged] == [
        "eligibility_gained",
        "boost_started",
        "eligibility_lost",
        "boosts_withheld",
        "boost_ended",
    ]
    assert logged[1]["record"]["data"]["weights"] == {
        "feed": "1.15",
        "mini_detail": "1.25",
        "search": "1.1",
    }


def test_a_merchant_reads_only_its_own_decisions(
    client: TestClient, market: Market, tiers: dict[str, str]
) -> None:
    assert enrol(client, market, "m1", {"mode": "store"}).status_code == 201
    assert enrol(client, market, "m2", {"mode": "store"}).status_code == 201

    def subjects(who: str, query: str = "") -> list[str]:
        answer = client.get(f"{API}/exposure/events{query}", headers=market.auth(who))
        assert answer.status_code == 200, answer.text
        return [e["subject"] for e in answer.json()["items"]]

    assert subjects("m1") == ["merchant:m1"]
    assert subjects("m1", "?merchant_id=m2") == []
    assert sorted(subjects("auditor")) == ["merchant:m1", "merchant:m2"]
    assert subjects("operator", "?merchant_id=m2") == ["merchant:m2"]
    bad = client.get(f"{API}/exposure/events?cursor=x", headers=market.auth("operator"))
    assert_problem(bad, 422, "validation_failed")
    refused = client.get(f"{API}/exposure/events", headers=market.auth("c1"))
    assert_problem(refused, 403, "permission_denied")


def test_the_tiers_in_force_are_read_from_the_stored_scorecards(
    client: TestClient, market: Market, ctx: Context
) -> None:
    store_monthly_cycle(ctx, "2026-10", {"m1": "good", "m2": "restricted"})

    good = enrol(client, market, "m1", {"mode": "store"})
    restricted = enrol(client, market, "m2", {"mode": "store"})
    status = client.get(f"{API}/merchants/m2/programme", headers=market.auth("m2")).json()

    assert good.status_code == 201, good.text
    assert good.json()["tier"] == "good"
    assert_problem(restricted, 409, "programme_not_eligible")
    assert (status["tier"], status["penalty"], status["exposure_share"]) == (
        "restricted",
        "throttled",
        0.5,
    )


def test_a_refusal_the_domain_words_in_both_languages_answers_in_the_one_asked_for(
    client: TestClient, market: Market, ctx: Context
) -> None:
    store_monthly_cycle(ctx, "2026-10", {"m1": "good", "m2": "restricted"})
    url = f"{API}/programme/enrolments"
    asked = {
        lang: client.post(
            url, json={"mode": "store"}, headers=market.auth("m2") | {"Accept-Language": lang}
        )
        for lang in ("zh-CN,zh;q=0.9,en;q=0.5", "en-GB", "fr")
    }

    for answer in asked.values():
        assert_problem(answer, 409, "programme_not_eligible")
    chinese, english, other = (a.json() for a in asked.values())
    assert chinese["details"] == english["details"]
    assert chinese["detail"] == chinese["details"]["zh"] != english["detail"]
    assert english["detail"] == english["details"]["en"] == other["detail"]  # English otherwise
