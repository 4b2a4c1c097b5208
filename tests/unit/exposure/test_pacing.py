"""Pacing: even delivery, no overshoot from the boost, and infeasible promises reported."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from aftersales.exposure import (
    EventKind,
    Impression,
    Pacer,
    PaceState,
    Slot,
    Stage,
    Target,
    TargetKind,
)

from .builders import NOON_DAY, T0, exposure, item, pool

START = datetime(2026, 12, 1, tzinfo=UTC)
END = START + timedelta(seconds=1_000)
NOW = START + timedelta(seconds=500)


def quota(goal: int, key: str = "ladder:c1", start: datetime = START) -> Target:
    period = (start, start + timedelta(seconds=1_000))
    return Target(key, TargetKind.LADDER, "c1", "m", frozenset({Slot.FEED}), *period, goal=goal)


def weighted(weight: float) -> Target:
    slots = frozenset({Slot.FEED})
    return Target(
        "programme:m:feed", TargetKind.PROGRAMME, "m", "m", slots, START, END, weight=weight
    )


def at(second: float) -> float:
    return START.timestamp() + second


def test_an_absolute_quota_is_spread_evenly_and_never_pushed_past_its_goal() -> None:
    pacer, rng = Pacer([quota(200)]), np.random.default_rng(1)
    seen = {}
    for second in range(1_000):
        # Supply is plentiful: each second a boosted opportunity converts as often as the level.
        if rng.random() < pacer.levels(at(second))[0]:
            pacer.deliver([0], at(second))
        seen[second] = int(pacer.delivered[0])
        assert seen[second] <= 200
    band = 200 * 0.04
    # Even in time, to be in by 90% of the period: half of it by 45%, all of it at the end.
    assert abs(seen[450] - 100) <= band + 1
    assert seen[999] >= 200 - band
    assert seen[999] == 200 or pacer.levels(at(999))[0] > 0


def test_a_quota_the_item_earns_on_merit_gets_no_boost() -> None:
    pacer = Pacer([quota(50)])
    for second in range(1_000):
        assert pacer.levels(at(second))[0] == 0.0 or second < 20
        if second % 10 == 0:  # merit brings 100 over the period, twice the quota
            pacer.note_merit(np.array([0]), at(second))
            pacer.deliver([0], at(second))


def test_a_weighted_promise_tracks_weight_times_merit_from_below() -> None:
    pacer = Pacer([weighted(1.25)])
    rng = np.random.default_rng(3)
    for second in range(1_000):
        if rng.random() < 0.3:  # a merit impression: shown on its merits
            pacer.note_merit(np.array([0]), at(second))
            pacer.deliver([0], at(second))
        if pacer.levels(at(second))[0] > 0 and rng.random() < 0.5:  # a boosted one
            pacer.deliver([0], at(second))
        merit, delivered = int(pacer.merit[0]), int(pacer.delivered[0])
        # The boost never carries delivery past the promise; merit adds at most one at a time.
        assert delivered <= np.floor(1.25 * merit) + 1
    final = pacer.status(END - timedelta(microseconds=1))[0]
    assert final.goal == 1.25 * final.merit
    assert abs(final.delivered / final.goal - 1) <= 0.10


def test_a_quota_the_supply_cannot_fill_is_reported_once_as_infeasible() -> None:
    pacer = Pacer([quota(100)])
    for second in range(0, 200, 20):  # one reachable opportunity every 20 s: 50 in the period
        pacer.note_reach(np.array([0]), at(second))
    status = pacer.status(START + timedelta(seconds=200))[0]
    assert status.state is PaceState.INFEASIBLE and status.projected_reach == 50.0
    events = pacer.review(START + timedelta(seconds=250))
    assert [e.kind for e in events] == [EventKind.TARGET_INFEASIBLE]
    assert "cannot be met" in events[0].reason.en and events[0].data["goal"] == 100
    assert pacer.review(START + timedelta(seconds=300)) == ()


def test_an_early_judgement_waits_for_a_tenth_of_the_period() -> None:
    pacer = Pacer([quota(100)])
    status = pacer.status(START + timedelta(seconds=50))[0]
    assert status.projected_reach is None and status.state is not PaceState.INFEASIBLE


def test_a_met_quota_is_reported_once_and_its_boost_stops() -> None:
    pacer = Pacer([quota(3)])
    pacer.deliver([0, 0, 0], at(100))
    assert pacer.levels(at(500))[0] == 0.0
    assert pacer.status(NOW)[0].state is PaceState.MET
    assert [e.kind for e in pacer.review(NOW)] == [EventKind.TARGET_MET]
    assert pacer.review(NOW) == ()


def test_nothing_is_boosted_or_counted_outside_the_period() -> None:
    pacer = Pacer([quota(100)])
    assert pacer.levels(at(-1))[0] == 0.0 and pacer.levels(at(1_000))[0] == 0.0
    pacer.deliver([0], at(1_000))
    pacer.note_merit(np.array([0]), at(-5))
    assert pacer.snapshot() == {"ladder:c1": (0, 0, 0)}
    assert pacer.status(START - timedelta(seconds=1))[0].state is PaceState.PENDING


def test_counts_carry_over_a_refresh_but_not_into_a_new_period() -> None:
    pacer = Pacer([quota(100), weighted(1.1)])
    pacer.deliver([0, 1], at(10))
    same = pacer.carried_to([quota(100), weighted(1.1)])
    assert same.snapshot() == {"ladder:c1": (1, 0, 0), "programme:m:feed": (1, 0, 0)}
    next_day = pacer.carried_to([quota(100, start=END)])
    assert next_day.snapshot() == {"ladder:c1": (0, 0, 0)}


def test_counts_can_be_persisted_and_restored() -> None:
    pacer = Pacer([quota(100)])
    pacer.deliver([0, 0], at(1))
    saved = pacer.snapshot()
    fresh = Pacer([quota(100)])
    fresh.restore(saved | {"gone": (9, 9, 9)})
    assert fresh.snapshot() == saved


def test_impressions_count_towards_the_targets_of_their_slot_only() -> None:
    video = item("c1", "m_std", Stage.COLD_START, product="p_std_0")
    ex = exposure(enrolments=[pool("m_good", 2)], content=[video], held=frozenset({"p_good_1"}))
    shown = [
        Impression("p_good_0", "m_good"),  # pooled: counts for the programme on feed
        Impression("p_good_1", "m_good"),  # pooled but held: it should not have been shown
        Impression("p_good_5", "m_good"),  # not pooled
        Impression("p_std_0", "m_std", "c1"),  # content on a ladder slot
    ]
    assert ex.record(Slot.FEED, shown, now=NOON_DAY) == 2
    assert ex.record(Slot.MINI_DETAIL, shown, now=NOON_DAY) == 1  # no ladder there
    counts = ex.pacer.snapshot()
    assert counts["programme:m_good:feed"][0] == 1
    assert counts["programme:m_good:mini_detail"][0] == 1
    assert counts["ladder:c1"][0] == 1
    assert all(v[0] == 0 for k, v in counts.items() if k.endswith(":search"))
    assert T0 < NOON_DAY
