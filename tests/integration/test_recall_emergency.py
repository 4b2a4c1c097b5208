"""The emergency plan runs in the case's own transaction: all of it, or nothing at all."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

import pytest

from aftersales.domain.actors import Actor, Role
from aftersales.domain.cases_types import CaseType
from aftersales.domain.catalog import Channel, Order, OrderLine
from aftersales.domain.clock import ManualClock
from aftersales.errors import AftersalesError, ErrorCode
from aftersales.recall import ClusterRule, Recall, RecallTerms, Remedy, Trigger
from aftersales.services import cases as uc
from aftersales.services import catalog
from aftersales.services import recalls as rc
from aftersales.services.context import Context
from aftersales.services.emergency import on_case_opened
from aftersales.store.recalls import RecallQuery, RecallRepository
from tests.recall_support import BAD_BATCH, GOOD_BATCH, HEATER, OPERATOR, add_heaters
from tests.support import INTEGRATION, Market, Storage


@pytest.fixture
def heaters(ctx: Context, market: Market) -> Market:
    add_heaters(ctx, market)
    return market


VAGUE = "用着总觉得不太对劲 说不上来哪里有问题"


def report(ctx: Context, consumer: str, line: str) -> str:
    """A safety report nobody was sure of: the plan counts it, but it is no emergency.

    A report that names a hazard is an emergency under the default pack and holds at once;
    the cluster rule is for the ones that do not (a hazard hint triage could not confirm)."""
    actor = Actor(Role.CONSUMER, consumer)
    case = uc.open_case(ctx, actor, uc.OpenCase(line, CaseType.COMPLAINT, VAGUE))
    with ctx.uow() as uow:
        stored = uow.cases.get(case.id)
        assert stored is not None
        on_case_opened(ctx, uow, stored, safety=True, emergency=False)
        uow.commit()
    return case.id


def report_hazard(ctx: Context, consumer: str, line: str) -> str:
    """A safety report that names a hazard, through the case opening alone."""
    actor = Actor(Role.CONSUMER, consumer)
    return uc.open_case(ctx, actor, uc.OpenCase(line, CaseType.SAFETY_REPORT, "外壳带电")).id


def recalls(ctx: Context) -> list[Recall]:
    return [v.recall for v in rc.list_recalls(ctx, OPERATOR, RecallQuery())]


def sell(ctx: Context, order_id: str, batch: str | None, region: str = "CN-BJ") -> None:
    placed = ctx.clock.now()
    line = OrderLine(f"{order_id}-1", order_id, HEATER, 39900, 1, batch)
    order = Order(order_id, "m1", "c1", "s1", Channel.ONLINE, region, placed, (line,))
    catalog.push_order(ctx, INTEGRATION, order)


def test_a_failure_in_the_emergency_plan_fails_the_case_opening_and_nothing_is_stored(
    ctx: Context,
    heaters: Market,
    clock: ManualClock,
    storage: Storage,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = storage.snapshot()

    def broken(self: RecallRepository, *args: Any) -> None:
        raise RuntimeError("the database went away while placing the hold")

    with monkeypatch.context() as patched:
        patched.setattr(RecallRepository, "_place", broken)
        with pytest.raises(RuntimeError):
            report_hazard(ctx, "c3", "hl3")

    assert storage.snapshot() == before  # no case, no report, no review, no hold, no outbox row
    case_id = report_hazard(ctx, "c3", "hl3")  # retried, it all happens
    [recall] = recalls(ctx)
    assert case_id in recall.case_ids and recall.holds and recall.trigger is Trigger.EMERGENCY


def test_the_hazard_every_holder_reads_names_neither_the_reporter_nor_their_words(
    ctx: Context, heaters: Market
) -> None:
    case_id = report_hazard(ctx, "c3", "hl3")
    [recall] = recalls(ctx)
    assert recall.hazard.startswith("emergency safety report on batch ")
    assert "electrical hazard" in recall.hazard
    assert case_id not in recall.hazard and "外壳带电" not in recall.hazard


def test_an_emergency_holds_at_once_and_without_a_batch_holds_the_whole_product(
    ctx: Context, heaters: Market
) -> None:
    actor = Actor(Role.CONSUMER, "c5")
    case_id = uc.open_case(ctx, actor, uc.OpenCase("hl6", CaseType.COMPLAINT, VAGUE)).id
    assert recalls(ctx) == []  # a vague complaint is no safety report; hl6 names no batch

    with ctx.uow() as uow:
        case = uow.cases.get(case_id)
        assert case is not None
        opened = on_case_opened(ctx, uow, case, safety=True, emergency=True)
        again = on_case_opened(ctx, uow, case, safety=True, emergency=True)
        uow.commit()

    assert opened is not None and again is None
    [recall] = recalls(ctx)
    assert (recall.trigger, recall.batch_ids, recall.case_ids) == (
        Trigger.EMERGENCY,
        (),
        (case_id,),
    )
    assert [(h.product_id, h.batch_id) for h in recall.holds] == [(HEATER, None)]
    for order_id, batch in (("oz1", GOOD_BATCH), ("oz2", None)):
        with pytest.raises(AftersalesError) as refused:
            sell(ctx, order_id, batch)
        assert refused.value.code is ErrorCode.PRODUCT_ON_HOLD


def test_reports_spread_wider_than_the_window_open_no_review(
    ctx: Context, heaters: Market, clock: ManualClock
) -> None:
    for consumer, line in (("c1", "hl1"), ("c2", "hl2"), ("c3", "hl3")):
        report(ctx, consumer, line)
        clock.advance(timedelta(days=4))

    assert recalls(ctx) == []
    sell(ctx, "oz1", BAD_BATCH)  # not held


def test_the_cluster_rule_is_configurable(ctx: Context, heaters: Market) -> None:
    ctx.recall_terms = RecallTerms(cluster=ClusterRule(reports=2, window=timedelta(hours=1)))
    report(ctx, "c1", "hl1")
    report(ctx, "c2", "hl2")

    [recall] = recalls(ctx)
    assert len(recall.case_ids) == 2


def test_reports_a_dismissed_review_looked_at_are_not_counted_again(
    ctx: Context, heaters: Market, clock: ManualClock
) -> None:
    for consumer, line in (("c1", "hl1"), ("c2", "hl2"), ("c3", "hl3")):
        report(ctx, consumer, line)
    [review] = recalls(ctx)
    rc.decide(ctx, OPERATOR, review.id, rc.Dismiss("misuse: the heater was covered with towels"))

    clock.advance(timedelta(hours=1))
    report(ctx, "c3", "hl4")

    assert [(r.id, r.state.value) for r in recalls(ctx)] == [(review.id, "dismissed")]
    sell(ctx, "oz1", BAD_BATCH)  # the hold was lifted and stays lifted


def test_reports_racing_on_the_same_batch_open_exactly_one_review(
    ctx: Context, heaters: Market
) -> None:
    report(ctx, "c1", "hl1")
    report(ctx, "c2", "hl2")
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def racer(line: str) -> None:
        try:
            start.wait()
            report(ctx, "c3", line)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=racer, args=(line,)) for line in ("hl3", "hl4")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    [recall] = recalls(ctx)
    assert len(recall.case_ids) == 4
    assert [(h.batch_id) for h in recall.holds] == [BAD_BATCH]


def test_the_recall_replays_from_its_events(ctx: Context, heaters: Market) -> None:
    for consumer, line in (("c1", "hl1"), ("c2", "hl2"), ("c3", "hl3")):
        report(ctx, consumer, line)
    [review] = recalls(ctx)
    confirmed = rc.decide(ctx, OPERATOR, review.id, rc.Confirm((Remedy.REPAIR, Remedy.REFUND)))

    events = rc.recall_events(ctx, OPERATOR, review.id)
    replayed = Recall.replay(events)

    assert replayed.to_snapshot() == confirmed.recall.to_snapshot()
    assert [e.kind for e in events] == [
        "review_opened",
        "hold_placed",
        "confirmed",
        "task_done",  # the review, done by the decision
        "campaign_launched",
    ]
    actors = [(e.actor.role.value, e.actor.subject) for e in events]
    assert actors == [("system", "emergency_plan")] * 2 + [("operator", "op1")] * 3
    assert isinstance(events[0].at, datetime)


def test_two_operators_deciding_at_once_decide_once(ctx: Context, heaters: Market) -> None:
    review = rc.open_review(ctx, OPERATOR, rc.OpenReview("hot", batch_ids=(BAD_BATCH,))).recall
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(decision: rc.Decision) -> None:
        start.wait()
        try:
            rc.decide(ctx, OPERATOR, review.id, decision)
            outcomes.append(type(decision).__name__)
        except AftersalesError as exc:
            outcomes.append(exc.code.value)

    confirm = rc.Confirm((Remedy.REFUND, Remedy.REPAIR))
    threads = [
        threading.Thread(target=decide, args=(d,)) for d in (confirm, rc.Dismiss("no fault"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) in (
        ["Confirm", "invalid_transition"],
        ["Dismiss", "invalid_transition"],
    )
    [recall] = recalls(ctx)
    with ctx.uow(read_only=True) as uow:
        units = sum(uow.recall_units.count_by_state(recall.id).values())
    assert units == (4 if recall.state.value == "confirmed" else 0)


def test_recall_decisions_go_into_the_evidence_log(ctx: Context, heaters: Market) -> None:
    from aftersales.services import ledger

    confirmed = rc.open_review(ctx, OPERATOR, rc.OpenReview("hot", batch_ids=(BAD_BATCH,))).recall
    rc.decide(ctx, OPERATOR, confirmed.id, rc.Confirm((Remedy.REFUND, Remedy.REPAIR)))
    dismissed = rc.open_review(ctx, OPERATOR, rc.OpenReview("odd smell", batch_ids=(GOOD_BATCH,)))
    rc.decide(ctx, OPERATOR, dismissed.recall.id, rc.Dismiss("packaging smell, not a hazard"))

    entries = [ledger.entry(ctx, i) for i in range(2)]
    assert [(e.kind, e.subject) for e in entries] == [
        ("recall.decision", f"recall:{confirmed.id}"),
        ("recall.decision", f"recall:{dismissed.recall.id}"),
    ]
    body = entries[1].body.decode()
    assert '"decision":"dismissed"' in body
    assert "packaging smell" not in body  # free text only as a salted commitment
