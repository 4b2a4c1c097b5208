"""The automatic first reply to a new case: which knowledge-base entry, in which language, and
whether it carries a concrete next step.

A reply carries a concrete step when it answers what the complaint is about: its entry was
chosen for the case's issue type (not the acknowledgement said when nothing fits), and triage
was sure enough of that issue type not to send the case to people. Only such a reply may count
as the merchant's first response (``Case.post_auto_reply`` adds the clock's side of the rule);
docs/decisions/0016-dispatch-and-first-replies.md says why.

Safety comes first here too: a hint of a hazard picks the hazard's entry (stop using it, keep
it, photograph the batch) whatever else the complaint is about, and such an item is never told
to be packed and sent back.
"""

# ruff: noqa: RUF001 (Chinese punctuation in the Chinese frame)

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from aftersales.triage.knowledge_base import Entry, KnowledgeBase
from aftersales.triage.labels import FAMILY_ISSUE, SAFETY_ISSUE_TYPES

__all__ = ["Reply", "ReplyDrafter", "Situation", "compose", "reply_languages", "topic"]

# Greeting, the lead's line, the steps' heading, the evidence line, the signature.
_FRAME = {
    "zh": ("您好！", "接下来请您：", "请在售后单中补充：{items}。", "（平台自动回复）"),
    "en": (
        "Hello,",
        "What to do next:",
        "Please add to the case: {items}.",
        "(An automatic reply from the platform.)",
    ),
}
_LIST_SEPARATOR = {"zh": "、", "en": ", "}


@dataclass(frozen=True, slots=True)
class Situation:
    """What the reply is chosen from: the triage of the complaint, the product, the policy."""

    issue_type: str
    language: str  # triage's: zh, en, mixed, unknown
    needs_human: bool = False
    safety: bool = False
    hazards: tuple[str, ...] = ()
    category: str | None = None
    brand: str = ""
    model: str = ""
    evidence: tuple[str, ...] = ()  # what the policy asks the consumer to provide
    sends_item_back: bool = False  # the first remedy returns the item (a return, an exchange)
    text: str = ""  # the complaint: entries with keywords answer only what it says


@dataclass(frozen=True, slots=True)
class Reply:
    entry: str  # the knowledge-base entry it was built from
    revision: int  # of that entry: 0 as shipped, n after operators' n-th edit
    language: str  # zh, en, or zh+en when the complaint's language is unknown
    body: str
    steps: tuple[str, ...]  # the steps of the first language, as numbered in the body
    concrete_step: bool


class ReplyDrafter(Protocol):
    """An optional writer of a friendlier opening (an LLM, say); the steps are never its own.

    Return None to keep the knowledge base's lead. It must not raise for a bad answer."""

    def draft_lead(self, complaint: str, reply: Reply) -> str | None: ...


def reply_languages(language: str) -> tuple[str, ...]:
    """The consumer's language; mixed text is mostly Chinese with English names in it; text we
    cannot read gets both."""
    if language == "en":
        return ("en",)
    if language == "unknown":
        return ("zh", "en")
    return ("zh",)


def topic(s: Situation) -> str | None:
    """The issue type the reply answers, or None when triage cannot tell what the case is."""
    if s.safety:
        if s.issue_type in SAFETY_ISSUE_TYPES:
            return s.issue_type
        if s.hazards:
            return FAMILY_ISSUE[s.hazards[0]]
    return None if s.needs_human else s.issue_type


def compose(kb: KnowledgeBase, s: Situation, lead: str | None = None) -> Reply:
    """The reply for the situation; ``lead`` replaces the entry's opening (one language only)."""
    subject = topic(s)
    entry = kb.find(subject, s.category, s.brand, s.model, s.text) if subject else kb.fallback
    languages = reply_languages(s.language)
    blocks = [
        _block(kb, entry, s, lang, lead if len(languages) == 1 else None) for lang in languages
    ]
    return Reply(
        entry=entry.id,
        revision=entry.revision,
        language="+".join(languages),
        body="\n\n".join(text for text, _ in blocks),
        steps=blocks[0][1],
        concrete_step=entry is not kb.fallback and not s.needs_human,
    )


def _block(
    kb: KnowledgeBase, entry: Entry, s: Situation, lang: str, lead: str | None
) -> tuple[str, tuple[str, ...]]:
    guidance = entry.guidance[lang]
    steps = guidance.steps
    if s.sends_item_back and not s.safety and entry is not kb.fallback:
        steps = steps + kb.returns[lang]
    greeting, intro, ask, footer = _FRAME[lang]
    lines = [greeting, lead.strip() if lead else guidance.lead, intro]
    lines += [f"{n}. {step}" for n, step in enumerate(steps, 1)]
    items = _evidence(kb.evidence, s.evidence, lang)
    if items:
        lines.append(ask.format(items=items))
    lines.append(footer)
    return "\n".join(lines), steps


def _evidence(known: Mapping[str, Mapping[str, str]], wanted: tuple[str, ...], lang: str) -> str:
    # Evidence the base has no words for is left out rather than shown as a code name.
    names = [known[w][lang] for w in wanted if w in known]
    return _LIST_SEPARATOR[lang].join(names)
