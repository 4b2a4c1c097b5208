"""Dispatch rules: pools and the tenant boundary, qualification, least load, safety first."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from aftersales.triage.dispatch import (
    AgentSlot,
    Route,
    Ticket,
    assign_all,
    choose_agent,
    priority,
    qualifies,
    route,
)

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def agent(
    id: str,
    merchant: str | None = "m1",
    *,
    queues: tuple[str, ...] = ("technical_support",),
    languages: tuple[str, ...] = ("zh", "en"),
    categories: tuple[str, ...] = (),
    capacity: int = 5,
    open_cases: int = 0,
    online: bool = True,
) -> AgentSlot:
    return AgentSlot(
        id,
        merchant,
        frozenset(queues),
        frozenset(languages),
        frozenset(categories),
        capacity,
        open_cases,
        online,
    )


def ticket(
    case_id: str = "cs1",
    *,
    merchant: str = "m1",
    queue: str = "technical_support",
    platform: bool = False,
    category: str = "digital/phone",
    language: str = "zh",
    safety: bool = False,
    severity: str = "moderate",
    minutes: int = 0,
) -> Ticket:
    at = T0 + timedelta(minutes=minutes)
    return Ticket(case_id, merchant, queue, platform, category, language, safety, severity, at)


# ---- routing ---------------------------------------------------------------------------------


def test_an_ordinary_case_stays_with_its_merchant_in_its_queue() -> None:
    assert route("technical_support", safety=False, escalated=False) == Route(
        "technical_support", False
    )


def test_safety_cases_go_to_the_platforms_safety_desks() -> None:
    assert route("technical_support", safety=True, escalated=False) == Route("product_safety", True)
    assert route("food_safety", safety=True, escalated=False) == Route("food_safety", True)
    # an emergency is escalated at opening, and still belongs with the safety team
    assert route("product_safety", safety=True, escalated=True) == Route("product_safety", True)


def test_escalated_cases_go_to_arbitration_and_platform_queues_stay_platform() -> None:
    assert route("apparel", safety=False, escalated=True) == Route("arbitration", True)
    assert route("human_triage", safety=False, escalated=False) == Route("human_triage", True)
    assert route("risk_review", safety=False, escalated=False) == Route("risk_review", True)


# ---- who qualifies ---------------------------------------------------------------------------


def test_a_merchants_case_never_goes_to_another_merchants_or_a_platform_agent() -> None:
    others = [agent("a-m2", "m2"), agent("a-platform", None, queues=("technical_support",))]
    assert choose_agent(ticket(merchant="m1"), others) is None
    assert choose_agent(ticket(merchant="m1"), [*others, agent("a-m1")]) == agent("a-m1")


def test_a_platform_case_never_goes_to_a_merchants_agent() -> None:
    merchant_agent = agent("a-m1", queues=("product_safety",))
    case = ticket(queue="product_safety", platform=True, safety=True)
    assert choose_agent(case, [merchant_agent]) is None
    platform_agent = agent("a-p", None, queues=("product_safety",))
    assert choose_agent(case, [merchant_agent, platform_agent]) == platform_agent


def test_offline_full_unskilled_and_other_category_agents_do_not_qualify() -> None:
    case = ticket(category="digital/phone")
    assert not qualifies(agent("a", online=False), case)
    assert not qualifies(agent("a", capacity=2, open_cases=2), case)
    assert not qualifies(agent("a", queues=("apparel",)), case)
    assert not qualifies(agent("a", categories=("apparel",)), case)
    assert qualifies(agent("a", categories=("digital",)), case)  # a parent covers its children
    assert qualifies(agent("a", categories=("digital/phone", "home")), case)


def test_the_case_must_be_read_in_the_agents_language() -> None:
    english_only = agent("en", languages=("en",))
    assert not qualifies(english_only, ticket(language="zh"))
    assert qualifies(english_only, ticket(language="en"))
    assert qualifies(english_only, ticket(language="mixed"))  # either language reads it
    assert qualifies(english_only, ticket(language="unknown"))  # nobody reads it anyway


def test_a_safety_case_takes_a_speaker_first_and_anyone_skilled_when_none_is_free() -> None:
    case = ticket(queue="product_safety", platform=True, safety=True, language="zh")
    english = agent("en", None, queues=("product_safety",), languages=("en",))
    chinese = agent("zh", None, queues=("product_safety",), languages=("zh",), open_cases=4)
    assert choose_agent(case, [english, chinese]) == chinese
    assert choose_agent(case, [english, replace(chinese, online=False)]) == english
    # an ordinary case waits for someone who reads it instead
    assert choose_agent(replace(case, safety=False), [english]) is None


# ---- least loaded ----------------------------------------------------------------------------


def test_the_least_loaded_agent_by_share_of_capacity_takes_the_case() -> None:
    big = agent("big", capacity=20, open_cases=10)  # half full, 10 places free
    small = agent("small", capacity=4, open_cases=1)  # a quarter full, 3 places free
    assert choose_agent(ticket(), [big, small]) == small


def test_ties_go_to_the_agent_with_more_room_then_by_id() -> None:
    a = agent("a", capacity=2, open_cases=1)
    b = agent("b", capacity=4, open_cases=2)
    assert choose_agent(ticket(), [a, b]) == b
    assert choose_agent(ticket(), [agent("y"), agent("x")]) == agent("x")


# ---- handing out many ------------------------------------------------------------------------


def test_waiting_cases_go_out_safety_first_then_most_severe_then_oldest() -> None:
    cases = [
        ticket("old-minor", severity="minor", minutes=0),
        ticket("new-major", severity="major", minutes=5),
        ticket("newest-safety", severity="major", safety=True, minutes=9),
        ticket("old-major", severity="major", minutes=1),
    ]
    assert [t.case_id for t in sorted(cases, key=priority)] == [
        "newest-safety",
        "old-major",
        "new-major",
        "old-minor",
    ]


def test_assign_all_fills_capacity_in_priority_order_and_leaves_the_rest_waiting() -> None:
    cases = [ticket(f"cs{i}", minutes=i) for i in range(4)] + [ticket("hazard", safety=True)]
    plan = assign_all(cases, [agent("a", capacity=2)])
    assert [(t.case_id, a.id if a else None) for t, a in plan] == [
        ("hazard", "a"),
        ("cs0", "a"),
        ("cs1", None),
        ("cs2", None),
        ("cs3", None),
    ]


def test_a_leavers_cases_spread_over_the_others_as_their_loads_fill() -> None:
    held = [ticket(f"cs{i}", minutes=i) for i in range(5)]
    others = [agent("a", capacity=3, open_cases=1), agent("b", capacity=3)]
    plan = assign_all(held, others)
    taken = [a.id if a else None for _, a in plan]
    assert taken.count("a") == 2 and taken.count("b") == 3
    assert None not in taken


_ids = st.sampled_from(["m1", "m2", None])


@st.composite
def agents_and_tickets(draw: st.DrawFn) -> tuple[list[AgentSlot], list[Ticket]]:
    slots = [
        agent(
            f"a{i}",
            draw(_ids),
            queues=tuple(draw(st.sets(st.sampled_from(["general", "product_safety"]), min_size=1))),
            languages=tuple(draw(st.sets(st.sampled_from(["zh", "en"]), min_size=1))),
            capacity=draw(st.integers(1, 4)),
            open_cases=0,
            online=draw(st.booleans()),
        )
        for i in range(draw(st.integers(0, 6)))
    ]
    tickets = []
    for i in range(draw(st.integers(0, 25))):
        safety = draw(st.booleans())
        tickets.append(
            ticket(
                f"cs{i}",
                merchant=draw(st.sampled_from(["m1", "m2"])),
                queue="product_safety" if safety else "general",
                platform=safety,
                safety=safety,
                language=draw(st.sampled_from(["zh", "en", "mixed", "unknown"])),
                minutes=draw(st.integers(0, 100)),
            )
        )
    return slots, tickets


@settings(max_examples=200, deadline=None)
@given(agents_and_tickets())
def test_no_plan_crosses_a_tenant_or_exceeds_a_capacity(
    drawn: tuple[list[AgentSlot], list[Ticket]],
) -> None:
    slots, tickets = drawn
    plan = assign_all(tickets, slots)
    by_id = {a.id: a for a in slots}
    load: dict[str, int] = {}
    for t, a in plan:
        if a is None:
            continue
        chosen = by_id[a.id]
        assert chosen.online and t.queue in chosen.queues
        assert chosen.merchant_id == (None if t.platform else t.merchant_id)
        load[a.id] = load.get(a.id, 0) + 1
    assert all(n <= by_id[a].capacity for a, n in load.items())
    # nothing waits while a qualified agent still has room
    for t, a in plan:
        if a is None:
            left = [replace(s, open_cases=load.get(s.id, 0)) for s in slots]
            assert choose_agent(t, left) is None
