"""The values a case is made of: its facts, proposals, resolutions, verdicts and events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aftersales.domain.actors import Actor
from aftersales.domain.cases_types import LiableParty, ResolutionType, Verdict
from aftersales.domain.snapshot import decode_time

__all__ = [
    "Arbitration",
    "CaseEvent",
    "CaseFacts",
    "Proposal",
    "Resolution",
    "decode_arbitration",
    "decode_proposal",
    "decode_resolution",
    "parse_time",
]


@dataclass(frozen=True, slots=True)
class CaseEvent:
    case_id: str
    seq: int
    kind: str
    at: datetime
    actor: Actor
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the case is about, copied from the order line when it opens and never changed."""

    order_line_id: str
    order_id: str
    consumer_id: str
    merchant_id: str
    store_id: str
    product_id: str
    category: str
    channel: str
    region: str
    amount: int  # what the consumer paid for the line, in fen: the ceiling of any refund
    batch_id: str | None = None


@dataclass(frozen=True, slots=True)
class Proposal:
    resolution: ResolutionType
    amount: int
    at: datetime
    reply_due: datetime


@dataclass(frozen=True, slots=True)
class Resolution:
    type: ResolutionType
    amount: int
    by: str  # agreement | proposal_stood | sla_default | policy | arbitration
    at: datetime


@dataclass(frozen=True, slots=True)
class Arbitration:
    verdict: Verdict
    liable_party: LiableParty
    resolution: ResolutionType
    amount: int
    note: str
    operator_id: str | None
    at: datetime
    final: bool


def decode_proposal(d: Mapping[str, Any] | None) -> Proposal | None:
    if d is None:
        return None
    return Proposal(
        ResolutionType(d["resolution"]),
        d["amount"],
        parse_time(d["at"]),
        parse_time(d["reply_due"]),
    )


def decode_resolution(d: Mapping[str, Any] | None) -> Resolution | None:
    if d is None:
        return None
    return Resolution(ResolutionType(d["type"]), d["amount"], d["by"], parse_time(d["at"]))


def decode_arbitration(d: Mapping[str, Any] | None) -> Arbitration | None:
    if d is None:
        return None
    return Arbitration(
        Verdict(d["verdict"]),
        LiableParty(d["liable_party"]),
        ResolutionType(d["resolution"]),
        d["amount"],
        d["note"],
        d["operator_id"],
        parse_time(d["at"]),
        d["final"],
    )


def parse_time(value: str) -> datetime:
    """A timestamp that must be there."""
    decoded = decode_time(value)
    assert decoded is not None
    return decoded
