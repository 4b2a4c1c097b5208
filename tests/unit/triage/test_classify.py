"""Triage of one complaint with the shipped model: fields, rules, mixed text and bad input."""

# Chinese text uses full-width punctuation on purpose.

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import pytest

from aftersales.triage import CAUSES, ISSUE_TYPES, QUEUES, SEVERITIES, Triager


def test_a_hazard_complaint_is_safety_critical_and_routed_to_its_desk(triager: Triager) -> None:
    result = triager.classify("充电器冒烟了，插头都烧黑了", "digital/accessory")
    assert result.safety
    assert result.issue_type == "fire_overheat"
    assert result.severity in ("major", "critical")
    assert result.queue == "technical_support"
    assert "fire" in result.hazards


def test_spoiled_food_goes_to_the_food_safety_queue(triager: Triager) -> None:
    result = triager.classify("牛奶还没过期就变质了，喝了拉肚子", "food/packaged")
    assert result.safety
    assert result.queue == "food_safety"


@pytest.mark.parametrize(
    ("text", "category", "issue_type"),
    [
        ("手机开不了机，充电也没反应", "digital/phone", "malfunction"),
        ("毛衣洗了一次就缩水了", "apparel/knitwear", "care_damage"),
        ("下单一个星期了还没发货", None, "late_delivery"),
        ("我买的是黑色，发来的是白色", None, "wrong_item"),
        ("The down jacket is way too big on me", "apparel/outerwear", "size_fit"),
        ("Windows won't activate, says the key is invalid", "digital/computer", "software_issue"),
    ],
)
def test_plain_complaints_get_their_issue_type(
    triager: Triager, text: str, category: str | None, issue_type: str
) -> None:
    assert triager.classify(text, category).issue_type == issue_type


@pytest.mark.parametrize(
    "text",
    [
        "取暖器没有冒烟也没有焦味，就是不制热",
        "The heater is not hot at all, no burning smell, it simply doesn't heat",
        "客服电话打爆了，这款卖得太火爆了，想问什么时候补货",
    ],
)
def test_negated_or_harmless_hazard_words_do_not_raise_safety(triager: Triager, text: str) -> None:
    assert not triager.classify(text, "appliance/heater").safety


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("手机 charging 的时候 super hot，还有 burning smell", "digital/phone"),
        ("外卖里 found a hair，真的很恶心", "food"),
        ("电水壶 leaking electricity，摸一下就 shock", "appliance/kitchen"),
    ],
)
def test_mixed_language_hazards_are_caught(triager: Triager, text: str, category: str) -> None:
    result = triager.classify(text, category)
    assert result.language == "mixed"
    assert result.safety


def test_results_use_only_known_values(triager: Triager) -> None:
    result = triager.classify("Sofa is darker than the photos", "home/furniture")
    assert result.issue_type in ISSUE_TYPES
    assert result.severity in SEVERITIES
    assert result.cause in CAUSES
    assert result.queue in QUEUES
    assert 0.0 <= result.confidence <= 1.0
    assert result.to_dict()["model_version"] == triager.model.info.model_version


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   \n\t  ", "empty"),
        ("\x00\x01\x02\x03binary\x04\x05\x06\x07\x08\ufffd\ufffd\ufffd", "binary"),
        ("😡😡😡🤬🤬", "unknown_language"),
        ("Le produit est arrivé cassé et ne fonctionne pas", "unknown_language"),
        ("この商品は壊れています", "unknown_language"),
    ],
)
def test_bad_input_gets_a_clear_result_for_a_person(
    triager: Triager, text: str, reason: str
) -> None:
    result = triager.classify(text)
    assert result.issue_type == "other"
    assert result.confidence == 0.0
    assert result.needs_human
    assert reason in result.reasons


def test_a_megabyte_of_text_is_cut_to_the_cap_and_still_classified(triager: Triager) -> None:
    text = "充电器冒烟了。" + "这个东西真的很差。" * 120_000
    assert len(text) > 1_000_000
    result = triager.classify(text, "digital/accessory")
    assert "truncated" in result.reasons
    assert result.safety


def test_an_unknown_category_is_noted_not_refused(triager: Triager) -> None:
    result = triager.classify("The toy arrived broken", "toys/lego")
    assert "unknown_category" in result.reasons


def test_an_unsure_reading_goes_to_the_human_queue(triager: Triager) -> None:
    result = triager.classify("嗯", None)
    assert result.needs_human
    assert "low_confidence" in result.reasons


def test_an_operator_can_move_the_thresholds_without_retraining(triager: Triager) -> None:
    strict = Triager(triager.model, needs_human_below=0.999, model_safety_at=1.0)
    text = "Sofa is darker than the photos"
    assert strict.classify(text, "home/furniture").needs_human
    with pytest.raises(ValueError, match="probability"):
        Triager(triager.model, model_safety_at=1.5)
