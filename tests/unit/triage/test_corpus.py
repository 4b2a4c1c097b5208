"""The training corpus: its rules for examples, its fingerprint and its split."""

# Chinese text uses full-width punctuation on purpose.

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from aftersales.triage import CorpusError, load_corpus
from aftersales.triage.corpus import corpus_sha256, split
from aftersales.triage.labels import ISSUE_TYPES, SAFETY_ISSUE_TYPES
from tests.unit.triage.conftest import CORPUS

GOOD = {
    "text": "屏幕有坏点",
    "language": "zh",
    "category": "digital/phone",
    "issue_type": "quality_defect",
    "severity": "minor",
    "cause": "product_defect",
    "safety": False,
}


def write(tmp_path: Path, *docs: object) -> Path:
    lines = [json.dumps(d, ensure_ascii=False) for d in docs]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "bad",
    [
        {**GOOD, "issue_type": "teleportation"},
        {**GOOD, "severity": "apocalyptic"},
        {**GOOD, "category": "toys"},
        {**GOOD, "safety": "yes"},
        {**GOOD, "text": "   "},
        ["not", "an", "object"],
    ],
)
def test_a_bad_example_is_an_error_naming_its_line(tmp_path: Path, bad: object) -> None:
    with pytest.raises(CorpusError, match=r"a\.jsonl:2"):
        load_corpus(write(tmp_path, GOOD, bad))


def test_a_duplicate_text_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="duplicate"):
        load_corpus(write(tmp_path, GOOD, {**GOOD, "text": " 屏幕有坏点 "}))


def test_the_fingerprint_changes_with_any_byte(tmp_path: Path) -> None:
    before = corpus_sha256(write(tmp_path, GOOD))
    after = corpus_sha256(write(tmp_path, {**GOOD, "severity": "moderate"}))
    assert before != after


def test_the_shipped_corpus_covers_every_issue_type_in_both_languages() -> None:
    examples = load_corpus(CORPUS)
    per_type = Counter(e.issue_type for e in examples)
    assert set(per_type) == set(ISSUE_TYPES)
    assert min(per_type.values()) >= 60
    for issue_type in ISSUE_TYPES:
        languages = Counter(e.language for e in examples if e.issue_type == issue_type)
        assert languages["zh"] >= 20 and languages["en"] >= 20, issue_type
        assert languages["mixed"] >= 1, issue_type


def test_safety_labels_agree_with_the_safety_issue_types() -> None:
    for example in load_corpus(CORPUS):
        if example.issue_type in SAFETY_ISSUE_TYPES:
            assert example.safety, example.text


def test_the_split_is_deterministic_and_holds_out_every_issue_type() -> None:
    examples = load_corpus(CORPUS)
    train_a, test_a = split(examples, 7, 0.2)
    _, test_b = split(list(reversed(examples)), 7, 0.2)
    assert {e.text for e in test_a} == {e.text for e in test_b}
    assert not {e.text for e in train_a} & {e.text for e in test_a}
    assert {e.issue_type for e in test_a} == set(ISSUE_TYPES)
    assert {e.text for e in split(examples, 8, 0.2)[1]} != {e.text for e in test_a}
