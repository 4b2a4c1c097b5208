"""The after-sales case: its state machine, its clocks and its append-only events.

Every change is made by one business method (``propose``, ``accept``, ``escalate`` …) that first
checks the rule and then emits an event; the state is only ever changed by applying events. So
the events of a case, replayed from the first, always rebuild exactly the stored case — the
property the tests hold the system to.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from aftersales.domain import case_refusals as refused
from aftersales.domain.actors import AUTO_REPLY, POLICY, SYSTEM, Actor, Role
from aftersales.domain.case_history import CaseRecord
from aftersales.domain.case_refusals import Step
from aftersales.domain.case_values import (
    Arbitration,
    CaseEvent,
    CaseFacts,
    Proposal,
    Resolution,
    decode_arbitration,
    decode_proposal,
    decode_resolution,
)
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


@dataclass(eq=False)
class Case(CaseRecord):
    """One after-sales case on one order line: the rules, the clocks, and what may be seen."""

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
        assessment: Mapping[str, Any] | None = None,
    ) -> Case:
        """Open a case for the consumer who owns the order line.

        ``assessment`` is what the platform made of the case on arrival (triage and the policy
        decision, as JSON); it is kept on the case as it was, for agents, scoring and backtests.
        """
        if not by.is_consumer(facts.consumer_id):
            raise refused.not_order_consumer()
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
            proposal_due=at + sla.proposal,
            resolution_due=at + sla.resolution,
            assessment=dict(assessment) if assessment is not None else None,
        )
        return case

    # ---- conversation --------------------------------------------------------------------

    def post_message(self, by: Actor, body: str, at: datetime) -> None:
        """Add a message; the merchant's first message is its first response."""
        self._require_party(by, operator=True)
        self._require_not_in(S.CLOSED, S.CANCELLED, action=Step.POST_MESSAGE)
        self._emit("message_posted", by, at, body=body, first_response=self._is_first_response(by))

    def post_auto_reply(
        self,
        body: str,
        *,
        concrete_step: bool,
        entry: str,
        language: str,
        at: datetime,
        revision: int = 0,
    ) -> None:
        """The platform's automatic first reply to a new case.

        It is the merchant's first response only when it gives the consumer a concrete next step
        while that response is still awaited: an acknowledgement alone stops no clock
        (docs/decisions/0016-dispatch-and-first-replies.md). ``revision`` is the operators'
        revision of the entry (0: as shipped, not recorded), so the reply stays explainable
        after the entry changes (decision 0020)."""
        self._require_not_in(S.CLOSED, S.CANCELLED, action=Step.POST_REPLY)
        counts = concrete_step and self.state is S.AWAITING_MERCHANT and self.responded_at is None
        reply: dict[str, object] = {
            "entry": entry,
            "language": language,
            "concrete_step": concrete_step,
        }
        if revision:
            reply["revision"] = revision
        self._emit(
            "message_posted", AUTO_REPLY, at, body=body, first_response=counts, auto_reply=reply
        )

    def add_evidence(self, by: Actor, evidence_id: str, sha256: str, at: datetime) -> None:
        """Attach an evidence file already stored under its SHA-256."""
        self._require_party(by, operator=True)
        self._require_not_in(S.CLOSED, S.CANCELLED, action=Step.ADD_EVIDENCE)
        self._emit("evidence_added", by, at, evidence_id=evidence_id, sha256=sha256)

    # ---- negotiation ---------------------------------------------------------------------

    def propose(self, by: Actor, resolution: ResolutionType, amount: int, at: datetime) -> None:
        """The merchant proposes a remedy; the consumer's reply clock starts, ours pauses."""
        self._require_merchant(by)
        self._require_in(S.AWAITING_MERCHANT, action=Step.PROPOSE)
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
        self._require_in(S.AWAITING_CONSUMER, action=Step.ACCEPT)
        self._emit("proposal_accepted", by, at)

    def reject(self, by: Actor, reason: str, at: datetime) -> None:
        """The consumer rejects the proposal; it is the merchant's turn again."""
        self._require_consumer(by)
        self._require_in(S.AWAITING_CONSUMER, action=Step.REJECT)
        self._emit("proposal_rejected", by, at, reason=reason)

    def complete_service(self, by: Actor, note: str, at: datetime) -> None:
        """The merchant reports the agreed service done (refund paid, item repaired …)."""
        self._require_merchant(by)
        self._require_in(S.IN_SERVICE, action=Step.COMPLETE)
        self._emit("service_completed", by, at, note=note)

    def cancel(self, by: Actor, reason: str, at: datetime) -> None:
        """The consumer withdraws the case before anything was agreed."""
        self._require_consumer(by)
        self._require_in(S.AWAITING_MERCHANT, S.AWAITING_CONSUMER, action=Step.CANCEL)
        self._emit("cancelled", by, at, reason=reason)

    # ---- policy actions at opening ---------------------------------------------------------

    def grant_by_policy(
        self, resolution: ResolutionType, amount: int, rules: Sequence[str], at: datetime
    ) -> None:
        """The policy grants a remedy at once (a refund under its cap, a quick compensation).

        Only on a case just opened, before the merchant has acted; never more than was paid."""
        self._require_in(S.AWAITING_MERCHANT, action=Step.GRANT)
        if self.responded_at is not None:
            raise refused.merchant_already_responded(self.state)
        if resolution is ResolutionType.REJECT:
            raise refused.policy_grant_cannot_reject(self.state)
        self._check_amount(resolution, amount)
        self._emit(
            "policy_granted", POLICY, at, resolution=resolution, amount=amount, rules=list(rules)
        )

    def route_to_platform(self, reason: str, at: datetime) -> None:
        """The policy hands the case to the platform from the start (safety, emergencies)."""
        self._require_in(S.AWAITING_MERCHANT, action=Step.ROUTE)
        self._emit("escalated", POLICY, at, reason=reason)

    # ---- platform ------------------------------------------------------------------------

    def escalate(self, by: Actor, reason: str, at: datetime) -> None:
        """A party asks the platform to step in."""
        self._require_consumer_or_merchant(by)
        self._require_in(
            S.AWAITING_MERCHANT, S.AWAITING_CONSUMER, S.IN_SERVICE, action=Step.ESCALATE
        )
        # The merchant gets its chance first; after that either party may call the platform.
        if by.role is Role.CONSUMER and self.state is S.AWAITING_MERCHANT and not self.responded_at:
            assert self.first_response_due is not None  # set when the case opened
            raise refused.escalation_too_early(self.first_response_due, self.state)
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
            raise refused.not_an_operator()
        self._require_in(S.ESCALATED, action=Step.ARBITRATE)
        self._check_amount(resolution, amount)
        if verdict is Verdict.MERCHANT and resolution is not ResolutionType.REJECT:
            raise refused.merchant_verdict_with_remedy()
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
        self._require_in(S.RESOLVED, action=Step.APPEAL)
        if self.arbitration is None or self.arbitration.final or self.appeal_due is None:
            raise refused.verdict_not_appealable()
        # The window is open before appeal_due; at that moment ``tick`` closes the case.
        if at >= self.appeal_due:
            raise refused.appeal_window_closed(self.appeal_due)
        self._emit("appealed", by, at, reason=reason)

    # ---- after resolution ----------------------------------------------------------------

    def rate(self, by: Actor, score: int, comment: str | None, at: datetime) -> None:
        """The consumer rates the service, once, after the case is resolved."""
        self._require_consumer(by)
        self._require_in(S.RESOLVED, S.CLOSED, action=Step.RATE)
        if self.rating is not None:
            raise refused.already_rated()
        if not 1 <= score <= 5:
            raise refused.rating_out_of_range()
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
            return [
                (self._merchant_silence_due(), self._first_response_missed),
                (self.resolution_due, self._overdue),
            ]
        if self.state is S.AWAITING_CONSUMER and self.proposal:
            return [(self.proposal.reply_due, self._proposal_stands)]
        if self.state is S.IN_SERVICE:
            return [(self.resolution_due, self._overdue)]
        if self.state is S.RESOLVED:
            return [(self.close_due, self._close)]
        return []

    def _merchant_silence_due(self) -> datetime | None:
        """When a merchant who has not answered loses the case by default.

        The first-response deadline, unless the platform's automatic reply already answered the
        consumer with a concrete step: that reply buys the merchant time until the proposal
        deadline, not for ever (docs/decisions/0016-dispatch-and-first-replies.md)."""
        if self.responded_at is None:
            return self.first_response_due
        if self.merchant_acted_at is None:
            return self.proposal_due
        return None

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

    def to_snapshot(self, *, omit: Collection[str] = ()) -> dict[str, Any]:
        """A JSON-ready dict of the whole state (without pending events, nor the fields named in
        ``omit``: a store that keeps a field elsewhere need not encode and write it twice)."""
        skip = {"pending", *omit}
        return {f.name: encode(getattr(self, f.name)) for f in fields(self) if f.name not in skip}

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

    def _require_in(self, *states: CaseState, action: Step) -> None:
        if self.state not in states:
            raise refused.wrong_state(action, self.state)

    def _require_not_in(self, *states: CaseState, action: Step) -> None:
        if self.state in states:
            raise refused.wrong_state(action, self.state)

    def _require_consumer(self, by: Actor) -> None:
        assert self.facts is not None
        if not by.is_consumer(self.facts.consumer_id):
            raise refused.not_case_consumer()

    def _require_merchant(self, by: Actor) -> None:
        assert self.facts is not None
        if not by.is_merchant(self.facts.merchant_id):
            raise refused.not_case_merchant()

    def _require_consumer_or_merchant(self, by: Actor) -> None:
        assert self.facts is not None
        if not (by.is_consumer(self.facts.consumer_id) or by.is_merchant(self.facts.merchant_id)):
            raise refused.not_case_party()

    def _require_party(self, by: Actor, *, operator: bool) -> None:
        if operator and by.role is Role.OPERATOR:
            return
        self._require_consumer_or_merchant(by)

    def _check_amount(self, resolution: ResolutionType, amount: int) -> None:
        assert self.facts is not None
        if amount < 0:
            raise refused.amount_negative()
        if amount > self.facts.amount:
            raise refused.amount_over_paid(self.facts.amount)
        if resolution is ResolutionType.REJECT and amount:
            raise refused.rejection_with_amount()
        if resolution in (ResolutionType.RETURN_REFUND, ResolutionType.REFUND_ONLY) and not amount:
            raise refused.amount_required(resolution)


_TIMES = [
    "opened_at",
    "updated_at",
    "first_response_due",
    "proposal_due",
    "responded_at",
    "merchant_acted_at",
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
        values[name] = decode_time(values.get(name))  # fields added later are absent in old rows
    values["facts"] = CaseFacts(**values["facts"]) if values["facts"] else None
    values["type"] = CaseType(values["type"]) if values["type"] else None
    values["sla"] = SlaTerms.from_dict(values["sla"])
    values["state"] = CaseState(values["state"])
    values["proposal"] = decode_proposal(values["proposal"])
    values["resolution"] = decode_resolution(values["resolution"])
    values["arbitration"] = decode_arbitration(values["arbitration"])
    return Case(**values)
