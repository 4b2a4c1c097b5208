"""Complaint texts in Chinese and English, written from a small grammar per issue type.

A complaint is a sentence frame, the product's name, what went wrong (``PHRASES``), sometimes
when, and what the buyer asks for (``ASK``). Frames and phrases are drawn from the generator,
so one seed writes the same words.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import numpy as np

from aftersales.simulation.complaint_phrases import ASK, PHRASES

__all__ = ["complaint", "known_issue"]

_ZH_FRAMES = (
    "{item}{symptom}，{ask}",
    "收到{days}，{item}{symptom}。{ask}",
    "刚买的{item}{symptom}，{tail}{ask}",
    "你好，我买的{item}{symptom}，{ask}",
    "{item}{days}就{symptom}，{tail}{ask}",
)
_EN_FRAMES = (
    "The {item} {symptom}. {ask}",
    "My {item} {symptom} {days}. {ask}",
    "Hi, the {item} I bought {symptom}. {tail}{ask}",
    "{tail}The {item} {symptom}. {ask}",
)
_ZH_TAILS = ("太失望了，", "很不满意，", "第一次遇到这种情况，", "", "")
_EN_TAILS = ("Really disappointed. ", "Not happy at all. ", "", "")


def known_issue(issue: str, root: str) -> bool:
    """Whether the grammar has words for this issue in this category root."""
    return (issue, root) in PHRASES or (issue, "*") in PHRASES


def complaint(
    issue: str,
    root: str,
    item_zh: str,
    item_en: str,
    case_type: str,
    days: int,
    language: str,
    rng: np.random.Generator,
) -> str:
    """One buyer's words about the problem, in their language."""
    zh, en = PHRASES.get((issue, root)) or PHRASES[(issue, "*")]
    ask_zh, ask_en = ASK[case_type]
    if language == "en":
        return _pick(rng, _EN_FRAMES).format(
            item=item_en,
            symptom=_pick(rng, en),
            days=_days_en(days),
            ask=_pick(rng, ask_en),
            tail=_pick(rng, _EN_TAILS),
        )
    return _pick(rng, _ZH_FRAMES).format(
        item=item_zh,
        symptom=_pick(rng, zh),
        days=_days_zh(days),
        ask=_pick(rng, ask_zh),
        tail=_pick(rng, _ZH_TAILS),
    )


def _days_zh(days: int) -> str:
    return "当天" if days <= 0 else f"才{days}天"


def _days_en(days: int) -> str:
    return "the day it arrived" if days <= 0 else f"after {days} days"


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]
