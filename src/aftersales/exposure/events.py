"""The decisions of the exposure package, as values the integrator stores and publishes.

Every eligibility change, enrolment, stage change, boost and throttle is one ``ExposureEvent``
with its reason in both languages. Nothing here writes them anywhere: the functions that decide
return them, and the caller appends them in the same transaction as the state they explain (and
to the evidence log, for the ones a merchant may contest).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from aftersales.errors import ValidationFailed
from aftersales.scoring.texts import Text

__all__ = ["EventKind", "ExposureEvent"]


class EventKind(StrEnum):
    ELIGIBILITY_GAINED = "eligibility_gained"
    ELIGIBILITY_LOST = "eligibility_lost"
    ENROLLED = "enrolled"
    BOOST_STARTED = "boost_started"
    BOOST_ENDED = "boost_ended"
    BOOSTS_WITHHELD = "boosts_withheld"  # tier watch: no programme or content boost
    BOOSTS_RESTORED = "boosts_restored"
    THROTTLE_APPLIED = "throttle_applied"
    THROTTLE_LIFTED = "throttle_lifted"
    STAGE_CHANGED = "stage_changed"
    AMPLIFICATION_NOMINATED = "amplification_nominated"
    AMPLIFICATION_DECLINED = "amplification_declined"
    TARGET_MET = "target_met"
    TARGET_INFEASIBLE = "target_infeasible"


@dataclass(frozen=True, slots=True)
class ExposureEvent:
    """One decision: what happened, to whom, why, and when.

    ``subject`` names what it concerns as ``kind:id`` — ``merchant:m1``, ``content:c7`` or
    ``target:programme:m1:feed`` — so one column can hold every subject. ``data`` holds the
    figures behind the reason (tiers, stages, slots, goals), JSON-ready.
    """

    kind: EventKind
    subject: str
    reason: Text
    at: datetime
    data: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValidationFailed("an exposure event needs an aware (UTC) time")

    def encode(self) -> dict[str, Any]:
        """The event as JSON-ready data."""
        return {
            "kind": self.kind.value,
            "subject": self.subject,
            "reason": {"en": self.reason.en, "zh": self.reason.zh},
            "at": self.at.isoformat(),
            "data": dict(self.data),
        }
