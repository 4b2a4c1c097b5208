"""Merchant service scoring: per-merchant counts of a window in, scorecards and tiers out.

Pure code: no I/O, no web or database. The cycle job aggregates the counts of each window from
the operational tables into ``MerchantWindow`` objects (applying the per-buyer cap of
``buyers.py`` and leaving out what the policy does not attribute to the merchant), then calls
``score_cycle`` monthly and ``weekly_check`` weekly, and stores each scorecard's ``standing``
for the next call. The method, with its formulas, is in docs/scoring.md.
"""

from __future__ import annotations

from aftersales.scoring.buyers import buyer_weight, rating_weight, weigh_buyer, weigh_buyers
from aftersales.scoring.counts import (
    Attainment,
    ExcludedCase,
    MerchantWindow,
    Ratings,
    ServiceCounts,
    SevereBreach,
    case_contribution,
)
from aftersales.scoring.cycle import CategoryCard, CycleScores, Scorecard, score_cycle
from aftersales.scoring.durations import TimeSummary
from aftersales.scoring.explain import Explanation, Factor
from aftersales.scoring.figures import Figure
from aftersales.scoring.metrics import Metric
from aftersales.scoring.parameters import (
    DEFAULT_RULES,
    DEFAULT_WEIGHTS,
    RateCountRule,
    ScoringConfig,
    Weights,
)
from aftersales.scoring.peers import PeerGroup
from aftersales.scoring.prior import BetaPrior, fit_prior, posterior
from aftersales.scoring.rules import Breach
from aftersales.scoring.texts import Text
from aftersales.scoring.tiers import Change, Standing, Tier
from aftersales.scoring.weekly import WeeklyFlag, weekly_check

__all__ = [
    "DEFAULT_RULES",
    "DEFAULT_WEIGHTS",
    "Attainment",
    "BetaPrior",
    "Breach",
    "CategoryCard",
    "Change",
    "CycleScores",
    "ExcludedCase",
    "Explanation",
    "Factor",
    "Figure",
    "MerchantWindow",
    "Metric",
    "PeerGroup",
    "RateCountRule",
    "Ratings",
    "Scorecard",
    "ScoringConfig",
    "ServiceCounts",
    "SevereBreach",
    "Standing",
    "Text",
    "Tier",
    "TimeSummary",
    "WeeklyFlag",
    "Weights",
    "buyer_weight",
    "case_contribution",
    "fit_prior",
    "posterior",
    "rating_weight",
    "score_cycle",
    "weekly_check",
    "weigh_buyer",
    "weigh_buyers",
]
