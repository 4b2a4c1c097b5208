"""Knowledge-base entries: the checks every entry passes (from the file, the API or an import),
keywords in retrieval, operators' edits over the shipped set, and the export format."""

# ruff: noqa: RUF001

from __future__ import annotations

from typing import Any

import pytest
import yaml

from aftersales.triage.errors import KnowledgeError
from aftersales.triage.knowledge_base import (
    default_knowledge,
    knowledge_document,
    parse_entries,
    parse_knowledge,
)
from aftersales.triage.knowledge_entry import Entry, entry_document, parse_entry
from aftersales.triage.replies import Situation, compose

KB = default_knowledge()


def battery(**changes: Any) -> dict[str, Any]:
    return {
        "id": "battery.phone",
        "issue_types": ["malfunction", "quality_defect"],
        "categories": ["digital/phone"],
        "keywords": ["耗电", "battery"],
        "zh": {"lead": "耗电快多半是后台应用。", "steps": ["打开设置 → 电池，查看耗电排行。"]},
        "en": {"lead": "Fast drain is mostly apps.", "steps": ["Open Settings → Battery."]},
    } | changes


def problems(raw: Any) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        parse_entry(raw)
    found: list[str] = caught.value.extra["errors"]
    assert caught.value.detail.startswith("entry")
    return found


def test_a_good_entry_reads_back_from_its_document_unchanged() -> None:
    entry = parse_entry(battery(brands=[" Acme "]), revision=3)

    assert entry.brands == ("Acme",)
    assert entry.revision == 3
    assert parse_entry(entry_document(entry), revision=3) == entry


def test_every_problem_of_an_entry_is_reported_at_once_each_naming_its_field() -> None:
    found = problems(
        battery(
            id="Battery Phone",
            issue_types=["lost_in_space"],
            categories=["moon"],
            keywords=["电"],
            en=None,
            colour="red",
        )
    )

    assert [p.split(" ", 1)[0].rstrip(":") for p in found] == [
        "id",
        "unknown",
        "issue_types",
        "categories",
        "en",
        "keywords",
    ]
    assert "unknown field colour" in found
    assert "categories: unknown categories moon" in found


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"zh": {"lead": "好", "steps": []}}, "zh.steps must not be empty"),
        ({"zh": {"steps": ["拍照"]}}, "zh.lead must be a non-empty string"),
        ({"en": {"lead": "ok", "steps": ["x"], "tips": []}}, "en: unknown field tips"),
        ({"zh": {"lead": "好" * 301, "steps": ["x"]}}, "zh.lead is longer than 300"),
        ({"zh": {"lead": "好", "steps": ["x"] * 13}}, "zh.steps: at most 12 items"),
        ({"issue_types": []}, "issue_types must not be empty"),
        ({"issue_types": "malfunction"}, "issue_types must be a list of non-empty strings"),
        ({"issue_types": ["other"]}, "only the acknowledgement answers it"),
        ({"brands": ["b" * 101]}, "brands: an item is longer than 100"),
        ({"models": [""]}, "models must be a list of non-empty strings"),
        ({"keywords": ["k" * 51]}, "keywords: an item is longer than 50"),
        ({"id": ""}, "id must be a non-empty string"),
    ],
)
def test_a_broken_entry_says_what_is_wrong(change: dict[str, Any], says: str) -> None:
    assert any(says in p for p in problems(battery(**change)))


def test_something_that_is_not_a_mapping_is_refused() -> None:
    assert problems(["battery"]) == ["entry: expected a mapping"]


def test_an_entry_with_keywords_answers_only_a_complaint_that_says_one() -> None:
    kb = KB.with_edits([("battery.phone", parse_entry(battery()))])
    drains = Situation("malfunction", "en", category="digital/phone", text="The BATTERY drains")
    silent = Situation("malfunction", "en", category="digital/phone", text="It restarts")

    assert compose(kb, drains).entry == "battery.phone"
    assert compose(kb, silent).entry == "malfunction.digital"


def test_a_keyword_match_beats_a_brand_entry_for_the_same_product() -> None:
    kb = KB.with_edits([("battery.phone", parse_entry(battery()))])
    acme = Situation("malfunction", "zh", category="digital/phone", brand="Acme", text="很耗电")

    assert compose(kb, acme).entry == "battery.phone"
    assert compose(KB, acme).entry == "software.acme_phone"


def test_edits_replace_in_place_add_before_and_retire() -> None:
    edited = parse_entry(entry_document(KB.entries[1]) | {"keywords": ["异物"]}, revision=1)
    kb = KB.with_edits(
        [
            ("battery.phone", parse_entry(battery())),
            (edited.id, edited),
            ("wrong_item", None),
        ]
    )
    ids = [e.id for e in kb.entries]

    assert ids[0] == "battery.phone"
    assert ids[2] == edited.id and kb.entries[2] is edited
    assert "wrong_item" not in ids and len(ids) == len(KB.entries)
    assert compose(kb, Situation("wrong_item", "zh")).entry == KB.fallback.id
    assert KB.get("wrong_item") is not None  # the shipped set itself is untouched


def test_a_new_entry_wins_a_tie_with_a_shipped_one() -> None:
    twin = parse_entry(entry_document(KB.find("wrong_item", None)) | {"id": "wrong_item.ours"})
    kb = KB.with_edits([("wrong_item.ours", twin)])

    assert kb.find("wrong_item", None).id == "wrong_item.ours"


def test_the_export_reads_back_as_the_same_knowledge_base() -> None:
    kb = KB.with_edits([("battery.phone", parse_entry(battery()))])
    text = yaml.safe_dump(knowledge_document(kb), allow_unicode=True, sort_keys=False)
    again = parse_knowledge(text, "export.yaml")

    assert [entry_document(e) for e in again.entries] == [entry_document(e) for e in kb.entries]
    assert (again.fallback, again.returns, again.evidence) == (kb.fallback, kb.returns, kb.evidence)
    assert "brands: []" not in text  # empty conditions are left out, as in the shipped file


def test_a_file_of_entries_is_checked_whole_and_repeated_ids_are_named() -> None:
    doc = {"entries": [battery(), battery()]}

    with pytest.raises(KnowledgeError, match=r"battery\.phone repeated"):
        parse_entries(yaml.safe_dump(doc), "mine.yaml")
    with pytest.raises(KnowledgeError, match="entry 1"):
        parse_entries(yaml.safe_dump({"entries": [battery(), {"id": "x"}]}), "mine.yaml")


def test_the_shipped_file_itself_is_a_file_of_entries() -> None:
    text = yaml.safe_dump(knowledge_document(KB), allow_unicode=True)

    assert parse_entries(text, "entries.yaml") == KB.entries


def test_brands_models_and_keywords_match_without_case() -> None:
    entry = Entry("e", ("malfunction",), {}, brands=("ACME",), models=("X1",), keywords=("Wi-Fi",))

    assert entry.specificity(None, "acme", "x1", "no wi-fi at all") == (1, 1, 1, 0)
    assert entry.specificity(None, "acme", "x2", "no wi-fi at all") is None
