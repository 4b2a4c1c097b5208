"""One entry of the knowledge base of first replies: what it holds, and the checks every entry
passes, whether it comes from the shipped file, an operator's edit through the API or a file
imported with ``aftersales kb import``.

An entry answers complaints of some issue types, optionally narrowed to categories (a path
covers its children), brands, models and keywords (the complaint must say one of them), with a
lead sentence and concrete steps in Chinese and in English. Every problem of an entry is
reported at once, each naming its field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aftersales.domain.categories import is_known
from aftersales.triage.errors import KnowledgeError
from aftersales.triage.labels import ISSUE_TYPES

__all__ = [
    "FIELDS",
    "ID_PATTERN",
    "LANGUAGES",
    "LIMITS",
    "Entry",
    "Guidance",
    "entry_document",
    "parse_entry",
]

LANGUAGES: tuple[str, ...] = ("zh", "en")
# Lower-case, readable, stable: it is quoted in every reply event that used the entry.
ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,63}$"
LIMITS = {
    "lead": 300,  # characters of the lead sentence
    "step": 500,  # characters of one step
    "steps": 12,  # steps per language
    "names": 20,  # categories, brands or models per entry
    "name": 100,  # characters of a brand or a model (the catalogue's own limit)
    "keywords": 30,
    "keyword": 50,
}
FIELDS = frozenset({"id", "issue_types", "categories", "brands", "models", "keywords", *LANGUAGES})
_ANSWERED_BY_FALLBACK = "other"  # triage cannot tell what it is: only the acknowledgement fits


@dataclass(frozen=True, slots=True)
class Guidance:
    lead: str
    steps: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Entry:
    """An entry as written; matching ignores the case of brands, models and keywords."""

    id: str
    issue_types: tuple[str, ...]
    guidance: Mapping[str, Guidance]  # by language
    categories: tuple[str, ...] = ()  # paths; a case under any of them matches; empty: any
    brands: tuple[str, ...] = ()  # empty: any
    models: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()  # the complaint must say one of them; empty: no condition
    revision: int = 0  # 0: as shipped; n: the n-th revision written by operators
    _brands: frozenset[str] = field(init=False, repr=False, compare=False)
    _models: frozenset[str] = field(init=False, repr=False, compare=False)
    _keywords: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Lower-cased once here, not at every case opening.
        object.__setattr__(self, "_brands", frozenset(b.lower() for b in self.brands))
        object.__setattr__(self, "_models", frozenset(m.lower() for m in self.models))
        object.__setattr__(self, "_keywords", tuple(k.lower() for k in self.keywords))

    def specificity(
        self, category: str | None, brand: str, model: str, text: str = ""
    ) -> tuple[int, ...] | None:
        """How closely the entry fits the complaint, or None when it does not fit at all.

        ``text`` is the complaint in lower case. An entry that names keywords fits only a
        complaint that says one, and then beats every entry that names none: it answers the
        very question asked, not just the product's kind of trouble."""
        if self._brands and brand.lower() not in self._brands:
            return None
        if self._models and model.lower() not in self._models:
            return None
        if self._keywords and not any(k in text for k in self._keywords):
            return None
        depth = _category_depth(self.categories, category)
        if depth is None:
            return None
        return (bool(self._keywords), bool(self._models), bool(self._brands), depth)


def parse_entry(
    raw: Any, where: str = "entry", *, fallback: bool = False, revision: int = 0
) -> Entry:
    """An entry from its document (a mapping of plain values); ``KnowledgeError`` lists every
    problem (its ``errors``), each starting with the field's name."""
    if not isinstance(raw, Mapping):
        raise KnowledgeError(
            f"{where}: expected a mapping", errors=[f"{where}: expected a mapping"]
        )
    problems: list[str] = []
    entry_id = _entry_id(raw.get("id"), problems)
    where = f"{where} ({entry_id})" if entry_id else where
    problems += [f"unknown field {k!s}" for k in raw if k not in FIELDS]
    issue_types = _issue_types(raw, problems, required=not fallback)
    categories = _strings(raw, "categories", problems, most=LIMITS["names"])
    bad = [c for c in categories if not is_known(c)]
    if bad:
        problems.append(f"categories: unknown categories {', '.join(bad)}")
    guidance = {lang: _guidance(raw.get(lang), lang, problems) for lang in LANGUAGES}
    entry = Entry(
        id=entry_id or "",
        issue_types=issue_types,
        guidance={lang: g for lang, g in guidance.items() if g is not None},
        categories=categories,
        brands=_strings(raw, "brands", problems, most=LIMITS["names"], longest=LIMITS["name"]),
        models=_strings(raw, "models", problems, most=LIMITS["names"], longest=LIMITS["name"]),
        keywords=_keywords(raw, problems),
        revision=revision,
    )
    if problems:
        raise KnowledgeError(f"{where}: {'; '.join(problems)}", errors=problems)
    return entry


def entry_document(entry: Entry) -> dict[str, Any]:
    """The entry as plain values: what is stored, exported, and read back by ``parse_entry``."""
    return {
        "id": entry.id,
        "issue_types": list(entry.issue_types),
        "categories": list(entry.categories),
        "brands": list(entry.brands),
        "models": list(entry.models),
        "keywords": list(entry.keywords),
        **{lang: {"lead": g.lead, "steps": list(g.steps)} for lang, g in entry.guidance.items()},
    }


def _entry_id(raw: Any, problems: list[str]) -> str | None:
    if not isinstance(raw, str) or not raw:
        problems.append("id must be a non-empty string")
        return None
    if not re.fullmatch(ID_PATTERN, raw):
        problems.append(
            f"id {raw!r} must be 1-64 characters of a-z, 0-9, '_', '.' or '-', "
            "starting with a letter or a digit"
        )
    return raw


def _issue_types(raw: Mapping[str, Any], problems: list[str], *, required: bool) -> tuple[str, ...]:
    found = _strings(raw, "issue_types", problems, most=len(ISSUE_TYPES))
    if required and not found and "issue_types" not in _failed(problems):
        problems.append("issue_types must not be empty")
    unknown = [t for t in found if t not in ISSUE_TYPES]
    if unknown:
        problems.append(f"issue_types: unknown issue types {', '.join(unknown)}")
    if _ANSWERED_BY_FALLBACK in found:
        problems.append(
            "issue_types: 'other' means triage cannot tell what the complaint is about; "
            "only the acknowledgement answers it"
        )
    return found


def _guidance(raw: Any, lang: str, problems: list[str]) -> Guidance | None:
    if not isinstance(raw, Mapping):
        problems.append(
            f"{lang}: expected a mapping with a lead and steps (zh and en are both required)"
        )
        return None
    unknown = [k for k in raw if k not in ("lead", "steps")]
    problems += [f"{lang}: unknown field {k!s}" for k in unknown]
    lead = raw.get("lead")
    if not isinstance(lead, str) or not lead.strip():
        problems.append(f"{lang}.lead must be a non-empty string")
        lead = ""
    elif len(lead.strip()) > LIMITS["lead"]:
        problems.append(f"{lang}.lead is longer than {LIMITS['lead']} characters")
    key = f"{lang}.steps"
    steps = _strings(raw, "steps", problems, most=LIMITS["steps"], longest=LIMITS["step"], name=key)
    if not steps and key not in _failed(problems):
        problems.append(f"{key} must not be empty: a reply needs at least one concrete step")
    return Guidance(lead.strip(), steps)


def _keywords(raw: Mapping[str, Any], problems: list[str]) -> tuple[str, ...]:
    found = _strings(raw, "keywords", problems, most=LIMITS["keywords"], longest=LIMITS["keyword"])
    short = [k for k in found if len(k) < 2]
    if short:
        # One character (「电」, "a") is in too many complaints to say what one is about.
        problems.append(f"keywords: {', '.join(short)} too short (at least 2 characters)")
    return found


def _strings(
    raw: Mapping[str, Any],
    key: str,
    problems: list[str],
    *,
    most: int,
    longest: int = LIMITS["keyword"] * 2,
    name: str | None = None,
) -> tuple[str, ...]:
    """A list of non-empty strings, stripped, without repeats; ``problems`` gets what is wrong."""
    name = name or key
    value = raw.get(key, [])
    if value is None:
        value = []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(f"{name} must be a list of non-empty strings")
        return ()
    if len(value) > most:
        problems.append(f"{name}: at most {most} items")
    if any(len(v.strip()) > longest for v in value):
        problems.append(f"{name}: an item is longer than {longest} characters")
    return tuple(dict.fromkeys(v.strip() for v in value))


def _failed(problems: Sequence[str]) -> set[str]:
    """The fields already reported as malformed (so they are not also said to be empty)."""
    return {p.split(" ", 1)[0] for p in problems if "must be a list" in p}


def _category_depth(paths: Sequence[str], category: str | None) -> int | None:
    """How deep the matching path is (0 for an entry without categories), or None."""
    if not paths:
        return 0
    if category is None:
        return None
    fits = [p.count("/") + 1 for p in paths if category == p or category.startswith(p + "/")]
    return max(fits) if fits else None
