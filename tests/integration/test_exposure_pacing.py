"""Pacing across server processes: two exposure services on one database count as one.

Each server process of ``serve --workers N`` ranks with its own ``Exposure``; they share their
counts through the ``exposure_counters`` table. Two contexts here stand for two processes: each
has its own hub (plan, pacer, baseline), and only the database connects them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from aftersales.bootstrap import bootstrap
from aftersales.config import Settings
from aftersales.domain.actors import Actor, Role
from aftersales.domain.clock import ManualClock
from aftersales.exposure import Candidates, Impression, RankRequest
from aftersales.services import recalls
from aftersales.services.context import Context
from aftersales.services.exposure_refresh import refresh
from aftersales.services.exposure_serving import (
    rank,
    record_impressions,
    refresh_serving,
    sync_counts,
)
from aftersales.services.exposure_tiers import cycle_at
from aftersales.services.programme import Enrol, enrol_merchant
from tests.exposure_support import add_products, use_tiers
from tests.support import INTEGRATION, Market

KEY = "programme:m1:search"


@pytest.fixture
def tiers(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    return use_tiers(monkeypatch, {"m1": "good", "m2": "standard"})


@pytest.fixture
def other(db_url: str, tmp_path: Path, clock: ManualClock) -> Iterator[Context]:
    """A second server process on the same database: its own context, hub and plan."""
    settings = Settings(env="test", data_dir=tmp_path, database_url=db_url)
    second = bootstrap(settings, clock=clock, schema="as_is")
    yield second
    second.close()


@pytest.fixture
def crowd(ctx: Context, market: Market) -> list[str]:
    return add_products(ctx, "m2", 6)


def request(crowd: list[str], p1: float, k: int = 3) -> RankRequest:
    """p1 of m1 at score ``p1`` among m2's products at 0.9, 0.85, 0.8, 0.7."""
    ids = ["p1", *crowd[:4]]
    scores = [p1, 0.9, 0.85, 0.8, 0.7]
    return RankRequest("search", "u1", Candidates(ids, ["m1"] + ["m2"] * 4, scores), k)


ON_MERIT, MARGIN = 0.95, 0.79  # p1 in the top 3 on its merits; p1 just below the third


def shown(ctx: Context, req: RankRequest) -> list[str]:
    return [i.item_id for i in rank(ctx, INTEGRATION, req).items]


def counts(ctx: Context) -> tuple[int, int, int]:
    with ctx.uow(read_only=True) as uow:
        totals = uow.exposure.live_counts(ctx.clock.now())
    return totals.get((KEY, cycle_at(ctx.clock.now()).start), (0, 0, 0))


@pytest.fixture
def enrolled(ctx: Context, other: Context, tiers: dict[str, str], crowd: list[str]) -> None:
    enrol_merchant(ctx, Actor(Role.MERCHANT_AGENT, "m1"), Enrol("store"))
    refresh(ctx)  # the recording refresh, in one process
    refresh_serving(other)  # the other builds its own plan from the database


def test_merit_counted_by_one_process_earns_the_boost_in_the_other(
    ctx: Context, other: Context, enrolled: None, crowd: list[str]
) -> None:
    before = shown(other, request(crowd, MARGIN))
    for _ in range(10):
        shown(ctx, request(crowd, ON_MERIT))  # merit: p1 in the unboosted top 3, ten times

    sync_counts(ctx)
    sync_counts(other)
    after = shown(other, request(crowd, MARGIN))

    assert "p1" not in before
    assert "p1" in after  # owed 1.1 x 10 merit impressions, none delivered: the boost is on
    assert other.exposure.exposure.pacer.snapshot()[KEY][:2] == (0, 10)


def test_impressions_recorded_by_one_process_stop_the_boost_in_the_other(
    ctx: Context, other: Context, enrolled: None, crowd: list[str]
) -> None:
    for _ in range(10):
        shown(ctx, request(crowd, ON_MERIT))
    sync_counts(ctx)
    sync_counts(other)
    assert "p1" in shown(other, request(crowd, MARGIN))

    shown_p1 = [Impression("p1", "m1")] * 11  # the promise: floor(1.1 x 10) = 11
    assert record_impressions(ctx, INTEGRATION, "search", shown_p1) == 11
    sync_counts(ctx)
    sync_counts(other)

    assert "p1" not in shown(other, request(crowd, MARGIN))  # met: no overshoot anywhere
    assert counts(ctx)[:2] == (11, 10)


def test_concurrent_processes_add_every_count_exactly_once(
    ctx: Context, other: Context, enrolled: None, crowd: list[str]
) -> None:
    rounds, errors = 30, []

    def serve(process: Context) -> None:
        try:
            for n in range(rounds):
                shown(process, request(crowd, ON_MERIT))
                record_impressions(process, INTEGRATION, "search", [Impression("p1", "m1")])
                if n % 3 == 0:
                    sync_counts(process)
        except Exception as exc:  # reported below, with the thread's context lost otherwise
            errors.append(exc)

    threads = [threading.Thread(target=serve, args=(p,)) for p in (ctx, other, ctx, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for process in (ctx, other, ctx):
        sync_counts(process)

    assert errors == []
    delivered, merit, _ = counts(ctx)
    assert (delivered, merit) == (4 * rounds, 4 * rounds)
    for process in (ctx, other):  # and each process now sees the same totals
        assert process.exposure.exposure.pacer.snapshot()[KEY][:2] == (4 * rounds, 4 * rounds)


def test_a_hold_placed_anywhere_is_respected_by_every_process_after_one_sync(
    ctx: Context, other: Context, enrolled: None, crowd: list[str]
) -> None:
    assert "p1" in shown(other, request(crowd, ON_MERIT))

    recalls.open_review(ctx, Actor(Role.OPERATOR, "op1"), recalls.OpenReview("smoke", "p1"))
    sync_counts(other)

    result = rank(other, INTEGRATION, request(crowd, ON_MERIT))
    assert "p1" not in [i.item_id for i in result.items] and result.held_out == 1


def test_a_penalty_reaches_every_process_at_its_next_refresh(
    ctx: Context, other: Context, enrolled: None, crowd: list[str], tiers: dict[str, str]
) -> None:
    for _ in range(10):
        shown(ctx, request(crowd, ON_MERIT))
    sync_counts(ctx)
    sync_counts(other)
    assert "p1" in shown(other, request(crowd, MARGIN))

    tiers["m1"] = "watch"
    refresh_serving(other)

    assert "p1" not in shown(other, request(crowd, MARGIN))
    watched = rank(other, INTEGRATION, request(crowd, ON_MERIT))
    assert [i.reasons for i in watched.items if i.item_id == "p1"] == [("boost_withheld",)]


def test_a_target_that_ends_and_comes_back_takes_up_the_shared_counts_again(
    ctx: Context, other: Context, enrolled: None, crowd: list[str], tiers: dict[str, str]
) -> None:
    for _ in range(4):
        shown(other, request(crowd, ON_MERIT))
    sync_counts(other)

    tiers["m1"] = "watch"
    refresh(ctx)  # the boost ends (and the enrolment with it)
    refresh_serving(other)
    tiers["m1"] = "good"
    enrol_merchant(ctx, Actor(Role.MERCHANT_AGENT, "m1"), Enrol("store"))
    refresh(ctx)
    refresh_serving(other)  # the same target, same cycle: its counts are in the database
    sync_counts(other)
    sync_counts(ctx)

    assert counts(ctx)[:2] == (0, 4)
    for process in (ctx, other):
        assert process.exposure.exposure.pacer.snapshot()[KEY][:2] == (0, 4)
