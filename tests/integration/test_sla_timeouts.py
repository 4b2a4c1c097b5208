"""Every SLA timeout, through the use cases and the sweep, with a clock the test moves."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from aftersales.domain.actors import Actor, Role
from aftersales.domain.case import Case
from aftersales.domain.cases_types import (
    CaseState,
    CaseType,
    LiableParty,
    ResolutionType,
    Verdict,
)
from aftersales.domain.clock import ManualClock
from aftersales.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from aftersales.policy import load_pack
from aftersales.services import cases as uc
from aftersales.services.context import Context
from aftersales.services.policy_source import PolicySource
from aftersales.services.sla import sweep
from aftersales.store.db import make_engine
from aftersales.store.tables import outbox
from tests.support import START, Market

S = CaseState
RT = ResolutionType
H = timedelta(hours=1)
D = timedelta(days=1)
SECOND = timedelta(seconds=1)

C1 = Actor(Role.CONSUMER, "c1")
C2 = Actor(Role.CONSUMER, "c2")
M1 = Actor(Role.MERCHANT_AGENT, "m1")
M2 = Actor(Role.MERCHANT_AGENT, "m2")
OPERATOR = Actor(Role.OPERATOR)
AUDITOR = Actor(Role.AUDITOR)

L1_PAID = 299_900  # line l1: one phone at 2,999.00
L2_PAID = 90_000  # line l2: two sweaters at 450.00

pytestmark = pytest.mark.usefixtures("market")

# The clocks of the default configuration (24 h to respond, 168 h to resolve), not the shipped
# pack's channel rules: these tests are about the machinery of the clocks, not their lengths.
CLOCKS_ONLY = Path(__file__).parents[1] / "packs" / "clocks_only"


@pytest.fixture(autouse=True)
def clocks_only_pack(ctx: Context) -> None:
    ctx.policy = PolicySource(load_pack(CLOCKS_ONLY))


def open_case(ctx: Context, who: Actor, line: str, case_type: CaseType) -> str:
    return uc.open_case(ctx, who, uc.OpenCase(line, case_type, "it broke on day two")).id


def stored(ctx: Context, case_id: str) -> Case:
    return uc.get_case(ctx, OPERATOR, case_id)


def kinds(ctx: Context, case_id: str) -> list[str]:
    return [e.kind for e in uc.case_events(ctx, AUDITOR, case_id)]


def assert_events_rebuild_the_stored_case(ctx: Context, case_id: str) -> None:
    events = uc.case_events(ctx, AUDITOR, case_id)
    assert Case.replay(events).to_snapshot() == stored(ctx, case_id).to_snapshot()


def arbitrate_for_consumer(ctx: Context, case_id: str, amount: int = 150_000) -> Case:
    cmd = uc.ArbitrationCommand(
        Verdict.CONSUMER, LiableParty.MERCHANT, RT.REFUND_ONLY, amount, "defect confirmed"
    )
    return uc.arbitrate(ctx, OPERATOR, case_id, cmd)


def escalated_case(ctx: Context, clock: ManualClock) -> str:
    """A case on l1 that the merchant answered and the consumer escalated, one hour in."""
    case_id = open_case(ctx, C1, "l1", CaseType.RETURN_REFUND)
    uc.post_message(ctx, M1, case_id, "we see no defect")
    clock.advance(H)
    uc.escalate(ctx, C1, case_id, "they refuse")
    return case_id


OutboxRows = Callable[[str], list[dict[str, Any]]]


@pytest.fixture
def outbox_rows(db_url: str) -> Iterator[OutboxRows]:
    engine = make_engine(db_url)

    def rows(case_id: str) -> list[dict[str, Any]]:
        with engine.connect() as conn:
            result = conn.execute(
                select(outbox).where(outbox.c.key == case_id).order_by(outbox.c.id)
            )
            return [dict(r._mapping) for r in result]

    yield rows
    engine.dispose()


# ---- first response ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case_type", "line", "consumer", "state", "remedy", "amount"),
    [
        (CaseType.RETURN_REFUND, "l1", C1, S.IN_SERVICE, RT.RETURN_REFUND, L1_PAID),
        (CaseType.REFUND_ONLY, "l2", C2, S.RESOLVED, RT.REFUND_ONLY, L2_PAID),
        (CaseType.EXCHANGE, "l1", C1, S.IN_SERVICE, RT.EXCHANGE, 0),
        (CaseType.REPAIR, "l1", C1, S.IN_SERVICE, RT.REPAIR, 0),
    ],
    ids=["return_refund", "refund_only", "exchange", "repair"],
)
def test_a_missed_first_response_grants_the_remedy_the_consumer_asked_for(
    ctx: Context,
    clock: ManualClock,
    case_type: CaseType,
    line: str,
    consumer: Actor,
    state: CaseState,
    remedy: ResolutionType,
    amount: int,
) -> None:
    case_id = open_case(ctx, consumer, line, case_type)
    clock.advance(24 * H - SECOND)
    assert sweep(ctx).cases == 0
    assert stored(ctx, case_id).state is S.AWAITING_MERCHANT

    clock.advance(SECOND)
    report = sweep(ctx)

    assert report.cases == 1
    assert dict(report.events) == {"first_response_missed": 1}
    case = stored(ctx, case_id)
    assert case.state is state
    assert case.first_response_breached is True
    assert case.resolution is not None
    assert (case.resolution.type, case.resolution.amount, case.resolution.by) == (
        remedy,
        amount,
        "sla_default",
    )
    assert kinds(ctx, case_id) == ["opened", "first_response_missed"]
    assert_events_rebuild_the_stored_case(ctx, case_id)


@pytest.mark.parametrize("case_type", [CaseType.COMPLAINT, CaseType.SAFETY_REPORT])
def test_a_missed_first_response_on_a_complaint_or_safety_report_escalates_it(
    ctx: Context, clock: ManualClock, case_type: CaseType
) -> None:
    case_id = open_case(ctx, C1, "l3", case_type)  # delivered 30 days ago: still in its window
    clock.advance(24 * H)

    report = sweep(ctx)

    assert report.cases == 1
    case = stored(ctx, case_id)
    assert case.state is S.ESCALATED
    assert case.escalation_reason == "first_response_missed"
    assert case.escalated_at == START + 24 * H
    assert case.resolution is None
    assert_events_rebuild_the_stored_case(ctx, case_id)


def test_a_merchant_who_answered_in_time_is_not_charged_with_the_first_response(
    ctx: Context, clock: ManualClock
) -> None:
    case_id = open_case(ctx, C1, "l1", CaseType.RETURN_REFUND)
    clock.advance(23 * H)
    uc.post_message(ctx, M1, case_id, "please send a photo")
    clock.advance(2 * H)

    assert sweep(ctx).cases == 0

    case = stored(ctx, case_id)
    assert case.state is S.AWAITING_MERCHANT
    assert case.responded_at == START + 23 * H
    assert case.first_response_breached is False


def test_a_missed_first_response_binds_before_the_sweep_runs(
    ctx: Context, clock: ManualClock
) -> None:
    case_id = open_case(ctx, C1, "l1", CaseType.RETURN_REFUND)
    clock.advance(24 * H + SECOND)

    with pytest.raises(InvalidTransition, match="in_service"):
        uc.propose(ctx, M1, case_id, RT.REFUND_ONLY, 10_000)

    # The merchant's late message is accepted, but the remedy was granted first.
    case = uc.post_message(ctx, M1, case_id, "sorry for the delay")
    assert case.state is S.IN_SERVICE
    assert kinds(ctx, case_id) == ["opened", "first_response_missed", "message_posted"]
    assert sweep(ctx).cases == 0


# ---- the consumer's reply ------------------------------------------------------------------


def test_a_proposal_the_consumer_leaves_unanswered_stands_after_its_reply_deadline(
    ctx: Context, clock: ManualClock
) -> None:
    case_id = open_case(ctx, C1, "l1", CaseType.RETURN_REFUND)
    clock.advance(H)
    uc.propose(ctx, M1, case_id, RT.RETURN_REFUND, 250_000)
    clock.advance(72 * H - SECOND)
    assert sweep(ctx).cases == 0
    assert stored(ctx, case_id).state is S.AWAITING_CONSUMER

    clock.advance(SECOND)
    report = sweep(ctx)

    assert dict(report.events) == {"proposal_stood": 1}
    case = stored(ctx, case_id)
    assert case.state is S.IN_SERVICE
    assert case.resolution is not None
    assert (case.resolution.type, case.resolution.amount, case.resolution.by) == (
        RT.RETURN_REFUND,
        250_000,
        "proposal_stood",
    )
    assert case.paused_at is None
    assert case.resolution_due == START + 168 * H + 72 * H  # the 72 h waited are credited
    assert_events_rebuild_the_stored_case(ctx, case_id)


def test_a_refund_only_proposal_that_stands_resolves_the_case(
    ctx: Context, clock: ManualClock
) -> None:
    case_id = open_case(ctx, C2, "l2", CaseType.REFUND_ONLY)
    uc.propose(ctx, M2, case_id, RT.REFUND_ONLY, 40_000)
    clock.advance(72 * H)

    sweep(ctx)

    case = stored(ctx, case_id)
    assert case.state is S.RESOLVED
    assert case.resolved_at == START + 72 * H
    assert case.close_due == START + 72 * H + 7 * D


def test_accepting_after_the_reply_deadline_answers_409_because_the_proposal_already_stood(
    client: TestClient, market: Market, clock: ManualClock, ctx: Context
) -> None:
    opened = client.post(
        "/api/v1/cases",
        json={"order_line_id": "l1", "type": "return_refund", "description": "dead pixels"},
        headers=market.auth("c1"),
    )
    case_id = opened.json()["id"]
    proposed = client.post(
        f"/api/v1/cases/{case_id}/proposals",
        json={"resolution": "return_refund", "amount": "2500.00"},
        headers=market.auth("m1"),
    )
    assert proposed.status_code == 200, proposed.text
    clock.advance(72 * H + SECOND)  # no sweep has run

    late = client.post(f"/api/v1/cases/{case_id}/accept", headers=market.auth("c1"))

    assert late.status_code == 409
    assert late.json()["code"] == "invalid_transition"
    assert "in_service" in late.json()["detail"]
    assert sweep(ctx).events == {"proposal_stood": 1}
    assert stored(ctx, case_id).state is S.IN_SERVICE


def test_a_proposal_detected_late_stands_at_its_deadline_and_the_overdue_case_escalates(
    ctx: Context, clock: ManualClock
) -> None:
    case_id = open_case(ctx, C1, "l1", CaseType.RETURN_REFUND)
    clock.advance(H)
    uc.propose(ctx, M1, case_id, RT.RETURN_REFUND, L1_PAID)  # reply due at 73 h
    clock.set(START + 300 * H)  # the sweep did not run for days

    report = sweep(ctx)

    assert dict(report.events) == {"proposal_stood": 1, "escalated": 1}
    case = stored(ctx, case_id)
    assert case.state is S.ESCALATED
    assert case.escalation_reason == "resolution_overdue"
    assert case.escalated_at == START + 240 * H  # 168 h + the 72 h the proposal waited
    assert_events_rebuild_the_stored_case(ctx, case_id)


# ---- resolution --------------------------------------------------------------------------------


def test_an_overdue_case_is_escalated_and_time_waiting_on_the_consumer_is_credited(
    ctx: Context, clock: ManualClock
) -> None:
    answered = open_case(ctx, C1, "l1", CaseType.RETURN_REFUND)
    waited = open_case(ctx, C2, "l4", CaseType.RETURN_REFUND)
    clock.advance(H)
    uc.post_message(ctx, M1, answered, "we are checking")
    uc.propose(ctx, M1, waited, RT.REFUND_ONLY, 10_000)
    clock.advance(48 * H)  # the consumer of the second case thinks it over for 2 days
    uc.reject(ctx, C2, waited, "that is too little")

    clock.set(START + 168 * H - SECOND)
    assert sweep(ctx).cases == 0
    clock.set(START + 168 * H)
    assert dict(sweep(ctx).events) == {"escalated": 1}
    assert stored(ctx, answered).state is S.ESCALATED
    assert stored(ctx, answered).escalation_reason == "resolution_overdue"
    assert stored(ctx, waited).state is S.AWAITING_MERCHANT

    clock.set(START + 216 * H - SECOND)
    assert sweep(ctx).cases == 0
    clock.set(START + 216 * H)
    assert sweep(ctx).cases == 1

    first, second = stored(ctx, answered), stored(ctx, waited)
    assert second.state is S.ESCALATED
    assert second.escalation_reason == "resolution_overdue"
    assert first.escalated_at is not None and second.escalated_at is not None
    assert second.escalated_at - first.escalated_at == 48 * H
    assert_events_rebuild_the_stored_case(ctx, answered)
    assert_events_rebuild_the_stored_case(ctx, waited)


def test_a_case_left_in_service_is_escalated_at_its_resolution_deadline(
    ctx: Context, clock: ManualClock
) -> None:
    case_id = open_case(ctx, C1, "l1", CaseType.REPAIR)
    clock.advance(24 * H)
    sweep(ctx)
    assert stored(ctx, case_id).state is S.IN_SERVICE

    clock.set(START + 168 * H)
    report = sweep(ctx)

    assert dict(report.events) == {"escalated": 1}
    assert stored(ctx, case_id).escalation_reason == "resolution_overdue"
    assert kinds(ctx, case_id) == ["opened", "first_response_missed", "escalated"]


def test_a_resolved_case_closes_seven_days_after_resolution(
    ctx: Context, clock: ManualClock
) -> None:
    case_id = open_case(ctx, C2, "l2", CaseType.REFUND_ONLY)
    clock.advance(H)
    uc.propose(ctx, M2, case_id, RT.REFUND_ONLY, L2_PAID)
    clock.advance(H)
    uc.accept(ctx, C2, case_id)
    clock.advance(7 * D - SECOND)
    assert sweep(ctx).cases == 0
    assert stored(ctx, case_id).state is S.RESOLVED

    clock.advance(SECOND)
    report = sweep(ctx)

    assert dict(report.events) == {"closed": 1}
    case = stored(ctx, case_id)
    assert case.state is S.CLOSED
    assert case.closed_at == START + 2 * H + 7 * D
    assert case.next_deadline() is None
    assert_events_rebuild_the_stored_case(ctx, case_id)


# ---- arbitration and appeal ------------------------------------------------------------------


def test_an_arbitrated_case_closes_only_when_the_thirty_day_appeal_window_ends(
    ctx: Context, clock: ManualClock
) -> None:
    case_id = escalated_case(ctx, clock)
    clock.advance(H)
    verdict_at = clock.now()
    arbitrate_for_consumer(ctx, case_id)

    clock.advance(7 * D + H)  # long past the usual seven days
    assert sweep(ctx).cases == 0
    clock.set(verdict_at + 30 * D - SECOND)
    assert sweep(ctx).cases == 0
    assert stored(ctx, case_id).state is S.RESOLVED

    clock.set(verdict_at + 30 * D)
    assert dict(sweep(ctx).events) == {"closed": 1}

    case = stored(ctx, case_id)
    assert case.state is S.CLOSED
    assert case.closed_at == verdict_at + 30 * D
    assert_events_rebuild_the_stored_case(ctx, case_id)


def test_an_appeal_inside_the_window_is_heard_and_the_second_verdict_is_final(
    ctx: Context, clock: ManualClock
) -> None:
    case_id = escalated_case(ctx, clock)
    arbitrate_for_consumer(ctx, case_id)
    clock.advance(30 * D - SECOND)

    appealed = uc.appeal(ctx, M1, case_id, "the courier broke it")
    assert appealed.state is S.ESCALATED
    assert appealed.escalation_reason == "appeal"
    assert appealed.next_deadline() is None

    clock.advance(D)
    final_at = clock.now()
    final = arbitrate_for_consumer(ctx, case_id, amount=100_000)
    assert final.arbitration is not None and final.arbitration.final is True
    with pytest.raises(InvalidTransition, match="first arbitration verdict"):
        uc.appeal(ctx, C1, case_id, "once more")

    clock.set(final_at + 7 * D)
    assert dict(sweep(ctx).events) == {"closed": 1}
    assert stored(ctx, case_id).state is S.CLOSED
    assert kinds(ctx, case_id) == [
        "opened",
        "message_posted",
        "escalated",
        "arbitrated",
        "appealed",
        "arbitrated",
        "closed",
    ]
    assert_events_rebuild_the_stored_case(ctx, case_id)


def test_an_appeal_after_the_window_is_refused_even_before_the_sweep_closes_the_case(
    ctx: Context, clock: ManualClock
) -> None:
    case_id = escalated_case(ctx, clock)
    verdict_at = clock.now()
    arbitrate_for_consumer(ctx, case_id)
    clock.set(verdict_at + 30 * D)

    with pytest.raises(InvalidTransition, match="closed"):
        uc.appeal(ctx, C1, case_id, "I was on holiday")

    assert stored(ctx, case_id).state is S.RESOLVED  # the refused request stored nothing
    assert dict(sweep(ctx).events) == {"closed": 1}
    assert stored(ctx, case_id).closed_at == verdict_at + 30 * D
    with pytest.raises(InvalidTransition, match="closed"):
        uc.appeal(ctx, C1, case_id, "still on holiday")


# ---- the sweep itself ------------------------------------------------------------------------


def test_a_second_sweep_at_the_same_moment_changes_nothing(
    ctx: Context, clock: ManualClock, outbox_rows: OutboxRows
) -> None:
    ids = [
        open_case(ctx, C1, "l1", CaseType.RETURN_REFUND),
        open_case(ctx, C2, "l2", CaseType.REFUND_ONLY),
        open_case(ctx, C2, "l4", CaseType.COMPLAINT),
    ]
    clock.advance(24 * H - SECOND)
    assert (sweep(ctx).cases, dict(sweep(ctx).events)) == (0, {})
    clock.advance(30 * D)
    first = sweep(ctx)
    assert first.cases == 3
    assert first.conflicts == 0
    assert first.events == {"first_response_missed": 3, "escalated": 1, "closed": 1}
    before = {i: (stored(ctx, i).to_snapshot(), kinds(ctx, i), len(outbox_rows(i))) for i in ids}

    second = sweep(ctx)

    assert (second.cases, dict(second.events), second.conflicts) == (0, {}, 0)
    after = {i: (stored(ctx, i).to_snapshot(), kinds(ctx, i), len(outbox_rows(i))) for i in ids}
    assert after == before


# ---- the outbox --------------------------------------------------------------------------------


def test_the_outbox_receives_one_row_per_case_event_in_order(
    ctx: Context, clock: ManualClock, outbox_rows: OutboxRows
) -> None:
    case_id = open_case(ctx, C1, "l1", CaseType.RETURN_REFUND)
    clock.advance(H)
    uc.post_message(ctx, M1, case_id, "send it back")
    uc.propose(ctx, M1, case_id, RT.RETURN_REFUND, L1_PAID)
    clock.advance(72 * H)
    sweep(ctx)  # the proposal stands
    uc.complete_service(ctx, M1, case_id, "refund paid")

    events = uc.case_events(ctx, AUDITOR, case_id)
    rows = outbox_rows(case_id)

    assert [r["topic"] for r in rows] == [f"case.{e.kind}" for e in events]
    assert [r["topic"] for r in rows] == [
        "case.opened",
        "case.message_posted",
        "case.proposed",
        "case.proposal_stood",
        "case.service_completed",
    ]
    assert [r["payload"]["seq"] for r in rows] == [1, 2, 3, 4, 5]
    assert [r["payload"]["case_state"] for r in rows] == [
        "awaiting_merchant",
        "awaiting_merchant",
        "awaiting_consumer",
        "in_service",
        "resolved",
    ]
    assert {r["payload"]["merchant_id"] for r in rows} == {"m1"}
    assert [r["created_at"] for r in rows] == [e.at for e in events]
    assert all(r["published_at"] is None for r in rows)


def test_the_opening_outbox_row_carries_the_routing_not_the_consumers_history(
    ctx: Context, outbox_rows: OutboxRows
) -> None:
    case_id = open_case(ctx, C1, "l1", CaseType.RETURN_REFUND)
    [opened] = outbox_rows(case_id)
    stored_assessment = stored(ctx, case_id).assessment
    assert stored_assessment is not None and "consumer" in stored_assessment["facts"]

    summary = opened["payload"]["data"]["assessment"]

    assert set(summary) == {"queue", "issue_type", "severity", "emergency", "policy_version"}
    assert summary["queue"] == stored_assessment["queue"]
    assert summary["policy_version"] == stored_assessment["decision"]["policy_version"]


REFUSED: list[tuple[str, Callable[[Context, str], object], type[Exception]]] = [
    ("accept with nothing proposed", lambda ctx, i: uc.accept(ctx, C1, i), InvalidTransition),
    (
        "refund above the price",
        lambda ctx, i: uc.propose(ctx, M1, i, RT.REFUND_ONLY, L1_PAID + 1),
        ValidationFailed,
    ),
    ("consumer proposes", lambda ctx, i: uc.propose(ctx, C1, i, RT.REPAIR, 0), PermissionDenied),
    ("another merchant posts", lambda ctx, i: uc.post_message(ctx, M2, i, "hi"), NotFound),
    ("escalate before a response", lambda ctx, i: uc.escalate(ctx, C1, i, "x"), InvalidTransition),
    ("rate an open case", lambda ctx, i: uc.rate(ctx, C1, i, 5, None), InvalidTransition),
]


def test_a_refused_change_writes_nothing_to_the_outbox_or_the_events(
    ctx: Context, clock: ManualClock, outbox_rows: OutboxRows
) -> None:
    case_id = open_case(ctx, C1, "l1", CaseType.RETURN_REFUND)
    clock.advance(H)
    before = stored(ctx, case_id).to_snapshot()

    for what, change, error in REFUSED:
        with pytest.raises(error):
            change(ctx, case_id)
        assert len(outbox_rows(case_id)) == 1, what
        assert kinds(ctx, case_id) == ["opened"], what
        assert stored(ctx, case_id).to_snapshot() == before, what


def test_a_change_refused_after_a_deadline_also_drops_the_timeout_it_applied_on_the_way(
    ctx: Context, clock: ManualClock, outbox_rows: OutboxRows
) -> None:
    case_id = open_case(ctx, C1, "l1", CaseType.RETURN_REFUND)
    clock.advance(25 * H)

    with pytest.raises(InvalidTransition):
        uc.propose(ctx, M1, case_id, RT.REPAIR, 0)

    assert [r["topic"] for r in outbox_rows(case_id)] == ["case.opened"]
    sweep(ctx)
    assert [r["topic"] for r in outbox_rows(case_id)] == [
        "case.opened",
        "case.first_response_missed",
    ]
