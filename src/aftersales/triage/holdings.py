"""Who held a case, from when to when, and why it moved: the assignment history of dispatch.

Pure: holdings come in and go out as values; the store keeps them. A *holding* is a stretch of
time during which one agent (or the backlog of one pool, when ``agent_id`` is None) had the
case in one queue. The current holding lives in the case's assignment row; when the case moves,
that holding is closed — given an end, the reason and who set the move off — and appended to
the history. Opening a case writes no history: its first holding is the assignment row itself
(decision 0025).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from aftersales.domain.actors import Actor

__all__ = ["Holding", "Move", "MoveReason", "close", "moved", "started", "visible_to_merchant"]


class MoveReason(StrEnum):
    """Why a holding ended (the stable codes the API and the CLI show)."""

    REASSIGNED = "reassigned"  # an operator refiled it to a queue and/or handed it to an agent
    AGENT_OFFLINE = "agent_offline"  # its agent went offline: to another agent or the backlog
    ESCALATED = "escalated"  # escalated or appealed: handed to the platform's pool
    TAKEN_FROM_BACKLOG = "taken_from_backlog"  # it waited; an agent with room took it
    RELEASED = "released"  # the case ended: nobody holds it any more


@dataclass(frozen=True, slots=True)
class Move:
    """A change of hands: why, who set it off (``system:dispatch`` when it followed from another
    case's move), and when."""

    reason: MoveReason
    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True)
class Holding:
    case_id: str
    agent_id: str | None  # None: waiting in the backlog of its pool
    queue: str
    platform: bool  # the platform's pool (else the case's merchant's)
    held_from: datetime
    held_until: datetime | None = None  # None: it holds the case now
    reason: MoveReason | None = None  # why it ended
    actor: Actor | None = None  # who set the move off

    @property
    def holder(self) -> tuple[str | None, str, bool]:
        """What a move changes: the agent, the queue, the pool."""
        return (self.agent_id, self.queue, self.platform)


def started(
    agent_id: str | None,
    assigned_at: datetime | None,
    queued_at: datetime,
    last_until: datetime | None,
) -> datetime:
    """When the current holding began, from the assignment row and the end of the last closed
    holding.

    The row alone does not say: a case sent back to the backlog keeps its original
    ``queued_at`` (its age decides who is served first), and an agent who keeps a case moved to
    another queue keeps its ``assigned_at``. The last move's end does not say alone either: a
    case that ended and was reopened by an appeal was held by nobody in between. The later of
    the two is right in every case."""
    own = assigned_at if agent_id is not None and assigned_at is not None else queued_at
    return own if last_until is None else max(own, last_until)


def moved(current: Holding, agent_id: str | None, queue: str, platform: bool) -> bool:
    """Whether giving the case to this holder is a move (a label changed alone is not)."""
    return current.holder != (agent_id, queue, platform)


def close(current: Holding, move: Move) -> Holding:
    """The current holding, ended by the move.

    Never ends before it began: a request that read the clock before waiting for the lock of
    a move that began later ends the holding that move opened at its start, not before it."""
    return replace(
        current, held_until=max(move.at, current.held_from), reason=move.reason, actor=move.actor
    )


def visible_to_merchant(holdings: Iterable[Holding]) -> list[Holding]:
    """The holdings a merchant may see: those in its own pool. Who at the platform held its
    case is the platform's business (to a merchant, platform agents do not exist)."""
    return [h for h in holdings if not h.platform]
