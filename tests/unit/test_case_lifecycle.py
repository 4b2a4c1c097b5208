"""The case state machine on its own: no database, no clock, only events and the rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from aftersales.domain.actors import SYSTEM, Actor, Role
from aftersales.domain.case import Case, CaseFacts
from aftersales.domain.cases_types import (
    CaseState,
    CaseType,
    LiableParty,
    ResolutionType,
    Verdict,
)
from aftersales.domain.sla import SlaTerms
from aftersales.errors import InvalidTransition, PermissionDenied, ValidationFailed

S = CaseState
RT = ResolutionType
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)
D = timedelta(days=1)
PAID = 299_900  # fen

CONSUMER = Actor(Role.CONSUMER, "c1")
OTHER_CONSUMER = Actor(Role.CONSUMER, "c2")
MERCHANT = Actor(Role.MERCHANT_AGENT, "m1")
OTHER_MERCHANT = Actor(Role.MERCHANT_AGENT, "m2")
OPERATOR = Actor(Role.OPERATOR)
AUDITOR = Actor(Role.AUDITOR)
INTEGRATION = Actor(Role.INTEGRATION)

FACTS = CaseFacts(
    order_line_id="l1",
    order_id="o1",
    consumer_id="c1",
    merchant_id="m1",
    store_id="s1",
    product_id="p1",
    category="digital/phone",
    channel="online",
    region="CN-BJ",
    amount=PAID,
    batch_id="b1",
)


# ---- builders: a case in each state, reached only through the business methods -----------


def opened(case_type: CaseType = CaseType.RETURN_REFUND, at: datetime = T0) -> Case:
    return Case.open(
        "cs_1",
        facts=FACTS,
        type=case_type,
        description="the screen flickers",
        sla=SlaTerms(),
        by=CONSUMER,
        at=at,
    )


def awaiting_consumer() -> Case:
    case = opened()
    case.propose(MERCHANT, RT.RETURN_REFUND, PAID, T0 + 2 * H)
    return case


def in_service() -> Case:
    case = awaiting_consumer()
    case.accept(CONSUMER, T0 + 3 * H)
    return case


def escalated() -> Case:
    case = awaiting_consumer()
    case.escalate(CONSUMER, "the refund is too small", T0 + 3 * H)
    return case


def resolved() -> Case:
    case = in_service()
    case.complete_service(MERCHANT, "refund paid", T0 + 4 * H)
    return case


def arbitrate(case: Case, at: datetime, amount: int = 100_000) -> None:
    case.arbitrate(
        OPERATOR,
        verdict=Verdict.CONSUMER,
        liable_party=LiableParty.MERCHANT,
        resolution=RT.REFUND_ONLY,
        amount=amount,
        note="the photos show the defect",
        at=at,
    )


def arbitrated() -> Case:
    case = escalated()
    arbitrate(case, T0 + 4 * H)
    return case


def closed() -> Case:
    case = resolved()
    assert case.close_due is not None
    case.tick(case.close_due)
    return case


def cancelled() -> Case:
    case = opened()
    case.cancel(CONSUMER, "found it in the box after all", T0 + H)
    return case


BUILDERS: dict[str, Callable[[], Case]] = {
    "awaiting_merchant": opened,
    "awaiting_consumer": awaiting_consumer,
    "in_service": in_service,
    "escalated": escalated,
    "resolved": resolved,
    "arbitrated": arbitrated,  # resolved by a first, appealable verdict
    "closed": closed,
    "cancelled": cancelled,
}


def assert_replays(case: Case) -> None:
    """The events alone, and the snapshot alone, rebuild exactly the same case."""
    snapshot = case.to_snapshot()
    assert Case.replay(case.pending).to_snapshot() == snapshot
    assert Case.from_snapshot(snapshot).to_snapshot() == snapshot


def kinds(case: Case) -> list[str]:
    return [e.kind for e in case.pending]


def after(case: Case, delta: timedelta = H) -> datetime:
    assert case.updated_at is not None
    return case.updated_at + delta


# ---- the transition matrix: every action in every state --------------------------------------

Action = Callable[[Case, datetime], None]

ACTIONS: dict[str, tuple[Action, CaseState | None]] = {
    # name: (what is done, the state it leads to when allowed; None = the state stays)
    "post_message": (lambda c, at: c.post_message(CONSUMER, "any news?", at), None),
    "add_evidence": (lambda c, at: c.add_evidence(CONSUMER, "ev_1", "ab" * 32, at), None),
    "propose": (lambda c, at: c.propose(MERCHANT, RT.REFUND_ONLY, 50_000, at), S.AWAITING_CONSUMER),
    "accept": (lambda c, at: c.accept(CONSUMER, at), S.IN_SERVICE),
    "reject": (lambda c, at: c.reject(CONSUMER, "not enough", at), S.AWAITING_MERCHANT),
    "complete_service": (lambda c, at: c.complete_service(MERCHANT, "done", at), S.RESOLVED),
    "cancel": (lambda c, at: c.cancel(CONSUMER, "never mind", at), S.CANCELLED),
    "escalate": (lambda c, at: c.escalate(MERCHANT, "we disagree", at), S.ESCALATED),
    "arbitrate": (lambda c, at: arbitrate(c, at), S.RESOLVED),
    "appeal": (lambda c, at: c.appeal(CONSUMER, "the verdict is unfair", at), S.ESCALATED),
    "rate": (lambda c, at: c.rate(CONSUMER, 4, "fine", at), None),
}

_OPEN = {"awaiting_merchant", "awaiting_consumer", "in_service", "escalated", "resolved"}
LEGAL: dict[str, set[str]] = {
    "post_message": _OPEN | {"arbitrated"},
    "add_evidence": _OPEN | {"arbitrated"},
    "propose": {"awaiting_merchant"},
    "accept": {"awaiting_consumer"},
    "reject": {"awaiting_consumer"},
    "complete_service": {"in_service"},
    "cancel": {"awaiting_merchant", "awaiting_consumer"},
    "escalate": {"awaiting_merchant", "awaiting_consumer", "in_service"},
    "arbitrate": {"escalated"},
    "appeal": {"arbitrated"},
    "rate": {"resolved", "arbitrated", "closed"},
}

PAIRS = [(state, action) for action in ACTIONS for state in BUILDERS]
ALLOWED = [p for p in PAIRS if p[0] in LEGAL[p[1]]]
REFUSED = [p for p in PAIRS if p[0] not in LEGAL[p[1]]]


def _ids(pairs: list[tuple[str, str]]) -> list[str]:
    return [f"{action}-when-{state}" for state, action in pairs]


@pytest.mark.parametrize(("state", "action"), ALLOWED, ids=_ids(ALLOWED))
def test_an_allowed_action_moves_the_case_to_its_next_state_with_one_event(
    state: str, action: str
) -> None:
    case = BUILDERS[state]()
    before = case.to_snapshot()
    do, target = ACTIONS[action]

    do(case, after(case))

    assert case.state == (target or before["state"])
    assert case.version == before["version"] + 1
    assert len(case.pending) == before["version"] + 1
    assert_replays(case)


@pytest.mark.parametrize(("state", "action"), REFUSED, ids=_ids(REFUSED))
def test_a_refused_action_raises_invalid_transition_and_changes_nothing(
    state: str, action: str
) -> None:
    case = BUILDERS[state]()
    before = case.to_snapshot()
    events = list(case.pending)
    do, _ = ACTIONS[action]

    with pytest.raises(InvalidTransition):
        do(case, after(case))

    assert case.to_snapshot() == before
    assert case.pending == events


@pytest.mark.parametrize("name", list(BUILDERS))
def test_each_builder_reaches_the_state_it_is_named_after(name: str) -> None:
    case = BUILDERS[name]()

    expected = "resolved" if name == "arbitrated" else name
    assert case.state == expected
    assert case.pending[0].kind == "opened"
    assert_replays(case)


def test_the_matrix_covers_every_state() -> None:
    assert {s.value for s in CaseState} <= set(BUILDERS)


# ---- opening ---------------------------------------------------------------------------------


def test_opening_a_case_starts_both_clocks_from_the_opening_moment() -> None:
    case = opened()

    assert case.state is S.AWAITING_MERCHANT
    assert case.opened_at == T0
    assert case.first_response_due == T0 + 24 * H
    assert case.resolution_due == T0 + 168 * H
    assert case.responded_at is None
    assert case.version == 1
    assert kinds(case) == ["opened"]
    assert case.pending[0].actor == CONSUMER
    assert_replays(case)


def test_sla_terms_given_at_opening_set_the_deadlines() -> None:
    terms = SlaTerms(first_response_hours=4, resolution_hours=48)
    case = Case.open(
        "cs_2", facts=FACTS, type=CaseType.REPAIR, description="", sla=terms, by=CONSUMER, at=T0
    )

    assert case.first_response_due == T0 + 4 * H
    assert case.resolution_due == T0 + 48 * H
    assert_replays(case)


@pytest.mark.parametrize("actor", [OTHER_CONSUMER, MERCHANT, OPERATOR, INTEGRATION])
def test_only_the_consumer_of_the_order_can_open_a_case_on_it(actor: Actor) -> None:
    with pytest.raises(PermissionDenied):
        Case.open(
            "cs_1",
            facts=FACTS,
            type=CaseType.REFUND_ONLY,
            description="",
            sla=SlaTerms(),
            by=actor,
            at=T0,
        )


# ---- role checks -----------------------------------------------------------------------------

ROLE_CHECKS: list[tuple[str, str, Action]] = [
    # (state the action is otherwise legal in, who tries, the action)
    (
        "awaiting_merchant",
        "consumer proposes",
        lambda c, at: c.propose(CONSUMER, RT.EXCHANGE, 0, at),
    ),
    (
        "awaiting_merchant",
        "another merchant proposes",
        lambda c, at: c.propose(OTHER_MERCHANT, RT.EXCHANGE, 0, at),
    ),
    (
        "awaiting_merchant",
        "operator proposes",
        lambda c, at: c.propose(OPERATOR, RT.EXCHANGE, 0, at),
    ),
    ("awaiting_consumer", "merchant accepts", lambda c, at: c.accept(MERCHANT, at)),
    ("awaiting_consumer", "another consumer accepts", lambda c, at: c.accept(OTHER_CONSUMER, at)),
    ("awaiting_consumer", "operator accepts", lambda c, at: c.accept(OPERATOR, at)),
    ("awaiting_consumer", "merchant rejects", lambda c, at: c.reject(MERCHANT, "no", at)),
    ("in_service", "consumer completes", lambda c, at: c.complete_service(CONSUMER, "x", at)),
    (
        "in_service",
        "another merchant completes",
        lambda c, at: c.complete_service(OTHER_MERCHANT, "x", at),
    ),
    ("awaiting_merchant", "merchant cancels", lambda c, at: c.cancel(MERCHANT, "x", at)),
    (
        "awaiting_merchant",
        "another consumer cancels",
        lambda c, at: c.cancel(OTHER_CONSUMER, "x", at),
    ),
    ("in_service", "operator escalates", lambda c, at: c.escalate(OPERATOR, "x", at)),
    ("in_service", "another consumer escalates", lambda c, at: c.escalate(OTHER_CONSUMER, "x", at)),
    ("in_service", "system escalates by hand", lambda c, at: c.escalate(SYSTEM, "x", at)),
    (
        "escalated",
        "merchant arbitrates",
        lambda c, at: c.arbitrate(
            MERCHANT,
            verdict=Verdict.MERCHANT,
            liable_party=LiableParty.NONE,
            resolution=RT.REJECT,
            amount=0,
            note="",
            at=at,
        ),
    ),
    (
        "escalated",
        "auditor arbitrates",
        lambda c, at: c.arbitrate(
            AUDITOR,
            verdict=Verdict.CONSUMER,
            liable_party=LiableParty.MERCHANT,
            resolution=RT.REFUND_ONLY,
            amount=1,
            note="",
            at=at,
        ),
    ),
    ("arbitrated", "operator appeals", lambda c, at: c.appeal(OPERATOR, "x", at)),
    ("arbitrated", "another merchant appeals", lambda c, at: c.appeal(OTHER_MERCHANT, "x", at)),
    ("resolved", "merchant rates", lambda c, at: c.rate(MERCHANT, 5, None, at)),
    ("resolved", "another consumer rates", lambda c, at: c.rate(OTHER_CONSUMER, 1, None, at)),
    ("escalated", "another merchant posts", lambda c, at: c.post_message(OTHER_MERCHANT, "x", at)),
    ("escalated", "auditor posts", lambda c, at: c.post_message(AUDITOR, "x", at)),
    (
        "escalated",
        "integration adds evidence",
        lambda c, at: c.add_evidence(INTEGRATION, "e", "0", at),
    ),
]


@pytest.mark.parametrize(
    ("state", "who", "action"), ROLE_CHECKS, ids=[who for _, who, _ in ROLE_CHECKS]
)
def test_an_action_by_the_wrong_party_raises_permission_denied_and_changes_nothing(
    state: str, who: str, action: Action
) -> None:
    case = BUILDERS[state]()
    before = case.to_snapshot()

    with pytest.raises(PermissionDenied):
        action(case, after(case))

    assert case.to_snapshot() == before


def test_the_merchant_may_appeal_a_verdict_too() -> None:
    case = arbitrated()

    case.appeal(MERCHANT, "the item was damaged by the courier", after(case))

    assert case.state is S.ESCALATED
    assert case.escalation_reason == "appeal"
    assert case.appealed is True


def test_an_operator_may_post_a_message_without_it_counting_as_the_first_response() -> None:
    case = opened()

    case.post_message(OPERATOR, "we are looking into it", T0 + H)

    assert case.messages == 1
    assert case.responded_at is None
    assert case.next_deadline() == T0 + 24 * H


# ---- first response --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "respond",
    [
        lambda c, at: c.post_message(MERCHANT, "sorry, we will fix it", at),
        lambda c, at: c.propose(MERCHANT, RT.REPAIR, 0, at),
    ],
    ids=["message", "proposal"],
)
def test_the_merchants_first_message_or_proposal_is_its_first_response(respond: Action) -> None:
    case = opened()

    respond(case, T0 + 5 * H)

    assert case.responded_at == T0 + 5 * H
    assert case.pending[-1].data["first_response"] is True
    assert_replays(case)


def test_a_later_merchant_message_keeps_the_first_response_time() -> None:
    case = opened()
    case.post_message(MERCHANT, "hello", T0 + 5 * H)

    case.post_message(MERCHANT, "again", T0 + 9 * H)

    assert case.responded_at == T0 + 5 * H
    assert case.pending[-1].data["first_response"] is False
    assert case.messages == 2


def test_a_consumer_message_is_not_a_first_response() -> None:
    case = opened()

    case.post_message(CONSUMER, "hello?", T0 + H)

    assert case.responded_at is None
    assert case.pending[-1].data["first_response"] is False


def test_the_consumer_cannot_escalate_before_the_merchant_has_responded() -> None:
    case = opened()
    before = case.to_snapshot()

    with pytest.raises(InvalidTransition, match="2026-11-03 09:00"):
        case.escalate(CONSUMER, "no answer", T0 + 23 * H)

    assert case.to_snapshot() == before


def test_the_consumer_can_escalate_once_the_merchant_has_responded() -> None:
    case = opened()
    case.post_message(MERCHANT, "we refuse", T0 + H)

    case.escalate(CONSUMER, "unfair", T0 + 2 * H)

    assert case.state is S.ESCALATED
    assert case.escalated_at == T0 + 2 * H
    assert case.escalation_reason == "unfair"
    assert case.next_deadline() is None


def test_the_merchant_can_escalate_before_responding() -> None:
    case = opened()

    case.escalate(MERCHANT, "the consumer is abusive", T0 + H)

    assert case.state is S.ESCALATED


# ---- amounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resolution", "amount"),
    [
        (RT.RETURN_REFUND, PAID),
        (RT.REFUND_ONLY, 1),
        (RT.QUICK_COMPENSATION, 5_000),
        (RT.EXCHANGE, 0),
        (RT.REPAIR, 0),
        (RT.REJECT, 0),
    ],
)
def test_a_proposal_within_the_amount_rules_is_accepted_as_given(
    resolution: ResolutionType, amount: int
) -> None:
    case = opened()

    case.propose(MERCHANT, resolution, amount, T0 + H)

    assert case.proposal is not None
    assert (case.proposal.resolution, case.proposal.amount) == (resolution, amount)
    assert case.proposal.reply_due == T0 + H + 72 * H


@pytest.mark.parametrize(
    ("resolution", "amount", "message"),
    [
        (RT.RETURN_REFUND, PAID + 1, "exceeds what was paid"),
        (RT.QUICK_COMPENSATION, -1, "cannot be negative"),
        (RT.REJECT, 100, "rejection carries no amount"),
        (RT.RETURN_REFUND, 0, "needs an amount greater than zero"),
        (RT.REFUND_ONLY, 0, "needs an amount greater than zero"),
    ],
)
def test_a_proposal_breaking_the_amount_rules_is_refused_and_changes_nothing(
    resolution: ResolutionType, amount: int, message: str
) -> None:
    case = opened()
    before = case.to_snapshot()

    with pytest.raises(ValidationFailed, match=message):
        case.propose(MERCHANT, resolution, amount, T0 + H)

    assert case.to_snapshot() == before


def test_arbitration_cannot_award_more_than_was_paid() -> None:
    case = escalated()
    before = case.to_snapshot()

    with pytest.raises(ValidationFailed, match="exceeds"):
        arbitrate(case, after(case), amount=PAID + 1)

    assert case.to_snapshot() == before


def test_a_verdict_for_the_merchant_must_carry_the_resolution_reject() -> None:
    case = escalated()
    before = case.to_snapshot()

    with pytest.raises(ValidationFailed, match="reject"):
        case.arbitrate(
            OPERATOR,
            verdict=Verdict.MERCHANT,
            liable_party=LiableParty.CONSUMER,
            resolution=RT.REFUND_ONLY,
            amount=100,
            note="",
            at=after(case),
        )

    assert case.to_snapshot() == before


def test_a_verdict_for_the_merchant_with_reject_resolves_the_case_without_money() -> None:
    case = escalated()

    case.arbitrate(
        OPERATOR,
        verdict=Verdict.MERCHANT,
        liable_party=LiableParty.CONSUMER,
        resolution=RT.REJECT,
        amount=0,
        note="the damage is the consumer's",
        at=T0 + 5 * H,
    )

    assert case.state is S.RESOLVED
    assert case.resolution is not None
    assert (case.resolution.type, case.resolution.amount, case.resolution.by) == (
        RT.REJECT,
        0,
        "arbitration",
    )
    assert_replays(case)


# ---- agreement -------------------------------------------------------------------------------


def test_accepting_a_refund_only_proposal_resolves_the_case_at_once() -> None:
    case = opened()
    case.propose(MERCHANT, RT.REFUND_ONLY, 120_000, T0 + H)

    case.accept(CONSUMER, T0 + 2 * H)

    assert case.state is S.RESOLVED
    assert case.resolution is not None
    assert (case.resolution.type, case.resolution.amount, case.resolution.by) == (
        RT.REFUND_ONLY,
        120_000,
        "agreement",
    )
    assert case.resolved_at == T0 + 2 * H
    assert case.close_due == T0 + 2 * H + 7 * D
    assert case.proposal is None


def test_accepting_a_return_puts_the_case_in_service_until_the_merchant_completes_it() -> None:
    case = awaiting_consumer()

    case.accept(CONSUMER, T0 + 3 * H)
    assert case.state is S.IN_SERVICE
    assert case.resolution is not None and case.resolution.amount == PAID
    assert case.resolved_at is None

    case.complete_service(MERCHANT, "refund paid", T0 + 30 * H)
    assert case.state is S.RESOLVED
    assert case.resolved_at == T0 + 30 * H
    assert case.close_due == T0 + 30 * H + 7 * D


def test_rejecting_a_proposal_gives_the_merchant_its_turn_again() -> None:
    case = awaiting_consumer()

    case.reject(CONSUMER, "I want a new one", T0 + 3 * H)

    assert case.state is S.AWAITING_MERCHANT
    assert case.proposal is None
    assert case.rejected_proposals == 1
    assert case.responded_at == T0 + 2 * H  # the first response stays what it was


@pytest.mark.parametrize("state", ["awaiting_merchant", "awaiting_consumer"])
def test_cancelling_ends_the_case_and_stops_every_clock(state: str) -> None:
    case = BUILDERS[state]()

    case.cancel(CONSUMER, "never mind", after(case))

    assert case.state is S.CANCELLED
    assert case.cancelled_at == case.updated_at
    assert case.proposal is None
    assert case.paused_at is None
    assert case.is_active is False
    assert case.next_deadline() is None
    assert case.tick(T0 + 1000 * D) == []


# ---- the resolution clock: pause and resume ---------------------------------------------------


def test_a_proposal_pauses_the_resolution_clock_and_accepting_credits_the_paused_time() -> None:
    case = opened()
    case.propose(MERCHANT, RT.RETURN_REFUND, PAID, T0 + 10 * H)
    assert case.paused_at == T0 + 10 * H
    assert case.resolution_due == T0 + 168 * H

    case.accept(CONSUMER, T0 + 40 * H)

    assert case.paused_at is None
    assert case.resolution_due == T0 + 168 * H + 30 * H
    assert case.next_deadline() == T0 + 198 * H


@pytest.mark.parametrize(
    "end_wait",
    [
        lambda c, at: c.reject(CONSUMER, "no", at),
        lambda c, at: c.escalate(CONSUMER, "no", at),
        lambda c, at: c.escalate(MERCHANT, "stuck", at),
        lambda c, at: c.accept(CONSUMER, at),
        lambda c, at: c.cancel(CONSUMER, "never mind", at),
    ],
    ids=["reject", "consumer-escalates", "merchant-escalates", "accept", "cancel"],
)
def test_every_way_out_of_awaiting_consumer_credits_the_paused_time(end_wait: Action) -> None:
    case = opened()
    case.propose(MERCHANT, RT.RETURN_REFUND, PAID, T0 + 10 * H)

    end_wait(case, T0 + 30 * H)  # 20 h on the consumer's side

    assert case.paused_at is None
    assert case.resolution_due == T0 + (168 + 20) * H
    assert_replays(case)


def test_paused_time_adds_up_over_several_proposals() -> None:
    case = opened()
    case.propose(MERCHANT, RT.REFUND_ONLY, 50_000, T0 + 10 * H)
    case.reject(CONSUMER, "too little", T0 + 15 * H)  # paused 5 h
    case.propose(MERCHANT, RT.REFUND_ONLY, 90_000, T0 + 20 * H)

    case.accept(CONSUMER, T0 + 27 * H)  # paused 7 h

    assert case.rejected_proposals == 1
    assert case.resolution is not None and case.resolution.amount == 90_000
    assert case.resolved_at == T0 + 27 * H
    assert case.state is S.RESOLVED
    # 12 h on the consumer's side in all, credited to the resolution clock:
    assert case.resolution_due == T0 + (168 + 12) * H
    assert_replays(case)


def test_the_resolution_time_left_is_frozen_while_the_case_waits_on_the_consumer() -> None:
    case = opened()
    case.propose(MERCHANT, RT.RETURN_REFUND, PAID, T0 + 10 * H)

    assert case.resolution_remaining(T0 + 10 * H) == 158 * H
    assert case.resolution_remaining(T0 + 60 * H) == 158 * H

    case.reject(CONSUMER, "no", T0 + 60 * H)
    assert case.resolution_remaining(T0 + 61 * H) == 157 * H


def test_a_case_waiting_on_the_consumer_is_never_overdue_while_paused() -> None:
    case = opened()
    case.propose(MERCHANT, RT.RETURN_REFUND, PAID, T0 + 100 * H)  # reply due at 172 h

    assert case.tick(T0 + 171 * H) == []  # past the unpaused 168 h, but paused

    assert case.state is S.AWAITING_CONSUMER


# ---- timeouts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case_type", "state", "remedy", "amount"),
    [
        (CaseType.RETURN_REFUND, S.IN_SERVICE, RT.RETURN_REFUND, PAID),
        (CaseType.REFUND_ONLY, S.RESOLVED, RT.REFUND_ONLY, PAID),
        (CaseType.EXCHANGE, S.IN_SERVICE, RT.EXCHANGE, 0),
        (CaseType.REPAIR, S.IN_SERVICE, RT.REPAIR, 0),
    ],
)
def test_a_missed_first_response_grants_the_requested_remedy(
    case_type: CaseType, state: CaseState, remedy: ResolutionType, amount: int
) -> None:
    case = opened(case_type)

    events = case.tick(T0 + 24 * H)

    assert [e.kind for e in events] == ["first_response_missed"]
    assert events[0].actor == SYSTEM
    assert case.state is state
    assert case.first_response_breached is True
    assert case.resolution is not None
    assert (case.resolution.type, case.resolution.amount, case.resolution.by) == (
        remedy,
        amount,
        "sla_default",
    )
    assert_replays(case)


@pytest.mark.parametrize("case_type", [CaseType.COMPLAINT, CaseType.SAFETY_REPORT])
def test_a_missed_first_response_on_a_complaint_or_safety_report_escalates_it(
    case_type: CaseType,
) -> None:
    case = opened(case_type)

    case.tick(T0 + 24 * H)

    assert case.state is S.ESCALATED
    assert case.escalation_reason == "first_response_missed"
    assert case.resolution is None
    assert case.first_response_breached is True
    assert_replays(case)


def test_no_timeout_fires_a_moment_before_its_deadline() -> None:
    case = opened()

    assert case.tick(T0 + 24 * H - timedelta(microseconds=1)) == []

    assert case.state is S.AWAITING_MERCHANT
    assert case.version == 1


def test_a_merchant_who_responded_is_not_charged_with_a_missed_first_response() -> None:
    case = opened()
    case.post_message(MERCHANT, "on it", T0 + 23 * H)

    assert case.tick(T0 + 100 * H) == []

    assert case.state is S.AWAITING_MERCHANT
    assert case.first_response_breached is False


def test_a_proposal_the_consumer_does_not_answer_stands_at_its_reply_deadline() -> None:
    case = awaiting_consumer()  # proposed at 2 h, reply due at 74 h

    events = case.tick(T0 + 74 * H)

    assert [e.kind for e in events] == ["proposal_stood"]
    assert case.state is S.IN_SERVICE
    assert case.resolution is not None
    assert (case.resolution.type, case.resolution.amount, case.resolution.by) == (
        RT.RETURN_REFUND,
        PAID,
        "proposal_stood",
    )
    assert case.paused_at is None
    assert case.resolution_due == T0 + (168 + 72) * H
    assert_replays(case)


@pytest.mark.parametrize("state", ["awaiting_merchant", "in_service"])
def test_an_overdue_case_is_escalated_at_its_resolution_deadline(state: str) -> None:
    case = BUILDERS[state]()
    if state == "awaiting_merchant":
        case.post_message(MERCHANT, "looking into it", T0 + H)
    assert case.resolution_due is not None
    due = case.resolution_due

    assert case.tick(due - timedelta(seconds=1)) == []
    events = case.tick(due)

    assert [e.kind for e in events] == ["escalated"]
    assert case.state is S.ESCALATED
    assert case.escalation_reason == "resolution_overdue"
    assert case.escalated_at == due
    assert_replays(case)


def test_a_resolved_case_closes_after_seven_days() -> None:
    case = resolved()  # resolved at 4 h

    assert case.tick(T0 + 4 * H + 7 * D - timedelta(seconds=1)) == []
    events = case.tick(T0 + 4 * H + 7 * D)

    assert [e.kind for e in events] == ["closed"]
    assert case.state is S.CLOSED
    assert case.closed_at == T0 + 4 * H + 7 * D
    assert case.close_due is None
    assert case.next_deadline() is None
    assert_replays(case)


def test_a_late_tick_applies_every_due_timeout_in_order_each_at_its_own_deadline() -> None:
    case = opened()  # nobody looked at it for 300 hours

    events = case.tick(T0 + 300 * H)

    assert [(e.kind, e.at) for e in events] == [
        ("first_response_missed", T0 + 24 * H),
        ("escalated", T0 + 168 * H),
    ]
    assert case.state is S.ESCALATED
    assert case.escalation_reason == "resolution_overdue"
    assert_replays(case)


def test_a_proposal_standing_late_credits_the_pause_only_up_to_its_reply_deadline() -> None:
    case = opened()
    case.propose(MERCHANT, RT.RETURN_REFUND, PAID, T0 + H)  # reply due at 73 h

    case.tick(T0 + 300 * H)  # the sweep was down for days

    # The proposal stood at 73 h, so the resolution clock ran out at 168 h + 72 h = 240 h.
    assert case.resolution_due == T0 + 240 * H
    assert case.state is S.ESCALATED
    assert case.escalated_at == T0 + 240 * H
    assert [e.kind for e in case.pending] == ["opened", "proposed", "proposal_stood", "escalated"]
    assert_replays(case)


def test_ticking_again_at_the_same_moment_changes_nothing() -> None:
    case = opened(CaseType.REFUND_ONLY)
    case.tick(T0 + 30 * H)
    before = case.to_snapshot()

    assert case.tick(T0 + 30 * H) == []
    assert case.to_snapshot() == before


def test_an_event_is_never_dated_before_the_previous_one() -> None:
    case = opened()
    case.post_message(CONSUMER, "first", T0 + 5 * H)

    case.post_message(CONSUMER, "clock skew", T0 + 4 * H)

    assert case.pending[-1].at == T0 + 5 * H
    assert case.updated_at == T0 + 5 * H


# ---- next deadline in each state ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("awaiting_merchant", T0 + 24 * H),  # the first response is due before resolution
        ("awaiting_consumer", T0 + 2 * H + 72 * H),  # the consumer's reply
        ("in_service", T0 + 168 * H + 1 * H),  # resolution, credited 1 h of waiting
        ("escalated", None),  # the platform has no timeout
        ("resolved", T0 + 4 * H + 7 * D),  # closing
        ("arbitrated", T0 + 4 * H + 30 * D),  # closing when the appeal window ends
        ("closed", None),
        ("cancelled", None),
    ],
)
def test_the_next_deadline_is_the_one_that_applies_in_each_state(
    state: str, expected: datetime | None
) -> None:
    assert BUILDERS[state]().next_deadline() == expected


def test_after_the_first_response_the_next_deadline_is_the_resolution_deadline() -> None:
    case = opened()
    case.post_message(MERCHANT, "hello", T0 + H)

    assert case.next_deadline() == T0 + 168 * H


def test_with_a_short_resolution_term_the_resolution_deadline_can_come_first() -> None:
    terms = SlaTerms(first_response_hours=24, resolution_hours=12)
    case = Case.open(
        "cs_3", facts=FACTS, type=CaseType.REPAIR, description="", sla=terms, by=CONSUMER, at=T0
    )

    assert case.next_deadline() == T0 + 12 * H


# ---- arbitration and appeal ----------------------------------------------------------------


def test_a_first_verdict_resolves_the_case_and_opens_a_thirty_day_appeal_window() -> None:
    case = escalated()

    arbitrate(case, T0 + 5 * H)

    assert case.state is S.RESOLVED
    assert case.arbitration is not None
    assert case.arbitration.final is False
    assert case.arbitration.amount == 100_000
    assert case.resolution is not None
    assert (case.resolution.amount, case.resolution.by) == (100_000, "arbitration")
    assert case.appeal_due == T0 + 5 * H + 30 * D
    assert case.close_due == case.appeal_due
    assert_replays(case)


def test_an_appeal_a_moment_before_the_window_closes_is_heard() -> None:
    case = arbitrated()
    assert case.appeal_due is not None

    case.appeal(CONSUMER, "new evidence", case.appeal_due - timedelta(seconds=1))

    assert case.state is S.ESCALATED
    assert case.escalation_reason == "appeal"
    assert case.close_due is None
    assert_replays(case)


@pytest.mark.parametrize("late", [timedelta(0), timedelta(seconds=1), 10 * D])
def test_an_appeal_once_the_window_has_closed_is_refused(late: timedelta) -> None:
    case = arbitrated()
    assert case.appeal_due is not None
    before = case.to_snapshot()

    with pytest.raises(InvalidTransition, match="appeal window closed"):
        case.appeal(CONSUMER, "too late", case.appeal_due + late)

    assert case.to_snapshot() == before


def test_the_window_closes_at_the_same_moment_the_case_closes() -> None:
    case = arbitrated()
    assert case.appeal_due is not None

    case.tick(case.appeal_due)

    assert case.state is S.CLOSED
    assert case.closed_at == case.appeal_due


def test_the_second_verdict_is_final_and_cannot_be_appealed() -> None:
    case = arbitrated()
    case.appeal(MERCHANT, "unfair", T0 + 2 * D)

    arbitrate(case, T0 + 3 * D, amount=80_000)

    assert case.arbitration is not None
    assert case.arbitration.final is True
    assert case.appeal_due is None
    assert case.close_due == T0 + 3 * D + 7 * D
    before = case.to_snapshot()
    with pytest.raises(InvalidTransition, match="first arbitration verdict"):
        case.appeal(CONSUMER, "once more", T0 + 4 * D)
    assert case.to_snapshot() == before
    assert_replays(case)


def test_a_case_resolved_by_agreement_cannot_be_appealed() -> None:
    case = resolved()

    with pytest.raises(InvalidTransition, match="first arbitration verdict"):
        case.appeal(CONSUMER, "changed my mind", after(case))


# ---- rating ----------------------------------------------------------------------------------


def test_the_consumer_rates_the_service_once() -> None:
    case = resolved()
    case.rate(CONSUMER, 5, "quick and kind", after(case))
    before = case.to_snapshot()

    with pytest.raises(InvalidTransition, match="already been rated"):
        case.rate(CONSUMER, 1, "changed my mind", after(case))

    assert case.to_snapshot() == before
    assert (case.rating, case.rating_comment) == (5, "quick and kind")


def test_a_closed_case_can_still_be_rated_once() -> None:
    case = closed()

    case.rate(CONSUMER, 3, None, after(case))

    assert case.state is S.CLOSED
    assert case.rating == 3
    with pytest.raises(InvalidTransition):
        case.rate(CONSUMER, 4, None, after(case))


@pytest.mark.parametrize("score", [0, 6, -1])
def test_a_rating_outside_one_to_five_is_refused(score: int) -> None:
    case = resolved()
    before = case.to_snapshot()

    with pytest.raises(ValidationFailed, match="1 to 5"):
        case.rate(CONSUMER, score, None, after(case))

    assert case.to_snapshot() == before


# ---- replay ----------------------------------------------------------------------------------


Step = Callable[[Case], None]

STORIES: dict[str, list[Step]] = {
    "agreement": [
        lambda c: c.post_message(CONSUMER, "screen is dead", T0 + H),
        lambda c: c.add_evidence(CONSUMER, "ev_1", "ab" * 32, T0 + 2 * H),
        lambda c: c.post_message(MERCHANT, "please send a photo", T0 + 3 * H),
        lambda c: c.propose(MERCHANT, RT.REFUND_ONLY, 50_000, T0 + 4 * H),
        lambda c: c.reject(CONSUMER, "too little", T0 + 20 * H),
        lambda c: c.propose(MERCHANT, RT.RETURN_REFUND, PAID, T0 + 21 * H),
        lambda c: c.accept(CONSUMER, T0 + 30 * H),
        lambda c: c.complete_service(MERCHANT, "refund paid", T0 + 50 * H),
        lambda c: c.rate(CONSUMER, 4, "ok", T0 + 51 * H),
        lambda c: c.tick(T0 + 60 * D) and None,
    ],
    "arbitration-and-appeal": [
        lambda c: c.post_message(MERCHANT, "no defect found", T0 + H),
        lambda c: c.escalate(CONSUMER, "they refuse", T0 + 2 * H),
        lambda c: arbitrate(c, T0 + 3 * H),
        lambda c: c.appeal(MERCHANT, "appeal", T0 + 4 * D),
        lambda c: arbitrate(c, T0 + 5 * D, amount=60_000),
        lambda c: c.rate(CONSUMER, 2, None, T0 + 6 * D),
        lambda c: c.tick(T0 + 20 * D) and None,
    ],
    "sla-defaults": [
        lambda c: c.tick(T0 + 25 * H) and None,  # first response missed: return granted
        lambda c: c.post_message(MERCHANT, "sorry", T0 + 26 * H),
        lambda c: c.tick(T0 + 400 * H) and None,  # overdue: escalated
        lambda c: arbitrate(c, T0 + 401 * H),
        lambda c: c.tick(T0 + 401 * H + 31 * D) and None,
    ],
    "proposal-stood": [
        lambda c: c.propose(MERCHANT, RT.REFUND_ONLY, 10_000, T0 + H),
        lambda c: c.tick(T0 + 100 * H) and None,  # the proposal stood: resolved
        lambda c: c.tick(T0 + 100 * H + 7 * D) and None,
    ],
    "cancel": [
        lambda c: c.propose(MERCHANT, RT.EXCHANGE, 0, T0 + H),
        lambda c: c.cancel(CONSUMER, "kept it", T0 + 5 * H),
    ],
}


@pytest.mark.parametrize("story", list(STORIES))
def test_replaying_the_events_rebuilds_the_case_after_every_step(story: str) -> None:
    case = opened()
    assert_replays(case)

    for step in STORIES[story]:
        version = case.version
        step(case)
        assert case.version > version
        assert_replays(case)

    assert case.state in (S.CLOSED, S.CANCELLED)
    assert [e.seq for e in case.pending] == list(range(1, case.version + 1))


def test_replay_needs_at_least_the_opened_event() -> None:
    with pytest.raises(ValueError, match="opened"):
        Case.replay([])


def test_take_events_hands_over_the_pending_events_once() -> None:
    case = awaiting_consumer()

    taken = case.take_events()

    assert [e.kind for e in taken] == ["opened", "proposed"]
    assert case.take_events() == []
    assert case.version == 2
