"""The knowledge base of automatic first replies: loading, checking, and finding the entry.

The shipped base is ``knowledge/entries.yaml`` (format in its header and in docs/triage.md).
Loading checks everything a reply relies on — known issue types and categories, a lead and at
least one step in both languages — so a broken file stops the start rather than a reply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from aftersales.domain.categories import is_known
from aftersales.triage.errors import KnowledgeError
from aftersales.triage.labels import ISSUE_TYPES

__all__ = [
    "LANGUAGES",
    "Entry",
    "Guidance",
    "KnowledgeBase",
    "default_knowledge",
    "load_knowledge",
    "parse_knowledge",
]

LANGUAGES: tuple[str, ...] = ("zh", "en")
_DEFAULT = "knowledge/entries.yaml"


@dataclass(frozen=True, slots=True)
class Guidance:
    lead: str
    steps: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    issue_types: frozenset[str]
    guidance: Mapping[str, Guidance]  # by language
    categories: tuple[str, ...] = ()  # paths; a case under any of them matches; empty: any
    brands: frozenset[str] = frozenset()  # lower case; empty: any
    models: frozenset[str] = frozenset()

    def specificity(self, category: str | None, brand: str, model: str) -> tuple[int, ...] | None:
        """How closely the entry fits the product, or None when it does not fit at all."""
        if self.brands and brand.lower() not in self.brands:
            return None
        if self.models and model.lower() not in self.models:
            return None
        depth = _category_depth(self.categories, category)
        if depth is None:
            return None
        return (bool(self.models), bool(self.brands), depth)


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    entries: tuple[Entry, ...]
    fallback: Entry
    returns: Mapping[str, tuple[str, ...]]  # packing steps for an item sent back, by language
    evidence: Mapping[str, Mapping[str, str]]  # evidence name → language → how to ask for it

    def find(
        self, issue_type: str, category: str | None, brand: str = "", model: str = ""
    ) -> Entry:
        """The most specific entry for the issue type and product, else the fallback."""
        best: tuple[tuple[int, ...], int, Entry] | None = None
        for order, entry in enumerate(self.entries):
            if issue_type not in entry.issue_types:
                continue
            fit = entry.specificity(category, brand, model)
            # Earlier entries win ties: the file lists the narrower ones first.
            if fit is not None and (best is None or (fit, -order) > (best[0], best[1])):
                best = (fit, -order, entry)
        return best[2] if best else self.fallback


@lru_cache(maxsize=1)
def default_knowledge() -> KnowledgeBase:
    """The knowledge base shipped in the package (read once per process)."""
    text = resources.files("aftersales.triage").joinpath(_DEFAULT).read_text(encoding="utf-8")
    return parse_knowledge(text, _DEFAULT)


def load_knowledge(path: Path) -> KnowledgeBase:
    """A knowledge base from a YAML file; ``KnowledgeError`` names what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"cannot read {path}: {exc}") from exc
    return parse_knowledge(text, str(path))


def parse_knowledge(text: str, source: str) -> KnowledgeBase:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{source}: not valid YAML: {exc}") from exc
    doc = _mapping(doc, source)
    entries = tuple(_entry(e, f"{source}: entry {n}") for n, e in enumerate(_list(doc, "entries")))
    ids = [e.id for e in entries]
    if len(set(ids)) != len(ids):
        raise KnowledgeError(f"{source}: entry ids must be unique")
    fallback = _entry(doc.get("fallback"), f"{source}: fallback", fallback=True)
    return KnowledgeBase(
        entries, fallback, _returns(doc.get("returns"), source), _evidence(doc, source)
    )


def _entry(raw: Any, where: str, *, fallback: bool = False) -> Entry:
    node = _mapping(raw, where)
    entry_id = node.get("id")
    if not isinstance(entry_id, str) or not entry_id:
        raise KnowledgeError(f"{where}: id must be a non-empty string")
    where = f"{where} ({entry_id})"
    issue_types = frozenset(_strings(node, "issue_types", where, required=not fallback))
    unknown = sorted(issue_types - set(ISSUE_TYPES))
    if unknown:
        raise KnowledgeError(f"{where}: unknown issue types {', '.join(unknown)}")
    categories = tuple(_strings(node, "categories", where))
    bad = [c for c in categories if not is_known(c)]
    if bad:
        raise KnowledgeError(f"{where}: unknown categories {', '.join(bad)}")
    return Entry(
        id=entry_id,
        issue_types=issue_types,
        guidance={lang: _guidance(node.get(lang), f"{where}.{lang}") for lang in LANGUAGES},
        categories=categories,
        brands=frozenset(b.lower() for b in _strings(node, "brands", where)),
        models=frozenset(m.lower() for m in _strings(node, "models", where)),
    )


def _guidance(raw: Any, where: str) -> Guidance:
    node = _mapping(raw, where)
    lead = node.get("lead")
    if not isinstance(lead, str) or not lead.strip():
        raise KnowledgeError(f"{where}: lead must be a non-empty string")
    steps = _strings(node, "steps", where, required=True)
    return Guidance(lead.strip(), tuple(s.strip() for s in steps))


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
            raise KnowledgeError(f"{source}: evidence {name} needs zh and en")
        found[str(name)] = {lang: texts[lang] for lang in LANGUAGES}
    return found


def _category_depth(paths: Sequence[str], category: str | None) -> int | None:
    """How deep the matching path is (0 for an entry without categories), or None."""
    if not paths:
        return 0
    if category is None:
        return None
    fits = [p.count("/") + 1 for p in paths if category == p or category.startswith(p + "/")]
    return max(fits) if fits else None


def _mapping(raw: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise KnowledgeError(f"{where}: expected a mapping")
    return raw


def _list(node: Mapping[str, Any], key: str) -> list[Any]:
    value = node.get(key)
    if not isinstance(value, list) or not value:
        raise KnowledgeError(f"{key} must be a non-empty list")
    return value


def _strings(node: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> list[str]:
    value = node.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise KnowledgeError(f"{where}: {key} must be a list of non-empty strings")
    if required and not value:
        raise KnowledgeError(f"{where}: {key} must not be empty")
    return value
