"""The rules of the assignment history: when a holding began, how a move ends it, what a merchant
sees (decision 0025)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aftersales.domain.actors import Actor, Role
from aftersales.triage.holdings import (
    Holding,
    Move,
    MoveReason,
    close,
    moved,
    started,
    visible_to_merchant,
)

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
OPERATOR = Actor(Role.OPERATOR, "ana")


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_a_case_never_moved_is_held_since_it_was_assigned_or_queued() -> None:
    assert started("ag_1", at(5), at(0), None) == at(5)
    assert started(None, None, at(0), None) == at(0)


def test_a_case_sent_back_to_the_backlog_is_held_there_since_the_move_not_since_its_age() -> None:
    # it keeps its original queued_at (its age orders the backlog), the move was later
    assert started(None, None, at(0), at(30)) == at(30)


def test_a_case_reopened_after_it_ended_is_held_since_it_was_filed_again() -> None:
    # released at 30, nobody held it until an appeal filed it again at 90
    assert started("ag_2", at(90), at(90), at(30)) == at(90)


def test_an_agent_who_keeps_a_case_moved_to_another_queue_holds_it_there_since_the_move() -> None:
    assert started("ag_1", at(5), at(0), at(40)) == at(40)


def test_a_move_ends_the_holding_with_its_reason_actor_and_time() -> None:
    current = Holding("cs_1", "ag_1", "general", False, at(5))

    ended = close(current, Move(MoveReason.REASSIGNED, OPERATOR, at(20)))

    assert (ended.held_from, ended.held_until) == (at(5), at(20))
    assert (ended.reason, ended.actor) == (MoveReason.REASSIGNED, OPERATOR)
    assert ended.holder == current.holder


def test_a_move_that_read_the_clock_before_the_holding_began_ends_it_where_it_began() -> None:
    # it read the clock at 10, then waited for the lock of a move made at 12
    current = Holding("cs_1", "ag_2", "general", False, at(12))

    ended = close(current, Move(MoveReason.REASSIGNED, OPERATOR, at(10)))

    assert ended.held_until == at(12)


def test_only_a_change_of_agent_queue_or_pool_is_a_move() -> None:
    current = Holding("cs_1", "ag_1", "general", False, at(5))

    assert not moved(current, "ag_1", "general", False)
    assert moved(current, "ag_2", "general", False)
    assert moved(current, None, "general", False)
    assert moved(current, "ag_1", "technical_support", False)
    assert moved(current, "ag_1", "general", True)


def test_a_merchant_sees_the_holdings_in_its_own_pool_only() -> None:
    own = Holding("cs_1", "ag_1", "general", False, at(0), at(10))
    platform = Holding("cs_1", "ag_9", "arbitration", True, at(10))

    assert visible_to_merchant([own, platform]) == [own]
