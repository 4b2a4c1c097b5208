"""Promised exposure: how many impressions a programme enrolment or a ladder stage is owed.

Two kinds of promise, counted in impressions over a period:

- **Programme (relative)**: an enrolled merchant is owed ``weight(tier, slot)`` times the
  impressions its enrolled products earn on their merits on that slot, over the cycle. The
  re-ranker counts those merit impressions as it goes (each time an enrolled product is in the
  unboosted top k), so the promise needs no forecast from last cycle, means the same to a small
  shop and a large one, and can never be exceeded by merit alone (the weight is at least 1).
- **Ladder (absolute)**: an item in cold start, boost or the amplification pool is owed its
  stage's daily quota on the ladder's slots, over the day. It is a floor: content that earns
  more on its merits gets more, and the boost simply stays off.
- **Throttle (a cap)**: a restricted merchant may have at most ``throttle x`` the impressions its
  products earn on their merits on each slot. Not a promise but a ceiling, paced the same way.

Delivered impressions count whether they came from the boost or on merit: the promise is about
what the merchant sees, and pacing only adds the part merit does not bring.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from aftersales.errors import ValidationFailed
from aftersales.exposure.slots import Slot

__all__ = ["Target", "TargetKind", "ladder_key", "programme_key", "throttle_key"]


class TargetKind(StrEnum):
    PROGRAMME = "programme"
    LADDER = "ladder"
    THROTTLE = "throttle"


def programme_key(merchant_id: str, slot: Slot) -> str:
    return f"programme:{merchant_id}:{slot.value}"


def ladder_key(content_id: str) -> str:
    return f"ladder:{content_id}"


def throttle_key(merchant_id: str, slot: Slot) -> str:
    return f"throttle:{merchant_id}:{slot.value}"


@dataclass(frozen=True, slots=True)
class Target:
    """One promise on ``slots`` between ``start`` and ``end``.

    Either absolute (``goal`` impressions) or relative (``weight`` times the merit impressions,
    with ``goal`` 0). ``subject`` is the merchant (programme, throttle) or the content item
    (ladder). A throttle's weight is below 1; a promise's is at least 1.
    """

    key: str
    kind: TargetKind
    subject: str
    merchant_id: str
    slots: frozenset[Slot]
    start: datetime
    end: datetime
    goal: int = 0
    weight: float = 0.0

    def __post_init__(self) -> None:
        if self.goal < 0:
            raise ValidationFailed(f"target {self.key}: the goal must be >= 0, got {self.goal}")
        if self.kind is TargetKind.THROTTLE:
            if not (math.isfinite(self.weight) and 0 < self.weight < 1):
                raise ValidationFailed(f"throttle {self.key}: the cap must be within (0, 1)")
        elif self.weight and not (math.isfinite(self.weight) and self.weight >= 1):
            raise ValidationFailed(f"target {self.key}: a weight must be >= 1, got {self.weight}")
        if self.weight and self.goal:
            raise ValidationFailed(f"target {self.key}: a goal or a weight, not both")
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValidationFailed(f"target {self.key}: the period needs aware (UTC) times")
        if self.end <= self.start:
            raise ValidationFailed(f"target {self.key}: the period ends before it starts")

    @property
    def relative(self) -> bool:
        return self.weight > 0
