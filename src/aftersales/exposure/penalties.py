"""What a poor tier costs in exposure, and which products are never shown.

The fast weekly check can drop a merchant to ``watch`` or ``restricted`` mid-cycle; the next
serving refresh applies the penalty below, so a collapse costs traffic within one refresh, not at
the end of the month.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from aftersales.exposure.parameters import ExposureConfig
from aftersales.recall.values import Hold
from aftersales.scoring.tiers import Tier

__all__ = ["Penalty", "exposure_multiplier", "held_products", "penalty_for"]


class Penalty(StrEnum):
    NONE = "none"
    NO_BOOST = "no_boost"  # watch: neither the programme nor the ladder boosts it
    THROTTLED = "throttled"  # restricted: no boost, and its exposure capped below its merit


def penalty_for(tier: Tier, config: ExposureConfig | None = None) -> Penalty:
    """The penalty a tier carries; ``not_enough_data`` is no verdict and carries none.

    With throttling switched off (``config.throttling``), ``restricted`` costs what ``watch``
    does: no boost of any kind, and no cap."""
    if tier is Tier.RESTRICTED:
        throttling = config is None or config.throttling
        return Penalty.THROTTLED if throttling else Penalty.NO_BOOST
    if tier is Tier.WATCH:
        return Penalty.NO_BOOST
    return Penalty.NONE


def exposure_multiplier(tier: Tier, config: ExposureConfig) -> float:
    """The share of the exposure its products earn on merit that a merchant may have."""
    return config.throttle if penalty_for(tier, config) is Penalty.THROTTLED else 1.0


def held_products(holds: Iterable[Hold]) -> frozenset[str]:
    """The products a set of stop-sale holds in force keeps out of every ranking.

    A hold on one batch, or in some regions only, hides the whole product: a ranking request
    names neither the batch that would ship nor the buyer's region, and showing a product the
    buyer cannot order (or, worse, one that ships from the unsafe batch) costs more than a
    missing result.
    """
    return frozenset(hold.product_id for hold in holds)
