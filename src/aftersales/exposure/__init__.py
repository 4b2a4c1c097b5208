"""Traffic for good service: the quality-merchant programme, the content ladder, penalties, and
the re-ranker that turns them into exposure, paced over each cycle.

Pure code: no I/O, no web or database. The integrator stores enrolments, content items, pacing
counts and the events these functions return, and calls them from its use cases:

- ``enrol`` when a merchant enrols (refuses 31 products, another merchant's product, or an
  ineligible tier);
- ``advance`` once a day over the ladder's items, ``approve`` / ``decline`` on an operator's
  review;
- ``Exposure.refresh`` after anything that changes tiers, enrolments, stages or holds, and every
  few minutes (it also moves pacing on to the next ladder day);
- ``Exposure.rank`` per ranking request, ``Exposure.record`` per impressions report,
  ``Exposure.review`` periodically for met and infeasible targets, ``Exposure.status`` for a
  merchant's scorecard, ``Exposure.pacing`` for the operators' view of every target.

How it works, with the reasons for each default, is in docs/exposure.md.
"""

from __future__ import annotations

from aftersales.exposure.candidates import (
    Candidate,
    Candidates,
    RankRequest,
    RankRequestTooLarge,
    check_request,
)
from aftersales.exposure.content import (
    ContentItem,
    ContentKind,
    ContentMetrics,
    MerchantActivity,
    Stage,
)
from aftersales.exposure.events import EventKind, ExposureEvent
from aftersales.exposure.ladder import (
    LadderRun,
    advance,
    approve,
    ctr_lower_bound,
    decline,
    step,
)
from aftersales.exposure.pacing import Pacer, PaceState, TargetStatus
from aftersales.exposure.parameters import (
    DEFAULT_PROGRAMME_WEIGHTS,
    DEFAULT_QUOTAS,
    ExposureConfig,
    LadderConfig,
    StageGate,
    programme_weights,
)
from aftersales.exposure.penalties import (
    Penalty,
    exposure_multiplier,
    held_products,
    penalty_for,
)
from aftersales.exposure.plan import (
    MerchantStatus,
    ServingInputs,
    ServingPlan,
    build_plan,
)
from aftersales.exposure.programme import Enrolment, Mode, NotEligible, enrol, is_eligible
from aftersales.exposure.ranking import RankedItem, RankResult, Reason, rerank
from aftersales.exposure.serving import Exposure, Impression
from aftersales.exposure.slots import Slot, parse_slot
from aftersales.exposure.targets import (
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
