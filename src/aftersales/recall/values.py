"""The vocabulary of a recall: its states, triggers, remedies, parties, holds, scope and events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from aftersales.domain.actors import Actor
from aftersales.errors import Text

__all__ = [
    "Hold",
    "Party",
    "PartyTask",
    "RecallEvent",
    "RecallState",
    "Remedy",
    "Scope",
    "Trigger",
    "UnitState",
]


class RecallState(StrEnum):
    REVIEW = "review"  # opened, waiting for an operator's decision; the stop-sale hold stands
    CONFIRMED = "confirmed"  # the campaign runs: affected units notified and remedied
    DISMISSED = "dismissed"  # no recall; the hold was lifted

    @property
    def is_open(self) -> bool:
        """An open recall takes later reports on its product or batches and blocks overlaps."""
        return self is not RecallState.DISMISSED


class Trigger(StrEnum):
    EMERGENCY = "emergency"  # one case the policy decided (or triage flagged) as an emergency
    CLUSTER = "cluster"  # N safety reports on the same batch or product within the window
    MANUAL = "manual"  # an operator opened it


class Remedy(StrEnum):
    """What a consumer may choose for a recalled unit (the EU's GPSR requires a choice)."""

    REFUND = "refund"
    REPLACEMENT = "replacement"
    REPAIR = "repair"


class UnitState(StrEnum):
    NOTIFIED = "notified"  # the consumer was told (an outbox message and their recall list)
    RESPONDED = "responded"  # the consumer chose a remedy
    REMEDIED = "remedied"  # the merchant or the platform carried it out


class Party(StrEnum):
    PLATFORM = "platform"  # the platform's safety team
    MERCHANT = "merchant"
    BRAND = "brand"  # the brand owner or manufacturer
    LOGISTICS = "logistics"
    REGULATOR = "regulator"  # the platform reports to the market regulator (SAMR)


@dataclass(frozen=True, slots=True)
class Hold:
    """A stop-sale hold: new orders of the batch (or of the product, when no batch is named)
    are refused, in the listed regions only or, when none are listed, everywhere."""

    product_id: str
    batch_id: str | None = None
    regions: tuple[str, ...] = ()

    def blocks(self, product_id: str, batch_id: str | None, region: str) -> bool:
        """Whether a new order line of this product and batch, shipped to ``region``, is held."""
        if product_id != self.product_id or (self.regions and region not in self.regions):
            return False
        return self.batch_id is None or self.batch_id == batch_id

    @classmethod
    def decode(cls, data: Mapping[str, Any]) -> Hold:
        return cls(data["product_id"], data["batch_id"], tuple(data["regions"]))


@dataclass(frozen=True, slots=True)
class Scope:
    """Which sold units a confirmed recall covers; every condition given must hold.

    Dates are calendar days in China Standard Time, both ends included. A line is matched by
    production date through its batch (so a line without a batch never matches a production
    range) and by delivery date through its order (the order's placing date when it was never
    delivered)."""

    batch_ids: tuple[str, ...] = ()
    produced_from: date | None = None
    produced_to: date | None = None
    delivered_from: date | None = None
    delivered_to: date | None = None
    regions: tuple[str, ...] = ()

    def problems(self) -> list[Text]:
        found = []
        if self.produced_from and self.produced_to and self.produced_from > self.produced_to:
            found.append(
                Text("the production range ends before it starts", "生产日期范围的截止日早于起始日")
            )
        if self.delivered_from and self.delivered_to and self.delivered_from > self.delivered_to:
            found.append(
                Text("the delivery range ends before it starts", "送达日期范围的截止日早于起始日")
            )
        if len(set(self.batch_ids)) != len(self.batch_ids):
            found.append(Text("a batch is listed twice", "有批次重复列出"))
        return found

    @property
    def by_production(self) -> bool:
        return self.produced_from is not None or self.produced_to is not None

    @classmethod
    def decode(cls, data: Mapping[str, Any]) -> Scope:
        def day(name: str) -> date | None:
            value = data.get(name)
            return None if value is None else date.fromisoformat(value)

        return cls(
            batch_ids=tuple(data["batch_ids"]),
            produced_from=day("produced_from"),
            produced_to=day("produced_to"),
            delivered_from=day("delivered_from"),
            delivered_to=day("delivered_to"),
            regions=tuple(data["regions"]),
        )

    def encode(self) -> dict[str, Any]:
        def day(value: date | None) -> str | None:
            return None if value is None else value.isoformat()

        return {
            "batch_ids": list(self.batch_ids),
            "produced_from": day(self.produced_from),
            "produced_to": day(self.produced_to),
            "delivered_from": day(self.delivered_from),
            "delivered_to": day(self.delivered_to),
            "regions": list(self.regions),
        }


@dataclass(frozen=True, slots=True)
class PartyTask:
    """What one party must do for a recall, and by when."""

    id: str  # unique within the recall, e.g. "regulator.report"
    party: Party
    action: str
    due: datetime
    done_at: datetime | None = None
    done_by: str | None = None

    def overdue(self, now: datetime) -> bool:
        return self.done_at is None and now > self.due

    @classmethod
    def decode(cls, data: Mapping[str, Any]) -> PartyTask:
        done = data.get("done_at")
        return cls(
            data["id"],
            Party(data["party"]),
            data["action"],
            datetime.fromisoformat(data["due"]),
            None if done is None else datetime.fromisoformat(done),
            data.get("done_by"),
        )


@dataclass(frozen=True, slots=True)
class RecallEvent:
    recall_id: str
    seq: int
    kind: str
    at: datetime
    actor: Actor
    data: Mapping[str, Any] = field(default_factory=dict)
