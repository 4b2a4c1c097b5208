"""One affected unit of a recall campaign: an order line, tracked notified → responded → remedied.

A unit is named by its order line. The consumer who bought it chooses one of the remedies
offered (and may change their mind until it is carried out); the merchant of the recall or a
platform operator records it done — the remedy the consumer chose, or, when the consumer chose
through another channel (a call, a store visit), the one carried out.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from aftersales.domain.actors import Actor, Role
from aftersales.errors import AftersalesError, ErrorCode, InvalidTransition, PermissionDenied, Text
from aftersales.recall.names import remedies_zh
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
            done = remedies_zh([str(self.remedy)])
            raise InvalidTransition(
                Text(
                    f"unit {self.order_line_id} was already remedied ({self.remedy})",
                    f"订单商品 {self.order_line_id} 已完成补救（{done}）",
                ),
                state=self.state.value,
            )
        if remedy not in offered:
            choices = ", ".join(offered)
            raise AftersalesError(
                Text(
                    f"{remedy} is not offered by this recall; choose one of: {choices}",
                    f"本次召回不提供「{remedies_zh([remedy])}」，"
                    f"请从以下方式中选择：{remedies_zh(offered)}",
                ),
                code=ErrorCode.REMEDY_NOT_OFFERED,
            )
        if by.is_consumer(self.consumer_id):
            return self._respond(by, remedy, note, at)
        if by.role is Role.OPERATOR or by.is_merchant(self.merchant_id):
            return self._remedy(by, remedy, note, at)
        raise PermissionDenied(
            Text(
                "only the buyer, the merchant or an operator acts on a unit",
                "只有购买该商品的消费者、商家或平台运营人员可以处理召回商品",
            )
        )

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
            chosen = remedies_zh([self.remedy])
            raise InvalidTransition(
                Text(
                    f"the buyer chose {self.remedy} for unit {self.order_line_id}; record that one",
                    f"消费者已为订单商品 {self.order_line_id} 选择「{chosen}」，请按该方式登记",
                ),
                state=self.state.value,
            )
        unit = replace(self, state=UnitState.REMEDIED, remedy=remedy, remedied_at=at)
        return unit, UnitChange(
            self.recall_id, self.order_line_id, "remedied", at, by, remedy, note
        )
