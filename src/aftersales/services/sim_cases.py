"""The simulated people's side of each case: open it, then make every next move through the
platform's case use cases, at the moment the move is due.

Each case has at most one move waiting on the agenda. When it is due it is carried out as the
actor (the buyer, the merchant's agent, an operator); if the platform refuses it because the
case moved meanwhile (an SLA deadline passed, the other side acted), that is what happens in a
real marketplace too: the actor looks again and decides anew.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

import numpy as np

from aftersales.domain.actors import Actor, Role
from aftersales.domain.case import Case
from aftersales.domain.cases_types import CaseType
from aftersales.errors import AftersalesError
from aftersales.services import cases
from aftersales.services.context import Context
from aftersales.simulation import Actors, Agenda, CasePlan, Kind, Move, World, next_move

__all__ = ["OPERATOR", "CaseDesk", "DeskTally"]

OPERATOR = Actor(Role.OPERATOR, "sim-operator")
_LOOKS = 40  # moves one case may take; a bound on any loop between two parties


@dataclass
class DeskTally:
    opened: int = 0
    refused_openings: Counter[str] = field(default_factory=Counter)
    moves: Counter[str] = field(default_factory=Counter)
    refused_moves: Counter[str] = field(default_factory=Counter)
    safety_opened: int = 0
    hazard_opened: int = 0
    ratings: list[tuple[str, int]] = field(default_factory=list)  # (merchant, stars) not yet read


class CaseDesk:
    """Opens the planned cases and carries out every move on them."""

    def __init__(
        self,
        ctx: Context,
        world: World,
        agenda: Agenda,
        rng: np.random.Generator,
        today: Callable[[], int],
    ) -> None:
        self._ctx = ctx
        self._world = world
        self._agenda = agenda
        self._rng = rng
        self._today = today  # the simulation's day index, for the merchant's conduct that day
        self._cases: dict[str, tuple[CasePlan, int]] = {}  # case id -> plan, moves made
        self.tally = DeskTally()

    def plan(self, plans: list[CasePlan], until: datetime) -> None:
        """Put each planned opening on the agenda, if it falls within the run."""
        for plan in plans:
            if plan.open_at < until:
                self._agenda.at(plan.open_at, partial(self._open, plan))

    def _open(self, plan: CasePlan) -> None:
        buyer = Actor(Role.CONSUMER, plan.consumer_id)
        command = cases.OpenCase(
            plan.line_id, CaseType(plan.case_type), plan.description, plan.reported
        )
        try:
            case = cases.open_case(self._ctx, buyer, command)
        except AftersalesError as exc:
            self.tally.refused_openings[exc.code.value] += 1
            return
        self.tally.opened += 1
        self.tally.safety_opened += plan.safety
        self.tally.hazard_opened += plan.hazard
        self._cases[case.id] = (plan, 0)
        self._follow(case)

    def _follow(self, case: Case) -> None:
        """Decide the case's next move and put it on the agenda."""
        plan, looks = self._cases[case.id]
        if looks >= _LOOKS:
            return
        self._cases[case.id] = (plan, looks + 1)
        now = self._ctx.clock.now()
        move = next_move(case, self._actors(plan), now)
        if move is not None:
            self._agenda.at(now + move.after, partial(self._make, case.id, move))

    def _actors(self, plan: CasePlan) -> Actors:
        merchant = self._world.by_id[plan.merchant_id]
        buyer = self._world.consumer_by_id[plan.consumer_id]
        return Actors(plan, buyer, merchant.conduct_on(self._today()), self._rng)

    def _make(self, case_id: str, move: Move) -> None:
        plan, _ = self._cases[case_id]
        try:
            case = self._carry_out(case_id, plan, move)
        except AftersalesError as exc:
            self.tally.refused_moves[f"{move.kind}:{exc.code.value}"] += 1
            case = cases.get_case(self._ctx, OPERATOR, case_id)  # look again
        else:
            self.tally.moves[move.kind.value] += 1
            if move.kind is Kind.RATE:
                self.tally.ratings.append((plan.merchant_id, move.score))
        self._follow(case)

    def _carry_out(self, case_id: str, plan: CasePlan, move: Move) -> Case:
        ctx = self._ctx
        actor = _actor(move.who, plan)
        kind = move.kind
        if kind is Kind.WAIT:
            return cases.get_case(ctx, OPERATOR, case_id)
        if kind is Kind.MESSAGE:
            return cases.post_message(ctx, actor, case_id, move.text)
        if kind is Kind.PROPOSE:
            assert move.resolution is not None
            return cases.propose(ctx, actor, case_id, move.resolution, move.amount)
        if kind is Kind.ACCEPT:
            return cases.accept(ctx, actor, case_id)
        if kind is Kind.REJECT:
            return cases.reject(ctx, actor, case_id, move.text)
        if kind is Kind.ESCALATE:
            return cases.escalate(ctx, actor, case_id, move.text)
        if kind is Kind.CANCEL:
            return cases.cancel(ctx, actor, case_id, move.text)
        if kind is Kind.COMPLETE:
            return cases.complete_service(ctx, actor, case_id, move.text)
        if kind is Kind.APPEAL:
            return cases.appeal(ctx, actor, case_id, move.text)
        if kind is Kind.RATE:
            return cases.rate(ctx, actor, case_id, move.score, move.text)
        return cases.arbitrate(ctx, actor, case_id, _verdict(move))


def _actor(who: str, plan: CasePlan) -> Actor:
    if who == "consumer":
        return Actor(Role.CONSUMER, plan.consumer_id)
    if who == "merchant":
        return Actor(Role.MERCHANT_AGENT, plan.merchant_id)
    return OPERATOR


def _verdict(move: Move) -> cases.ArbitrationCommand:
    assert move.verdict is not None and move.liable is not None and move.resolution is not None
    return cases.ArbitrationCommand(
        move.verdict, move.liable, move.resolution, move.amount, move.text
    )
