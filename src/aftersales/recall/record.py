"""The state of a recall and how each of its events changes it.

As for cases (``domain/case_history.py``), only the appliers here change the state, so the events
of a recall, replayed from the first, rebuild exactly the stored recall.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from aftersales.domain.actors import Actor
from aftersales.domain.snapshot import decode_time, encode
from aftersales.recall.values import (
    Hold,
    PartyTask,
    RecallEvent,
    RecallState,
    Remedy,
    Scope,
    Trigger,
)

__all__ = ["RecallRecord"]


@dataclass(eq=False)
class RecallRecord:
    """Every field of a recall, changed only by applying events."""

    id: str
    product_id: str = ""
    merchant_id: str = ""
    hazard: str = ""
    trigger: Trigger = Trigger.MANUAL
    state: RecallState = RecallState.REVIEW
    batch_ids: tuple[str, ...] = ()  # the batches under review; none: the whole product
    case_ids: tuple[str, ...] = ()  # the safety reports that led to it or joined it later
    holds: tuple[Hold, ...] = ()  # the stop-sale holds in force
    scope: Scope | None = None
    remedies: tuple[Remedy, ...] = ()
    tasks: tuple[PartyTask, ...] = ()
    opened_at: datetime | None = None
    opened_by: str | None = None  # the role (and id) that opened it, e.g. "system:emergency_plan"
    decided_at: datetime | None = None
    decided_by: str | None = None
    dismissal_reason: str | None = None
    launched_at: datetime | None = None
    units: int = 0  # order lines found affected when the campaign was launched
    pieces: int = 0  # the quantity on those lines
    consumers: int = 0  # consumers notified
    updated_at: datetime | None = None
    version: int = 0
    pending: list[RecallEvent] = field(default_factory=list, repr=False)

    def _emit(self, kind: str, by: Actor, at: datetime, **data: Any) -> None:
        if self.updated_at is not None and at < self.updated_at:
            at = self.updated_at  # a recall's own history never runs backwards
        event = RecallEvent(self.id, self.version + 1, kind, at, by, encode(data))
        self._apply(event)
        self.pending.append(event)

    def _apply(self, event: RecallEvent) -> None:
        _APPLIERS[event.kind](self, event)
        self.version = event.seq
        self.updated_at = event.at

    def _on_review_opened(self, e: RecallEvent) -> None:
        d = e.data
        self.product_id = d["product_id"]
        self.merchant_id = d["merchant_id"]
        self.hazard = d["hazard"]
        self.trigger = Trigger(d["trigger"])
        self.batch_ids = tuple(d["batch_ids"])
        self.case_ids = tuple(d["case_ids"])
        self.tasks = tuple(PartyTask.decode(t) for t in d["tasks"])
        self.state = RecallState.REVIEW
        self.opened_at = e.at
        self.opened_by = _who(e.actor)

    def _on_report_attached(self, e: RecallEvent) -> None:
        self.case_ids = (*self.case_ids, e.data["case_id"])

    def _on_hold_placed(self, e: RecallEvent) -> None:
        self.holds = (*self.holds, Hold.decode(e.data))

    def _on_hold_lifted(self, e: RecallEvent) -> None:
        lifted = Hold.decode(e.data)
        self.holds = tuple(h for h in self.holds if h != lifted)

    def _on_confirmed(self, e: RecallEvent) -> None:
        self.scope = Scope.decode(e.data["scope"])
        self.remedies = tuple(Remedy(r) for r in e.data["remedies"])
        self.tasks = (*self.tasks, *(PartyTask.decode(t) for t in e.data["tasks"]))
        self._decided(RecallState.CONFIRMED, e)

    def _on_dismissed(self, e: RecallEvent) -> None:
        self.dismissal_reason = e.data["reason"]
        self._decided(RecallState.DISMISSED, e)

    def _on_campaign_launched(self, e: RecallEvent) -> None:
        self.launched_at = e.at
        self.units = e.data["units"]
        self.pieces = e.data["pieces"]
        self.consumers = e.data["consumers"]

    def _on_task_done(self, e: RecallEvent) -> None:
        done = e.data["task_id"]
        self.tasks = tuple(
            PartyTask(t.id, t.party, t.action, t.due, e.at, _who(e.actor)) if t.id == done else t
            for t in self.tasks
        )

    def _decided(self, state: RecallState, e: RecallEvent) -> None:
        self.state = state
        self.decided_at = e.at
        self.decided_by = _who(e.actor)

    # ---- snapshots -----------------------------------------------------------------------

    def to_snapshot(self) -> dict[str, Any]:
        """A JSON-ready dict of the whole state (without pending events)."""
        data = {f.name: encode(getattr(self, f.name)) for f in fields(self) if f.name != "pending"}
        data["scope"] = None if self.scope is None else self.scope.encode()
        return data

    @classmethod
    def values_from_snapshot(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        """The constructor arguments stored in a snapshot."""
        values = dict(data)
        for name in ("opened_at", "decided_at", "launched_at", "updated_at"):
            values[name] = decode_time(values[name])
        values["trigger"] = Trigger(values["trigger"])
        values["state"] = RecallState(values["state"])
        values["batch_ids"] = tuple(values["batch_ids"])
        values["case_ids"] = tuple(values["case_ids"])
        values["holds"] = tuple(Hold.decode(h) for h in values["holds"])
        values["scope"] = None if values["scope"] is None else Scope.decode(values["scope"])
        values["remedies"] = tuple(Remedy(r) for r in values["remedies"])
        values["tasks"] = tuple(PartyTask.decode(t) for t in values["tasks"])
        return values


def _who(actor: Actor) -> str:
    return f"{actor.role.value}:{actor.subject}" if actor.subject else actor.role.value


_APPLIERS: dict[str, Callable[[RecallRecord, RecallEvent], None]] = {
    "review_opened": RecallRecord._on_review_opened,
    "report_attached": RecallRecord._on_report_attached,
    "hold_placed": RecallRecord._on_hold_placed,
    "hold_lifted": RecallRecord._on_hold_lifted,
    "confirmed": RecallRecord._on_confirmed,
    "dismissed": RecallRecord._on_dismissed,
    "campaign_launched": RecallRecord._on_campaign_launched,
    "task_done": RecallRecord._on_task_done,
}
