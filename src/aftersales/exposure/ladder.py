"""The content traffic ladder: the daily step that moves items between stages, with reasons.

::

    organic ──shop posts often, fans active──▶ cold_start (base quota, once per item)
    cold_start ──impressions, CTR, dwell over the boost gate──▶ boost (larger quota)
    cold_start ──cold_start_days without that──▶ organic
    organic ──earns the boost gate on organic traffic──▶ boost
    boost ──over the amplification gate──▶ nominated ──operator approves──▶ amplification_pool
    boost ──below keep_ratio x the boost gate──▶ organic
    amplification_pool ──below keep_ratio x its gate──▶ boost

Click-through is judged on its Wilson lower bound, so twenty lucky impressions do not pass for a
hit; demotion waits ``min_days_in_stage`` and uses a lower line than promotion, so an item near a
line does not flap. Each change returns an event with the figures behind it. The scheduler calls
``advance`` once a day with each item's metrics summed over the last ``window_days``.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from aftersales.domain.actors import Actor, Role
from aftersales.errors import InvalidTransition, PermissionDenied, ValidationFailed
from aftersales.exposure import texts
from aftersales.exposure.content import ContentItem, ContentMetrics, MerchantActivity, Stage
from aftersales.exposure.events import EventKind, ExposureEvent
from aftersales.exposure.parameters import LadderConfig, StageGate
from aftersales.scoring.texts import Text

__all__ = ["LadderRun", "advance", "approve", "ctr_lower_bound", "decline", "step"]

_NO_EVENTS: tuple[ExposureEvent, ...] = ()
_SILENT = ContentMetrics()  # an item without metrics in the window


@dataclass(frozen=True, slots=True)
class LadderRun:
    """One day's step over many items: every item as it now stands, and what changed."""

    items: tuple[ContentItem, ...]
    events: tuple[ExposureEvent, ...]


def ctr_lower_bound(clicks: int, impressions: int, z: float) -> float:
    """The Wilson score interval's lower end for a click-through rate; 0 without impressions."""
    if impressions <= 0:
        return 0.0
    n, p, z2 = impressions, clicks / impressions, z * z
    centre = p + z2 / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, (centre - margin) / (1 + z2 / n))


@dataclass(frozen=True, slots=True)
class _Judged:
    """An item's window metrics, and how a gate judges them."""

    metrics: ContentMetrics
    ctr_lower: float
    window_days: int

    @property
    def seen(self) -> Text:
        """The figures as a reason quotes them: written only for an item that moves, a few of
        the hundreds judged each day."""
        return texts.figures(self.metrics, self.ctr_lower, self.window_days)

    def failed(self, gate: StageGate) -> tuple[str, ...]:
        out = []
        if self.metrics.impressions < gate.min_impressions:
            out.append("impressions")
        if self.ctr_lower < gate.min_ctr:
            out.append("ctr")
        if self.metrics.average_dwell < gate.min_dwell:
            out.append("dwell")
        return tuple(out)


def _gate_text(gate: StageGate) -> Text:
    return texts.gate(gate.min_impressions, gate.min_ctr, gate.min_dwell)


def _moved(
    item: ContentItem,
    to: Stage,
    reason: Text,
    judged: _Judged,
    on: date,
    at: datetime,
    config: LadderConfig,
) -> tuple[ContentItem, tuple[ExposureEvent, ...]]:
    # Entering cold start spends it: an item gets its base quota once, however it fares.
    used = item.cold_start_used or to is Stage.COLD_START
    moved = replace(item, stage=to, stage_since=on, nominated_on=None, cold_start_used=used)
    data = {
        "from": item.stage.value,
        "to": to.value,
        "impressions": judged.metrics.impressions,
        "clicks": judged.metrics.clicks,
        "ctr_lower": round(judged.ctr_lower, 6),
        "average_dwell": round(judged.metrics.average_dwell, 3),
        "quota": config.quotas.get(to, 0),
        "merchant_id": item.merchant_id,
    }
    event = ExposureEvent(EventKind.STAGE_CHANGED, f"content:{item.id}", reason, at, data)
    return moved, (event,)


def _from_organic(
    item: ContentItem,
    judged: _Judged,
    activity: MerchantActivity,
    on: date,
    at: datetime,
    config: LadderConfig,
) -> tuple[ContentItem, tuple[ExposureEvent, ...]]:
    if not judged.failed(config.boost):
        quota = config.quotas[Stage.BOOST]
        reason = texts.promoted(Stage.BOOST, judged.seen, _gate_text(config.boost), quota)
        return _moved(item, Stage.BOOST, reason, judged, on, at, config)
    fresh = (on - item.published_on).days <= config.max_age_days
    gate_met = (
        activity.posts >= config.min_posts and activity.fan_activity >= config.min_fan_activity
    )
    if item.cold_start_used or not fresh or not gate_met:
        return item, _NO_EVENTS
    reason = texts.cold_start(
        activity,
        config.min_posts,
        config.min_fan_activity,
        config.quotas[Stage.COLD_START],
        config.window_days,
    )
    return _moved(item, Stage.COLD_START, reason, judged, on, at, config)


def _from_cold_start(
    item: ContentItem, judged: _Judged, on: date, at: datetime, config: LadderConfig
) -> tuple[ContentItem, tuple[ExposureEvent, ...]]:
    failed = judged.failed(config.boost)
    if not failed:
        quota = config.quotas[Stage.BOOST]
        reason = texts.promoted(Stage.BOOST, judged.seen, _gate_text(config.boost), quota)
        return _moved(item, Stage.BOOST, reason, judged, on, at, config)
    days = item.days_in_stage(on)
    if days < config.cold_start_days:
        return item, _NO_EVENTS
    reason = texts.cold_start_ended(days, judged.seen, failed)
    return _moved(item, Stage.ORGANIC, reason, judged, on, at, config)


def _demotion(
    item: ContentItem, judged: _Judged, to: Stage, on: date, at: datetime, config: LadderConfig
) -> tuple[ContentItem, tuple[ExposureEvent, ...]] | None:
    if item.days_in_stage(on) < config.min_days_in_stage:
        return None
    keep = config.gate(item.stage).scaled(config.keep_ratio)
    failed = judged.failed(keep)
    if not failed:
        return None
    reason = texts.demoted(item.stage, to, judged.seen, _gate_text(keep), failed)
    return _moved(item, to, reason, judged, on, at, config)


def _nomination(
    item: ContentItem, judged: _Judged, on: date, at: datetime, config: LadderConfig
) -> tuple[ContentItem, tuple[ExposureEvent, ...]]:
    if item.nominated_on is not None or judged.failed(config.amplification):
        return item, _NO_EVENTS
    if item.declined_on and (on - item.declined_on).days < config.review_cooldown_days:
        return item, _NO_EVENTS
    reason = texts.nominated(judged.seen, _gate_text(config.amplification))
    data = {"impressions": judged.metrics.impressions, "merchant_id": item.merchant_id}
    event = ExposureEvent(EventKind.AMPLIFICATION_NOMINATED, f"content:{item.id}", reason, at, data)
    return replace(item, nominated_on=on), (event,)


def step(
    item: ContentItem,
    metrics: ContentMetrics,
    activity: MerchantActivity,
    *,
    on: date,
    at: datetime,
    config: LadderConfig | None = None,
) -> tuple[ContentItem, tuple[ExposureEvent, ...]]:
    """One item's daily step: the item as it now stands and the events of any change."""
    config = config or LadderConfig()
    if on < item.published_on:
        raise ValidationFailed(f"content {item.id} was published after {on.isoformat()}")
    lower = ctr_lower_bound(metrics.clicks, metrics.impressions, config.ctr_z)
    judged = _Judged(metrics, lower, config.window_days)
    if item.stage is Stage.ORGANIC:
        return _from_organic(item, judged, activity, on, at, config)
    if item.stage is Stage.COLD_START:
        return _from_cold_start(item, judged, on, at, config)
    if item.stage is Stage.BOOST:
        down = _demotion(item, judged, Stage.ORGANIC, on, at, config)
        return down if down is not None else _nomination(item, judged, on, at, config)
    down = _demotion(item, judged, Stage.BOOST, on, at, config)
    return down if down is not None else (item, _NO_EVENTS)


def advance(
    items: Iterable[ContentItem],
    metrics: Mapping[str, ContentMetrics],
    activity: Mapping[str, MerchantActivity],
    *,
    on: date,
    at: datetime,
    config: LadderConfig | None = None,
) -> LadderRun:
    """The daily run over every item; an item or shop without metrics counts as silent."""
    config = config or LadderConfig()
    stepped: list[ContentItem] = []
    events: list[ExposureEvent] = []
    for item in items:
        shop = activity.get(item.merchant_id) or MerchantActivity(item.merchant_id, 0, 0, 0)
        new, happened = step(item, metrics.get(item.id, _SILENT), shop, on=on, at=at, config=config)
        stepped.append(new)
        events.extend(happened)
    return LadderRun(tuple(stepped), tuple(events))


def _reviewable(item: ContentItem, by: Actor) -> None:
    if by.role is not Role.OPERATOR:
        raise PermissionDenied(
            Text(
                "only an operator reviews content for the amplification pool",
                "只有平台运营人员可以审核内容是否进入放大池",
            )
        )
    if item.stage is not Stage.BOOST or item.nominated_on is None:
        stage = texts.STAGE_NAMES[item.stage]
        raise InvalidTransition(
            Text(
                f"content {item.id} is in stage {item.stage.value} and not nominated; only a"
                " nominated item in boost can be reviewed for the amplification pool",
                f"内容 {item.id} 当前处于「{stage.zh}」阶段且未获提名；"
                "只有处于助推阶段并获提名的内容才能审核进入放大池",
            )
        )


def approve(
    item: ContentItem,
    by: Actor,
    *,
    on: date,
    at: datetime,
    note: str = "",
    config: LadderConfig | None = None,
) -> tuple[ContentItem, ExposureEvent]:
    """An operator's approval: the nominated item enters the amplification pool."""
    config = config or LadderConfig()
    _reviewable(item, by)
    operator = by.subject or "operator"
    to = Stage.AMPLIFICATION_POOL
    reason = texts.approved(operator, config.quotas[to], note)
    moved = replace(item, stage=to, stage_since=on, nominated_on=None)
    data = {
        "from": item.stage.value,
        "to": to.value,
        "by": operator,
        "quota": config.quotas[to],
        "merchant_id": item.merchant_id,
    }
    return moved, ExposureEvent(EventKind.STAGE_CHANGED, f"content:{item.id}", reason, at, data)


def decline(
    item: ContentItem, by: Actor, *, on: date, at: datetime, reason: str
) -> tuple[ContentItem, ExposureEvent]:
    """An operator's refusal, with its reason: the item stays in boost and is not put up again
    before the cooldown ends."""
    _reviewable(item, by)
    if not reason.strip():
        raise ValidationFailed(
            Text(
                "declining an item for the amplification pool needs a reason",
                "不通过放大池审核须填写理由",
            )
        )
    operator = by.subject or "operator"
    text = texts.declined(operator, reason.strip())
    data = {"by": operator, "merchant_id": item.merchant_id}
    event = ExposureEvent(EventKind.AMPLIFICATION_DECLINED, f"content:{item.id}", text, at, data)
    return replace(item, nominated_on=None, declined_on=on), event
