"""Requests racing on the same order line or case: one wins, the other is told why, state holds.

Each race starts its threads together on a barrier and uses the use cases directly, each thread
with its own Actor, as two servers' request handlers would. PostgreSQL is the real target (row
locks and a partial unique index); SQLite serialises writers and must give the same answers.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select

from aftersales.domain.actors import Actor, Role
from aftersales.domain.case import Case
from aftersales.domain.cases_types import CaseState, CaseType, ResolutionType
from aftersales.domain.clock import ManualClock
from aftersales.errors import AftersalesError, ErrorCode, InvalidTransition
from aftersales.services import cases as uc
from aftersales.services.context import Context
from aftersales.services.sla import sweep
from aftersales.store.db import make_engine
from aftersales.store.tables import case_events, cases
from tests.support import START

H = timedelta(hours=1)
SECOND = timedelta(seconds=1)
ROUNDS = 5
OPERATOR = Actor(Role.OPERATOR)

pytestmark = pytest.mark.usefixtures("market")


def race(*calls: Callable[[], object]) -> list[object]:
    """Run the calls in threads released at the same instant; each one's result or error."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int, call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[i] = call()
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a racing request never finished"
    return results


def winners_and_losers(results: list[object]) -> tuple[list[Case], list[AftersalesError]]:
    won = [r for r in results if isinstance(r, Case)]
    lost = [r for r in results if isinstance(r, AftersalesError)]
    assert len(won) + len(lost) == len(results), f"unexpected outcome: {results!r}"
    return won, lost


def assert_events_rebuild_the_stored_case(ctx: Context, case_id: str) -> None:
    events = uc.case_events(ctx, OPERATOR, case_id)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert Case.replay(events).to_snapshot() == uc.get_case(ctx, OPERATOR, case_id).to_snapshot()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


def test_two_requests_opening_a_case_on_the_same_line_at_once_open_exactly_one(
    ctx: Context, engine: Engine
) -> None:
    cmd = uc.OpenCase("l1", CaseType.RETURN_REFUND, "arrived cracked")

    for round_ in range(ROUNDS):
        first, second = Actor(Role.CONSUMER, "c1"), Actor(Role.CONSUMER, "c1")
        results = race(
            functools.partial(uc.open_case, ctx, first, cmd),
            functools.partial(uc.open_case, ctx, second, cmd),
        )

        won, lost = winners_and_losers(results)
        assert len(won) == 1, f"round {round_}: {results!r}"
        assert [e.code for e in lost] == [ErrorCode.CASE_ALREADY_OPEN]
        with engine.connect() as conn:
            active = conn.execute(
                select(func.count()).where(cases.c.order_line_id == "l1", cases.c.is_active)
            ).scalar_one()
            rows = conn.execute(select(func.count()).select_from(cases)).scalar_one()
        assert (active, rows) == (1, round_ + 1)
        assert_events_rebuild_the_stored_case(ctx, won[0].id)
        uc.cancel(ctx, Actor(Role.CONSUMER, "c1"), won[0].id, "let me try again")


def test_two_agents_of_one_merchant_proposing_at_once_make_exactly_one_proposal(
    ctx: Context, engine: Engine
) -> None:
    case_id = uc.open_case(
        ctx, Actor(Role.CONSUMER, "c1"), uc.OpenCase("l1", CaseType.REFUND_ONLY, "never arrived")
    ).id

    for round_ in range(ROUNDS):
        alice, bob = Actor(Role.MERCHANT_AGENT, "m1"), Actor(Role.MERCHANT_AGENT, "m1")
        results = race(
            functools.partial(uc.propose, ctx, alice, case_id, ResolutionType.REFUND_ONLY, 100_000),
            functools.partial(uc.propose, ctx, bob, case_id, ResolutionType.REFUND_ONLY, 200_000),
        )

        won, lost = winners_and_losers(results)
        assert len(won) == 1, f"round {round_}: {results!r}"
        assert [e.code for e in lost] in (
            [ErrorCode.INVALID_TRANSITION],
            [ErrorCode.CONCURRENT_UPDATE],
        )
        stored = uc.get_case(ctx, OPERATOR, case_id)
        assert stored.state is CaseState.AWAITING_CONSUMER
        assert stored.proposal is not None and won[0].proposal is not None
        assert stored.proposal.amount == won[0].proposal.amount
        with engine.connect() as conn:
            proposed = conn.execute(
                select(func.count()).where(
                    case_events.c.case_id == case_id, case_events.c.kind == "proposed"
                )
            ).scalar_one()
        assert proposed == round_ + 1
        assert_events_rebuild_the_stored_case(ctx, case_id)
        uc.reject(ctx, Actor(Role.CONSUMER, "c1"), case_id, "not that")


def test_the_sweep_and_a_last_second_accept_racing_leave_one_consistent_outcome(
    ctx: Context, clock: ManualClock
) -> None:
    parties = [("l1", "c1", "m1"), ("l4", "c2", "m1"), ("l2", "c2", "m2")]
    ids: list[str] = []
    for n, (line, consumer, merchant) in enumerate(parties):
        opener = Actor(Role.CONSUMER, consumer)
        ids.append(uc.open_case(ctx, opener, uc.OpenCase(line, CaseType.EXCHANGE, "wrong size")).id)
        clock.set(START + (n + 1) * H)  # staggered, so each round's sweep finds only its case
        uc.propose(ctx, Actor(Role.MERCHANT_AGENT, merchant), ids[-1], ResolutionType.EXCHANGE, 0)

    outcomes = set()
    for n, ((_, consumer, _), case_id) in enumerate(zip(parties, ids, strict=True)):
        reply_due = START + (n + 1) * H + 72 * H
        # The consumer clicks a second before the deadline; the sweep wakes right at it.
        consumer_ctx = dataclasses.replace(ctx, clock=ManualClock(reply_due - SECOND))
        sweep_ctx = dataclasses.replace(ctx, clock=ManualClock(reply_due))
        me = Actor(Role.CONSUMER, consumer)

        accepted, swept = race(
            functools.partial(uc.accept, consumer_ctx, me, case_id),
            functools.partial(sweep, sweep_ctx),
        )

        events = [e.kind for e in uc.case_events(ctx, OPERATOR, case_id)]
        stored = uc.get_case(ctx, OPERATOR, case_id)
        assert stored.state is CaseState.IN_SERVICE
        assert stored.resolution is not None
        if isinstance(accepted, Case):
            assert events == ["opened", "proposed", "proposal_accepted"]
            assert stored.resolution.by == "agreement"
        else:
            assert isinstance(accepted, InvalidTransition), accepted
            assert events == ["opened", "proposed", "proposal_stood"]
            assert stored.resolution.by == "proposal_stood"
            assert stored.resolution.at == reply_due
        outcomes.add(stored.resolution.by)
        assert not isinstance(swept, Exception), swept
        assert_events_rebuild_the_stored_case(ctx, case_id)

    assert outcomes <= {"agreement", "proposal_stood"}
    assert sweep(dataclasses.replace(ctx, clock=ManualClock(START + 100 * H))).cases == 0
