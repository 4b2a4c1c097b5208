"""The recall domain on its own: working days, holds, the review's rules, units, progress."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from aftersales.domain.actors import Actor, Role
from aftersales.errors import AftersalesError, ErrorCode
from aftersales.recall import (
    ClusterRule,
    Counts,
    Hold,
    Recall,
    RecallState,
    RecallTerms,
    RecallUnit,
    Remedy,
    Scope,
    Trigger,
    UnitState,
    add_working_days,
    day_bounds,
    progress,
)

OPERATOR = Actor(Role.OPERATOR, "op1")
SYSTEM = Actor(Role.SYSTEM, "emergency_plan")
AT = datetime(2026, 11, 6, 2, 0, tzinfo=UTC)  # Friday 10:00 in China
TERMS = RecallTerms()


def review(batch_ids: tuple[str, ...] = ("hb1",)) -> Recall:
    return Recall.open_review(
        "rc_1",
        product_id="ph",
        merchant_id="m1",
        batch_ids=batch_ids,
        hazard="leaks current",
        trigger=Trigger.CLUSTER,
        case_ids=("cs_1", "cs_2", "cs_3"),
        terms=TERMS,
        by=SYSTEM,
        at=AT,
    )


def cst_midnight(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, tzinfo=UTC) - timedelta(hours=8)


# ---- working days ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (AT, 2, cst_midnight(2026, 11, 11)),  # Friday → end of Tuesday
        (AT, 1, cst_midnight(2026, 11, 10)),  # Friday → end of Monday
        (AT + timedelta(days=1), 2, cst_midnight(2026, 11, 11)),  # Saturday → end of Tuesday
        (AT - timedelta(days=2), 2, cst_midnight(2026, 11, 7)),  # Wednesday → end of Friday
        # Thursday 23:30 UTC is already Friday in China.
        (datetime(2026, 11, 5, 23, 30, tzinfo=UTC), 1, cst_midnight(2026, 11, 10)),
    ],
)
def test_working_days_skip_the_weekend_and_end_at_midnight_in_china(
    start: datetime, days: int, due: datetime
) -> None:
    assert add_working_days(start, days) == due


def test_day_bounds_are_whole_days_in_china_standard_time() -> None:
    start, end = day_bounds(date(2026, 11, 1), date(2026, 11, 2))

    assert start == datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 2, 16, 0, tzinfo=UTC)
    assert day_bounds(None, None) == (None, None)


# ---- the cluster rule and holds ---------------------------------------------------------------


def test_the_cluster_rule_counts_reports_within_its_window() -> None:
    rule = ClusterRule()

    assert (rule.reached(2), rule.reached(3)) == (False, True)
    assert rule.since(AT) == AT - timedelta(days=7)
    with pytest.raises(ValueError):
        ClusterRule(reports=0)


def test_a_hold_blocks_its_batch_or_its_whole_product_in_its_regions() -> None:
    batch = Hold("ph", "hb1")
    product = Hold("ph", None, ("CN-GD",))

    assert [batch.blocks("ph", b, "CN-BJ") for b in ("hb1", "hb2", None)] == [True, False, False]
    assert [product.blocks("ph", b, "CN-GD") for b in ("hb1", None)] == [True, True]
    assert product.blocks("ph", "hb1", "CN-BJ") is False
    assert batch.blocks("p1", "hb1", "CN-BJ") is False


# ---- the review -------------------------------------------------------------------------------


def test_a_review_holds_its_batches_and_gives_the_safety_team_hours_to_assess() -> None:
    recall = review(("hb1", "hb2"))

    assert recall.state is RecallState.REVIEW
    assert recall.holds == (Hold("ph", "hb1"), Hold("ph", "hb2"))
    [task] = recall.tasks
    assert (task.party.value, task.due) == ("platform", AT + timedelta(hours=4))
    assert [e.kind for e in recall.take_events()] == ["review_opened", "hold_placed", "hold_placed"]


def test_confirming_keeps_what_the_scope_covers_and_gives_every_party_a_deadline() -> None:
    recall = review(("hb1", "hb2"))
    recall.take_events()

    recall.confirm(
        OPERATOR,
        scope=Scope(batch_ids=("hb1",), regions=("CN-GD",)),
        remedies=[Remedy.REPAIR, Remedy.REFUND],
        terms=TERMS,
        at=AT,
    )

    assert recall.state is RecallState.CONFIRMED
    assert recall.remedies == (Remedy.REFUND, Remedy.REPAIR)
    assert recall.holds == (Hold("ph", "hb1", ("CN-GD",)),)
    assert [e.kind for e in recall.take_events()] == [
        "confirmed",
        "task_done",  # the platform's review: the decision is its outcome
        "hold_lifted",
        "hold_lifted",
        "hold_placed",
    ]
    done = {t.id: t.done_at for t in recall.tasks}
    assert done["platform.assess"] == AT and done["regulator.report"] is None
    due = {t.id: t.due for t in recall.tasks}
    assert due["regulator.report"] == cst_midnight(2026, 11, 11)  # 2 working days after Friday
    assert due["merchant.withdraw"] == cst_midnight(2026, 11, 10)


@pytest.mark.parametrize(
    ("remedies", "scope"),
    [
        ([Remedy.REFUND], Scope()),
        ([Remedy.REFUND, Remedy.REFUND], Scope()),
        (
            [Remedy.REFUND, Remedy.REPAIR],
            Scope(delivered_from=date(2026, 2, 2), delivered_to=date(2026, 2, 1)),
        ),
        ([Remedy.REFUND, Remedy.REPAIR], Scope(batch_ids=("hb1", "hb1"))),
    ],
)
def test_a_confirmation_needs_a_choice_of_remedies_and_a_sensible_scope(
    remedies: list[Remedy], scope: Scope
) -> None:
    recall = review()
    before = recall.to_snapshot()

    with pytest.raises(AftersalesError) as refused:
        recall.confirm(OPERATOR, scope=scope, remedies=remedies, terms=TERMS, at=AT)

    assert refused.value.code is ErrorCode.VALIDATION_FAILED
    assert recall.to_snapshot() == before


def test_a_dismissal_needs_a_reason_and_lifts_every_hold() -> None:
    recall = review()
    with pytest.raises(AftersalesError):
        recall.dismiss(OPERATOR, "   ", AT)

    recall.dismiss(OPERATOR, "the lab found no fault", AT)

    assert (recall.state, recall.holds) == (RecallState.DISMISSED, ())
    assert recall.dismissal_reason == "the lab found no fault"
    assert [(t.id, t.done_at) for t in recall.tasks] == [("platform.assess", AT)]
    with pytest.raises(AftersalesError) as again:
        recall.confirm(OPERATOR, scope=Scope(), remedies=list(Remedy), terms=TERMS, at=AT)
    assert again.value.code is ErrorCode.INVALID_TRANSITION


def test_only_an_operator_decides() -> None:
    recall = review()
    merchant = Actor(Role.MERCHANT_AGENT, "m1")

    for decide in (
        lambda: recall.dismiss(merchant, "no", AT),
        lambda: recall.confirm(merchant, scope=Scope(), remedies=list(Remedy), terms=TERMS, at=AT),
    ):
        with pytest.raises(AftersalesError) as refused:
            decide()
        assert refused.value.code is ErrorCode.PERMISSION_DENIED


def test_what_a_recall_covers_and_overlaps() -> None:
    batch, product = review(("hb1",)), review(())

    assert (batch.covers("ph", "hb1"), batch.covers("ph", "hb2"), batch.covers("ph", None)) == (
        True,
        False,
        False,
    )
    assert (product.covers("ph", "hb2"), product.covers("ph", None)) == (True, True)
    assert (batch.overlaps("ph", ["hb1", "hb9"]), batch.overlaps("ph", ["hb2"])) == (True, False)
    assert (batch.overlaps("ph", []), product.overlaps("ph", ["hb2"])) == (True, True)
    assert batch.overlaps("p1", ["hb1"]) is False


def test_visibility_follows_the_roles() -> None:
    recall = review()
    seen = {
        "operator": recall.visible_to(OPERATOR, concerned=False),
        "auditor": recall.visible_to(Actor(Role.AUDITOR), concerned=False),
        "its merchant": recall.visible_to(Actor(Role.MERCHANT_AGENT, "m1"), concerned=False),
        "another merchant": recall.visible_to(Actor(Role.MERCHANT_AGENT, "m2"), concerned=False),
        "a buyer": recall.visible_to(Actor(Role.CONSUMER, "c1"), concerned=True),
        "someone else": recall.visible_to(Actor(Role.CONSUMER, "c2"), concerned=False),
        "integration": recall.visible_to(Actor(Role.INTEGRATION), concerned=True),
    }
    assert seen == {
        "operator": True,
        "auditor": True,
        "its merchant": True,
        "another merchant": False,
        "a buyer": True,
        "someone else": False,
        "integration": False,
    }


def test_a_recall_replays_from_its_events_and_survives_a_snapshot() -> None:
    recall = review()
    recall.attach_report("cs_4", SYSTEM, AT)
    recall.confirm(
        OPERATOR, scope=Scope(), remedies=list(Remedy), terms=TERMS, at=AT, produced_batches=()
    )
    recall.launch_campaign(OPERATOR, AT, units=3, pieces=4, consumers=2)
    recall.complete_task(OPERATOR, "regulator.report", "filed", AT + timedelta(days=1))
    events = recall.take_events()

    assert Recall.replay(events).to_snapshot() == recall.to_snapshot()
    assert Recall.from_snapshot(recall.to_snapshot()).to_snapshot() == recall.to_snapshot()
    assert recall.case_ids == ("cs_1", "cs_2", "cs_3", "cs_4")


# ---- units and progress -----------------------------------------------------------------------


def unit(**changes: object) -> RecallUnit:
    values: dict[str, object] = {
        "recall_id": "rc_1",
        "order_line_id": "hl1",
        "order_id": "oh1",
        "consumer_id": "c1",
        "merchant_id": "m1",
        "region": "CN-BJ",
        "quantity": 1,
        "state": UnitState.NOTIFIED,
        "notified_at": AT,
    }
    return RecallUnit(**(values | changes))  # type: ignore[arg-type]


def test_a_unit_goes_notified_responded_remedied() -> None:
    offered = [Remedy.REFUND, Remedy.REPLACEMENT]
    buyer, merchant = Actor(Role.CONSUMER, "c1"), Actor(Role.MERCHANT_AGENT, "m1")

    chosen, first = unit().step(buyer, Remedy.REFUND, offered, "", AT)
    done, second = chosen.step(merchant, Remedy.REFUND, offered, "paid", AT + timedelta(days=1))

    assert (chosen.state, done.state) == (UnitState.RESPONDED, UnitState.REMEDIED)
    assert (first.kind, second.kind) == ("responded", "remedied")
    assert done.responded_at == AT and done.remedied_at == AT + timedelta(days=1)
    for who, remedy, code in (
        (buyer, Remedy.REFUND, ErrorCode.INVALID_TRANSITION),
        (Actor(Role.CONSUMER, "c2"), Remedy.REFUND, ErrorCode.INVALID_TRANSITION),
    ):
        with pytest.raises(AftersalesError) as refused:
            done.step(who, remedy, offered, "", AT)
        assert refused.value.code is code
    with pytest.raises(AftersalesError) as not_offered:
        unit().step(buyer, Remedy.REPAIR, offered, "", AT)
    assert not_offered.value.code is ErrorCode.REMEDY_NOT_OFFERED
    with pytest.raises(AftersalesError) as stranger:
        unit().step(Actor(Role.MERCHANT_AGENT, "m2"), Remedy.REFUND, offered, "", AT)
    assert stranger.value.code is ErrorCode.PERMISSION_DENIED


def test_progress_counts_each_day_to_its_end_in_china() -> None:
    launched = AT
    responded = [AT + timedelta(hours=1), AT + timedelta(days=1)]
    remedied = [AT + timedelta(days=1, hours=20)]  # Sunday 06:00 in China

    points = progress(4, launched, responded, remedied, AT + timedelta(days=3))

    assert [(p.day.isoformat(), p.responded, p.remedied, p.completion_rate) for p in points] == [
        ("2026-11-06", 1, 0, 0.0),
        ("2026-11-07", 2, 0, 0.0),
        ("2026-11-08", 2, 1, 0.25),
        ("2026-11-09", 2, 1, 0.25),
    ]
    assert Counts.of(
        {UnitState.NOTIFIED: 2, UnitState.RESPONDED: 1, UnitState.REMEDIED: 1}
    ) == Counts(4, 2, 1)
    assert Counts().completion_rate == 0.0
