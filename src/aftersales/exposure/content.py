"""Merchant content on the traffic ladder: items, their stages, and the metrics that move them.

Only values live here; the rules that move an item between stages are in ``ladder.py``.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from numbers import Real

from aftersales.errors import Text, ValidationFailed

__all__ = ["ContentItem", "ContentKind", "ContentMetrics", "MerchantActivity", "Stage"]


class ContentKind(StrEnum):
    POST = "post"
    SHORT_VIDEO = "short_video"
    LIVE_REPLAY = "live_replay"


class Stage(StrEnum):
    """Where an item stands on the ladder; every stage but ``organic`` carries a daily quota."""

    ORGANIC = "organic"  # ranked on its merits only: not started yet, or fell off the ladder
    COLD_START = "cold_start"  # a guaranteed base quota of impressions, once per item
    BOOST = "boost"  # earned by its impressions, click-through and dwell: a larger quota
    AMPLIFICATION_POOL = "amplification_pool"  # approved by an operator: public traffic


def _check_count(value: float, what: str) -> None:
    if not (isinstance(value, Real) and math.isfinite(value) and value >= 0):
        raise ValidationFailed(
            Text(
                f"{what} must be a finite number >= 0, got {value!r}",
                f"{what} 须为大于或等于 0 的有限数，实际为 {value!r}",
            )
        )


@dataclass(frozen=True, slots=True)
class ContentMetrics:
    """What an item earned over a window: the body of ``POST /contents/{id}/metrics``, summed."""

    impressions: int = 0
    clicks: int = 0
    dwell_seconds: float = 0.0  # total time spent by those who opened the item
    new_fans: int = 0

    def __post_init__(self) -> None:
        for name in ("impressions", "clicks", "dwell_seconds", "new_fans"):
            _check_count(getattr(self, name), name)
        if self.clicks > self.impressions:
            raise ValidationFailed(
                Text(
                    f"clicks ({self.clicks}) cannot exceed impressions ({self.impressions})",
                    f"点击量（{self.clicks}）不能超过曝光量（{self.impressions}）",
                )
            )

    @property
    def ctr(self) -> float:
        """Click-through rate; 0 without impressions."""
        return self.clicks / self.impressions if self.impressions else 0.0

    @property
    def average_dwell(self) -> float:
        """Seconds per open (click); 0 without clicks.

        Per click, not per impression: an impression nobody opened says nothing about how long
        the content holds a reader, and click-through already counts it.
        """
        return self.dwell_seconds / self.clicks if self.clicks else 0.0

    def plus(self, other: ContentMetrics) -> ContentMetrics:
        return ContentMetrics(
            self.impressions + other.impressions,
            self.clicks + other.clicks,
            self.dwell_seconds + other.dwell_seconds,
            self.new_fans + other.new_fans,
        )

    @classmethod
    def total(cls, parts: Iterable[ContentMetrics]) -> ContentMetrics:
        """The window's metrics from its days' metrics."""
        result = cls()
        for part in parts:
            result = result.plus(part)
        return result


@dataclass(frozen=True, slots=True)
class MerchantActivity:
    """How active a shop was over the ladder's window: the cold-start gate reads this."""

    merchant_id: str
    posts: int  # content items the shop published in the window
    fans: int  # followers at the end of the window
    active_fans: int  # followers who viewed, liked, commented or bought in the window

    def __post_init__(self) -> None:
        for name in ("posts", "fans", "active_fans"):
            _check_count(getattr(self, name), name)
        if self.active_fans > self.fans:
            raise ValidationFailed(
                Text(
                    f"active fans ({self.active_fans}) cannot exceed fans ({self.fans})",
                    f"活跃粉丝数（{self.active_fans}）不能超过粉丝数（{self.fans}）",
                )
            )

    @property
    def fan_activity(self) -> float:
        """Share of fans active in the window; 0 for a shop without fans."""
        return self.active_fans / self.fans if self.fans else 0.0


@dataclass(frozen=True, slots=True)
class ContentItem:
    """One post, short video or live replay, linked to products of the merchant who posted it.

    ``nominated_on`` is set while the item waits for an operator's review for the
    amplification pool; ``declined_on`` keeps a declined item from being nominated again at once.
    """

    id: str
    merchant_id: str
    kind: ContentKind
    product_ids: tuple[str, ...]
    published_on: date
    stage: Stage = Stage.ORGANIC
    stage_since: date | None = None  # None: organic since publication
    cold_start_used: bool = False
    nominated_on: date | None = None
    declined_on: date | None = None

    def __post_init__(self) -> None:
        if not self.id or not self.merchant_id:
            raise ValidationFailed("a content item needs an id and a merchant")
        if not self.product_ids:
            raise ValidationFailed(
                Text(
                    f"content {self.id} must be linked to at least one product",
                    f"内容 {self.id} 须至少关联一件商品",
                )
            )
        if len(set(self.product_ids)) != len(self.product_ids):
            raise ValidationFailed(
                Text(
                    f"content {self.id} lists a product twice",
                    f"内容 {self.id} 重复关联了同一件商品",
                )
            )

    def days_in_stage(self, on: date) -> int:
        return (on - (self.stage_since or self.published_on)).days
