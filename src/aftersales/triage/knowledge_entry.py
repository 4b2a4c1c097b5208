"""One entry of the knowledge base of first replies: what it holds, and the checks every entry
passes, whether it comes from the shipped file, an operator's edit through the API or a file
imported with ``aftersales kb import``.

An entry answers complaints of some issue types, optionally narrowed to categories (a path
covers its children), brands, models and keywords (the complaint must say one of them), with a
lead sentence and concrete steps in Chinese and in English. Every problem of an entry is
reported at once, each naming its field.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aftersales.domain.categories import is_known
from aftersales.errors import Text
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
    raw: Any, where: str | Text = "entry", *, fallback: bool = False, revision: int = 0
) -> Entry:
    """An entry from its document (a mapping of plain values); ``KnowledgeError`` lists every
    problem (its ``errors``), each starting with the field's name."""
    place = _place(where)
    if not isinstance(raw, Mapping):
        not_mapping = Text(f"{place.en}: expected a mapping", f"{place.zh}：应为映射（键值对）")
        raise KnowledgeError(not_mapping, errors=[not_mapping.en])
    problems: list[Text] = []
    entry_id = _entry_id(raw.get("id"), problems)
    if entry_id:
        place = Text(f"{place.en} ({entry_id})", f"{place.zh}（{entry_id}）")
    problems += [Text(f"unknown field {k!s}", f"未知字段 {k!s}") for k in raw if k not in FIELDS]
    issue_types = _issue_types(raw, problems, required=not fallback)
    categories = _strings(raw, "categories", problems, most=LIMITS["names"])
    bad = [c for c in categories if not is_known(c)]
    if bad:
        problems.append(
            Text(
                f"categories: unknown categories {', '.join(bad)}",
                f"categories：未知的类目 {'、'.join(bad)}",
            )
        )
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
        english = [p.en for p in problems]
        text = Text(
            f"{place.en}: {'; '.join(english)}", f"{place.zh}：{'；'.join(p.zh for p in problems)}"
        )
        raise KnowledgeError(text, errors=english)
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


def _place(where: str | Text) -> Text:
    """Where the entry is, as each language's refusal names it (an API's entry by default)."""
    if isinstance(where, Text):
        return where
    return Text(where, "条目" if where == "entry" else where)


def _entry_id(raw: Any, problems: list[Text]) -> str | None:
    if not isinstance(raw, str) or not raw:
        problems.append(Text("id must be a non-empty string", "id 须为非空字符串"))
        return None
    if not re.fullmatch(ID_PATTERN, raw):
        problems.append(
            Text(
                f"id {raw!r} must be 1-64 characters of a-z, 0-9, '_', '.' or '-', "
                "starting with a letter or a digit",
                f"id {raw!r} 须为 1 到 64 个字符，只能包含 a-z、0-9、'_'、'.' 或 '-'，"
                "且以字母或数字开头",
            )
        )
    return raw


def _issue_types(
    raw: Mapping[str, Any], problems: list[Text], *, required: bool
) -> tuple[str, ...]:
    found = _strings(raw, "issue_types", problems, most=len(ISSUE_TYPES))
    if required and not found and "issue_types" not in _failed(problems):
        problems.append(Text("issue_types must not be empty", "issue_types 不能为空"))
    unknown = [t for t in found if t not in ISSUE_TYPES]
    if unknown:
        problems.append(
            Text(
                f"issue_types: unknown issue types {', '.join(unknown)}",
                f"issue_types：未知的问题类型 {'、'.join(unknown)}",
            )
        )
    if _ANSWERED_BY_FALLBACK in found:
        problems.append(
            Text(
                "issue_types: 'other' means triage cannot tell what the complaint is about; "
                "only the acknowledgement answers it",
                "issue_types：'other' 表示分诊无法判断投诉的问题，只能由通用的受理回复来答复",
            )
        )
    return found


def _guidance(raw: Any, lang: str, problems: list[Text]) -> Guidance | None:
    if not isinstance(raw, Mapping):
        problems.append(
            Text(
                f"{lang}: expected a mapping with a lead and steps (zh and en are both required)",
                f"{lang}：应为包含 lead 和 steps 的映射（zh 和 en 都必须填写）",
            )
        )
        return None
    unknown = [k for k in raw if k not in ("lead", "steps")]
    problems += [Text(f"{lang}: unknown field {k!s}", f"{lang}：未知字段 {k!s}") for k in unknown]
    lead = raw.get("lead")
    if not isinstance(lead, str) or not lead.strip():
        problems.append(
            Text(f"{lang}.lead must be a non-empty string", f"{lang}.lead 须为非空字符串")
        )
        lead = ""
    elif len(lead.strip()) > LIMITS["lead"]:
        problems.append(
            Text(
                f"{lang}.lead is longer than {LIMITS['lead']} characters",
                f"{lang}.lead 超过了 {LIMITS['lead']} 个字符",
            )
        )
    key = f"{lang}.steps"
    steps = _strings(raw, "steps", problems, most=LIMITS["steps"], longest=LIMITS["step"], name=key)
    if not steps and key not in _failed(problems):
        problems.append(
            Text(
                f"{key} must not be empty: a reply needs at least one concrete step",
                f"{key} 不能为空：回复至少需要一个具体步骤",
            )
        )
    return Guidance(lead.strip(), steps)


def _keywords(raw: Mapping[str, Any], problems: list[Text]) -> tuple[str, ...]:
    found = _strings(raw, "keywords", problems, most=LIMITS["keywords"], longest=LIMITS["keyword"])
    short = [k for k in found if len(k) < 2]
    if short:
        # One character (「电」, "a") is in too many complaints to say what one is about.
        problems.append(
            Text(
                f"keywords: {', '.join(short)} too short (at least 2 characters)",
                f"keywords：{'、'.join(short)} 太短（至少 2 个字符）",
            )
        )
    return found


def _strings(
    raw: Mapping[str, Any],
    key: str,
    problems: list[Text],
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
        problems.append(
            Text(f"{name} must be a list of non-empty strings", f"{name} 须为非空字符串的列表")
        )
        return ()
    if len(value) > most:
        problems.append(Text(f"{name}: at most {most} items", f"{name}：最多 {most} 项"))
    if any(len(v.strip()) > longest for v in value):
        problems.append(
            Text(
                f"{name}: an item is longer than {longest} characters",
                f"{name}：有一项超过了 {longest} 个字符",
            )
        )
    return tuple(dict.fromkeys(v.strip() for v in value))


def _failed(problems: Sequence[Text]) -> set[str]:
    """The fields already reported as malformed (so they are not also said to be empty)."""
    return {p.en.split(" ", 1)[0] for p in problems if "must be a list" in p.en}


def _category_depth(paths: Sequence[str], category: str | None) -> int | None:
    """How deep the matching path is (0 for an entry without categories), or None."""
    if not paths:
        return 0
    if category is None:
        return None
    fits = [p.count("/") + 1 for p in paths if category == p or category.startswith(p + "/")]
    return max(fits) if fits else None
