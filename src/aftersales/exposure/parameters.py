"""The knobs of the programme, the ladder, the penalties and the re-ranker, with their defaults.

Every default is explained in docs/exposure.md. A bad value fails here with a ValidationFailed
that names it, never later inside a ranking request.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Real
from types import MappingProxyType

from aftersales.errors import Text, ValidationFailed
from aftersales.exposure.content import Stage
from aftersales.exposure.slots import Slot, parse_slot
from aftersales.scoring.tiers import Tier

__all__ = [
    "DEFAULT_PROGRAMME_WEIGHTS",
    "DEFAULT_QUOTAS",
    "ExposureConfig",
    "LadderConfig",
    "StageGate",
    "programme_weights",
]


def _check(ok: bool, en: str, zh: str) -> None:
    if not ok:
        raise ValidationFailed(Text(en, zh))


def _finite(value: object) -> bool:
    return isinstance(value, Real) and math.isfinite(value)


@dataclass(frozen=True, slots=True)
class StageGate:
    """What an item needs over the ladder's window to enter a stage."""

    min_impressions: int
    min_ctr: float  # compared with the lower confidence bound of the click-through rate
    min_dwell: float  # seconds per open

    def __post_init__(self) -> None:
        _check(
            _finite(self.min_impressions) and self.min_impressions >= 1,
            f"a stage gate needs min_impressions >= 1, got {self.min_impressions!r}",
            f"阶段门槛的 min_impressions 须 >= 1，实际为 {self.min_impressions!r}",
        )
        _check(
            _finite(self.min_ctr) and 0 <= self.min_ctr < 1,
            f"a stage gate needs 0 <= min_ctr < 1, got {self.min_ctr!r}",
            f"阶段门槛的 min_ctr 须满足 0 <= min_ctr < 1，实际为 {self.min_ctr!r}",
        )
        _check(
            _finite(self.min_dwell) and self.min_dwell >= 0,
            f"a stage gate needs min_dwell >= 0 seconds, got {self.min_dwell!r}",
            f"阶段门槛的 min_dwell 须 >= 0 秒，实际为 {self.min_dwell!r}",
        )

    def scaled(self, ratio: float) -> StageGate:
        """The same gate with every threshold times ``ratio`` (the line to stay above)."""
        impressions = max(1, math.ceil(self.min_impressions * ratio))
        return StageGate(impressions, self.min_ctr * ratio, self.min_dwell * ratio)


# Daily guaranteed impressions per item. Cold start is a small floor that gives new content a
# sample to be judged on; boost is ten times that; the amplification pool draws public traffic.
DEFAULT_QUOTAS: Mapping[Stage, int] = MappingProxyType(
    {Stage.COLD_START: 300, Stage.BOOST: 3_000, Stage.AMPLIFICATION_POOL: 30_000}
)


@dataclass(frozen=True, slots=True)
class LadderConfig:
    """The content ladder's thresholds; the metrics are summed over the last ``window_days``."""

    window_days: int = 7
    min_posts: int = 3  # posts by the shop in the window, to open cold start
    min_fan_activity: float = 0.05  # share of the shop's fans active in the window
    max_age_days: int = 14  # older content never starts cold start: its moment has passed
    cold_start_days: int = 3  # how long the base quota runs before the item must earn a boost
    boost: StageGate = StageGate(1_000, 0.03, 8.0)
    amplification: StageGate = StageGate(10_000, 0.05, 15.0)
    # An item keeps its stage while it stays above keep_ratio x the gate it entered by; the gap
    # keeps an item near a line from flapping up and down every day.
    keep_ratio: float = 0.8
    min_days_in_stage: int = 2  # no demotion before the new stage had a fair sample
    review_cooldown_days: int = 14  # a declined item is not put to the operators again sooner
    ctr_z: float = 1.645  # one-sided 95% Wilson bound: 3 clicks in 20 impressions is not 15%
    quotas: Mapping[Stage, int] = field(default_factory=lambda: DEFAULT_QUOTAS)

    def __post_init__(self) -> None:
        for name in ("window_days", "cold_start_days", "max_age_days"):
            value = getattr(self, name)
            _check(
                _finite(value) and value >= 1,
                f"ladder {name} must be >= 1, got {value!r}",
                f"流量阶梯的 {name} 须 >= 1，实际为 {value!r}",
            )
        for name in ("min_posts", "min_days_in_stage", "review_cooldown_days"):
            value = getattr(self, name)
            _check(
                _finite(value) and value >= 0,
                f"ladder {name} must be >= 0, got {value!r}",
                f"流量阶梯的 {name} 须 >= 0，实际为 {value!r}",
            )
        _check(
            _finite(self.min_fan_activity) and 0 <= self.min_fan_activity <= 1,
            f"ladder min_fan_activity must be within [0, 1], got {self.min_fan_activity!r}",
            f"流量阶梯的 min_fan_activity 须在 [0, 1] 之内，实际为 {self.min_fan_activity!r}",
        )
        _check(
            _finite(self.keep_ratio) and 0 < self.keep_ratio <= 1,
            f"ladder keep_ratio must be within (0, 1], got {self.keep_ratio!r}",
            f"流量阶梯的 keep_ratio 须在 (0, 1] 之内，实际为 {self.keep_ratio!r}",
        )
        _check(
            _finite(self.ctr_z) and self.ctr_z >= 0,
            f"ladder ctr_z must be >= 0, got {self.ctr_z!r}",
            f"流量阶梯的 ctr_z 须 >= 0，实际为 {self.ctr_z!r}",
        )
        for stage in (Stage.COLD_START, Stage.BOOST, Stage.AMPLIFICATION_POOL):
            quota = self.quotas.get(stage)
            _check(
                quota is not None and _finite(quota) and quota >= 0,
                f"ladder quota for {stage} must be a number >= 0, got {quota!r}",
                f"流量阶梯 {stage} 阶段的配额须为 >= 0 的数，实际为 {quota!r}",
            )

    def gate(self, stage: Stage) -> StageGate:
        """The gate of ``boost`` or ``amplification_pool``."""
        return self.boost if stage is Stage.BOOST else self.amplification


# How much exposure the programme promises on each slot, as a multiple of what the enrolled
# products would get on their merits. Higher on the mini-detail page, the slot the programme was
# designed around, and lower in search, where a buyer asked for something specific.
DEFAULT_PROGRAMME_WEIGHTS: Mapping[Tier, Mapping[Slot, float]] = MappingProxyType(
    {
        Tier.EXCELLENT: MappingProxyType(
            {Slot.SEARCH: 1.20, Slot.FEED: 1.30, Slot.MINI_DETAIL: 1.50}
        ),
        Tier.GOOD: MappingProxyType({Slot.SEARCH: 1.10, Slot.FEED: 1.15, Slot.MINI_DETAIL: 1.25}),
    }
)

_PENALISED = (Tier.WATCH, Tier.RESTRICTED)


def programme_weights(
    values: Mapping[str, Mapping[str, float]],
) -> Mapping[Tier, Mapping[Slot, float]]:
    """A weight table from tier and slot names, as a settings file spells them."""
    table: dict[Tier, Mapping[Slot, float]] = {}
    for tier_name, row in values.items():
        try:
            tier = Tier(tier_name)
        except ValueError:
            raise ValidationFailed(
                Text(
                    f"unknown tier {tier_name!r} in programme weights",
                    f"优质商家计划加权中有未知的等级 {tier_name!r}",
                )
            ) from None
        table[tier] = MappingProxyType({parse_slot(s): w for s, w in row.items()})
    return MappingProxyType(table)


@dataclass(frozen=True, slots=True)
class ExposureConfig:
    """Everything the exposure package can be told; the defaults are the documented ones."""

    eligible_tiers: frozenset[Tier] = frozenset({Tier.EXCELLENT, Tier.GOOD})
    pool_limit: int = 30  # products in a targeted pool
    weights: Mapping[Tier, Mapping[Slot, float]] = field(
        default_factory=lambda: DEFAULT_PROGRAMME_WEIGHTS
    )
    ladder_slots: frozenset[Slot] = frozenset({Slot.FEED, Slot.SEARCH})
    # A restricted merchant may have this share of the impressions its products earn on merit.
    # A share of exposure, not of scores: halving a score can mean anything from a nudge to a
    # ban, depending on how the marketplace's ranker spreads its scores.
    throttle: float = 0.5
    # False switches the cap off (a what-if: "no throttling"): a restricted merchant keeps the
    # exposure it earns on merit, and still gets no boost and no programme eligibility.
    throttling: bool = True
    # The most a boost may multiply a score by, on top of 1. Bounded so a boosted product only
    # passes products the ranker scored close to it; the relevance floor is the second line.
    programme_max_lift: float = 0.5
    ladder_max_lift: float = 1.0
    max_lift: float = 1.0  # programme and ladder together
    # Per request, the boosted list keeps at least this share of the unboosted list's DCG (the
    # ranker's scores as gains): boosts may cost 0.4% of it, no more (docs/exposure.md).
    relevance_floor: float = 0.996
    max_candidates: int = 10_000
    max_k: int = 200
    # Pacing keeps delivery within band x goal below the even schedule (docs/exposure.md).
    pacing_band: float = 0.04
    min_pacing_band: float = 1.0  # impressions: the band of a tiny goal
    pacing_finish: float = 0.9  # absolute goals are scheduled to be in by this share of the period
    ladder: LadderConfig = field(default_factory=LadderConfig)

    def __post_init__(self) -> None:
        bad = sorted(t.value for t in self.eligible_tiers if t in _PENALISED)
        _check(
            not bad,
            f"penalised tiers cannot be eligible for the programme: {', '.join(bad)}",
            f"受处罚的等级不能参加优质商家计划：{'、'.join(bad)}",
        )
        _check(
            Tier.NOT_ENOUGH_DATA not in self.eligible_tiers,
            "not_enough_data is no verdict and cannot make a merchant eligible",
            "not_enough_data（数据不足）不是考核结论，不能使商家符合计划条件",
        )
        _check(
            _finite(self.pool_limit) and self.pool_limit >= 1,
            f"pool_limit must be >= 1, got {self.pool_limit!r}",
            f"pool_limit 须 >= 1，实际为 {self.pool_limit!r}",
        )
        self._check_weights()
        _check(
            _finite(self.throttle) and 0 < self.throttle < 1,
            f"throttle must be within (0, 1), got {self.throttle!r}",
            f"throttle 须在 (0, 1) 之内，实际为 {self.throttle!r}",
        )
        _check(
            isinstance(self.throttling, bool),
            f"throttling is true or false, got {self.throttling!r}",
            f"throttling 须为 true 或 false，实际为 {self.throttling!r}",
        )
        for name in ("programme_max_lift", "ladder_max_lift", "max_lift"):
            value = getattr(self, name)
            _check(
                _finite(value) and value >= 0,
                f"{name} must be >= 0, got {value!r}",
                f"{name} 须 >= 0，实际为 {value!r}",
            )
        _check(
            _finite(self.relevance_floor) and 0 <= self.relevance_floor <= 1,
            f"relevance_floor must be within [0, 1], got {self.relevance_floor!r}",
            f"relevance_floor 须在 [0, 1] 之内，实际为 {self.relevance_floor!r}",
        )
        for name in ("max_candidates", "max_k"):
            value = getattr(self, name)
            _check(
                _finite(value) and value >= 1,
                f"{name} must be >= 1, got {value!r}",
                f"{name} 须 >= 1，实际为 {value!r}",
            )
        _check(
            _finite(self.pacing_band) and 0 < self.pacing_band < 1,
            f"pacing_band must be within (0, 1), got {self.pacing_band!r}",
            f"pacing_band 须在 (0, 1) 之内，实际为 {self.pacing_band!r}",
        )
        _check(
            _finite(self.min_pacing_band) and self.min_pacing_band > 0,
            f"min_pacing_band must be > 0, got {self.min_pacing_band!r}",
            f"min_pacing_band 须 > 0，实际为 {self.min_pacing_band!r}",
        )
        _check(
            _finite(self.pacing_finish) and 0 < self.pacing_finish <= 1,
            f"pacing_finish must be within (0, 1], got {self.pacing_finish!r}",
            f"pacing_finish 须在 (0, 1] 之内，实际为 {self.pacing_finish!r}",
        )

    def _check_weights(self) -> None:
        for tier, row in self.weights.items():
            # Rows of tiers that are not eligible are simply unused, so narrowing the eligible
            # tiers needs no second edit; but a penalised tier must never read as boosted.
            _check(
                tier not in _PENALISED,
                f"programme weights cannot name penalised tier {tier}",
                f"优质商家计划加权不能包含受处罚的等级 {tier}",
            )
            for slot, weight in row.items():
                _check(
                    isinstance(slot, Slot),
                    f"unknown slot {slot!r} in programme weights",
                    f"优质商家计划加权中有未知的流量位 {slot!r}",
                )
                _check(
                    _finite(weight) and weight >= 1,
                    f"programme weight of {tier} on {slot} must be >= 1, got {weight!r}",
                    f"等级 {tier} 在流量位 {slot} 上的计划加权须 >= 1，实际为 {weight!r}",
                )

    def weight(self, tier: Tier, slot: Slot) -> float | None:
        """The programme's promise for ``tier`` on ``slot``, or None where it does not boost."""
        row = self.weights.get(tier)
        return None if row is None else row.get(slot)
