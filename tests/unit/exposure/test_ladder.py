"""The content ladder: every transition, its reason, and the lines that keep items from flapping."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from aftersales.domain.actors import Actor, Role
from aftersales.errors import InvalidTransition, PermissionDenied, ValidationFailed
from aftersales.exposure import (
    ContentItem,
    ContentKind,
    ContentMetrics,
    EventKind,
    LadderConfig,
    MerchantActivity,
    Stage,
    advance,
    approve,
    ctr_lower_bound,
    decline,
    step,
)

from .builders import DAY, item

AT = datetime(2026, 12, 1, 20, tzinfo=UTC)
ACTIVE = MerchantActivity("m_good", posts=4, fans=1_000, active_fans=100)
QUIET = MerchantActivity("m_good", posts=0, fans=0, active_fans=0)
NONE = ContentMetrics()
WEAK = ContentMetrics(2_000, 20, 60.0)  # 1% click-through
BOOSTED = ContentMetrics(2_000, 120, 1_200.0)  # 6%, 10 s per open
BETWEEN = ContentMetrics(5_000, 140, 1_260.0)  # 2.8%: under the boost gate, over its keep line
VIRAL = ContentMetrics(20_000, 1_400, 28_000.0)  # 7%, 20 s per open
OPERATOR = Actor(Role.OPERATOR, "op1")
OPERATOR_EVENTS = (EventKind.STAGE_CHANGED, EventKind.AMPLIFICATION_DECLINED)


def later(days: int) -> date:
    return DAY + timedelta(days=days)


def moved(
    it: ContentItem, metrics: ContentMetrics, activity: MerchantActivity = ACTIVE, days: int = 0
) -> tuple[ContentItem, list[EventKind], str]:
    new, events = step(it, metrics, activity, on=later(days), at=AT)
    for e in events:
        assert e.reason.en and e.reason.zh and e.subject == f"content:{it.id}"
    return new, [e.kind for e in events], " ".join(e.reason.en for e in events)


def test_an_active_shops_new_item_enters_cold_start_with_its_reason() -> None:
    new, kinds, why = moved(item("c1", "m_good"), NONE)
    assert new.stage is Stage.COLD_START and new.cold_start_used and new.stage_since == DAY
    assert kinds == [EventKind.STAGE_CHANGED]
    assert "posted 4 items in 7 days (at least 3)" in why and "base quota of 300" in why


@pytest.mark.parametrize(
    ("it", "activity"),
    [
        (item("c1", "m_good"), MerchantActivity("m_good", 2, 1_000, 100)),  # too few posts
        (item("c1", "m_good"), MerchantActivity("m_good", 4, 1_000, 20)),  # fans asleep (2%)
        (item("c1", "m_good"), QUIET),
        (item("c1", "m_good", published=DAY - timedelta(days=15)), ACTIVE),  # too old
        (item("c1", "m_good", used=True), ACTIVE),  # cold start is once per item
    ],
)
def test_cold_start_needs_an_active_shop_fresh_content_and_no_earlier_cold_start(
    it: ContentItem, activity: MerchantActivity
) -> None:
    new, kinds, _ = moved(it, NONE, activity)
    assert new.stage is Stage.ORGANIC and kinds == []


def test_cold_start_earns_boost_on_impressions_click_through_and_dwell() -> None:
    new, kinds, why = moved(item("c1", "m_good", Stage.COLD_START, since=DAY), BOOSTED, days=1)
    assert new.stage is Stage.BOOST and new.stage_since == later(1)
    assert kinds == [EventKind.STAGE_CHANGED]
    assert "Promoted to boost" in why and "2,000 impressions" in why and "3,000" in why


def test_cold_start_runs_its_days_then_ends_naming_what_fell_short() -> None:
    it = item("c1", "m_good", Stage.COLD_START, since=DAY)
    kept, kinds, _ = moved(it, WEAK, days=2)
    assert kept.stage is Stage.COLD_START and kinds == []
    ended, kinds, why = moved(it, WEAK, days=3)
    assert ended.stage is Stage.ORGANIC and kinds == [EventKind.STAGE_CHANGED]
    assert "Cold start ended after 3 days" in why and "click-through rate" in why
    assert "average dwell" in why


def test_an_organic_item_that_earns_the_boost_gate_on_merit_is_promoted() -> None:
    new, _, why = moved(item("c1", "m_good", used=True), BOOSTED, QUIET)
    assert new.stage is Stage.BOOST and "Promoted to boost" in why


def test_a_boosted_item_over_the_amplification_gate_is_nominated_once() -> None:
    it = item("c1", "m_good", Stage.BOOST, since=DAY)
    new, kinds, why = moved(it, VIRAL, days=1)
    assert new.stage is Stage.BOOST and new.nominated_on == later(1)
    assert kinds == [EventKind.AMPLIFICATION_NOMINATED] and "operator's review" in why
    again, kinds, _ = moved(new, VIRAL, days=2)
    assert again == new and kinds == []


def test_an_operator_approves_a_nominated_item_into_the_amplification_pool() -> None:
    it = item("c1", "m_good", Stage.BOOST, since=DAY, nominated=DAY)
    new, event = approve(it, OPERATOR, on=later(1), at=AT, note="great demo")
    assert new.stage is Stage.AMPLIFICATION_POOL and new.nominated_on is None
    assert event.kind is EventKind.STAGE_CHANGED and event.data["by"] == "op1"
    assert "operator op1" in event.reason.en and "great demo" in event.reason.en
    assert "30,000" in event.reason.en and event.reason.zh


def test_only_an_operator_approves_and_only_a_nominated_item() -> None:
    nominated = item("c1", "m_good", Stage.BOOST, since=DAY, nominated=DAY)
    with pytest.raises(PermissionDenied):
        approve(nominated, Actor(Role.MERCHANT_AGENT, "m_good"), on=DAY, at=AT)
    with pytest.raises(InvalidTransition, match="not nominated"):
        approve(item("c2", "m_good", Stage.BOOST, since=DAY), OPERATOR, on=DAY, at=AT)
    with pytest.raises(InvalidTransition, match="stage cold_start"):
        approve(item("c3", "m_good", Stage.COLD_START), OPERATOR, on=DAY, at=AT)


def test_a_declined_item_keeps_boost_and_waits_out_the_cooldown() -> None:
    it = item("c1", "m_good", Stage.BOOST, since=DAY, nominated=DAY)
    with pytest.raises(ValidationFailed, match="needs a reason"):
        decline(it, OPERATOR, on=DAY, at=AT, reason=" ")
    new, event = decline(it, OPERATOR, on=DAY, at=AT, reason="off-topic for the pool")
    assert event.kind in OPERATOR_EVENTS and "off-topic" in event.reason.en
    assert new.stage is Stage.BOOST and new.declined_on == DAY and new.nominated_on is None
    soon, kinds, _ = moved(new, VIRAL, days=13)
    assert kinds == [] and soon.nominated_on is None
    after, kinds, _ = moved(new, VIRAL, days=14)
    assert kinds == [EventKind.AMPLIFICATION_NOMINATED] and after.nominated_on == later(14)


def test_boost_falls_back_to_organic_when_metrics_fall_below_the_line_to_stay() -> None:
    it = item("c1", "m_good", Stage.BOOST, since=DAY, nominated=DAY)
    early, kinds, _ = moved(it, WEAK, days=1)  # too soon to judge the new stage
    assert early.stage is Stage.BOOST and kinds == []
    down, kinds, why = moved(it, WEAK, days=2)
    assert down.stage is Stage.ORGANIC and down.nominated_on is None
    assert kinds == [EventKind.STAGE_CHANGED] and "Demoted from boost to organic" in why
    assert "line to stay" in why


def test_between_the_gate_and_the_line_to_stay_an_item_keeps_its_stage() -> None:
    assert ctr_lower_bound(140, 5_000, 1.645) < LadderConfig().boost.min_ctr
    it = item("c1", "m_good", Stage.BOOST, since=DAY)
    same, kinds, _ = moved(it, BETWEEN, days=5)
    assert same.stage is Stage.BOOST and kinds == []
    organic, _, _ = moved(item("c2", "m_good", used=True), BETWEEN, days=5)
    assert organic.stage is Stage.ORGANIC  # but it is not enough to get in


def test_the_amplification_pool_falls_back_to_boost_when_metrics_fall() -> None:
    it = item("c1", "m_good", Stage.AMPLIFICATION_POOL, since=DAY)
    kept, kinds, _ = moved(it, VIRAL, days=5)
    assert kept.stage is Stage.AMPLIFICATION_POOL and kinds == []
    down, kinds, why = moved(it, BOOSTED, days=5)
    assert down.stage is Stage.BOOST and kinds == [EventKind.STAGE_CHANGED]
    assert "Demoted from amplification pool to boost" in why and "impressions" in why


def test_click_through_is_judged_on_its_lower_bound() -> None:
    assert ctr_lower_bound(0, 0, 1.645) == 0.0
    assert ctr_lower_bound(3, 20, 1.645) < 0.07  # 15% on 20 impressions counts as about 6%
    assert 0.048 < ctr_lower_bound(5_000, 100_000, 1.645) < 0.05  # large samples: close to 5%


def test_a_daily_run_steps_every_item_and_treats_missing_figures_as_silence() -> None:
    items = [
        item("c1", "m_good"),
        item("c2", "m_good", Stage.COLD_START, since=DAY),
        item("c3", "m_std", Stage.BOOST, since=DAY),
    ]
    run = advance(items, {"c2": BOOSTED}, {"m_good": ACTIVE}, on=later(3), at=AT)
    stages = [i.stage for i in run.items]
    assert stages == [Stage.COLD_START, Stage.BOOST, Stage.ORGANIC]
    assert [e.subject for e in run.events] == ["content:c1", "content:c2", "content:c3"]
    assert all(e.data["to"] for e in run.events)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: ContentMetrics(10, 11), "cannot exceed impressions"),
        (lambda: ContentMetrics(-1), "impressions must be"),
        (lambda: ContentMetrics(10, 1, float("nan")), "dwell_seconds"),
        (lambda: MerchantActivity("m", 1, 5, 6), "cannot exceed fans"),
        (
            lambda: ContentItem("c1", "m", ContentKind.POST, (), DAY),
            "at least one product",
        ),
    ],
)
def test_impossible_figures_are_refused(build: object, message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        build()  # type: ignore[operator]


def test_an_item_cannot_step_before_it_was_published() -> None:
    with pytest.raises(ValidationFailed, match="published after"):
        step(item("c1", "m_good", published=later(2)), NONE, ACTIVE, on=DAY, at=AT)
