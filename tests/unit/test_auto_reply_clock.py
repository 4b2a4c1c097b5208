"""The automatic first reply and the merchant's first-response clock (decision 0016)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aftersales.domain.actors import AUTO_REPLY, Actor, Role
from aftersales.domain.case import Case, CaseFacts
from aftersales.domain.cases_types import CaseState, CaseType, ResolutionType
from aftersales.domain.sla import SlaTerms
from aftersales.errors import InvalidTransition

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)
CONSUMER = Actor(Role.CONSUMER, "c1")
MERCHANT = Actor(Role.MERCHANT_AGENT, "m1")
FACTS = CaseFacts("l1", "o1", "c1", "m1", "s1", "p1", "digital/phone", "online", "CN-BJ", 99900)


def opened() -> Case:
    return Case.open(
        "cs_1",
        facts=FACTS,
        type=CaseType.RETURN_REFUND,
        description="the screen flickers",
        sla=SlaTerms(),
        by=CONSUMER,
        at=T0,
    )


def reply(case: Case, *, concrete: bool, at: datetime = T0) -> None:
    case.post_auto_reply(
        "Hello, …", concrete_step=concrete, entry="quality_defect", language="en", at=at
    )


def test_a_reply_with_a_concrete_step_is_the_merchants_first_response() -> None:
    case = opened()

    reply(case, concrete=True)

    assert case.responded_at == T0
    event = case.pending[-1]
    assert (event.kind, event.actor) == ("message_posted", AUTO_REPLY)
    assert event.data["first_response"] is True
    assert event.data["auto_reply"] == {
        "entry": "quality_defect",
        "language": "en",
        "concrete_step": True,
    }
    # the first-response deadline (24 h) no longer applies; the other clocks still run
    assert case.tick(T0 + 48 * H) == []
    assert case.state is CaseState.AWAITING_MERCHANT


def test_the_reply_buys_a_silent_merchant_time_until_the_proposal_deadline_not_for_ever() -> None:
    case = opened()
    reply(case, concrete=True)
    assert case.tick(T0 + 71 * H) == []

    [missed] = case.tick(T0 + 73 * H)

    assert missed.kind == "first_response_missed"
    assert missed.at == T0 + 72 * H  # the proposal deadline
    assert case.state is CaseState.IN_SERVICE  # a return, decided in the consumer's favour


def test_a_merchant_that_speaks_after_the_reply_keeps_the_case() -> None:
    case = opened()
    reply(case, concrete=True)
    case.post_message(MERCHANT, "please send photos of the screen", T0 + 30 * H)

    assert case.tick(T0 + 100 * H) == []
    assert case.merchant_acted_at == T0 + 30 * H


def test_an_acknowledgement_stops_no_clock() -> None:
    case = opened()

    reply(case, concrete=False)

    assert case.responded_at is None
    assert case.pending[-1].data["first_response"] is False
    assert [e.kind for e in case.tick(T0 + 25 * H)] == ["first_response_missed"]


def test_a_reply_after_the_merchant_has_responded_does_not_move_its_response_time() -> None:
    case = opened()
    case.post_message(MERCHANT, "we are on it", T0 + H)

    reply(case, concrete=True, at=T0 + 2 * H)

    assert case.responded_at == T0 + H
    assert case.pending[-1].data["first_response"] is False


def test_a_reply_to_a_case_the_policy_already_settled_is_not_a_response() -> None:
    case = opened()
    case.grant_by_policy(ResolutionType.REFUND_ONLY, 99900, ["rule"], T0)

    reply(case, concrete=True)

    assert case.pending[-1].data["first_response"] is False


def test_the_reply_counts_as_a_message_and_replays() -> None:
    case = opened()
    reply(case, concrete=True)

    assert case.messages == 1
    rebuilt = Case.replay(case.pending)
    assert rebuilt.to_snapshot() == case.to_snapshot()


def test_no_reply_on_a_cancelled_case() -> None:
    case = opened()
    case.cancel(CONSUMER, "never mind", T0 + H)

    with pytest.raises(InvalidTransition):
        reply(case, concrete=True, at=T0 + 2 * H)
