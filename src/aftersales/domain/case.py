"""The after-sales case: its state machine, its clocks and its append-only events.

Every change is made by one business method (``propose``, ``accept``, ``escalate`` …) that first
checks the rule and then emits an event; the state is only ever changed by applying events. So
the events of a case, replayed from the first, always rebuild exactly the stored case — the
property the tests hold the system to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from aftersales.domain.actors import SYSTEM, Actor, Role
from aftersales.domain.cases_types import (
    ACTIVE_STATES,
    CaseState,
    CaseType,
    LiableParty,
    ResolutionType,
    Verdict,
)
from aftersales.domain.sla import SlaTerms
from aftersales.domain.snapshot import decode_time, encode
from aftersales.errors import InvalidTransition, PermissionDenied, ValidationFailed

__all__ = ["Arbitration", "Case", "CaseEvent", "CaseFacts", "Proposal", "Resolution"]

S = CaseState

# What the consumer asked for, granted as it stands when the merchant lets the first-response
# deadline pass (Amazon A-to-z and Taobao do the same). Complaints and safety reports ask for no
# remedy, so they go to the platform instead.
_DEFAULT_REMEDY: Mapping[CaseType, ResolutionType] = {
    CaseType.RETURN_REFUND: ResolutionType.RETURN_REFUND,
    CaseType.REFUND_ONLY: ResolutionType.REFUND_ONLY,
    CaseType.EXCHANGE: ResolutionType.EXCHANGE,
    CaseType.REPAIR: ResolutionType.REPAIR,
}


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
    by: str  # agreement | proposal_stood | sla_default | arbitration
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


@dataclass(eq=False)
class Case:
    """One after-sales case on one order line."""

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
    first_response_breached: bool = False
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
    version: int = 0
    pending: list[CaseEvent] = field(default_factory=list, repr=False)

    # ---- opening -------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        case_id: str,
        *,
        facts: CaseFacts,
        type: CaseType,
        description: str,
        sla: SlaTerms,
        by: Actor,
        at: datetime,
    ) -> Case:
        """Open a case for the consumer who owns the order line."""
        if not by.is_consumer(facts.consumer_id):
            raise PermissionDenied("only the consumer who placed the order can open a case on it")
        case = cls(case_id)
        case._emit(
            "opened",
            by,
            at,
            facts=encode(facts),
            type=type,
            description=description,
            sla=sla.to_dict(),
            first_response_due=at + sla.first_response,
            resolution_due=at + sla.resolution,
        )
        return case

    # ---- conversation --------------------------------------------------------------------

    def post_message(self, by: Actor, body: str, at: datetime) -> None:
        """Add a message; the merchant's first message is its first response."""
        self._require_party(by, operator=True)
        self._require_not_in(S.CLOSED, S.CANCELLED, action="post a message")
        self._emit("message_posted", by, at, body=body, first_response=self._is_first_response(by))

    def add_evidence(self, by: Actor, evidence_id: str, sha256: str, at: datetime) -> None:
        """Attach an evidence file already stored under its SHA-256."""
        self._require_party(by, operator=True)
        self._require_not_in(S.CLOSED, S.CANCELLED, action="add evidence")
        self._emit("evidence_added", by, at, evidence_id=evidence_id, sha256=sha256)

    # ---- negotiation ---------------------------------------------------------------------

    def propose(self, by: Actor, resolution: ResolutionType, amount: int, at: datetime) -> None:
        """The merchant proposes a remedy; the consumer's reply clock starts, ours pauses."""
        self._require_merchant(by)
        self._require_in(S.AWAITING_MERCHANT, action="propose a resolution")
        self._check_amount(resolution, amount)
        self._emit(
            "proposed",
            by,
            at,
            resolution=resolution,
            amount=amount,
            reply_due=at + self.sla.consumer_reply,
            first_response=self._is_first_response(by),
        )

    def accept(self, by: Actor, at: datetime) -> None:
        """The consumer accepts the pending proposal."""
        self._require_consumer(by)
        self._require_in(S.AWAITING_CONSUMER, action="accept a proposal")
        self._emit("proposal_accepted", by, at)

    def reject(self, by: Actor, reason: str, at: datetime) -> None:
        """The consumer rejects the proposal; it is the merchant's turn again."""
        self._require_consumer(by)
        self._require_in(S.AWAITING_CONSUMER, action="reject a proposal")
        self._emit("proposal_rejected", by, at, reason=reason)

    def complete_service(self, by: Actor, note: str, at: datetime) -> None:
        """The merchant reports the agreed service done (refund paid, item repaired …)."""
        self._require_merchant(by)
        self._require_in(S.IN_SERVICE, action="complete the service")
        self._emit("service_completed", by, at, note=note)

    def cancel(self, by: Actor, reason: str, at: datetime) -> None:
        """The consumer withdraws the case before anything was agreed."""
        self._require_consumer(by)
        self._require_in(S.AWAITING_MERCHANT, S.AWAITING_CONSUMER, action="cancel the case")
        self._emit("cancelled", by, at, reason=reason)

    # ---- platform ------------------------------------------------------------------------

    def escalate(self, by: Actor, reason: str, at: datetime) -> None:
        """A party asks the platform to step in."""
        self._require_consumer_or_merchant(by)
        self._require_in(S.AWAITING_MERCHANT, S.AWAITING_CONSUMER, S.IN_SERVICE, action="escalate")
        # The merchant gets its chance first; after that either party may call the platform.
        if by.role is Role.CONSUMER and self.state is S.AWAITING_MERCHANT and not self.responded_at:
            raise InvalidTransition(
                "the merchant has until "
                f"{self.first_response_due:%Y-%m-%d %H:%M} UTC to respond before the platform"
                " steps in",
                state=self.state,
            )
        self._emit("escalated", by, at, reason=reason)

    def arbitrate(
        self,
        by: Actor,
        *,
        verdict: Verdict,
        liable_party: LiableParty,
        resolution: ResolutionType,
        amount: int,
        note: str,
        at: datetime,
    ) -> None:
        """The platform decides an escalated case; the parties may appeal once."""
        if by.role is not Role.OPERATOR:
            raise PermissionDenied("only a platform operator can arbitrate")
        self._require_in(S.ESCALATED, action="arbitrate")
        self._check_amount(resolution, amount)
        if verdict is Verdict.MERCHANT and resolution is not ResolutionType.REJECT:
            raise ValidationFailed("a verdict for the merchant carries the resolution 'reject'")
        final = self.appealed
        self._emit(
            "arbitrated",
            by,
            at,
            verdict=verdict,
            liable_party=liable_party,
            resolution=resolution,
            amount=amount,
            note=note,
            final=final,
            appeal_due=None if final else at + self.sla.appeal,
        )

    def appeal(self, by: Actor, reason: str, at: datetime) -> None:
        """A party appeals the verdict within the appeal window; the second verdict is final."""
        self._require_consumer_or_merchant(by)
        self._require_in(S.RESOLVED, action="appeal")
        if self.arbitration is None or self.arbitration.final or self.appeal_due is None:
            raise InvalidTransition("only a first arbitration verdict can be appealed")
        # The window is open before appeal_due; at that moment ``tick`` closes the case.
        if at >= self.appeal_due:
            raise InvalidTransition(f"the appeal window closed on {self.appeal_due:%Y-%m-%d}")
        self._emit("appealed", by, at, reason=reason)

    # ---- after resolution ----------------------------------------------------------------

    def rate(self, by: Actor, score: int, comment: str | None, at: datetime) -> None:
        """The consumer rates the service, once, after the case is resolved."""
        self._require_consumer(by)
        self._require_in(S.RESOLVED, S.CLOSED, action="rate the service")
        if self.rating is not None:
            raise InvalidTransition("the service has already been rated")
        if not 1 <= score <= 5:
            raise ValidationFailed("a rating is a whole number from 1 to 5")
        self._emit("rated", by, at, score=score, comment=comment)

    # ---- clocks --------------------------------------------------------------------------

    def next_deadline(self) -> datetime | None:
        """The earliest moment at which a timeout applies to this case, if any."""
        due = [d for d, _ in self._timeouts() if d is not None]
        return min(due) if due else None

    def tick(self, now: datetime) -> list[CaseEvent]:
        """Apply every timeout that is due by ``now``, earliest first; return the new events.

        Each timeout takes effect at its own deadline, not at ``now``: however late the sweep
        runs, a proposal stands at its reply deadline (so the pause credited ends there) and a
        deadline that follows from it is measured from that moment.
        """
        before = len(self.pending)
        while True:
            due = sorted(
                ((d, act) for d, act in self._timeouts() if d is not None and d <= now),
                key=lambda item: item[0],
            )
            if not due:
                return self.pending[before:]
            deadline, act = due[0]
            act(deadline)

    def _timeouts(self) -> list[tuple[datetime | None, Callable[[datetime], None]]]:
        if self.state is S.AWAITING_MERCHANT:
            first = None if self.responded_at else self.first_response_due
            return [(first, self._first_response_missed), (self.resolution_due, self._overdue)]
        if self.state is S.AWAITING_CONSUMER and self.proposal:
            return [(self.proposal.reply_due, self._proposal_stands)]
        if self.state is S.IN_SERVICE:
            return [(self.resolution_due, self._overdue)]
        if self.state is S.RESOLVED:
            return [(self.close_due, self._close)]
        return []

    def _first_response_missed(self, due: datetime) -> None:
        assert self.facts is not None and self.type is not None
        remedy = _DEFAULT_REMEDY.get(self.type)
        amount = self.facts.amount if remedy and remedy.pays_money else 0
        self._emit(
            "first_response_missed",
            SYSTEM,
            due,
            resolution=remedy,
            amount=amount,
        )

    def _proposal_stands(self, due: datetime) -> None:
        self._emit("proposal_stood", SYSTEM, due)

    def _overdue(self, due: datetime) -> None:
        self._emit("escalated", SYSTEM, due, reason="resolution_overdue")

    def _close(self, due: datetime) -> None:
        self._emit("closed", SYSTEM, due)

    # ---- views ---------------------------------------------------------------------------

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    def visible_to(self, actor: Actor) -> bool:
        """Whether the actor may see this case at all (others are told it does not exist)."""
        assert self.facts is not None
        if actor.role in (Role.OPERATOR, Role.AUDITOR, Role.SYSTEM):
            return True
        return actor.is_consumer(self.facts.consumer_id) or actor.is_merchant(
            self.facts.merchant_id
        )

    def resolution_remaining(self, now: datetime) -> timedelta | None:
        """Time left on the resolution clock, frozen while the case waits on the consumer."""
        if self.resolution_due is None or not self.is_active:
            return None
        return self.resolution_due - (self.paused_at or now)

    # ---- snapshots and replay ------------------------------------------------------------

    def to_snapshot(self) -> dict[str, Any]:
        """A JSON-ready dict of the whole state (without pending events)."""
        return {f.name: encode(getattr(self, f.name)) for f in fields(self) if f.name != "pending"}

    @classmethod
    def from_snapshot(cls, data: Mapping[str, Any]) -> Case:
        return _decode_case(data)

    @classmethod
    def replay(cls, events: Iterable[CaseEvent]) -> Case:
        """Rebuild a case from its events alone."""
        case: Case | None = None
        for event in events:
            case = case or cls(event.case_id)
            case._apply(event)
        if case is None:
            raise ValueError("a case needs at least its 'opened' event")
        return case

    def take_events(self) -> list[CaseEvent]:
        """Hand over the events not yet stored, and forget them."""
        taken, self.pending = self.pending, []
        return taken

    # ---- rule helpers --------------------------------------------------------------------

    def _is_first_response(self, by: Actor) -> bool:
        assert self.facts is not None
        return self.responded_at is None and by.is_merchant(self.facts.merchant_id)

    def _require_in(self, *states: CaseState, action: str) -> None:
        if self.state not in states:
            raise InvalidTransition(
                f"cannot {action} while the case is {self.state}", state=self.state
            )

    def _require_not_in(self, *states: CaseState, action: str) -> None:
        if self.state in states:
            raise InvalidTransition(
                f"cannot {action} while the case is {self.state}", state=self.state
            )

    def _require_consumer(self, by: Actor) -> None:
        assert self.facts is not None
        if not by.is_consumer(self.facts.consumer_id):
            raise PermissionDenied("only the consumer of this case can do that")

    def _require_merchant(self, by: Actor) -> None:
        assert self.facts is not None
        if not by.is_merchant(self.facts.merchant_id):
            raise PermissionDenied("only the merchant of this case can do that")

    def _require_consumer_or_merchant(self, by: Actor) -> None:
        assert self.facts is not None
        if not (by.is_consumer(self.facts.consumer_id) or by.is_merchant(self.facts.merchant_id)):
            raise PermissionDenied("only the consumer or the merchant of this case can do that")

    def _require_party(self, by: Actor, *, operator: bool) -> None:
        if operator and by.role is Role.OPERATOR:
            return
        self._require_consumer_or_merchant(by)

    def _check_amount(self, resolution: ResolutionType, amount: int) -> None:
        assert self.facts is not None
        if amount < 0:
            raise ValidationFailed("an amount cannot be negative")
        if amount > self.facts.amount:
            raise ValidationFailed(
                f"the amount exceeds what was paid for the line ({self.facts.amount / 100:.2f})"
            )
        if resolution is ResolutionType.REJECT and amount:
            raise ValidationFailed("a rejection carries no amount")
        if resolution in (ResolutionType.RETURN_REFUND, ResolutionType.REFUND_ONLY) and not amount:
            raise ValidationFailed(f"a {resolution} needs an amount greater than zero")

    # ---- events --------------------------------------------------------------------------

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
        self.resolution_due = decode_time(d["resolution_due"])
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
            _t(e.data["reply_due"]),
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


_APPLIERS: dict[str, Callable[[Case, CaseEvent], None]] = {
    "opened": Case._on_opened,
    "message_posted": Case._on_message,
    "evidence_added": Case._on_evidence,
    "proposed": Case._on_proposed,
    "proposal_accepted": Case._on_accepted,
    "proposal_stood": Case._on_accepted,
    "proposal_rejected": Case._on_rejected,
    "first_response_missed": Case._on_first_response_missed,
    "escalated": Case._on_escalated,
    "arbitrated": Case._on_arbitrated,
    "appealed": Case._on_appealed,
    "service_completed": Case._on_service_completed,
    "cancelled": Case._on_cancelled,
    "rated": Case._on_rated,
    "closed": Case._on_closed,
}

_TIMES = [
    "opened_at",
    "updated_at",
    "first_response_due",
    "responded_at",
    "resolution_due",
    "paused_at",
    "escalated_at",
    "appeal_due",
    "resolved_at",
    "close_due",
    "closed_at",
    "cancelled_at",
]


def _decode_case(data: Mapping[str, Any]) -> Case:
    values = dict(data)
    for name in _TIMES:
        values[name] = decode_time(values[name])
    values["facts"] = CaseFacts(**values["facts"]) if values["facts"] else None
    values["type"] = CaseType(values["type"]) if values["type"] else None
    values["sla"] = SlaTerms.from_dict(values["sla"])
    values["state"] = CaseState(values["state"])
    values["proposal"] = _decode_proposal(values["proposal"])
    values["resolution"] = _decode_resolution(values["resolution"])
    values["arbitration"] = _decode_arbitration(values["arbitration"])
    return Case(**values)


def _decode_proposal(d: Mapping[str, Any] | None) -> Proposal | None:
    if d is None:
        return None
    return Proposal(ResolutionType(d["resolution"]), d["amount"], _t(d["at"]), _t(d["reply_due"]))


def _decode_resolution(d: Mapping[str, Any] | None) -> Resolution | None:
    if d is None:
        return None
    return Resolution(ResolutionType(d["type"]), d["amount"], d["by"], _t(d["at"]))


def _decode_arbitration(d: Mapping[str, Any] | None) -> Arbitration | None:
    if d is None:
        return None
    return Arbitration(
        Verdict(d["verdict"]),
        LiableParty(d["liable_party"]),
        ResolutionType(d["resolution"]),
        d["amount"],
        d["note"],
        d["operator_id"],
        _t(d["at"]),
        d["final"],
    )


def _t(value: str) -> datetime:
    decoded = decode_time(value)
    assert decoded is not None
    return decoded
