"""How simulated merchants, buyers and operators act on a case, from what each can see.

``next_move`` looks at the case as the platform shows it (state, proposal, deadlines) and at the
hidden truth of the actor (a merchant's conduct, a buyer's patience, the real cause an operator's
investigation finds) and returns the next move, or None when nobody has anything left to do.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from aftersales.domain.case import Case
from aftersales.domain.cases_types import CaseState, LiableParty, ResolutionType, Verdict
from aftersales.simulation.complaints import CasePlan, Truth
from aftersales.simulation.moves import Kind, Move, fair_remedy, money
from aftersales.simulation.speech import say
from aftersales.simulation.world import Conduct, SimConsumer

__all__ = ["Actors", "next_move"]

R = ResolutionType
S = CaseState
_MINUTE = timedelta(minutes=1)
_AFTER_SWEEP = timedelta(hours=3, minutes=1)  # past a deadline and the sweep that applies it
# Median hours to a merchant's first move, and the spread (lognormal sigma).
_RESPONSE = {
    Conduct.RESPONSIVE: (1.5, 0.6),
    Conduct.SLOW: (14.0, 0.7),
    Conduct.OBSTRUCTIVE: (8.0, 0.8),
}
# Median days to carry out an agreed service (return shipping, repair, replacement).
_SERVICE = {Conduct.RESPONSIVE: 1.5, Conduct.SLOW: 3.0, Conduct.OBSTRUCTIVE: 5.0}


class Actors:
    """The people around one case: the buyer, the merchant's conduct today, the truth."""

    def __init__(
        self, plan: CasePlan, consumer: SimConsumer, conduct: Conduct, rng: np.random.Generator
    ) -> None:
        self.plan = plan
        self.consumer = consumer
        self.conduct = conduct
        self.rng = rng

    @property
    def language(self) -> str:
        return self.consumer.language

    def hours(self, median: float, sigma: float = 0.6) -> timedelta:
        return max(_MINUTE, timedelta(hours=float(self.rng.lognormal(np.log(median), sigma))))


def next_move(case: Case, who: Actors, now: datetime) -> Move | None:
    """The next move on the case, or None when it needs nobody any more."""
    if case.state is S.AWAITING_MERCHANT:
        return _merchant_answers(case, who, now)
    if case.state is S.AWAITING_CONSUMER:
        return _buyer_replies(case, who, now)
    if case.state is S.IN_SERVICE:
        return _merchant_serves(case, who, now)
    if case.state is S.ESCALATED:
        return _operator_decides(case, who)
    if case.state in (S.RESOLVED, S.CLOSED):
        return _after_resolution(case, who, now)
    return None


# ---- the merchant ---------------------------------------------------------------------------


def _merchant_answers(case: Case, who: Actors, now: datetime) -> Move:
    conduct, rng = who.conduct, who.rng
    if conduct is Conduct.OBSTRUCTIVE and case.responded_at is None and rng.random() < 0.25:
        return _wait_for(case.first_response_due, now)  # ignores it; the clock will decide
    median, sigma = _RESPONSE[conduct]
    if case.rejected_proposals:
        median /= 2  # a rejected proposal gets a quicker second look
    after = who.hours(median, sigma)
    if conduct is Conduct.SLOW and case.responded_at is None and rng.random() < 0.5:
        # A holding reply inside the clock, the real answer much later.
        return Move("merchant", Kind.MESSAGE, after / 2, say("holding", who.language, rng))
    remedy, amount = _merchant_offer(case, who)
    return Move("merchant", Kind.PROPOSE, after, resolution=remedy, amount=amount)


def _merchant_offer(case: Case, who: Actors) -> tuple[ResolutionType, int]:
    fair = fair_remedy(case)
    if who.conduct is not Conduct.OBSTRUCTIVE:
        return fair
    # Obstructive: refuses or lowballs, and gives in a little each time it is turned down.
    if who.rng.random() < 0.2 + 0.25 * case.rejected_proposals:
        return fair
    if who.rng.random() < 0.5:
        return R.REJECT, 0
    assert case.facts is not None
    return R.QUICK_COMPENSATION, max(1, case.facts.amount // 20)


def _merchant_serves(case: Case, who: Actors, now: datetime) -> Move:
    """The merchant carries the service out, drags it, or the buyer runs out of patience."""
    rng = who.rng
    if who.conduct is Conduct.OBSTRUCTIVE and rng.random() < 0.3:
        return _wait_for(case.resolution_due, now)  # drags it out until the platform steps in
    done = timedelta(days=float(rng.lognormal(np.log(_SERVICE[who.conduct]), 0.5)))
    limit = timedelta(days=float(rng.lognormal(np.log(2 + 4 * who.consumer.patience), 0.4)))
    if done > limit:
        return Move("consumer", Kind.ESCALATE, limit, say("escalate", who.language, rng))
    return Move("merchant", Kind.COMPLETE, done, say("completed", who.language, rng))


# ---- the buyer ------------------------------------------------------------------------------


def _buyer_replies(case: Case, who: Actors, now: datetime) -> Move:
    rng, language = who.rng, who.language
    assert case.proposal is not None
    if rng.random() < 0.03:
        return _wait_for(case.proposal.reply_due, now)  # never answers: the proposal stands
    if rng.random() < 0.02:
        return Move("consumer", Kind.CANCEL, who.hours(6), say("cancel", language, rng))
    if _fair_to_buyer(case, who):
        return Move("consumer", Kind.ACCEPT, who.hours(3, 0.8))
    if case.rejected_proposals >= 1 or rng.random() > who.consumer.patience:
        return Move("consumer", Kind.ESCALATE, who.hours(4), say("escalate", language, rng))
    return Move("consumer", Kind.REJECT, who.hours(3), say("unfair", language, rng))


def _fair_to_buyer(case: Case, who: Actors) -> bool:
    """Whether the buyer, who knows what happened, takes the offer."""
    assert case.proposal is not None and case.facts is not None
    offer, amount = case.proposal.resolution, case.proposal.amount
    truth = who.plan.truth
    if offer is R.REJECT:
        return truth in (Truth.BUYER_CARE, Truth.BUYER_TASTE) and who.rng.random() < 0.5
    if offer is R.QUICK_COMPENSATION:
        return amount >= case.facts.amount // 5
    if offer is R.CARE_ADVICE:
        return truth is Truth.BUYER_CARE
    return True


def _after_resolution(case: Case, who: Actors, now: datetime) -> Move | None:
    rng = who.rng
    verdict = case.arbitration
    can_appeal = (
        case.state is S.RESOLVED
        and verdict is not None
        and not verdict.final
        and case.appeal_due is not None
        and case.appeal_due - now > timedelta(days=2)
    )
    if can_appeal and verdict is not None and rng.random() < _appeal_chance(verdict.verdict, who):
        return Move(
            _loser(verdict.verdict), Kind.APPEAL, who.hours(24), say("appeal", who.language, rng)
        )
    if case.rating is None and rng.random() < who.consumer.rates:
        score = _stars(case, who)
        words = say("praise" if score >= 4 else "complain", who.language, rng)
        return Move("consumer", Kind.RATE, who.hours(10, 1.0), words, score=score)
    return None


def _appeal_chance(verdict: Verdict, who: Actors) -> float:
    if verdict is Verdict.CONSUMER:
        return 0.4 if who.conduct is Conduct.OBSTRUCTIVE else 0.02
    return 0.3 * (1 - who.consumer.patience)


def _loser(verdict: Verdict) -> str:
    return "merchant" if verdict is Verdict.CONSUMER else "consumer"


def _stars(case: Case, who: Actors) -> int:
    """What the buyer lived through, as stars: waiting, haggling, and how it ended."""
    assert case.opened_at is not None
    score = 5.0 + who.consumer.generosity
    score -= 1.2 * case.first_response_breached + 0.8 * case.rejected_proposals
    if case.escalated_at is not None and not (case.escalation_reason or "").startswith("policy"):
        score -= 0.8
    if case.arbitration is not None and case.arbitration.verdict is not Verdict.CONSUMER:
        score -= 1.5
    end = case.resolved_at or case.updated_at or case.opened_at
    score -= min(2.0, max(0.0, (end - case.opened_at).days - 3) * 0.25)
    score += float(who.rng.normal(0, 0.5))
    return int(min(5, max(1, round(score))))


# ---- the platform ---------------------------------------------------------------------------


def _operator_decides(case: Case, who: Actors) -> Move:
    """An operator investigates and finds the truth (one time in twelve, gets it wrong)."""
    rng = who.rng
    truth = who.plan.truth
    if rng.random() < 1 / 12:
        truth = Truth.BUYER_TASTE if truth.merchant_liable else Truth.DEFECT
    after = who.hours(10, 0.8)
    if truth.merchant_liable or truth is Truth.LOGISTICS:
        return _for_buyer(case, who, truth, after)
    if truth is Truth.BUYER_CARE:
        note = say("verdict_care", who.language, rng)
        return Move(
            "operator",
            Kind.ARBITRATE,
            after,
            note,
            R.CARE_ADVICE,
            0,
            0,
            Verdict.SPLIT,
            LiableParty.CONSUMER,
        )
    note = say("verdict_merchant", who.language, rng)
    return Move(
        "operator",
        Kind.ARBITRATE,
        after,
        note,
        R.REJECT,
        0,
        0,
        Verdict.MERCHANT,
        LiableParty.CONSUMER,
    )


def _for_buyer(case: Case, who: Actors, truth: Truth, after: timedelta) -> Move:
    remedy, amount = fair_remedy(case)
    if who.plan.safety:
        remedy, amount = R.REFUND_ONLY, money(case, R.REFUND_ONLY, None)  # never send it back
    liable = LiableParty.LOGISTICS if truth is Truth.LOGISTICS else LiableParty.MERCHANT
    kind = "verdict_logistics" if truth is Truth.LOGISTICS else "verdict_consumer"
    note = say(kind, who.language, who.rng)
    return Move(
        "operator", Kind.ARBITRATE, after, note, remedy, amount, 0, Verdict.CONSUMER, liable
    )


def _wait_for(deadline: datetime | None, now: datetime) -> Move:
    due = (deadline or now) - now
    return Move("nobody", Kind.WAIT, max(_MINUTE, due + _AFTER_SWEEP))
