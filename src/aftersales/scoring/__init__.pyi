"""The names ``aftersales.scoring`` exports, each loaded from its module when first used
(``__init__.py``: importing the package alone loads neither SciPy nor NumPy).
"""

from .buyers import buyer_weight, rating_weight, weigh_buyer, weigh_buyers
from .counts import (
    Attainment,
    ExcludedCase,
    MerchantWindow,
    Ratings,
    ServiceCounts,
    SevereBreach,
    case_contribution,
)
from .cycle import CategoryCard, CycleScores, Scorecard, score_cycle
from .durations import TimeSummary
from .explain import Explanation, Factor
from .figures import Figure
from .metrics import Metric
from .parameters import (
    DEFAULT_RULES,
    DEFAULT_WEIGHTS,
    RateCountRule,
    ScoringConfig,
    Weights,
)
from .peers import PeerGroup
from .prior import BetaPrior, fit_prior, posterior
from .rules import Breach
from .texts import Text
from .tiers import Change, Standing, Tier
from .weekly import WeeklyFlag, weekly_check

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
