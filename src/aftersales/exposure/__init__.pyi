"""The names ``aftersales.exposure`` exports, each loaded from its module when first used
(``__init__.py``: importing the package alone loads neither SciPy nor NumPy).
"""

from .candidates import (
    Candidate,
    Candidates,
    RankRequest,
    RankRequestTooLarge,
    check_request,
)
from .content import (
    ContentItem,
    ContentKind,
    ContentMetrics,
    MerchantActivity,
    Stage,
)
from .events import EventKind, ExposureEvent
from .ladder import (
    LadderRun,
    advance,
    approve,
    ctr_lower_bound,
    decline,
    step,
)
from .pacing import Pacer, PaceState, TargetStatus
from .parameters import (
    DEFAULT_PROGRAMME_WEIGHTS,
    DEFAULT_QUOTAS,
    ExposureConfig,
    LadderConfig,
    StageGate,
    programme_weights,
)
from .penalties import (
    Penalty,
    exposure_multiplier,
    held_products,
    penalty_for,
)
from .plan import (
    MerchantStatus,
    ServingInputs,
    ServingPlan,
    build_plan,
)
from .programme import Enrolment, Mode, NotEligible, enrol, is_eligible
from .ranking import RankedItem, RankResult, Reason, rerank
from .serving import Exposure, Impression
from .slots import Slot, parse_slot
from .targets import (
    Target,
    TargetKind,
    ladder_key,
    programme_key,
    throttle_key,
)

__all__ = [
    "DEFAULT_PROGRAMME_WEIGHTS",
    "DEFAULT_QUOTAS",
    "Candidate",
    "Candidates",
    "ContentItem",
    "ContentKind",
    "ContentMetrics",
    "Enrolment",
    "EventKind",
    "Exposure",
    "ExposureConfig",
    "ExposureEvent",
    "Impression",
    "LadderConfig",
    "LadderRun",
    "MerchantActivity",
    "MerchantStatus",
    "Mode",
    "NotEligible",
    "PaceState",
    "Pacer",
    "Penalty",
    "RankRequest",
    "RankRequestTooLarge",
    "RankResult",
    "RankedItem",
    "Reason",
    "ServingInputs",
    "ServingPlan",
    "Slot",
    "Stage",
    "StageGate",
    "Target",
    "TargetKind",
    "TargetStatus",
    "advance",
    "approve",
    "build_plan",
    "check_request",
    "ctr_lower_bound",
    "decline",
    "enrol",
    "exposure_multiplier",
    "held_products",
    "is_eligible",
    "ladder_key",
    "parse_slot",
    "penalty_for",
    "programme_key",
    "programme_weights",
    "rerank",
    "step",
    "throttle_key",
]
