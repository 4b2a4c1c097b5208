"""Marketplace master data: merchants and their stores, products and batches, consumers, orders.

These arrive from the marketplace (its ids are kept as ours) and are facts the after-sales
process reads; the platform does not change them except for delivery updates on orders.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from aftersales.domain.case_refusals import beijing
from aftersales.errors import Text, ValidationFailed

__all__ = [
    "Batch",
    "Channel",
    "Consumer",
    "Merchant",
    "Order",
    "OrderLine",
    "Product",
    "Store",
    "StoreKind",
    "check_placed",
    "check_region",
]

# Order times outside these bounds are typing mistakes, and deadlines computed from them overflow.
_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
_LATEST = datetime(2099, 12, 31, tzinfo=UTC)

_SECONDS = "%Y-%m-%d %H:%M:%S"

# How far an order's own clock may run ahead of the platform's before its times are refused.
CLOCK_TOLERANCE = timedelta(minutes=5)

# Province-level divisions as ISO 3166-2:CN codes (CN-BJ, CN-GD, …), plus HK, MO and TW.
_REGION = re.compile(r"^CN-[A-Z]{2}$")


def check_region(region: str) -> str:
    """Return the region code, or refuse one that is not a province-level code such as CN-BJ."""
    if not _REGION.match(region):
        raise ValidationFailed(
            Text(
                f"region {region!r} is not a province-level code such as CN-BJ",
                f"地区 {region!r} 不是省级行政区代码（如 CN-BJ）",
            )
        )
    return region


class Channel(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"


class StoreKind(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"


@dataclass(frozen=True, slots=True)
class Store:
    id: str
    merchant_id: str
    kind: StoreKind
    name: str
    region: str


@dataclass(frozen=True, slots=True)
class Merchant:
    id: str
    name: str
    stores: tuple[Store, ...] = ()


@dataclass(frozen=True, slots=True)
class Batch:
    id: str
    product_id: str
    code: str
    produced_on: datetime | None = None


@dataclass(frozen=True, slots=True)
class Product:
    id: str
    merchant_id: str
    category: str
    name: str
    brand: str | None = None
    model: str | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)
    batches: tuple[Batch, ...] = ()


@dataclass(frozen=True, slots=True)
class Consumer:
    id: str
    display_name: str | None = None
    region: str | None = None


@dataclass(frozen=True, slots=True)
class OrderLine:
    id: str
    order_id: str
    product_id: str
    unit_price: int  # in fen (1/100 yuan); money is never a float
    quantity: int
    batch_id: str | None = None

    @property
    def amount(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    merchant_id: str
    consumer_id: str
    store_id: str
    channel: Channel
    region: str
    placed_at: datetime
    lines: tuple[OrderLine, ...]
    paid_at: datetime | None = None
    delivered_at: datetime | None = None

    def __post_init__(self) -> None:
        problems = _order_problems(self)
        if problems:
            raise _refused(problems)

    def line(self, line_id: str) -> OrderLine | None:
        return next((line for line in self.lines if line.id == line_id), None)

    def same_lines_as(self, other: Order) -> bool:
        """True when both carry the same lines; lines never change once pushed."""
        return sorted(self.lines, key=lambda x: x.id) == sorted(other.lines, key=lambda x: x.id)


def _refused(problems: list[Text]) -> ValidationFailed:
    """Every problem of an order in one refusal; ``errors`` lists them in English, as before."""
    text = Text("; ".join(p.en for p in problems), "；".join(p.zh for p in problems))
    return ValidationFailed(text, errors=[p.en for p in problems])


def _order_problems(order: Order) -> list[Text]:
    problems: list[Text] = []
    if not order.lines:
        problems.append(Text("an order needs at least one line", "订单至少要有一个商品"))
    ids = [line.id for line in order.lines]
    if len(set(ids)) != len(ids):
        problems.append(Text("order line ids must be unique", "订单商品的 id 不能重复"))
    for line in order.lines:
        if line.quantity < 1:
            problems.append(
                Text(
                    f"line {line.id}: quantity must be at least 1", f"商品 {line.id}：数量至少为 1"
                )
            )
        if line.unit_price < 0:
            problems.append(
                Text(
                    f"line {line.id}: unit price cannot be negative",
                    f"商品 {line.id}：单价不能为负数",
                )
            )
    for name in ("placed_at", "paid_at", "delivered_at"):
        moment = getattr(order, name)
        if moment is not None and not _EARLIEST <= moment <= _LATEST:
            problems.append(
                Text(f"{name} must lie between 2000 and 2099", f"{name} 须在 2000 年到 2099 年之间")
            )
    if order.paid_at and order.paid_at < order.placed_at:
        problems.append(Text("paid_at is before placed_at", "paid_at 早于 placed_at"))
    if order.delivered_at and order.delivered_at < order.placed_at:
        problems.append(Text("delivered_at is before placed_at", "delivered_at 早于 placed_at"))
    return problems


def check_placed(order: Order, now: datetime) -> None:
    """Refuse an order placed or paid after ``now`` (give or take the clocks' tolerance).

    Nothing can happen to an order before it exists: a case on it opens later, and the cycles
    read a window's cases from their opening on that ground. A delivery time may be the one
    promised, replaced when the order is pushed again, so it is not held to ``now``."""
    latest = now + CLOCK_TOLERANCE
    problems = [
        Text(
            f"{name} {moment.isoformat()} is in the future (it is {now.isoformat()} now)",
            f"{name} {beijing(moment, _SECONDS)}（北京时间）晚于当前时间"
            f"（现在是 {beijing(now, _SECONDS)}）",
        )
        for name, moment in (("placed_at", order.placed_at), ("paid_at", order.paid_at))
        if moment is not None and moment > latest
    ]
    if problems:
        raise _refused(problems)
