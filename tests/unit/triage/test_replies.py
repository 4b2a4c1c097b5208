"""Automatic first replies: the entry chosen, the language, and when a reply is concrete."""

from __future__ import annotations

import pytest

from aftersales.domain.categories import CATEGORIES
from aftersales.triage import ISSUE_TYPES
from aftersales.triage.errors import KnowledgeError
from aftersales.triage.knowledge_base import default_knowledge, parse_knowledge
from aftersales.triage.replies import Situation, compose

KB = default_knowledge()


@pytest.mark.parametrize("issue_type", [t for t in ISSUE_TYPES if t != "other"])
@pytest.mark.parametrize("category", [None, *CATEGORIES])
def test_every_issue_type_in_every_category_gets_a_concrete_step(
    issue_type: str, category: str | None
) -> None:
    reply = compose(KB, Situation(issue_type, "zh", category=category))
    assert reply.concrete_step
    assert reply.entry != KB.fallback.id
    assert reply.steps and "1. " in reply.body


def test_every_entry_has_a_lead_and_steps_in_both_languages() -> None:
    for entry in (*KB.entries, KB.fallback):
        for lang in ("zh", "en"):
            assert entry.guidance[lang].lead
            assert entry.guidance[lang].steps


def test_spoiled_food_says_stop_eating_keep_a_sample_and_photograph_the_batch() -> None:
    zh = compose(KB, Situation("food_spoilage", "zh", safety=True, category="food/fresh"))
    en = compose(KB, Situation("food_spoilage", "en", safety=True, category="food/fresh"))
    assert ("停止食用" in zh.body, "留样" in zh.body, "批号" in zh.body) == (True, True, True)
    assert "Stop eating" in en.body and "batch number" in en.body
    assert zh.language == "zh" and en.language == "en"


def test_a_hazard_hint_picks_the_hazards_steps_whatever_the_issue_type() -> None:
    reply = compose(
        KB,
        Situation("malfunction", "zh", safety=True, hazards=("fire",), category="digital/phone"),
    )
    assert reply.entry == "fire_overheat.digital"
    assert "不要再充电" in reply.body


def test_a_dangerous_item_is_never_told_to_be_packed_and_sent_back() -> None:
    safe = Situation("quality_defect", "en", category="digital/phone", sends_item_back=True)
    hazard = Situation(
        "electrical_hazard", "en", safety=True, category="appliance/heater", sends_item_back=True
    )
    assert "shipping carton" in compose(KB, safe).body
    assert "shipping carton" not in compose(KB, hazard).body


def test_the_most_specific_entry_wins_brand_over_category_over_any() -> None:
    acme = Situation("software_issue", "zh", category="digital/phone", brand="ACME", model="X1")
    other = Situation("software_issue", "zh", category="digital/phone", brand="Other")
    laptop = Situation("software_issue", "zh", category="digital/computer")
    sweater = Situation("software_issue", "zh", category="apparel/knitwear")
    assert compose(KB, acme).entry == "software.acme_phone"
    assert compose(KB, other).entry == "software.phone"
    assert compose(KB, laptop).entry == "software.computer"
    assert compose(KB, sweater).entry == "quality_defect"


def test_care_damage_asks_for_the_care_label() -> None:
    reply = compose(KB, Situation("care_damage", "zh", category="apparel/knitwear"))
    assert "洗标" in reply.body
    reply = compose(KB, Situation("care_damage", "en", category="apparel/knitwear"))
    assert "care label" in reply.body


def test_an_unsure_triage_gets_an_acknowledgement_that_is_not_a_concrete_step() -> None:
    reply = compose(KB, Situation("malfunction", "zh", needs_human=True, category="digital"))
    assert reply.entry == KB.fallback.id
    assert not reply.concrete_step


def test_an_unsure_triage_with_a_hazard_hint_still_gets_the_safety_steps() -> None:
    s = Situation("other", "zh", needs_human=True, safety=True, hazards=("electric",))
    reply = compose(KB, s)
    assert reply.entry == "electrical_hazard"
    assert not reply.concrete_step  # nobody is sure what the case is; the clock keeps running


def test_other_issues_get_the_acknowledgement() -> None:
    assert not compose(KB, Situation("other", "en")).concrete_step


def test_mixed_text_is_answered_in_chinese_and_unreadable_text_in_both() -> None:
    assert compose(KB, Situation("wrong_item", "mixed")).language == "zh"
    both = compose(KB, Situation("other", "unknown", needs_human=True))
    assert both.language == "zh+en"
    assert "您好" in both.body and "Hello" in both.body


def test_the_policys_evidence_is_asked_for_by_name() -> None:
    s = Situation(
        "quality_defect",
        "en",
        category="digital/phone",
        evidence=("photos_of_defect", "serial_number", "something_new"),
    )
    body = compose(KB, s).body
    assert "Please add to the case: close-up photos of the problem, the serial number." in body
    assert "something_new" not in body


def test_a_drafted_lead_replaces_the_opening_but_never_the_steps() -> None:
    s = Situation("wrong_item", "en")
    plain, drafted = compose(KB, s), compose(KB, s, "Sorry about the mix-up!")
    assert "Sorry about the mix-up!" in drafted.body
    assert drafted.steps == plain.steps and drafted.concrete_step


def test_the_steps_come_in_order_with_numbers() -> None:
    reply = compose(KB, Situation("damaged_in_transit", "zh"))
    numbered = [line for line in reply.body.splitlines() if line[:1].isdigit()]
    assert [line.split(".")[0] for line in numbered] == [
        str(n) for n in range(1, len(numbered) + 1)
    ]


_GOOD = """
entries:
  - id: one
    issue_types: [wrong_item]
    zh: {lead: 好, steps: [拍照]}
    en: {lead: ok, steps: [photograph it]}
fallback:
  id: ack
  zh: {lead: 收到, steps: [等待]}
  en: {lead: got it, steps: [wait]}
returns: {zh: [打包], en: [pack it]}
"""


def test_a_knowledge_base_of_ones_own_is_read() -> None:
    kb = parse_knowledge(_GOOD, "mine.yaml")
    assert compose(kb, Situation("wrong_item", "en")).body.count("photograph it") == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("[wrong_item]", "[lost_in_space]"), "unknown issue types lost_in_space"),
        (("en: {lead: ok, steps: [photograph it]}", "en: {lead: ok, steps: []}"), "steps"),
        (("    en: {lead: ok, steps: [photograph it]}\n", ""), "expected a mapping"),
        (
            ("issue_types: [wrong_item]", "issue_types: [wrong_item]\n    categories: [moon]"),
            "moon",
        ),
        (("entries:", "entries: 3\nold:"), "entries must be a non-empty list"),
        (("- id: one", "- id: ack\n    x: 1\n  - id: ack"), "issue_types must not be empty"),
    ],
)
def test_a_broken_knowledge_base_is_refused_with_what_is_wrong(
    change: tuple[str, str], message: str
) -> None:
    with pytest.raises(KnowledgeError, match=message):
        parse_knowledge(_GOOD.replace(*change), "mine.yaml")


def test_text_that_is_not_yaml_is_refused() -> None:
    with pytest.raises(KnowledgeError, match="not valid YAML"):
        parse_knowledge("entries: [", "mine.yaml")
