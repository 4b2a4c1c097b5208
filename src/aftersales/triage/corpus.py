"""Labelled complaints to learn from: reading a corpus directory, its fingerprint, the split.

A corpus is a directory of ``*.jsonl`` files, one example a line with the fields ``text``,
``language``, ``category`` (a category path or null), ``issue_type``, ``severity``, ``cause`` and
``safety``. The platform's own resolved cases can be turned into the same ``Example`` values and
handed to ``training.train`` directly.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aftersales.domain.categories import is_known
from aftersales.errors import Text
from aftersales.triage.errors import CorpusError
from aftersales.triage.labels import CAUSES, ISSUE_TYPES, LANGUAGES, SEVERITIES

__all__ = ["Example", "corpus_files", "corpus_sha256", "load_corpus", "parse_example", "split"]


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    issue_type: str
    severity: str
    cause: str
    safety: bool
    category: str | None = None
    language: str = "unknown"


_CHOICES: dict[str, tuple[str, ...]] = {
    "issue_type": ISSUE_TYPES,
    "severity": SEVERITIES,
    "cause": CAUSES,
    "language": LANGUAGES,
}


def corpus_files(directory: Path) -> list[Path]:
    """The corpus files of a directory, in the fixed order everything reads them."""
    if not directory.is_dir():
        raise CorpusError(
            Text(f"corpus directory {directory} does not exist", f"语料目录 {directory} 不存在")
        )
    files = sorted(directory.glob("*.jsonl"))
    if not files:
        raise CorpusError(
            Text(f"no *.jsonl files in {directory}", f"目录 {directory} 中没有 *.jsonl 文件")
        )
    return files


def corpus_sha256(directory: Path) -> str:
    """Fingerprint of a corpus: SHA-256 over each file's name and bytes, in name order."""
    digest = hashlib.sha256()
    for path in corpus_files(directory):
        data = path.read_bytes()
        digest.update(f"{path.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def load_corpus(directory: Path) -> list[Example]:
    """Every example of a corpus; a bad line is an error naming its file and line."""
    examples: list[Example] = []
    for path in corpus_files(directory):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                examples.append(_parse_line(line, f"{path.name}:{number}"))
    _refuse_duplicates(examples)
    return examples


def _parse_line(line: str, where: str) -> Example:
    try:
        return parse_example(json.loads(line))
    except (ValueError, CorpusError) as exc:
        said = exc.extra.get("text") if isinstance(exc, CorpusError) else None
        why = said.zh if isinstance(said, Text) else f"不是有效的 JSON：{exc}"
        raise CorpusError(Text(f"{where}: {exc}", f"{where}：{why}")) from exc


def parse_example(doc: Any) -> Example:
    """Check one example's fields and build it."""
    if not isinstance(doc, Mapping):
        raise CorpusError(Text("an example must be a JSON object", "每条样本须为 JSON 对象"))
    text = doc.get("text")
    if not isinstance(text, str) or not text.strip():
        raise CorpusError(Text("text must be a non-empty string", "text 须为非空字符串"))
    for key, choices in _CHOICES.items():
        if doc.get(key, "unknown" if key == "language" else None) not in choices:
            raise CorpusError(
                Text(
                    f"{key} must be one of {', '.join(choices)}",
                    f"{key} 须为以下之一：{'、'.join(choices)}",
                )
            )
    category = doc.get("category")
    if category is not None and not (isinstance(category, str) and is_known(category)):
        raise CorpusError(Text(f"unknown category {category!r}", f"未知的类目 {category!r}"))
    if not isinstance(doc.get("safety"), bool):
        raise CorpusError(Text("safety must be true or false", "safety 须为 true 或 false"))
    return Example(
        text=text,
        issue_type=doc["issue_type"],
        severity=doc["severity"],
        cause=doc["cause"],
        safety=doc["safety"],
        category=category,
        language=doc.get("language", "unknown"),
    )


def _refuse_duplicates(examples: Iterable[Example]) -> None:
    # A text in both halves of the split would flatter the held-out numbers.
    seen: set[str] = set()
    for example in examples:
        key = " ".join(example.text.split())
        if key in seen:
            shown = repr(example.text[:60])
            raise CorpusError(Text(f"duplicate text: {shown}", f"样本文本重复：{shown}"))
        seen.add(key)


def split(
    examples: Sequence[Example], seed: int, test_fraction: float
) -> tuple[list[Example], list[Example]]:
    """Deterministic stratified split: within each issue type, a seeded hash orders the texts
    and the first ``test_fraction`` of them are held out, so every type is in both halves."""
    by_type: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        by_type[example.issue_type].append(example)
    held: set[int] = set()
    for group in by_type.values():
        ranked = sorted(group, key=lambda e: _rank(seed, e.text))
        held.update(id(e) for e in ranked[: round(len(ranked) * test_fraction)])
    train = [e for e in examples if id(e) not in held]
    test = [e for e in examples if id(e) in held]
    return train, test


def _rank(seed: int, text: str) -> bytes:
    return hashlib.sha256(f"{seed}\0{text}".encode()).digest()
