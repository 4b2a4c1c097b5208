"""The hazard lexicon: finds hints of injury, fire, electric shock, spoilage, foreign objects,
allergic reactions and choking in a complaint, and tells negated hints from real ones.

Safety must not be missed, so the rules lean one way: a hint counts unless a negation clearly
governs it. A negation governs a hint only inside the same clause (「不但没有修好，反而冒烟」 and
"no problem until it started smoking" are hazards) and only when nothing but filler words stand
between them (「没用几天就冒烟」 is a hazard; 「没有出现冒烟」 is not). Questions and worries
(「有没有漏电」, 「会不会漏电」) are hints, not negations. A hint in a list after a negated one
inherits the negation (「没有冒烟、漏电」, "no smoke or sparks").
"""

# Chinese text uses full-width punctuation on purpose.

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001, RUF002

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from aftersales.triage.labels import HAZARD_FAMILIES
from aftersales.triage.lexicon_terms import (
    CONTEXTS,
    EN_MASKS,
    EN_TERMS,
    ZH_MASKS,
    ZH_TERMS,
    TermSpec,
)
from aftersales.triage.prefilter import first_chars, guarded

__all__ = ["HazardHit", "HazardScan", "fingerprint", "scan"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# How far around a term its context may be (characters of normalised text): a clause in
# Chinese, half a dozen words in English.
_CONTEXT_WINDOW = {"zh": 12, "en": 40}
# How far back a negation may be; the clause usually ends the search well before.
_LOOKBACK = 40


@dataclass(frozen=True, slots=True)
class HazardHit:
    family: str
    term: str
    start: int
    negated: bool


@dataclass(frozen=True, slots=True)
class HazardScan:
    hits: tuple[HazardHit, ...] = ()

    @property
    def families(self) -> tuple[str, ...]:
        """Families with at least one hint that is not negated, in lexicon order."""
        found = {hit.family for hit in self.hits if not hit.negated}
        return tuple(f for f in HAZARD_FAMILIES if f in found)

    @property
    def negated_families(self) -> tuple[str, ...]:
        """Families mentioned only under a negation."""
        live = set(self.families)
        found = {hit.family for hit in self.hits if hit.negated and hit.family not in live}
        return tuple(f for f in HAZARD_FAMILIES if f in found)

    @property
    def hazard(self) -> bool:
        return any(not hit.negated for hit in self.hits)

    def without_negated(self, text: str) -> str:
        """The scanned text with every negated hint blanked out, for the model to read:
        「没有漏电」 is no evidence of a leak, and its n-grams must not count as such."""
        spans = [(h.start, h.start + len(h.term)) for h in self.hits if h.negated]
        if not spans:
            return text
        chars = list(text)
        for start, end in spans:
            chars[start:end] = " " * (end - start)
        return "".join(chars)


@dataclass(frozen=True, slots=True)
class _Group:
    family: str
    context: str | None
    lang: str


def _en(pattern: str) -> str:
    return f"(?<![a-z0-9])(?:{pattern})(?![a-z])"


_SPECS: list[tuple[str, TermSpec]] = [("zh", s) for s in ZH_TERMS] + [("en", s) for s in EN_TERMS]


@dataclass(frozen=True, slots=True)
class _Compiled:
    pattern: re.Pattern[str]
    group: _Group
    starts: frozenset[str] | None  # every character a term of the group can start with


def _compile_terms() -> list[_Compiled]:
    compiled = []
    for lang, (family, context, terms) in _SPECS:
        body = "|".join(terms)
        starts = first_chars(body)
        pattern = guarded(body if lang == "zh" else _en(body), starts)
        compiled.append(_Compiled(re.compile(pattern), _Group(family, context, lang), starts))
    return compiled


# Each group is searched on its own: in one combined pattern, a term whose context fails
# ("swollen" with no battery near it) would hide another family's reading of the same words
# ("swollen" lips). A group none of whose terms can start with a character of the text is not
# searched at all, which leaves a handful of searches for a typical complaint.
_GROUPS = _compile_terms()
_MASK = re.compile(
    guarded(
        "|".join([*ZH_MASKS, *(_en(m) for m in EN_MASKS)]),
        first_chars("|".join([*ZH_MASKS, *EN_MASKS])),
    )
)
_CONTEXT = {key: re.compile(f"{ctx.zh}|{_en(ctx.en)}") for key, ctx in CONTEXTS.items()}

_BREAK = re.compile(
    r"[。!?;:\n,…~～]|但是?|可是|却|结果|反而|然后|后来|然而|竟然|居然|直到|而且|并且|不过|只是|"
    r"就是|"
    + _en(
        "but|until|till|then|however|though|although|yet|except|after|now|when|while|because|so|"
        "suddenly|later|instead|eventually|finally"
    )
)
_ZH_FILL = (
    "(?:出现|发现|看到|看见|见到|闻到|感到|感觉到?|发生|什么|任何|一点|一丝|半点|过|有|被|把|会|是|"
    "太|很|怎么|那么|特别|算|再|明显|丝毫|一次|再次|产生|引起|造成|导致|存在|遇到|碰到|啥|的)"
)
_ZH_NEG = re.compile(
    f"(?:没有|没|不|无|未|并未|从未|从没有?|毫无|绝无|不会|不再|别){_ZH_FILL}{{0,3}}$"
)
_ZH_QUESTION = re.compile(
    f"(?:有没有|会不会|是不是|算不算|能不能|有无|是否|会否){_ZH_FILL}{{0,3}}$"
)
# Used with ``match(text, pos)``, which anchors at ``pos`` by itself (a ``^`` would not).
_ZH_NEG_AFTER = re.compile(
    r"(?:的)?(?:情况|问题|现象|迹象|之类的?)?(?:倒是|倒|是|也|都|并|还|暂时|目前|确实|真的|完全|"
    r"根本|从来|一直)?(?:没有|没|不存在|没发生过?|没出现过?|无)(?:的|过|了|啊|哈|吧|呢)?\s*"
    r"(?:[，。,.!?;；]|$)"
)
_EN_WORD = re.compile(r"[a-z']+")
_EN_NEG = _words(
    "no not never without none nothing zero nor neither cannot didn't didnt doesn't doesnt "
    "don't dont wasn't wasnt weren't isn't isnt aren't hasn't hasnt haven't havent hadn't "
    "won't wont wouldn't couldn't can't cant shouldn't ain't unless nobody noone"
)
_EN_FILL = _words(
    "any a an the signs sign of even at all ever evidence trace traces hint hints single bit "
    "real there was were is are been be has have had it this that get got see saw seen notice "
    "noticed smell smelled smelt feel felt detect detected really actually or nor and visible "
    "obvious kind sort type problem problems issue issues risk with absolutely completely "
    "totally definitely certainly caused cause causing it's its there's they're he's she's one "
    "reported"
)
_EN_MAX_FILL = 6
_JOINER = re.compile(r"^\s*(?:、|和|或者?|或是|及|与|/|or|nor|and|&)?\s*$")


def fingerprint() -> str:
    """SHA-256 of what the lexicon finds: its terms, masks, contexts and negation rules.

    The model learns from the lexicon's readings (a negated hint is taken out of the text, and
    each family found is a feature), so a model is tied to the lexicon it was trained with, as
    to its corpus: the fingerprint is part of the model's version, and a test fails when the
    lexicon changes and the shipped model is not retrained. A rule added here must be added to
    this list too."""
    rules = [
        [[lang, *spec] for lang, spec in _SPECS],
        [*ZH_MASKS, "|", *EN_MASKS],
        {key: [ctx.zh, ctx.en] for key, ctx in sorted(CONTEXTS.items())},
        [_BREAK.pattern, _ZH_NEG.pattern, _ZH_QUESTION.pattern, _ZH_NEG_AFTER.pattern],
        [sorted(_EN_NEG), sorted(_EN_FILL), _EN_MAX_FILL, _JOINER.pattern],
        [_CONTEXT_WINDOW, _LOOKBACK],
    ]
    text = json.dumps(rules, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def scan(normalised: str, category: str | None = None) -> HazardScan:
    """Find hazard hints in normalised text (see ``text.normalise``), negated or not."""
    present = set(normalised)
    groups = [g for g in _GROUPS if g.starts is None or not g.starts.isdisjoint(present)]
    # Masking only removes matches, so text in which no term matches needs no masking.
    if not any(g.pattern.search(normalised) for g in groups):
        return HazardScan()
    masked = _MASK.sub(lambda m: " " * len(m.group()), normalised)
    root = category.split("/", 1)[0] if category else None
    found: list[tuple[int, int, _Group, str]] = []
    for compiled in groups:
        group = compiled.group
        for match in compiled.pattern.finditer(masked):
            start, end = match.span()
            if group.context is None or _in_context(masked, start, end, group, root):
                found.append((start, -end, group, match.group()))
    hits: list[HazardHit] = []
    for start, neg_end, group, term in sorted(found, key=lambda f: (f[0], f[1])):
        end = -neg_end
        negated = _inherits(masked, hits, start) or _negated(masked, start, end, group.lang)
        hits.append(HazardHit(group.family, term, start, negated))
    return HazardScan(tuple(hits))


def _in_context(text: str, start: int, end: int, group: _Group, root: str | None) -> bool:
    context = CONTEXTS[group.context or ""]
    if root is not None and root in context.roots:
        return True
    window = _CONTEXT_WINDOW[group.lang]
    return (
        _CONTEXT[group.context or ""].search(text, max(0, start - window), end + window) is not None
    )


def _inherits(text: str, hits: list[HazardHit], start: int) -> bool:
    if not hits:
        return False
    last = hits[-1]
    last_end = last.start + len(last.term)
    return last.negated and last_end <= start and _JOINER.match(text[last_end:start]) is not None


def _clause_before(text: str, start: int) -> str:
    window = text[max(0, start - _LOOKBACK) : start]
    cut = 0
    for brk in _BREAK.finditer(window):
        cut = brk.end()
    return window[cut:].rstrip()


def _negated(text: str, start: int, end: int, lang: str) -> bool:
    clause = _clause_before(text, start)
    if lang == "en":
        return _en_negated(clause)
    if _ZH_QUESTION.search(clause):
        return False
    return bool(_ZH_NEG.search(clause) or _ZH_NEG_AFTER.match(text, end))


def _en_negated(clause: str) -> bool:
    words = _EN_WORD.findall(clause)
    for skipped, word in enumerate(reversed(words)):
        if word in _EN_NEG:
            return True
        if word not in _EN_FILL or skipped >= _EN_MAX_FILL:
            return False
    return False
