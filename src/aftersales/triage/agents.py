"""Agents: the people who work the queues, and the rules a profile must keep.

A merchant's agent serves that merchant's own queues and never a platform queue; a platform
agent (no merchant) serves the platform's queues only. A skill no case of the agent's pool could
ever need is refused rather than kept, so that nobody waits for work that cannot come.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from aftersales.domain.categories import is_known
from aftersales.errors import Text, ValidationFailed
from aftersales.triage.dispatch import PLATFORM_QUEUES, SAFETY_QUEUES, AgentSlot

__all__ = ["AGENT_LANGUAGES", "MAX_CAPACITY", "Agent", "check_capacity", "check_profile"]

AGENT_LANGUAGES = frozenset({"zh", "en"})
MAX_CAPACITY = 1000
# What a platform agent can be given: everything the platform's pool ever files a case under.
PLATFORM_SKILLS = PLATFORM_QUEUES | SAFETY_QUEUES
_CAPACITY = Text(
    f"capacity must be between 1 and {MAX_CAPACITY} open cases",
    f"接待上限须为 1 到 {MAX_CAPACITY} 个进行中的售后单",
)


@dataclass(frozen=True, slots=True)
class Agent:
    id: str
    merchant_id: str | None  # None: a platform agent
    name: str
    queues: tuple[str, ...]
    languages: tuple[str, ...]
    categories: tuple[str, ...]
    capacity: int
    online: bool
    open_cases: int
    created_at: datetime
    updated_at: datetime

    @property
    def slot(self) -> AgentSlot:
        """The agent as dispatch weighs it."""
        return AgentSlot(
            id=self.id,
            merchant_id=self.merchant_id,
            queues=frozenset(self.queues),
            languages=frozenset(self.languages),
            categories=frozenset(self.categories),
            capacity=self.capacity,
            open_cases=self.open_cases,
            online=self.online,
        )


def check_profile(
    *,
    merchant_id: str | None,
    queues: Iterable[str],
    languages: Iterable[str],
    categories: Iterable[str],
    capacity: int,
    merchant_queues: Iterable[str],
) -> None:
    """Refuse a profile dispatch could not use; ``merchant_queues``: the queues the policy in
    force may route a merchant's cases to."""
    problems = [
        *_queue_problems(merchant_id, set(queues), set(merchant_queues)),
        *(
            Text(f"unknown language {lang}", f"未知的语言 {lang}")
            for lang in sorted(set(languages) - AGENT_LANGUAGES)
        ),
        *(
            Text(f"unknown category {c}", f"未知的类目 {c}")
            for c in sorted(set(categories))
            if not is_known(c)
        ),
    ]
    if not set(languages):
        problems.append(
            Text("an agent needs at least one language (zh, en)", "客服至少需要一种语言（zh、en）")
        )
    if not 1 <= capacity <= MAX_CAPACITY:
        problems.append(_CAPACITY)
    if problems:
        english = [p.en for p in problems]
        text = Text("; ".join(english), "；".join(p.zh for p in problems))
        raise ValidationFailed(text, errors=english)


def check_capacity(capacity: int) -> None:
    if not 1 <= capacity <= MAX_CAPACITY:
        raise ValidationFailed(_CAPACITY, errors=[_CAPACITY.en])


def _queue_problems(merchant_id: str | None, queues: set[str], merchant: set[str]) -> list[Text]:
    if not queues:
        return [Text("an agent needs at least one queue", "客服至少需要一个队列")]
    if merchant_id is None:
        return _platform_queue_problems(queues, merchant)
    platform_only = sorted(queues & PLATFORM_QUEUES)
    problems = [
        Text(f"queue {q} is served by platform agents only", f"队列 {q} 仅由平台客服处理")
        for q in platform_only
    ]
    unknown = sorted(queues - PLATFORM_QUEUES - merchant)
    if unknown:
        problems += [*(_unknown_queue(q) for q in unknown), _merchants_work(merchant)]
    return problems


def _platform_queue_problems(queues: set[str], merchant: set[str]) -> list[Text]:
    # Leaving out the merchant makes a platform agent: say so, and which queues each kind works,
    # or "general is a merchant's queue" reads as if the queue itself were wrong.
    wrong = sorted(queues - PLATFORM_SKILLS)
    if not wrong:
        return []
    said = [
        Text(f"queue {q} is a merchant's queue", f"队列 {q} 是商家队列")
        if q in merchant
        else _unknown_queue(q)
        for q in wrong
    ]
    platform = sorted(PLATFORM_SKILLS)
    return [
        *said,
        Text(
            f"a platform agent (one without a merchant) works {', '.join(platform)}",
            f"平台客服（不属于任何商家）处理的队列：{'、'.join(platform)}",
        ),
        _merchants_work(merchant),
    ]


def _unknown_queue(queue: str) -> Text:
    return Text(f"unknown queue {queue}", f"未知的队列 {queue}")


def _merchants_work(merchant: set[str]) -> Text:
    queues = sorted(merchant)
    return Text(
        f"a merchant's agent works {', '.join(queues)}",
        f"商家客服处理的队列：{'、'.join(queues)}",
    )
