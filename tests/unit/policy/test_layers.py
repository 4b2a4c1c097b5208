"""Layers in order statutory → platform → category → brand/model → merchant; how effects merge."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import pytest

from aftersales.policy import Pack, PackInvalid, load_pack
from tests.unit.policy.support import facts, rule_file, write_pack

STATUTORY = """\
- id: law.return
  match: {case_types: [return_refund]}
  when: "delivered && days_since_delivery <= 7"
  then:
    resolutions: [{type: return_refund, rank: 20, guaranteed: true}]
    forbid: [reject]
    cost_bearer: consumer
  explain: {zh: 七日无理由。, en: 7-day return.}
"""
PLATFORM = """\
- id: platform.online
  match: {channels: [online]}
  then:
    queue: general
    sla: {first_response_hours: 4, proposal_hours: 24, resolution_hours: 96}
  explain: {zh: 线上。, en: Online.}
- id: platform.defect
  priority: 10
  match: {issue_types: [quality_defect]}
  then:
    cause: product_defect
    cost_bearer: merchant
    resolutions: [{type: exchange, rank: 30}, {type: reject, rank: 90}]
  explain: {zh: 质量问题。, en: Defect.}
- id: platform.defect.cheap
  priority: 20
  match: {issue_types: [quality_defect]}
  when: "amount <= 5000"
  then:
    resolutions:
      - {type: quick_compensation, rank: 5, amount: {percent: 50, min: 100, max: 2000}}
  explain: {zh: 低价。, en: Cheap.}
- id: platform.hazard
  priority: 100
  final: true
  when: safety_hazard
  then:
    emergency: true
    severity: critical
    queue: food_safety
    resolutions: [{type: refund_only, rank: 1, guaranteed: true}]
  explain: {zh: 安全。, en: Safety.}
- id: platform.risky
  priority: 50
  when: "consumer_refund_only_90d >= 3"
  then:
    forbid: [refund_only, return_refund, quick_compensation]
  explain: {zh: 风险。, en: Risk.}
"""
CATEGORY = """\
- id: apparel.queue
  match: {categories: [apparel]}
  then: {queue: apparel, sla: {proposal_hours: 12}}
  explain: {zh: 服饰。, en: Apparel.}
- id: apparel.low
  match: {categories: [apparel]}
  priority: -5
  then: {queue: general}
  explain: {zh: 低优先级。, en: Low priority.}
- id: digital.queue
  match: {categories: [digital]}
  then: {queue: technical_support}
  explain: {zh: 数码。, en: Digital.}
- id: apparel.reject_offer
  match: {categories: [apparel], issue_types: [injury]}
  then: {resolutions: [{type: reject, rank: 0}]}
  explain: {zh: 拒绝。, en: Reject.}
"""
BRAND = """\
- id: brand.acme
  match: {brands: [Acme], models: [X1]}
  then: {queue: on_site_service, cost_bearer: brand}
  explain: {zh: 品牌。, en: Brand.}
"""
MERCHANT = """\
- id: m1.fast
  then:
    sla: {first_response_hours: 1, resolution_hours: 500}
    cost_bearer: merchant
    resolutions: [{type: exchange, rank: 1}]
  explain: {zh: 商家。, en: Merchant.}
"""


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Pack:
    root = tmp_path_factory.mktemp("layers")
    files = {
        "statutory/law.yaml": rule_file("statutory", STATUTORY),
        "platform/rules.yaml": rule_file("platform", PLATFORM),
        "category/rules.yaml": rule_file("category", CATEGORY),
        "brand_model/acme.yaml": rule_file("brand_model", BRAND),
        "merchant/m1.yaml": rule_file("merchant", MERCHANT, head="merchant: m1\n"),
    }
    return load_pack(write_pack(root, files))


def test_rules_are_ordered_by_layer_then_priority(pack: Pack) -> None:
    layers = [r.layer for r in pack.rules]
    assert layers == sorted(
        layers, key=["statutory", "platform", "category", "brand_model", "merchant"].index
    )
    assert [r.id for r in pack.rules if r.layer == "category"][:2] == [
        "apparel.low",
        "apparel.queue",
    ]


def test_a_more_specific_layer_overrides_a_general_one(pack: Pack) -> None:
    assert pack.decide(facts()).queue == "apparel"
    assert pack.decide(facts(category="digital/phone")).queue == "technical_support"
    acme = facts(category="digital/phone", brand="acme", model="x1")  # names match in any case
    assert pack.decide(acme).queue == "on_site_service"
    assert pack.decide(acme).cost_bearer == "brand"


def test_a_platform_rule_overrides_the_statutory_default_it_refines(pack: Pack) -> None:
    assert pack.decide(facts(issue_type="other")).cost_bearer == "consumer"
    assert pack.decide(facts()).cost_bearer == "merchant"  # a defect: the merchant pays freight


def test_within_a_layer_the_higher_priority_wins(pack: Pack) -> None:
    decision = pack.decide(facts())
    assert decision.rules.index("apparel.low") < decision.rules.index("apparel.queue")
    assert decision.queue == "apparel"


def test_a_final_rule_is_not_overridden_by_a_more_specific_layer(pack: Pack) -> None:
    decision = pack.decide(facts(issue_type="injury"))
    assert decision.queue == "food_safety"
    assert decision.severity == "critical"


def test_sla_fields_merge_one_by_one(pack: Pack) -> None:
    sla = pack.decide(facts()).sla
    assert (sla.first_response_hours, sla.proposal_hours, sla.resolution_hours) == (4, 12, 96)


def test_resolutions_are_pooled_and_ranked_with_amounts_capped(pack: Pack) -> None:
    cheap = pack.decide(facts(amount=3000))
    assert [r.to_json() for r in cheap.resolutions] == [
        {"type": "quick_compensation", "amount": 1500},
        {"type": "return_refund", "amount": 3000},
        {"type": "exchange"},
    ]
    tiny = pack.decide(facts(amount=60))  # the minimum never pays more than the price
    assert tiny.resolutions[0].amount == 60


def test_forbid_removes_an_offer_but_not_a_guaranteed_one(pack: Pack) -> None:
    risky = facts(consumer={"cases_90d": 3, "refund_only_90d": 3}, amount=3000)
    assert pack.decide(risky).resolution_types == ("return_refund", "exchange")
    hazard = facts(issue_type="food_spoilage", consumer={"cases_90d": 3, "refund_only_90d": 3})
    assert pack.decide(hazard).resolution_types[0] == "refund_only"


def test_an_emergency_never_offers_reject(pack: Pack) -> None:
    decision = pack.decide(facts(issue_type="injury", days_since_delivery=30))
    assert decision.emergency
    assert "reject" not in decision.resolution_types


def test_the_statutory_forbid_removes_reject_within_the_window(pack: Pack) -> None:
    assert "reject" not in pack.decide(facts()).resolution_types
    assert "reject" in pack.decide(facts(days_since_delivery=8)).resolution_types


def test_defaults_decide_when_no_rule_applies(pack: Pack) -> None:
    decision = pack.decide(
        facts(category="food/fresh", channel="offline", case_type="repair", issue_type="other")
    )
    assert decision.rules == ()
    assert decision.resolution_types == ("return_refund",)
    assert (decision.severity, decision.cause, decision.queue) == ("moderate", "unknown", "general")
    assert "No rule applied" in decision.explanation.en


def test_a_given_severity_stands_unless_a_rule_sets_one(pack: Pack) -> None:
    assert pack.decide(facts(severity="major")).severity == "major"
    assert pack.decide(facts(severity="minor", issue_type="injury")).severity == "critical"


def test_counting_against_the_merchant_follows_the_cause(pack: Pack) -> None:
    assert pack.decide(facts()).counts_against_merchant  # product_defect
    assert not pack.decide(facts(issue_type="other")).counts_against_merchant  # unknown


def test_the_explanation_names_every_rule_that_fired(pack: Pack) -> None:
    decision = pack.decide(facts())
    for rule_id in decision.rules:
        assert f"[{rule_id}]" in decision.explanation.zh
        assert f"[{rule_id}]" in decision.explanation.en


def test_merchant_rules_apply_to_their_merchant_only(pack: Pack) -> None:
    assert "m1.fast" not in pack.decide(facts()).rules
    assert "m1.fast" in pack.decide(facts(merchant="m1")).rules


def test_a_merchant_can_shorten_the_platforms_clock_but_not_lengthen_it(pack: Pack) -> None:
    sla = pack.decide(facts(merchant="m1")).sla
    assert sla.first_response_hours == 1
    assert sla.resolution_hours == 96


def test_a_merchant_override_is_more_generous_not_less(pack: Pack) -> None:
    decision = pack.decide(facts(merchant="m1", issue_type="other"))
    assert decision.cost_bearer == "merchant"
    assert decision.resolution_types[0] == "exchange"


@pytest.mark.parametrize(
    ("then", "message"),
    [
        ("{severity: minor}", "may not set severity"),
        ("{counts_against_merchant: false}", "may not set counts_against_merchant"),
        ("{forbid: [return_refund]}", "may not set forbid"),
        ("{cost_bearer: consumer}", "may not make the consumer bear the cost"),
        ("{resolutions: [reject]}", "may not offer reject"),
        ("{resolutions: [repair]}", "may not offer repair"),
        (
            "{resolutions: [{type: quick_compensation, amount: {percent: 10}}]}",
            "must be capped at 5000 fen",
        ),
        (
            "{resolutions: [{type: quick_compensation, amount: {fixed: 9000}}]}",
            "must be capped at 5000 fen",
        ),
        ("{resolutions: [{type: exchange, guaranteed: true}]}", "may not guarantee"),
        ("{auto_actions: [auto_approve_refund]}", "may not trigger auto_approve_refund"),
        ("{required_evidence: [photos_of_item, serial_number]}", "at most 1 evidence item"),
    ],
)
def test_a_merchant_rule_beyond_the_platforms_limits_is_refused(
    tmp_path: Path, then: str, message: str
) -> None:
    rule = f"- id: m1.rule\n  then: {then}\n  explain: {{zh: 甲, en: A}}\n"
    root = write_pack(tmp_path, {"m1.yaml": rule_file("merchant", rule, head="merchant: m1\n")})
    with pytest.raises(PackInvalid) as caught:
        load_pack(root)
    [problem] = caught.value.problems
    assert problem.startswith(f"{root}/m1.yaml:5: merchant rules") or message in problem
    assert message in problem


def test_a_merchant_rule_cannot_be_final(tmp_path: Path) -> None:
    rule = "- id: m1.rule\n  final: true\n  then: {}\n  explain: {zh: 甲, en: A}\n"
    root = write_pack(tmp_path, {"m1.yaml": rule_file("merchant", rule, head="merchant: m1\n")})
    with pytest.raises(PackInvalid, match="a merchant rule cannot be final"):
        load_pack(root)


def test_a_merchant_file_names_its_merchant(tmp_path: Path) -> None:
    rule = "- id: m1.rule\n  then: {}\n  explain: {zh: 甲, en: A}\n"
    root = write_pack(tmp_path, {"m1.yaml": rule_file("merchant", rule)})
    with pytest.raises(PackInvalid, match="names its merchant"):
        load_pack(root)


def test_without_merchant_limits_a_merchant_may_change_nothing(tmp_path: Path) -> None:
    from tests.unit.policy.support import MANIFEST

    manifest = MANIFEST.split("merchant_limits:")[0]
    rule = "- id: m1.rule\n  then: {sla: {first_response_hours: 1}}\n  explain: {zh: 甲, en: A}\n"
    root = write_pack(
        tmp_path, {"m1.yaml": rule_file("merchant", rule, head="merchant: m1\n")}, manifest
    )
    with pytest.raises(PackInvalid, match="may not set sla"):
        load_pack(root)


def test_a_condition_that_fails_on_some_facts_does_not_match_and_is_reported(
    tmp_path: Path,
) -> None:
    rule = (
        "- id: platform.odd\n"
        "  when: 'amount / (days_since_delivery - 5) > 0'\n"
        "  then: {queue: apparel}\n"
        "  explain: {zh: 甲, en: A}\n"
    )
    pack = load_pack(write_pack(tmp_path, {"p.yaml": rule_file("platform", rule)}))
    assert pack.decide(facts(days_since_delivery=4)).rule_errors == ()
    failed = pack.decide(facts(days_since_delivery=5))
    assert failed.rules == ()
    assert failed.rule_errors[0].startswith("platform.odd: ")
    assert "rule_errors" in failed.to_json()


def test_facts_built_by_hand_beyond_what_cel_holds_still_get_a_decision(pack: Pack) -> None:
    broken = replace(facts(), days_since_delivery=cast(Any, object()))
    decision = pack.decide(broken)
    assert decision.resolutions
    assert "law.return: the facts hold values CEL cannot represent" in decision.rule_errors
