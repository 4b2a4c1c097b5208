"""Why a merchant's score and tier are what they are, in English and Chinese.

The score is a sum of points, one part per metric (weight x peer percentile), so what moved it
since the last cycle is exactly the change in each part. The explanation names the parts that
moved most, with the figure and its interval behind each, then any breach, then what the tier
did and why. On a merchant's first scored cycle the parts are compared with the middle of its
peers (percentile 50) instead.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter

from aftersales.scoring.counts import SevereBreach
from aftersales.scoring.figures import Figure
from aftersales.scoring.metrics import Metric
from aftersales.scoring.parameters import ScoringConfig
from aftersales.scoring.rules import Breach
from aftersales.scoring.texts import (
    BAD_EVENTS,
    METRIC_NAMES,
    SEVERE_NAMES,
    TIER_NAMES,
    Text,
    rate_text,
)
from aftersales.scoring.tiers import Change, Settlement, Standing

__all__ = ["Explanation", "Factor", "explain", "join"]

_MIN_MOVE = 0.05  # points; smaller changes are rounding, not factors


@dataclass(frozen=True, slots=True)
class Factor:
    """One metric's part of the score, before and now."""

    metric: Metric
    points_before: float
    points_now: float

    @property
    def delta(self) -> float:
        return self.points_now - self.points_before


@dataclass(frozen=True, slots=True)
class Explanation:
    text: Text
    factors: tuple[Factor, ...]  # the parts that moved most, largest move first


def join(parts: Sequence[Text]) -> Text:
    """Sentences in both languages, joined."""
    return Text(" ".join(p.en for p in parts), "".join(p.zh for p in parts))


def _factors(
    figures: Sequence[Figure], previous: Standing | None, config: ScoringConfig
) -> list[Factor]:
    """The parts that moved most; ``figures`` come in Metric order, as the weights do."""
    earlier = previous.points if previous is not None and previous.score is not None else None
    moves = []
    for figure, weight in zip(figures, config.weights.in_order, strict=True):
        if weight > 0:
            before = weight * 50.0 if earlier is None else earlier.get(figure.metric, weight * 50.0)
            moves.append((-abs(figure.points - before), figure.metric, before, figure.points))
    moves.sort(key=itemgetter(0))  # stable: ties keep the Metric order
    kept = (Factor(m, before, now) for move, m, before, now in moves if -move >= _MIN_MOVE)
    return list(islice(kept, config.explain_top))


def _score_sentence(score: float, previous: Standing | None) -> Text:
    if previous is None or previous.score is None:
        return Text(
            f"Score {score:.1f} of 100 (first scored cycle: parts compared with the peer middle).",
            f"得分 {score:.1f}（首个评分周期，与同行中位水平相比）。",
        )
    move = score - previous.score
    if abs(move) < _MIN_MOVE:
        return Text(
            f"Score {score:.1f} of 100, unchanged since the last cycle.",
            f"得分 {score:.1f}，与上期持平。",
        )
    way, zh_way = ("up", "上升") if move > 0 else ("down", "下降")
    return Text(
        f"Score {score:.1f} of 100, {way} {abs(move):.1f} from {previous.score:.1f}.",
        f"得分 {score:.1f}，较上期 {previous.score:.1f} {zh_way} {abs(move):.1f} 分。",
    )


def _factor_sentence(
    factors: Sequence[Factor], figures: Mapping[Metric, Figure], level: float
) -> Text:
    if not factors:
        return Text("No factor moved it by more than a rounding.", "各项因素均无明显变化。")
    en, zh = [], []
    share = f"{level * 100:g}%"
    for factor in factors:
        figure = figures[factor.metric]
        name, value = METRIC_NAMES[factor.metric], rate_text(factor.metric, figure.estimate)
        low, high = rate_text(factor.metric, figure.low), rate_text(factor.metric, figure.high)
        sign = f"{factor.delta:+.1f}"
        en.append(
            f"{name.en} {sign} points (estimate {value.en}, {share} interval {low.en} to {high.en},"
            f" peer percentile {figure.percentile:.0f})"
        )
        zh.append(
            f"{name.zh} {sign} 分（估计 {value.zh}，{share} 区间 {low.zh} 至 {high.zh}，"
            f"同行百分位 {figure.percentile:.0f}）"
        )
    return Text("Factors: " + "; ".join(en) + ".", "主要因素：" + "；".join(zh) + "。")


def _breach_sentence(breach: Breach) -> Text:
    """Breaches speak of the bad events, so "40 %" is never read as an on-time rate."""
    metric, level, events = breach.metric, TIER_NAMES[breach.level], BAD_EVENTS[breach.metric]
    rate, line = rate_text(metric, breach.rate), rate_text(metric, breach.rate_line)
    count, over = f"{breach.count:g}", f"{breach.rule.count_over:g}"
    return Text(
        f"Over the {level.en} line: {count} {events.en} ({rate.en};"
        f" the line is above {line.en} and more than {over}).",
        f"触及{level.zh}线：{count} {events.zh}（{rate.zh}；线为高于 {line.zh} 且多于 {over}）。",
    )


def _tier_sentence(settlement: Settlement) -> Text:
    tier, pending = TIER_NAMES[settlement.tier], settlement.pending
    waiting = TIER_NAMES[pending] if pending is not None else None
    match settlement.change:
        case Change.SEVERE:
            return Text(f"Tier: {tier.en}, at once.", f"等级：{tier.zh}，立即生效。")
        case Change.NOT_ENOUGH_DATA:
            return Text(f"Tier: {tier.en}.", f"等级：{tier.zh}。")
        case Change.PROMOTED | Change.DEMOTED:
            up = settlement.change is Change.PROMOTED
            way, zh_way = ("promoted", "晋升") if up else ("demoted", "降级")
            return Text(
                f"Tier: {tier.en} ({way}: two cycles in a row pointed this way).",
                f"等级：{tier.zh}（{zh_way}：连续两个周期指向该方向）。",
            )
        case Change.PROMOTION_PENDING | Change.DEMOTION_PENDING if waiting is not None:
            return Text(
                f"Tier stays {tier.en}; this cycle points to {waiting.en}, which takes effect if"
                " the next cycle agrees.",
                f"等级保持{tier.zh}；本期指向{waiting.zh}，如下期一致则生效。",
            )
    return Text(f"Tier: {tier.en} (unchanged).", f"等级：{tier.zh}（不变）。")


def explain(
    *,
    score: float | None,
    figures: Sequence[Figure],
    previous: Standing | None,
    breaches: Sequence[Breach],
    severe: Sequence[SevereBreach],
    settlement: Settlement,
    reason: Text | None,
    excluded: int,
    config: ScoringConfig,
) -> Explanation:
    """The whole explanation of one merchant's cycle."""
    parts: list[Text] = []
    factors: list[Factor] = []
    if score is None:
        parts.append(reason or Text("Not enough data.", "数据不足。"))
    else:
        factors = _factors(figures, previous, config)
        parts.append(_score_sentence(score, previous))
        by_metric = {f.metric: f for f in figures}
        parts.append(_factor_sentence(factors, by_metric, config.interval))
    parts.extend(
        Text(f"Severe breach: {SEVERE_NAMES[s].en}.", f"严重违规：{SEVERE_NAMES[s].zh}。")
        for s in severe
    )
    parts.extend(_breach_sentence(b) for b in breaches)
    if excluded:
        parts.append(
            Text(
                f"{excluded} case(s) excluded on appeal and not counted.",
                f"{excluded} 单经申诉排除，不计入评分。",
            )
        )
    parts.append(_tier_sentence(settlement))
    return Explanation(join(parts), tuple(factors))
