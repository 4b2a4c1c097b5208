"""Recurring faults of one product: the issue types its complaints are about, and the phrases
they keep repeating (「屏幕闪烁」, "battery drains"), with counts, trend and example cases.

Phrases are mined without a model, so the merchant can see why a phrase is listed: character
n-grams of Chinese (2 to 6 characters) and word n-grams of English (1 to 3 words), counted once
per complaint. A phrase must recur (``min_cases``); it must not begin or end with a function
character (的, 了, 我…) nor be a stop word; a shorter phrase is dropped when a longer one that
contains it is said by most of the same complaints (so 「屏幕闪烁」 stands, not 「屏幕闪」 and
「幕闪烁」).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from aftersales.triage.text import normalise

__all__ = ["Complaint", "FaultReport", "IssueCount", "Phrase", "recurring_faults"]

_TEXT_CHARS = 600  # a complaint's gist is in its first sentences
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
_WORD = re.compile(r"[a-z][a-z'-]*[a-z]|[a-z]")
_EDGE_CHARS = frozenset(
    "的了是我你他她它们这那就都也很太吗呢吧啊呀哦么还又在和与及或但可要会能给把被让个一不没有"
)
_STOP_WORDS = frozenset(
    re.findall(
        r"\S+",
        """a an the and or but so to of in on at for with from by is are was were be been it its
    this that these those i me my we our you your he she they them their there here have has
    had do does did not no very too just only also again after before when then than still
    can could would will should get got one two after-sales please what which who why how all
    any some more most much many really item product order bought received""",
    )
)
_STOP_PHRASES = frozenset(
    {"商品", "东西", "收到", "快递", "客服", "商家", "卖家", "这个", "一个", "什么", "已经", "就是",
     "但是", "可以", "还是", "非常", "真的", "时候", "问题", "退货", "退款", "售后", "希望", "处理"}
)  # fmt: skip
_OVERLAP = 0.7  # a longer phrase said by this share of the shorter one's complaints replaces it


@dataclass(frozen=True, slots=True)
class Complaint:
    case_id: str
    issue_type: str
    text: str
    opened_at: datetime


@dataclass(frozen=True, slots=True)
class IssueCount:
    issue_type: str
    count: int
    share: float
    recent: int  # in the later half of the period
    earlier: int  # in the earlier half
    trend: str  # rising | falling | steady
    examples: tuple[str, ...]  # case ids, newest first


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str
    count: int  # complaints that say it
    recent: int
    earlier: int
    trend: str
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FaultReport:
    cases: int
    since: datetime
    until: datetime
    issue_types: tuple[IssueCount, ...]
    phrases: tuple[Phrase, ...]


def recurring_faults(
    complaints: Iterable[Complaint],
    *,
    since: datetime,
    until: datetime,
    top: int = 10,
    min_cases: int = 2,
    examples: int = 3,
) -> FaultReport:
    """Issue types by count and the recurring phrases of the complaints opened in the period."""
    found = sorted(
        (c for c in complaints if since <= c.opened_at <= until),
        key=lambda c: (c.opened_at, c.case_id),
        reverse=True,
    )
    middle = since + (until - since) / 2
    return FaultReport(
        cases=len(found),
        since=since,
        until=until,
        issue_types=_issue_counts(found, middle, examples),
        phrases=_phrases(found, middle, top, min_cases, examples),
    )


def _issue_counts(found: Sequence[Complaint], middle: datetime, n: int) -> tuple[IssueCount, ...]:
    groups: dict[str, list[Complaint]] = defaultdict(list)
    for c in found:
        groups[c.issue_type].append(c)
    counts = []
    for issue_type, group in groups.items():
        recent, earlier = _halves(group, middle)
        counts.append(
            IssueCount(
                issue_type=issue_type,
                count=len(group),
                share=round(len(group) / len(found), 4),
                recent=recent,
                earlier=earlier,
                trend=_trend(recent, earlier),
                examples=tuple(c.case_id for c in group[:n]),
            )
        )
    return tuple(sorted(counts, key=lambda i: (-i.count, i.issue_type)))


def _phrases(
    found: Sequence[Complaint], middle: datetime, top: int, min_cases: int, n: int
) -> tuple[Phrase, ...]:
    said: dict[str, list[Complaint]] = defaultdict(list)
    for c in found:
        for phrase in _candidates(c.text):
            said[phrase].append(c)
    counts = Counter({p: len(cs) for p, cs in said.items() if len(cs) >= min_cases})
    chosen: list[Phrase] = []
    for phrase in _representatives(counts, top):
        recent, earlier = _halves(said[phrase], middle)
        cases = tuple(c.case_id for c in said[phrase][:n])
        trend = _trend(recent, earlier)
        chosen.append(Phrase(phrase, counts[phrase], recent, earlier, trend, cases))
    return tuple(chosen)


def _candidates(text: str) -> set[str]:
    """Every phrase a complaint says (each once)."""
    normalised = normalise(text[:_TEXT_CHARS])
    phrases: set[str] = set()
    for run in _HAN_RUN.findall(normalised):
        for size in range(2, 7):
            phrases.update(
                g
                for i in range(len(run) - size + 1)
                if (g := run[i : i + size])[0] not in _EDGE_CHARS
                and g[-1] not in _EDGE_CHARS
                and g not in _STOP_PHRASES
            )
    words = _WORD.findall(normalised)
    for size in range(1, 4):
        for i in range(len(words) - size + 1):
            gram = words[i : i + size]
            if gram[0] in _STOP_WORDS or gram[-1] in _STOP_WORDS:
                continue
            if size == 1 and len(gram[0]) < 4:
                continue  # a short word alone ("ok", "bad") says nothing recurring
            phrases.add(" ".join(gram))
    return phrases


def _representatives(counts: Counter[str], top: int) -> list[str]:
    """The phrases worth showing, most said first: each longer phrase that most of a shorter
    one's complaints say stands for it, and no phrase shown is inside another shown."""
    container: Counter[str] = Counter()  # phrase → the count of its most said longer phrase
    for q, n in counts.items():
        for p in _parts(q):
            container[p] = max(container[p], n)
    kept = [p for p in counts if container[p] < _OVERLAP * counts[p]]
    kept.sort(key=lambda p: (-counts[p], -len(p), p))
    shown: list[str] = []
    for p in kept:
        if len(shown) == top:
            break
        if not any(_inside(p, q) or _inside(q, p) for q in shown):
            shown.append(p)
    return shown


def _parts(phrase: str) -> set[str]:
    """The shorter phrases inside a phrase (word n-grams of English, substrings of Chinese)."""
    units: Sequence[str] = phrase.split() if phrase.isascii() else phrase
    glue = " " if phrase.isascii() else ""
    n = len(units)
    return {glue.join(units[i : i + size]) for size in range(1, n) for i in range(n - size + 1)}


def _inside(short: str, long: str) -> bool:
    if short.isascii() and long.isascii():
        return f" {short} " in f" {long} "
    return short in long


def _halves(group: Sequence[Complaint], middle: datetime) -> tuple[int, int]:
    recent = sum(1 for c in group if c.opened_at >= middle)
    return recent, len(group) - recent


def _trend(recent: int, earlier: int) -> str:
    """Rising or falling only on a difference that is not luck (at least 2, and half again)."""
    if recent - earlier >= 2 and recent >= 1.5 * earlier:
        return "rising"
    if earlier - recent >= 2 and earlier >= 1.5 * recent:
        return "falling"
    return "steady"
