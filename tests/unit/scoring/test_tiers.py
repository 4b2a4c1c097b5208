"""Rules, tiers, hysteresis, the weekly check, explanations and appeals."""

from __future__ import annotations

from dataclasses import replace

import pytest

from aftersales.scoring import (
    Change,
    ExcludedCase,
    MerchantWindow,
    Metric,
    SevereBreach,
    Standing,
    Tier,
    case_contribution,
    score_cycle,
    weekly_check,
)
from aftersales.scoring.tiers import RANK, settle

from .builders import counts, peers

CATEGORY = "food/packaged"


def _cycle(target: MerchantWindow, previous: dict[str, Standing] | None = None):
    return score_cycle([*peers(40, CATEGORY), target], previous).card(target.merchant_id)


def test_one_defect_in_50_orders_never_demotes() -> None:
    # The worst one case can be: late everywhere, escalated, lost, rated one star.
    worst = counts(50, 1, late=1, escalations=1, lost=1, unhappy=1)
    card = _cycle(MerchantWindow("tiny", CATEGORY, worst))
    assert card.breaches == ()
    assert card.indicated not in (Tier.WATCH, Tier.RESTRICTED)


def test_a_breach_needs_both_the_rate_and_the_count() -> None:
    many_cases_low_rate = counts(5000, 40)  # 8 per 1,000 against a 1 % line: rate not over
    few_cases_high_rate = counts(40, 3)  # 7.5 %: rate over, but only 3 cases
    both = counts(400, 30)  # 7.5 % and 30 cases
    rates = {
        name: _cycle(MerchantWindow(name, CATEGORY, c)).breaches
        for name, c in [
            ("volume", many_cases_low_rate),
            ("small", few_cases_high_rate),
            ("bad", both),
        ]
    }
    assert rates["volume"] == () and rates["small"] == ()
    assert {b.metric for b in rates["bad"]} == {Metric.CASE_RATE}
    assert _cycle(MerchantWindow("bad", CATEGORY, both)).indicated is Tier.RESTRICTED


@pytest.mark.parametrize(
    ("tier", "pending", "indicated", "expected"),
    [
        (Tier.STANDARD, None, Tier.EXCELLENT, (Tier.STANDARD, Tier.EXCELLENT)),
        (Tier.STANDARD, Tier.EXCELLENT, Tier.EXCELLENT, (Tier.EXCELLENT, None)),
        (Tier.STANDARD, Tier.EXCELLENT, Tier.GOOD, (Tier.GOOD, None)),
        (Tier.STANDARD, Tier.GOOD, Tier.EXCELLENT, (Tier.GOOD, Tier.EXCELLENT)),
        (Tier.GOOD, None, Tier.WATCH, (Tier.GOOD, Tier.WATCH)),
        (Tier.GOOD, Tier.WATCH, Tier.WATCH, (Tier.WATCH, None)),
        (Tier.GOOD, Tier.WATCH, Tier.EXCELLENT, (Tier.GOOD, Tier.EXCELLENT)),
        (Tier.GOOD, Tier.WATCH, Tier.GOOD, (Tier.GOOD, None)),
    ],
)
def test_a_tier_moves_only_when_two_consecutive_cycles_agree(
    tier: Tier, pending: Tier | None, indicated: Tier, expected: tuple
) -> None:
    settled = settle(Standing(tier, pending), indicated, severe=False)
    assert (settled.tier, settled.pending) == expected


def test_a_severe_breach_restricts_at_once() -> None:
    settled = settle(Standing(Tier.EXCELLENT), Tier.RESTRICTED, severe=True)
    assert (settled.tier, settled.change) == (Tier.RESTRICTED, Change.SEVERE)
    recall = MerchantWindow(
        "recall", CATEGORY, counts(400, 2), severe=(SevereBreach.SAFETY_RECALL,)
    )
    card = _cycle(recall, {"recall": Standing(Tier.EXCELLENT)})
    assert card.tier is Tier.RESTRICTED
    assert "safety recall" in card.explanation.text.en and "召回" in card.explanation.text.zh


def test_a_new_merchant_starts_from_standard_and_earns_its_promotion() -> None:
    star = MerchantWindow("star", CATEGORY, counts(1000, 0))
    first = _cycle(star)
    assert (first.indicated, first.tier, first.change) == (
        Tier.EXCELLENT,
        Tier.STANDARD,
        Change.PROMOTION_PENDING,
    )
    second = _cycle(star, {"star": first.standing})
    assert (second.tier, second.change) == (Tier.EXCELLENT, Change.PROMOTED)


def test_a_merchant_without_enough_data_gets_no_verdict_and_loses_no_history() -> None:
    quiet = _cycle(MerchantWindow("quiet", CATEGORY, counts(5, 0)), {"quiet": Standing(Tier.GOOD)})
    assert (quiet.tier, quiet.score, quiet.percentile) == (Tier.NOT_ENOUGH_DATA, None, None)
    assert quiet.reason is not None and "20" in quiet.reason.en


def _week(target: MerchantWindow) -> list[MerchantWindow]:
    return [*peers(40, CATEGORY, orders=40), target]


def test_the_weekly_check_lowers_a_collapsing_merchant_at_once() -> None:
    collapse = MerchantWindow("m", CATEGORY, counts(40, 12))
    (flag,) = weekly_check(_week(collapse), {"m": Standing(Tier.EXCELLENT)})
    assert (flag.tier_before, flag.tier_after) == (Tier.EXCELLENT, Tier.WATCH)
    assert flag.standing.tier is Tier.WATCH


def test_the_weekly_check_only_flags_a_watch_level_breach() -> None:
    late = MerchantWindow("m", CATEGORY, counts(40, 8, late=8))
    flags = weekly_check(_week(late), {"m": Standing(Tier.GOOD)})
    assert [f.tier_after for f in flags if f.merchant_id == "m"] == [Tier.GOOD]


def test_the_weekly_check_never_raises_a_tier() -> None:
    windows = _week(MerchantWindow("m", CATEGORY, counts(400, 0)))
    standings = {w.merchant_id: Standing(Tier.RESTRICTED) for w in windows}
    recall = replace(windows[0], severe=(SevereBreach.FRAUD,))
    flags = weekly_check([recall, *windows[1:]], standings)
    assert all(RANK[f.tier_after] <= RANK[f.tier_before] for f in flags)
    assert [f.merchant_id for f in flags] == [recall.merchant_id]


def test_the_explanation_names_what_moved_the_score_in_both_languages() -> None:
    before = MerchantWindow("m", CATEGORY, counts(400, 8, unhappy=6))
    after = MerchantWindow("m", CATEGORY, counts(400, 8, unhappy=0))
    first = _cycle(before)
    second = _cycle(after, {"m": first.standing})
    assert second.score is not None and first.score is not None and second.score > first.score
    assert second.explanation.factors[0].metric is Metric.SATISFACTION
    text = second.explanation.text
    assert "satisfaction" in text.en and f"{second.score:.1f}" in text.en
    assert "满意度" in text.zh and "上升" in text.zh


def test_a_case_excluded_on_appeal_is_simply_not_counted() -> None:
    base = counts(400, 4)
    blamed = case_contribution(
        first_response_on_time=False,
        proposal_on_time=False,
        resolution_on_time=False,
        resolution_hours=24.0,
        escalated=True,
        dispute_lost=True,
        stars=1,
    )
    appeal = ExcludedCase("case-9", "courier damage, accepted on appeal", blamed)
    appealed = MerchantWindow("m", CATEGORY, base.plus(blamed), excluded=(appeal,))
    clean = MerchantWindow("m", CATEGORY, base)
    card, reference = _cycle(appealed), _cycle(clean)
    assert card.score == pytest.approx(reference.score)
    assert card.figures == reference.figures
    assert card.excluded == (appeal,)
    assert "appeal" in card.explanation.text.en and "申诉" in card.explanation.text.zh
