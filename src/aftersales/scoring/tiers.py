"""Tiers and the hysteresis that keeps merchants from flapping between them.

A tier moves only when two consecutive cycles agree (Shopee removes a status after two failed
months for the same reason): one unlucky month neither demotes a careful merchant nor does one
lucky month promote a careless one. A severe breach (a confirmed safety recall, fraud) is the
exception and restricts at once. When two cycles disagree on how far to move, the merchant moves
only as far as both agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from aftersales.scoring.metrics import Metric

__all__ = ["RANK", "Change", "Settlement", "Standing", "Tier", "settle"]


class Tier(StrEnum):
    EXCELLENT = "excellent"
    GOOD = "good"
    STANDARD = "standard"
    WATCH = "watch"
    RESTRICTED = "restricted"
    NOT_ENOUGH_DATA = "not_enough_data"


# Higher is better. not_enough_data has no rank: it is the absence of a verdict, not a verdict.
RANK: dict[Tier, int] = {
    Tier.RESTRICTED: 0,
    Tier.WATCH: 1,
    Tier.STANDARD: 2,
    Tier.GOOD: 3,
    Tier.EXCELLENT: 4,
}


class Change(StrEnum):
    """How the tier in force came about this cycle; the explanation says it in words."""

    HELD = "held"
    PROMOTED = "promoted"
    DEMOTED = "demoted"
    PROMOTION_PENDING = "promotion_pending"
    DEMOTION_PENDING = "demotion_pending"
    SEVERE = "severe"
    NOT_ENOUGH_DATA = "not_enough_data"


@dataclass(frozen=True, slots=True)
class Standing:
    """What a cycle hands to the next one: the tier in force and what this cycle indicated.

    ``pending`` is the tier this cycle indicated when it differed from the tier in force; the
    next cycle confirms it or not. ``score`` and ``points`` (each metric's share of the score)
    let the next cycle explain what moved.
    """

    tier: Tier
    pending: Tier | None = None
    score: float | None = None
    points: Mapping[Metric, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Settlement:
    tier: Tier
    pending: Tier | None
    change: Change


def _direction(frm: Tier, to: Tier) -> int:
    return (RANK[to] > RANK[frm]) - (RANK[to] < RANK[frm])


def _nearer(base: Tier, a: Tier, b: Tier) -> Tier:
    """Of two tiers on the same side of ``base``, the one closer to it."""
    return a if abs(RANK[a] - RANK[base]) <= abs(RANK[b] - RANK[base]) else b


def settle(previous: Standing | None, indicated: Tier, *, severe: bool) -> Settlement:
    """The tier in force after this cycle, given the last standing and this cycle's verdict.

    A merchant without a tier yet (new, or back from not_enough_data) starts from ``standard``
    and moves from there by the same two-cycle rule, so a first lucky window is not a promotion.
    """
    if indicated is Tier.NOT_ENOUGH_DATA:
        return Settlement(Tier.NOT_ENOUGH_DATA, None, Change.NOT_ENOUGH_DATA)
    if severe:
        return Settlement(Tier.RESTRICTED, None, Change.SEVERE)
    known = previous is not None and previous.tier is not Tier.NOT_ENOUGH_DATA
    base = previous.tier if previous is not None and known else Tier.STANDARD
    pending = previous.pending if previous is not None and known else None
    step = _direction(base, indicated)
    if step == 0:
        return Settlement(base, None, Change.HELD)
    if pending is None or pending is Tier.NOT_ENOUGH_DATA or _direction(base, pending) != step:
        waiting = Change.PROMOTION_PENDING if step > 0 else Change.DEMOTION_PENDING
        return Settlement(base, indicated, waiting)
    tier = _nearer(base, pending, indicated)
    moved = Change.PROMOTED if step > 0 else Change.DEMOTED
    # The part of the move this cycle alone asked for waits for the next cycle.
    return Settlement(tier, indicated if indicated is not tier else None, moved)
