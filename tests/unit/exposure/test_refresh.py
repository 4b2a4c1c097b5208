"""Serving refreshes: what each merchant is owed, the events of every change, and penalties that
take effect within one refresh."""

from __future__ import annotations

import json
from datetime import timedelta

import numpy as np
import pytest

from aftersales.errors import ValidationFailed
from aftersales.exposure import (
    EventKind,
    Exposure,
    ExposureConfig,
    Penalty,
    Reason,
    Slot,
    Stage,
    TargetKind,
    build_plan,
    enrol,
    penalty_for,
)
from aftersales.scoring import Tier

from .builders import NOON_DAY, OWNERS, T0, TIERS, inputs, item, pool, request, store

LATER = T0 + timedelta(days=8)


def kinds(events: tuple[object, ...], merchant: str) -> list[EventKind]:
    return [e.kind for e in events if e.subject == f"merchant:{merchant}"]  # type: ignore[attr-defined]


def test_penalties_follow_the_tier() -> None:
    assert penalty_for(Tier.WATCH) is Penalty.NO_BOOST
    assert penalty_for(Tier.RESTRICTED) is Penalty.THROTTLED
    for tier in (Tier.EXCELLENT, Tier.GOOD, Tier.STANDARD, Tier.NOT_ENOUGH_DATA):
        assert penalty_for(tier) is Penalty.NONE


def test_the_first_refresh_records_every_standing_decision() -> None:
    ex = Exposure()
    events = ex.refresh(inputs(enrolments=[pool("m_good", 3)]), at=T0)
    assert kinds(events, "m_good") == [EventKind.ELIGIBILITY_GAINED, EventKind.BOOST_STARTED]
    assert kinds(events, "m_exc") == [EventKind.ELIGIBILITY_GAINED]
    assert kinds(events, "m_std") == []
    assert kinds(events, "m_watch") == [EventKind.BOOSTS_WITHHELD]
    assert kinds(events, "m_restr") == [EventKind.THROTTLE_APPLIED]
    started = next(e for e in events if e.kind is EventKind.BOOST_STARTED)
    assert started.data["weights"] == {"feed": 1.15, "mini_detail": 1.25, "search": 1.1}
    assert "pool of 3 products" in started.reason.en and started.reason.zh
    json.dumps([e.encode() for e in events], ensure_ascii=False)  # ready to store


def test_a_merchant_that_drops_to_watch_loses_its_boost_at_the_next_refresh() -> None:
    config = ExposureConfig(relevance_floor=0.0)
    ex = Exposure(config)
    ex.refresh(inputs(enrolments=[store("m_good")]), at=T0)
    i = ex.pacer.index("programme:m_good:search")
    assert i is not None
    ex.pacer.note_merit(np.full(20, i, dtype=np.int64), NOON_DAY.timestamp())
    crowd = {f"p_std_{n}": 0.9 - n / 100 for n in range(10)} | {"p_good_3": 0.8}
    before = ex.rank(request(crowd), now=NOON_DAY)
    assert Reason.PROGRAMME_BOOST in {r for it in before.items for r in it.reasons}

    events = ex.refresh(
        inputs(tiers=TIERS | {"m_good": Tier.WATCH}, enrolments=[store("m_good")]), at=NOON_DAY
    )
    assert kinds(events, "m_good") == [
        EventKind.ELIGIBILITY_LOST,
        EventKind.BOOSTS_WITHHELD,
        EventKind.BOOST_ENDED,
    ]
    ended = next(e for e in events if e.kind is EventKind.BOOST_ENDED)
    assert "Tier dropped from good to watch" in ended.reason.en and ended.reason.zh
    assert ended.data["slots"] == ["feed", "mini_detail", "search"]
    after = ex.rank(request(crowd), now=NOON_DAY)
    assert "p_good_3" not in {it.item_id for it in after.items}
    assert ex.status("m_good").weights == {} and "no programme or content boost" in (
        ex.status("m_good").reason.en
    )


def test_a_restricted_merchant_is_throttled_at_the_next_refresh_and_released_after() -> None:
    ex = Exposure()
    ex.refresh(inputs(), at=T0)
    assert ex.rank(request({"p_std_0": 0.8}), now=NOON_DAY).items[0].item_id == "p_std_0"
    down = ex.refresh(inputs(tiers=TIERS | {"m_std": Tier.RESTRICTED}), at=NOON_DAY)
    assert kinds(down, "m_std") == [EventKind.THROTTLE_APPLIED]
    assert "exposure throttled to 50%" in down[0].reason.en
    first = ex.rank(request({"p_std_0": 0.8}), now=NOON_DAY)  # half a place earned: not yet
    assert first.items == () and first.throttled_out == 1
    second = ex.rank(request({"p_std_0": 0.8}), now=NOON_DAY)  # a whole place: shown
    assert [it.reasons for it in second.items] == [(Reason.THROTTLED,)]
    up = ex.refresh(inputs(), at=LATER)
    assert kinds(up, "m_std") == [EventKind.THROTTLE_LIFTED]
    assert not any(t.key.startswith("throttle:m_std") for t in ex.plan.targets)


def test_a_merchant_back_from_watch_is_told_its_boosts_apply_again() -> None:
    ex = Exposure()
    ex.refresh(inputs(), at=T0)
    events = ex.refresh(inputs(tiers=TIERS | {"m_watch": Tier.STANDARD}), at=LATER)
    assert kinds(events, "m_watch") == [EventKind.BOOSTS_RESTORED]


def test_a_new_cycle_without_enrolment_ends_the_boost_with_that_reason() -> None:
    ex = Exposure()
    ex.refresh(inputs(enrolments=[store("m_exc")]), at=T0)
    nxt = inputs()
    events = ex.refresh(
        type(nxt)(**{**{f: getattr(nxt, f) for f in nxt.__slots__}, "cycle_id": "c2"}), at=LATER
    )
    ended = [e for e in events if e.kind is EventKind.BOOST_ENDED]
    assert len(ended) == 1 and "No enrolment for cycle c2" in ended[0].reason.en


@pytest.mark.parametrize(
    ("merchant", "enrolled", "words"),
    [
        ("m_good", True, "3 products gets its exposure on merit multiplied by 1.10 in search"),
        ("m_exc", False, "enrol a pool of up to 30 products or the whole store"),
        ("m_std", False, "takes excellent and good merchants"),
        ("m_watch", False, "no programme or content boost until the tier recovers"),
        ("m_restr", False, "exposure throttled to 50% of what the products earn on merit"),
        ("m_unknown", False, "Tier not enough data"),
    ],
)
def test_every_merchant_sees_its_status_and_the_reason(
    merchant: str, enrolled: bool, words: str
) -> None:
    ex = Exposure()
    ex.refresh(inputs(enrolments=[pool("m_good", 3)] if enrolled else []), at=T0)
    status = ex.status(merchant)
    assert words in status.reason.en and status.reason.zh
    assert bool(status.weights) is enrolled


def test_an_enrolment_of_a_merchant_no_longer_eligible_boosts_nothing() -> None:
    e, _ = enrol(
        merchant_id="m_std", cycle_id="c1", tier=Tier.GOOD, mode="store", owners=OWNERS, at=T0
    )
    plan, _ = build_plan(inputs(enrolments=[e]), at=T0)
    assert not [t for t in plan.targets if t.merchant_id == "m_std"]
    assert plan.status("m_std").enrolment == e


def test_only_unpenalised_content_with_a_quota_gets_a_ladder_target() -> None:
    content = [
        item("c1", "m_std", Stage.AMPLIFICATION_POOL),
        item("c2", "m_std", Stage.ORGANIC),
        item("c3", "m_restr", Stage.BOOST),
        item("c4", "m_watch", Stage.COLD_START),
    ]
    plan, _ = build_plan(inputs(content=content), at=T0)
    ladder = [t for t in plan.targets if t.kind is TargetKind.LADDER]
    assert [t.key for t in ladder] == ["ladder:c1"]
    assert ladder[0].goal == 30_000 and ladder[0].slots == {Slot.FEED, Slot.SEARCH}
    assert plan.amplified == ("c1",)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"enrolments": [pool("m_good", 3), store("m_good")]}, "two enrolments in one cycle"),
        ({"cycle_end": T0 - timedelta(days=1)}, "ends before it starts"),
        ({"day_start": None, "content": [item("c1", "m_std", Stage.BOOST)]}, "quota day"),
    ],
)
def test_inconsistent_refresh_inputs_are_refused(change: dict[str, object], message: str) -> None:
    base = inputs()
    fields = {f: getattr(base, f) for f in base.__slots__} | change
    with pytest.raises(ValidationFailed, match=message):
        build_plan(type(base)(**fields), at=T0)  # type: ignore[arg-type]


def test_an_enrolment_for_another_cycle_is_refused() -> None:
    e, _ = enrol(
        merchant_id="m_good", cycle_id="c0", tier=Tier.GOOD, mode="store", owners=OWNERS, at=T0
    )
    with pytest.raises(ValidationFailed, match="is for cycle c0, not c1"):
        build_plan(inputs(enrolments=[e]), at=T0)
