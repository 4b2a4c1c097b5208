"""One affected unit of a recall campaign: an order line, tracked notified → responded → remedied.

A unit is named by its order line. The consumer who bought it chooses one of the remedies
offered (and may change their mind until it is carried out); the merchant of the recall or a
platform operator records it done — the remedy the consumer chose, or, when the consumer chose
through another channel (a call, a store visit), the one carried out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from aftersales.domain.actors import Actor, Role
from aftersales.errors import AftersalesError, ErrorCode, InvalidTransition, PermissionDenied
from aftersales.recall.values import Remedy, UnitState

__all__ = ["RecallUnit", "UnitChange"]


@dataclass(frozen=True, slots=True)
class UnitChange:
    """The event of one step of one unit."""

    recall_id: str
    order_line_id: str
    kind: str  # responded | remedied
    at: datetime
    actor: Actor
    remedy: Remedy
    note: str = ""


@dataclass(frozen=True, slots=True)
class RecallUnit:
    recall_id: str
    order_line_id: str
    order_id: str
    consumer_id: str
    merchant_id: str
    region: str
    quantity: int
    state: UnitState
    notified_at: datetime
    remedy: Remedy | None = None
    responded_at: datetime | None = None
    remedied_at: datetime | None = None

    def step(
        self, by: Actor, remedy: Remedy, offered: Sequence[Remedy], note: str, at: datetime
    ) -> tuple[RecallUnit, UnitChange]:
        """The consumer chooses ``remedy``, or the merchant or an operator records it done."""
        if self.state is UnitState.REMEDIED:
            raise InvalidTransition(
                f"unit {self.order_line_id} was already remedied ({self.remedy})",
                state=self.state.value,
            )
        if remedy not in offered:
            choices = ", ".join(offered)
            raise AftersalesError(
                f"{remedy} is not offered by this recall; choose one of: {choices}",
                code=ErrorCode.REMEDY_NOT_OFFERED,
            )
        if by.is_consumer(self.consumer_id):
            return self._respond(by, remedy, note, at)
        if by.role is Role.OPERATOR or by.is_merchant(self.merchant_id):
            return self._remedy(by, remedy, note, at)
        raise PermissionDenied("only the buyer, the merchant or an operator acts on a unit")

    def _respond(
        self, by: Actor, remedy: Remedy, note: str, at: datetime
    ) -> tuple[RecallUnit, UnitChange]:
        first = self.responded_at or at
        unit = replace(self, state=UnitState.RESPONDED, remedy=remedy, responded_at=first)
        return unit, UnitChange(
            self.recall_id, self.order_line_id, "responded", at, by, remedy, note
        )

    def _remedy(
        self, by: Actor, remedy: Remedy, note: str, at: datetime
    ) -> tuple[RecallUnit, UnitChange]:
        # The remedy is the consumer's to choose: once chosen, only that one may be done.
        if self.remedy is not None and remedy is not self.remedy:
            raise InvalidTransition(
                f"the buyer chose {self.remedy} for unit {self.order_line_id}; record that one",
                state=self.state.value,
            )
        unit = replace(self, state=UnitState.REMEDIED, remedy=remedy, remedied_at=at)
        return unit, UnitChange(
            self.recall_id, self.order_line_id, "remedied", at, by, remedy, note
        )
