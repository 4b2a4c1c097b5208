"""The weekly check: a fast clock that can only constrain, never reward.

Rewards wait for the monthly cycle over a long window, where luck evens out. A collapse should
not wait that long (Amazon's cancel rate runs on 7 days, Shopee counts penalty points every
Monday), so each week the same rate-and-count rules run on the last 7 days, and:

- a severe breach (confirmed recall, fraud) restricts at once;
- a breach of a ``restricted`` line is a collapse: the merchant drops to ``watch`` at once, losing
  any boost, and the next monthly cycle decides the rest;
- a breach of a ``watch`` line is only flagged: the monthly cycle's two-cycle rule still applies.

Nothing here can raise a tier. Peer lines come from the same week's peers, by category only
(a week is too short for volume bands to mean much).
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from aftersales.scoring.counts import MerchantWindow, SevereBreach
from aftersales.scoring.explain import join
from aftersales.scoring.figures import Unit, assess
from aftersales.scoring.parameters import ScoringConfig
from aftersales.scoring.rules import Breach, find_breaches
from aftersales.scoring.texts import BAD_EVENTS, METRIC_NAMES, SEVERE_NAMES, TIER_NAMES, Text
from aftersales.scoring.tiers import RANK, Standing, Tier

__all__ = ["WeeklyFlag", "weekly_check"]


@dataclass(frozen=True, slots=True)
class WeeklyFlag:
    """A merchant the week's check caught, and what it did about it."""

    merchant_id: str
    tier_before: Tier
    tier_after: Tier  # never better than tier_before
    breaches: tuple[Breach, ...]
    severe: tuple[SevereBreach, ...]
    explanation: Text
    standing: Standing  # the standing in force after the check


def _target(breaches: Sequence[Breach], severe: Sequence[SevereBreach]) -> Tier | None:
    if severe:
        return Tier.RESTRICTED
    if any(b.level is Tier.RESTRICTED for b in breaches):
        return Tier.WATCH
    return None


def _lower(before: Tier, target: Tier | None) -> Tier:
    """The worse of the two; a merchant without a tier takes the constraint as it is."""
    if target is None:
        return before
    if before is Tier.NOT_ENOUGH_DATA:
        return target
    return target if RANK[target] < RANK[before] else before


def _text(
    before: Tier, after: Tier, breaches: Sequence[Breach], severe: Sequence[SevereBreach]
) -> Text:
    parts = [
        Text(f"Weekly check: {SEVERE_NAMES[s].en}.", f"周度检查：{SEVERE_NAMES[s].zh}。")
        for s in severe
    ]
    for b in breaches:
        name, events = METRIC_NAMES[b.metric], BAD_EVENTS[b.metric]
        parts.append(
            Text(
                f"Weekly check: {name.en} over the {TIER_NAMES[b.level].en} line"
                f" ({b.count:g} {events.en} in 7 days).",
                f"周度检查：{name.zh}触及{TIER_NAMES[b.level].zh}线"
                f"（7 天内 {b.count:g} {events.zh}）。",
            )
        )
    if after is not before:
        parts.append(
            Text(
                f"Tier lowered from {TIER_NAMES[before].en} to {TIER_NAMES[after].en} at once.",
                f"等级立即由{TIER_NAMES[before].zh}降为{TIER_NAMES[after].zh}。",
            )
        )
    else:
        parts.append(
            Text(
                "Flagged only; the monthly cycle decides the tier.",
                "仅作提示，等级由月度考核决定。",
            )
        )
    return join(parts)


def weekly_check(
    windows: Sequence[MerchantWindow],
    standings: Mapping[str, Standing],
    config: ScoringConfig | None = None,
) -> tuple[WeeklyFlag, ...]:
    """The merchants a 7-day window catches, with the tier each keeps or drops to."""
    config = config or ScoringConfig()
    # Every merchant with an order is a peer for the week's lines, whatever its volume.
    weekly = replace(config, min_orders=1e-9, volume_bands=())
    units = [Unit(w.merchant_id, w.category, w.counted()) for w in windows]
    if not units:
        return ()
    assessed, _ = assess(units, weekly)
    flags = []
    for window, breaches in zip(
        windows, find_breaches(config.rules, assessed.columns), strict=True
    ):
        severe = tuple(dict.fromkeys(window.severe))
        if not breaches and not severe:
            continue
        standing = standings.get(window.merchant_id, Standing(Tier.NOT_ENOUGH_DATA))
        after = _lower(standing.tier, _target(breaches, severe))
        kept = standing if after is standing.tier else replace(standing, tier=after, pending=None)
        text = _text(standing.tier, after, breaches, severe)
        flags.append(
            WeeklyFlag(window.merchant_id, standing.tier, after, breaches, severe, text, kept)
        )
    return tuple(flags)
