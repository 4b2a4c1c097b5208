"""The state of a case and how each event changes it.

``CaseRecord`` holds every field of a case and the one function per event kind that applies it;
nothing else changes the state. ``Case`` (in ``case.py``) adds the business methods that check
the rules and emit these events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aftersales.domain.actors import Actor, Role
from aftersales.domain.case_values import (
    Arbitration,
    CaseEvent,
    CaseFacts,
    Proposal,
    Resolution,
    parse_time,
)
from aftersales.domain.cases_types import (
    CaseState,
    CaseType,
    LiableParty,
    ResolutionType,
    Verdict,
)
from aftersales.domain.sla import SlaTerms
from aftersales.domain.snapshot import decode_time, encode

__all__ = ["CaseRecord"]

S = CaseState


@dataclass(eq=False)
class CaseRecord:
    """Every field of a case, changed only by applying events."""

    id: str
    facts: CaseFacts | None = None
    type: CaseType | None = None
    description: str = ""
    sla: SlaTerms = field(default_factory=SlaTerms)
    state: CaseState = S.AWAITING_MERCHANT
    opened_at: datetime | None = None
    updated_at: datetime | None = None
    first_response_due: datetime | None = None
    responded_at: datetime | None = None
    merchant_acted_at: datetime | None = None  # the merchant's own first message or proposal
    first_response_breached: bool = False
    proposal_due: datetime | None = None  # measured for scoring; a miss changes nothing itself
    resolution_due: datetime | None = None
    paused_at: datetime | None = None
    proposal: Proposal | None = None
    rejected_proposals: int = 0
    resolution: Resolution | None = None
    escalated_at: datetime | None = None
    escalation_reason: str | None = None
    arbitration: Arbitration | None = None
    appeal_due: datetime | None = None
    appealed: bool = False
    resolved_at: datetime | None = None
    close_due: datetime | None = None
    closed_at: datetime | None = None
    cancelled_at: datetime | None = None
    rating: int | None = None
    rating_comment: str | None = None
    messages: int = 0
    evidence: int = 0
    assessment: dict[str, Any] | None = None  # triage and policy decision at opening
    version: int = 0
    pending: list[CaseEvent] = field(default_factory=list, repr=False)

    def _emit(self, kind: str, by: Actor, at: datetime, **data: Any) -> None:
        if self.updated_at is not None and at < self.updated_at:
            at = self.updated_at  # a case's own history never runs backwards
        event = CaseEvent(self.id, self.version + 1, kind, at, by, encode(data))
        self._apply(event)
        self.pending.append(event)

    def _apply(self, event: CaseEvent) -> None:
        _APPLIERS[event.kind](self, event)
        self.version = event.seq
        self.updated_at = event.at

    def _on_opened(self, e: CaseEvent) -> None:
        d = e.data
        self.facts = CaseFacts(**d["facts"])
        self.type = CaseType(d["type"])
        self.description = d["description"]
        self.sla = SlaTerms.from_dict(d["sla"])
        self.opened_at = e.at
        self.first_response_due = decode_time(d["first_response_due"])
        self.proposal_due = decode_time(d.get("proposal_due"))
        self.resolution_due = decode_time(d["resolution_due"])
        self.assessment = d.get("assessment")
        self.state = S.AWAITING_MERCHANT

    def _on_message(self, e: CaseEvent) -> None:
        self.messages += 1
        self._mark_response(e)

    def _on_evidence(self, e: CaseEvent) -> None:
        self.evidence += 1

    def _on_proposed(self, e: CaseEvent) -> None:
        self._mark_response(e)
        self.proposal = Proposal(
            ResolutionType(e.data["resolution"]),
            e.data["amount"],
            e.at,
            parse_time(e.data["reply_due"]),
        )
        self._pause(e.at)
        self.state = S.AWAITING_CONSUMER

    def _on_accepted(self, e: CaseEvent) -> None:
        assert self.proposal is not None
        by = "agreement" if e.kind == "proposal_accepted" else "proposal_stood"
        self._resume(e.at)
        self._settle(self.proposal.resolution, self.proposal.amount, by, e.at)

    def _on_rejected(self, e: CaseEvent) -> None:
        self._resume(e.at)
        self.proposal = None
        self.rejected_proposals += 1
        self.state = S.AWAITING_MERCHANT

    def _on_first_response_missed(self, e: CaseEvent) -> None:
        self.first_response_breached = True
        remedy = e.data["resolution"]
        if remedy is None:
            self._to_escalated(e.at, "first_response_missed")
        else:
            self._settle(ResolutionType(remedy), e.data["amount"], "sla_default", e.at)

    def _on_policy_granted(self, e: CaseEvent) -> None:
        self._settle(ResolutionType(e.data["resolution"]), e.data["amount"], "policy", e.at)

    def _on_escalated(self, e: CaseEvent) -> None:
        self._resume(e.at)
        self._to_escalated(e.at, e.data["reason"])

    def _on_arbitrated(self, e: CaseEvent) -> None:
        d = e.data
        self.arbitration = Arbitration(
            Verdict(d["verdict"]),
            LiableParty(d["liable_party"]),
            ResolutionType(d["resolution"]),
            d["amount"],
            d["note"],
            e.actor.subject,
            e.at,
            d["final"],
        )
        self.resolution = Resolution(self.arbitration.resolution, d["amount"], "arbitration", e.at)
        self.appeal_due = decode_time(d["appeal_due"])
        self.state = S.RESOLVED
        self.resolved_at = e.at
        self.close_due = self.appeal_due or e.at + self.sla.close_after

    def _on_appealed(self, e: CaseEvent) -> None:
        self.appealed = True
        self.close_due = None
        self._to_escalated(e.at, "appeal")

    def _on_service_completed(self, e: CaseEvent) -> None:
        self._to_resolved(e.at)

    def _on_cancelled(self, e: CaseEvent) -> None:
        self._resume(e.at)
        self.proposal = None
        self.state = S.CANCELLED
        self.cancelled_at = e.at

    def _on_rated(self, e: CaseEvent) -> None:
        self.rating = e.data["score"]
        self.rating_comment = e.data["comment"]

    def _on_closed(self, e: CaseEvent) -> None:
        self.state = S.CLOSED
        self.closed_at = e.at
        self.close_due = None

    def _mark_response(self, e: CaseEvent) -> None:
        if e.data.get("first_response"):
            self.responded_at = e.at
        if self.merchant_acted_at is None and e.actor.role is Role.MERCHANT_AGENT:
            self.merchant_acted_at = e.at

    def _settle(self, remedy: ResolutionType, amount: int, by: str, at: datetime) -> None:
        self.resolution = Resolution(remedy, amount, by, at)
        self.proposal = None
        if remedy.needs_service:
            self.state = S.IN_SERVICE
        else:
            self._to_resolved(at)

    def _to_resolved(self, at: datetime) -> None:
        self.state = S.RESOLVED
        self.resolved_at = at
        self.close_due = at + self.sla.close_after

    def _to_escalated(self, at: datetime, reason: str) -> None:
        self.state = S.ESCALATED
        self.escalated_at = at
        self.escalation_reason = reason
        self.proposal = None

    def _pause(self, at: datetime) -> None:
        if self.paused_at is None:
            self.paused_at = at

    def _resume(self, at: datetime) -> None:
        if self.paused_at is not None and self.resolution_due is not None:
            self.resolution_due += at - self.paused_at
            self.paused_at = None


_APPLIERS: dict[str, Callable[[CaseRecord, CaseEvent], None]] = {
    "opened": CaseRecord._on_opened,
    "message_posted": CaseRecord._on_message,
    "evidence_added": CaseRecord._on_evidence,
    "proposed": CaseRecord._on_proposed,
    "proposal_accepted": CaseRecord._on_accepted,
    "proposal_stood": CaseRecord._on_accepted,
    "proposal_rejected": CaseRecord._on_rejected,
    "first_response_missed": CaseRecord._on_first_response_missed,
    "policy_granted": CaseRecord._on_policy_granted,
    "escalated": CaseRecord._on_escalated,
    "arbitrated": CaseRecord._on_arbitrated,
    "appealed": CaseRecord._on_appealed,
    "service_completed": CaseRecord._on_service_completed,
    "cancelled": CaseRecord._on_cancelled,
    "rated": CaseRecord._on_rated,
    "closed": CaseRecord._on_closed,
}
