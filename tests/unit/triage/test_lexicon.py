"""The hazard lexicon: every family in both languages, negation and its limits, tricky words."""

# Chinese text uses full-width punctuation on purpose.

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import pytest

from aftersales.triage.lexicon import HazardScan, scan
from aftersales.triage.text import normalise


def hazards(text: str, category: str | None = None) -> HazardScan:
    return scan(normalise(text), category)


# One plain hint per family and language, and the family it must raise.
FAMILY_HINTS = [
    ("injury", "孩子的手指被划伤了，流了好多血", None),
    ("injury", "The table edge cut my son's finger and he needed stitches", None),
    ("fire", "充电的时候冒烟了，还有一股烧焦的味道", None),
    ("fire", "The charger started smoking and the plug melted", "digital/accessory"),
    ("fire", "手机发烫严重，电池都鼓包了", "digital/phone"),
    ("fire", "The power bank exploded in my bag", None),
    ("electric", "电水壶漏电，摸壶身被电了一下", None),
    ("electric", "Got an electric shock from the kettle handle", None),
    ("spoilage", "牛奶打开就变质了，喝了一口全家拉肚子", None),
    ("spoilage", "The bread was mouldy and we all got food poisoning", None),
    ("spoilage", "米饭是馊的", "food"),
    ("foreign_object", "外卖里吃出一根头发", "food"),
    ("foreign_object", "菜里有虫子，还有玻璃渣", "food"),
    ("foreign_object", "Found a cockroach in my curry", None),
    ("foreign_object", "There was a piece of glass in the rice", "food"),
    ("allergy", "用了面霜脸上起了好多红疹，过敏了", "personal_care"),
    ("allergy", "My lips swelled up and I broke out in hives", None),
    ("choking", "孩子吃果冻噎住了", None),
    ("choking", "The button came off and my baby nearly swallowed it", None),
    ("choking", "My toddler choked on a small part", None),
]


@pytest.mark.parametrize(("family", "text", "category"), FAMILY_HINTS)
def test_every_hazard_family_is_found_in_both_languages(
    family: str, text: str, category: str | None
) -> None:
    assert family in hazards(text, category).families


@pytest.mark.parametrize(
    "text",
    [
        "没有漏电",
        "没冒烟，就是不制热",
        "用了三个月，从来没有出现过冒烟或者焦味",
        "没有出现冒烟、漏电",
        "漏电倒是没有，就是声音大",
        "一点都不发烫",
        "没有过敏，就是味道冲",
        "no smoke",
        "There was no smoke or sparks, it just stopped",
        "It didn't catch fire, it simply won't turn on",
        "The heater is not hot at all",
        "never had any allergic reaction to it",
        "Nothing spoiled, it just arrived late",
    ],
)
def test_a_negated_hint_is_not_a_hazard(text: str) -> None:
    found = hazards(text)
    assert not found.hazard
    assert found.hits == () or all(hit.negated for hit in found.hits)


@pytest.mark.parametrize(
    "text",
    [
        "不但没有修好，反而冒烟了",
        "没用几天就冒烟了",
        "没想到充电器会烧起来",
        "no problem until it started smoking",
        "No issues for two weeks but then it caught fire",
        "It didn't just smoke, it actually caught fire",
        "没有漏电，但是冒烟了",
    ],
)
def test_a_negation_does_not_reach_past_its_clause(text: str) -> None:
    assert hazards(text).hazard


@pytest.mark.parametrize("text", ["有没有漏电啊，摸着有点麻", "会不会漏电？", "是不是短路了"])
def test_a_worried_question_is_a_hint_not_a_negation(text: str) -> None:
    assert hazards(text).hazard


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("这款卖得火爆", None),
        ("客服电话打爆了也没人接", None),
        ("this phone is fire", "digital/phone"),
        ("killer deal, smoking hot price", None),
        ("屏幕划伤了一道", "digital/phone"),
        ("洗完头发很顺滑", "personal_care"),
        ("there's a bug in the app", "digital/phone"),
        ("the smoke grey colour looks brown", "digital/phone"),
        ("screen burn-in after a month", "digital/phone"),
        ("带漏电保护的插头，很安心", "appliance"),
        ("快过期了还卖给我", "food/packaged"),
        ("the colour bled onto my other clothes", "apparel"),
        ("吃出了家的味道", "food"),
        ("烧了一壶水就坏了", "appliance/kitchen"),
        ("沙发表面鼓包", "home/furniture"),
        ("谁买谁倒霉", None),
        ("blood pressure monitor reads wrong", None),
        ("I'm sick of waiting for a refund", None),
    ],
)
def test_hazard_words_in_harmless_senses_raise_nothing(text: str, category: str | None) -> None:
    assert not hazards(text, category).hazard


def test_a_food_word_counts_only_near_food() -> None:
    assert not hazards("洗完头发掉了好多", "personal_care").hazard
    assert hazards("汤里有头发", None).hazard
    assert hazards("有头发", "food").hazard


def test_a_hint_in_a_list_after_a_negated_one_is_negated_too() -> None:
    found = hazards("no smoke or sparks")
    assert [hit.negated for hit in found.hits] == [True, True]


def test_negated_hints_are_blanked_out_for_the_model() -> None:
    text = normalise("没有漏电，但是不制热")
    blanked = hazards(text).without_negated(text)
    assert "漏电" not in blanked
    assert len(blanked) == len(text)


# Everyday English for fire, burns, shocks, injuries, rashes and food poisoning (decision 0041).
EVERYDAY_ENGLISH = [
    ("fire", "The extension lead started a small fire behind the sofa"),
    ("fire", "There was a fire in the kitchen after I left the toaster on"),
    ("fire", "The cable was smouldering when I pulled the plug"),
    ("fire", "The lighter flared up and singed my eyebrows"),
    ("fire", "The power bank ignited on the nightstand"),
    ("fire", "A strong electrical smell and a burning odour from the fan"),
    ("electric", "The cord is split and there's a live wire showing"),
    ("electric", "This lamp is a shock hazard"),
    ("injury", "He got a deep laceration on his palm from the blade"),
    ("injury", "My son has a broken wrist after the scooter folded"),
    ("injury", "We had to call an ambulance"),
    ("injury", "She needed medical attention after the shelf fell"),
    ("injury", "My daughter got hurt on the slide"),
    ("injury", "The folding table pinned my son's fingers"),
    ("injury", "The strap snapped and hit me in the face"),
    ("injury", "The drain cleaner left chemical burns on his hands"),
    ("injury", "Second-degree burns from the kettle spout"),
    ("allergy", "This toner burns my face"),
    ("allergy", "The wipes caused skin irritation on the baby"),
    ("spoilage", "We got salmonella from the chicken"),
    ("spoilage", "I felt nauseous after eating the soup"),
]


@pytest.mark.parametrize(("family", "text"), EVERYDAY_ENGLISH)
def test_everyday_english_words_for_hazards_are_found(family: str, text: str) -> None:
    assert family in hazards(text).families


@pytest.mark.parametrize(
    "text",
    [
        "This phone is fire",
        "The Fire TV stick keeps buffering",
        "The fire truck toy lost a wheel",
        "The grill won't fire up",
        "The fire noodles were not spicy at all",
        "The nerf blaster fires foam darts weakly",
        "The chair has a broken leg",
        "I was hurt by the rude reply from the seller",
        "Ignition switch is faulty",
    ],
)
def test_fire_and_hurt_in_harmless_senses_raise_nothing(text: str) -> None:
    assert not hazards(text).hazard


@pytest.mark.parametrize(
    "text",
    [
        "Luckily no one was injured",
        "Nobody got hurt but the glass is everywhere",
        "No reported injuries",
        "It is not a fire hazard",
    ],
)
def test_no_one_and_nobody_negate_a_hint_as_no_does(text: str) -> None:
    assert not hazards(text).hazard
