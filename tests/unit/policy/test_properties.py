"""Properties of every decision: total, deterministic, never both an emergency and a refusal."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from aftersales.domain.categories import CATEGORIES
from aftersales.policy import Facts, Pack
from aftersales.policy.care_label import SYMBOLS
from aftersales.policy.facts import KNOWN_ATTRIBUTES
from aftersales.policy.vocabulary import (
    CASE_TYPES,
    CAUSES,
    CHANNELS,
    COST_BEARERS,
    ISSUE_TYPES,
    RESOLUTION_TYPES,
    SEVERITIES,
)

symbols = st.lists(st.sampled_from(sorted(SYMBOLS)), max_size=6, unique=True)
flags = {name: st.booleans() for name, (kind, _) in KNOWN_ATTRIBUTES.items() if kind is bool}
attributes = st.fixed_dictionaries(
    {},
    optional={
        "fabric": st.sampled_from(["wool", "cashmere", "cotton", "silk", "polyester", ""]),
        "care_label": symbols,
        "care_applied": symbols,
        "colour": st.text(max_size=8),
        **flags,
    },
)
case_facts = st.fixed_dictionaries(
    {
        "case_type": st.sampled_from(CASE_TYPES),
        "category": st.sampled_from([*sorted(CATEGORIES), "other", "apparel/knitwear/kids"]),
        "channel": st.sampled_from(CHANNELS),
        "days_since_delivery": st.none() | st.integers(0, 4000),
        "amount": st.integers(0, 10**10),
        "issue_type": st.sampled_from(ISSUE_TYPES),
    },
    optional={
        "brand": st.sampled_from(["Acme", "ACME", "Northwind", "WarmHome", "Lumo", ""]),
        "model": st.sampled_from(["X1", "X1 Pro", "ProBook 14", "H200", ""]),
        "merchant": st.sampled_from(["m-acme", "m-cozyhome", "m-1", ""]),
        "severity": st.none() | st.sampled_from(SEVERITIES),
        "region": st.sampled_from(["CN-BJ", "CN-GD", ""]),
        "description": st.text(max_size=60),
        "attributes": attributes,
        "consumer": st.fixed_dictionaries(
            {"cases_90d": st.integers(0, 50), "refund_only_90d": st.integers(0, 50)}
        ),
    },
)

MANY = settings(max_examples=300, deadline=None)


@MANY
@given(case_facts)
def test_every_valid_case_gets_a_whole_decision(default_pack: Pack, data: dict[str, Any]) -> None:
    decision = default_pack.decide(Facts.from_json(data))
    assert decision.resolutions
    assert set(decision.resolution_types) <= set(RESOLUTION_TYPES)
    assert len(set(decision.resolution_types)) == len(decision.resolutions)
    assert decision.severity in SEVERITIES and decision.cause in CAUSES
    assert decision.cost_bearer in COST_BEARERS
    assert min(decision.sla.to_json().values()) > 0
    assert all(r.amount is None or 0 <= r.amount <= data["amount"] for r in decision.resolutions)
    assert decision.rule_errors == ()
    assert all(f"[{rule}]" in decision.explanation.en for rule in decision.rules)


@MANY
@given(case_facts)
def test_the_same_facts_always_get_the_same_decision(
    default_pack: Pack, data: dict[str, Any]
) -> None:
    facts = Facts.from_json(data)
    first = default_pack.decide(facts)
    assert default_pack.decide(Facts.from_json(facts.to_json())) == first
    assert default_pack.decide(facts).to_json() == first.to_json()


@MANY
@given(case_facts)
def test_an_emergency_is_never_refused(default_pack: Pack, data: dict[str, Any]) -> None:
    decision = default_pack.decide(Facts.from_json(data))
    assert not (decision.emergency and "reject" in decision.resolution_types)
    if decision.emergency:
        assert decision.severity == "critical"
