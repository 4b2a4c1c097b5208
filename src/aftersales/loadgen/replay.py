"""Open-loop replay: requests leave at a fixed rate, whatever the server's pace.

Each slot takes the next move due: a merchant's proposal on a case just opened, a buyer's
acceptance of a proposal just made, or else a new case opening. A request's latency counts from
the moment it was due, so a server that falls behind cannot hide its queue in the client's.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
import numpy as np

from aftersales.loadgen.prepare import Cast, Opening

__all__ = ["Bounds", "Report", "replay"]

_IN_FLIGHT = 256  # requests on the wire at once; more wait (and their wait counts)
_OFFER = {
    "return_refund": "return_refund",
    "refund_only": "refund_only",
    "exchange": "exchange",
    "repair": "repair",
}


@dataclass(frozen=True, slots=True)
class Bounds:
    rate: float  # requests per second
    count: int | None  # stop after this many requests
    seconds: float | None  # stop after this long


@dataclass
class Report:
    statuses: Counter[str] = field(default_factory=Counter)  # "open 201", "propose 409" …
    latencies: list[float] = field(default_factory=list)  # seconds, from the due moment
    elapsed: float = 0.0
    due: int = 0  # requests that came due: more than were sent when the client fell behind
    failures: Counter[str] = field(default_factory=Counter)  # transport errors by kind

    @property
    def sent(self) -> int:
        return sum(self.statuses.values()) + sum(self.failures.values())

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.latencies, q)) if self.latencies else 0.0


Move = tuple[str, str, str, dict[str, Any]]  # kind, path, who, body


async def replay(client: httpx.AsyncClient, cast: Cast, bounds: Bounds) -> Report:
    """Send moves at ``bounds.rate`` until the count or the time is reached."""
    loop = asyncio.get_running_loop()
    report, follow = Report(), deque[Move]()
    openings = iter(cast.openings)
    gate = asyncio.Semaphore(_IN_FLIGHT)
    in_flight: set[asyncio.Task[None]] = set()
    start, n = loop.time(), 0
    while _within(bounds, n, loop.time() - start):
        due = start + n / bounds.rate
        await asyncio.sleep(max(0.0, due - loop.time()))
        move = follow.popleft() if follow else _opening(next(openings, None))
        if move is None:
            break  # every prepared case is open and nothing is left to answer
        task = asyncio.create_task(_send(client, cast, move, due, gate, report, follow))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
        n += 1
    report.due = _due(bounds, loop.time() - start, n)
    if in_flight:
        await asyncio.wait(in_flight, timeout=30)
    report.elapsed = loop.time() - start
    return report


def _within(bounds: Bounds, sent: int, elapsed: float) -> bool:
    if bounds.count is not None and sent >= bounds.count:
        return False
    return bounds.seconds is None or elapsed < bounds.seconds


def _due(bounds: Bounds, elapsed: float, sent: int) -> int:
    """Requests due by now at the asked rate, within the bounds (at least those sent)."""
    due = int(bounds.rate * (elapsed if bounds.seconds is None else min(elapsed, bounds.seconds)))
    return max(sent, min(due, bounds.count) if bounds.count is not None else due)


def _opening(opening: Opening | None) -> Move | None:
    if opening is None:
        return None
    body = {
        "order_line_id": opening.line_id,
        "type": opening.type,
        "description": opening.description,
    }
    return "open", "/api/v1/cases", opening.consumer, body


async def _send(
    client: httpx.AsyncClient,
    cast: Cast,
    move: Move,
    due: float,
    gate: asyncio.Semaphore,
    report: Report,
    follow: deque[Move],
) -> None:
    kind, path, who, body = move
    headers = {"Authorization": f"Bearer {cast.tokens[who]}"}
    try:
        async with gate:
            answer = await client.post(path, json=body, headers=headers)
    except httpx.HTTPError as exc:
        report.failures[type(exc).__name__] += 1
        return
    report.latencies.append(asyncio.get_running_loop().time() - due)
    report.statuses[f"{kind} {answer.status_code}"] += 1
    if answer.status_code < 300:
        follow.extend(_next(kind, answer.json(), who))


def _next(kind: str, case: dict[str, Any], who: str) -> list[Move]:
    """The other party's answer: the merchant proposes on a new case, the buyer accepts."""
    path = f"/api/v1/cases/{case['id']}"
    if kind == "open" and case["state"] == "awaiting_merchant":
        offer = _OFFER.get(case["type"], "quick_compensation")
        paid = Decimal(str(case["amount_paid"]))
        amount = paid if offer in ("return_refund", "refund_only") else Decimal(0)
        if offer == "quick_compensation":
            amount = (paid / 5).quantize(Decimal("0.01"))
        body = {"resolution": offer, "amount": str(amount)}
        return [("propose", f"{path}/proposals", case["merchant_id"], body)]
    if kind == "propose" and case["state"] == "awaiting_consumer":
        return [("accept", f"{path}/accept", case["consumer_id"], {})]
    return []
