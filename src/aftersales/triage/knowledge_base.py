"""The knowledge base of automatic first replies: loading, checking, and finding the entry.

The shipped base is ``knowledge/entries.yaml`` (format in its header and in docs/triage.md).
Loading checks everything a reply relies on — known issue types and categories, a lead and at
least one step in both languages — so a broken file stops the start rather than a reply.
Operators' edits (stored in the database, see ``services/knowledge.py``) lie over the file:
``with_edits`` gives the set that answers.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from aftersales.errors import Text
from aftersales.triage.errors import KnowledgeError
from aftersales.triage.knowledge_entry import (
    LANGUAGES,
    Entry,
    Guidance,
    entry_document,
    parse_entry,
)
from aftersales.yaml_problem import yaml_problem

__all__ = [
    "LANGUAGES",
    "Entry",
    "Guidance",
    "KnowledgeBase",
    "default_knowledge",
    "knowledge_document",
    "load_entries",
    "load_knowledge",
    "parse_entries",
    "parse_knowledge",
]

_DEFAULT = "knowledge/entries.yaml"


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    entries: tuple[Entry, ...]
    fallback: Entry
    returns: Mapping[str, tuple[str, ...]]  # packing steps for an item sent back, by language
    evidence: Mapping[str, Mapping[str, str]]  # evidence name → language → how to ask for it

    def find(
        self,
        issue_type: str,
        category: str | None,
        brand: str = "",
        model: str = "",
        text: str = "",
    ) -> Entry:
        """The most specific entry for the issue type, product and complaint, else the
        fallback."""
        lowered = text.lower()
        best: tuple[tuple[int, ...], int, Entry] | None = None
        for order, entry in enumerate(self.entries):
            if issue_type not in entry.issue_types:
                continue
            fit = entry.specificity(category, brand, model, lowered)
            # Earlier entries win ties: the file lists the narrower ones first.
            if fit is not None and (best is None or (fit, -order) > (best[0], best[1])):
                best = (fit, -order, entry)
        return best[2] if best else self.fallback

    def get(self, entry_id: str) -> Entry | None:
        """The entry of that id in this set, if any."""
        return next((e for e in self.entries if e.id == entry_id), None)

    def with_edits(self, edits: Sequence[tuple[str, Entry | None]]) -> KnowledgeBase:
        """This set with operators' edits over it: an entry replaces the one of its id in its
        place, an id that is new comes before the file's entries (an operator's entry wins a
        tie: it was written for the cases at hand), None retires the id."""
        edited = dict(edits)
        added = [e for i, e in edits if e is not None and self.get(i) is None]
        kept = [edited.get(e.id, e) for e in self.entries]
        return replace(self, entries=(*added, *(e for e in kept if e is not None)))


@lru_cache(maxsize=1)
def default_knowledge() -> KnowledgeBase:
    """The knowledge base shipped in the package (read once per process)."""
    text = resources.files("aftersales.triage").joinpath(_DEFAULT).read_text(encoding="utf-8")
    return parse_knowledge(text, _DEFAULT)


def load_knowledge(path: Path) -> KnowledgeBase:
    """A knowledge base from a YAML file; ``KnowledgeError`` names what is wrong."""
    return parse_knowledge(_read(path), str(path))


def parse_knowledge(text: str, source: str) -> KnowledgeBase:
    """A whole knowledge base: entries, fallback, packing steps, evidence names."""
    doc = _document(text, source)
    entries = _entries(doc, source)
    where = Text(f"{source}: fallback", f"{source}：fallback")
    fallback = parse_entry(doc.get("fallback"), where, fallback=True)
    return KnowledgeBase(
        entries, fallback, _returns(doc.get("returns"), source), _evidence(doc, source)
    )


def load_entries(path: Path) -> tuple[Entry, ...]:
    """The entries of a YAML file (``parse_entries``); ``KnowledgeError`` names what is wrong."""
    return parse_entries(_read(path), str(path))


def parse_entries(text: str, source: str) -> tuple[Entry, ...]:
    """The entries of a YAML file in the shipped file's format (what ``aftersales kb import``
    reads); a fallback, packing steps or evidence names in it are not entries and are left
    aside. Every entry is checked before any is used."""
    return _entries(_document(text, source), source)


def knowledge_document(kb: KnowledgeBase) -> dict[str, Any]:
    """The whole base in the shipped file's format (what ``aftersales kb export`` writes): a
    file ``parse_knowledge`` reads back, and ``AFTERSALES_KNOWLEDGE_BASE`` may name."""
    fallback = entry_document(kb.fallback)
    return {
        "version": 1,
        "entries": [_compact(entry_document(e)) for e in kb.entries],
        "fallback": {k: fallback[k] for k in ("id", *LANGUAGES)},
        "returns": {lang: list(steps) for lang, steps in kb.returns.items()},
        "evidence": {name: dict(texts) for name, texts in kb.evidence.items()},
    }


def _compact(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if v != []}


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeError(Text(f"cannot read {path}: {exc}", f"无法读取 {path}：{exc}")) from exc


def _document(text: str, source: str) -> Mapping[str, Any]:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        problem = yaml_problem(exc)
        raise KnowledgeError(
            Text(f"{source}: not valid YAML: {problem}", f"{source}：不是有效的 YAML：{problem}")
        ) from exc
    return _mapping(doc, source)


def _entries(doc: Mapping[str, Any], source: str) -> tuple[Entry, ...]:
    raw = _list(doc, "entries")
    entries = tuple(
        parse_entry(e, Text(f"{source}: entry {n}", f"{source}：条目 {n}"))
        for n, e in enumerate(raw)
    )
    ids = [e.id for e in entries]
    if len(set(ids)) != len(ids):
        twice = sorted({i for i in ids if ids.count(i) > 1})
        raise KnowledgeError(
            Text(
                f"{source}: entry ids must be unique ({', '.join(twice)} repeated)",
                f"{source}：条目 id 不能重复（{'、'.join(twice)} 重复出现）",
            )
        )
    return entries


def _returns(raw: Any, source: str) -> dict[str, tuple[str, ...]]:
    node = _mapping(raw, f"{source}: returns")
    return {
        lang: tuple(_strings(node, lang, f"{source}: returns", required=True)) for lang in LANGUAGES
    }


def _evidence(doc: Mapping[str, Any], source: str) -> dict[str, dict[str, str]]:
    node = _mapping(doc.get("evidence", {}), f"{source}: evidence")
    found: dict[str, dict[str, str]] = {}
    for name, texts in node.items():
        texts = _mapping(texts, f"{source}: evidence {name}")
        if not all(isinstance(texts.get(lang), str) for lang in LANGUAGES):
            raise KnowledgeError(
                Text(
                    f"{source}: evidence {name} needs zh and en",
                    f"{source}：凭证 {name} 须同时提供 zh 和 en",
                )
            )
        found[str(name)] = {lang: texts[lang] for lang in LANGUAGES}
    return found


def _mapping(raw: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise KnowledgeError(Text(f"{where}: expected a mapping", f"{where}：应为映射（键值对）"))
    return raw


def _list(node: Mapping[str, Any], key: str) -> list[Any]:
    value = node.get(key)
    if not isinstance(value, list) or not value:
        raise KnowledgeError(Text(f"{key} must be a non-empty list", f"{key} 须为非空列表"))
    return value


def _strings(node: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> list[str]:
    value = node.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise KnowledgeError(
            Text(
                f"{where}: {key} must be a list of non-empty strings",
                f"{where}：{key} 须为非空字符串的列表",
            )
        )
    if required and not value:
        raise KnowledgeError(Text(f"{where}: {key} must not be empty", f"{where}：{key} 不能为空"))
    return value
