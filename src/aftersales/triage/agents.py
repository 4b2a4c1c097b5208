"""Agents: the people who work the queues, and the rules a profile must keep.

A merchant's agent serves that merchant's own queues and never a platform queue; a platform
agent (no merchant) serves the platform's queues only. A skill no case of the agent's pool could
ever need is refused rather than kept, so that nobody waits for work that cannot come.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from aftersales.domain.categories import is_known
from aftersales.errors import ValidationFailed
from aftersales.triage.dispatch import PLATFORM_QUEUES, SAFETY_QUEUES, AgentSlot

__all__ = ["AGENT_LANGUAGES", "MAX_CAPACITY", "Agent", "check_capacity", "check_profile"]

AGENT_LANGUAGES = frozenset({"zh", "en"})
MAX_CAPACITY = 1000
# What a platform agent can be given: everything the platform's pool ever files a case under.
PLATFORM_SKILLS = PLATFORM_QUEUES | SAFETY_QUEUES
_CAPACITY = f"capacity must be between 1 and {MAX_CAPACITY} open cases"


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
        *(f"unknown language {lang}" for lang in sorted(set(languages) - AGENT_LANGUAGES)),
        *(f"unknown category {c}" for c in sorted(set(categories)) if not is_known(c)),
    ]
    if not set(languages):
        problems.append("an agent needs at least one language (zh, en)")
    if not 1 <= capacity <= MAX_CAPACITY:
        problems.append(_CAPACITY)
    if problems:
        raise ValidationFailed("; ".join(problems), errors=problems)


def check_capacity(capacity: int) -> None:
    if not 1 <= capacity <= MAX_CAPACITY:
        raise ValidationFailed(_CAPACITY, errors=[_CAPACITY])


def _queue_problems(merchant_id: str | None, queues: set[str], merchant: set[str]) -> list[str]:
    if not queues:
        return ["an agent needs at least one queue"]
    if merchant_id is None:
        return _platform_queue_problems(queues, merchant)
    platform_only = sorted(queues & PLATFORM_QUEUES)
    problems = [f"queue {q} is served by platform agents only" for q in platform_only]
    unknown = sorted(queues - PLATFORM_QUEUES - merchant)
    if unknown:
        problems += [*(f"unknown queue {q}" for q in unknown), _merchants_work(merchant)]
    return problems


def _platform_queue_problems(queues: set[str], merchant: set[str]) -> list[str]:
    # Leaving out the merchant makes a platform agent: say so, and which queues each kind works,
    # or "general is a merchant's queue" reads as if the queue itself were wrong.
    wrong = sorted(queues - PLATFORM_SKILLS)
    if not wrong:
        return []
    said = [
        f"queue {q} is a merchant's queue" if q in merchant else f"unknown queue {q}" for q in wrong
    ]
    platform = ", ".join(sorted(PLATFORM_SKILLS))
    return [
        *said,
        f"a platform agent (one without a merchant) works {platform}",
        _merchants_work(merchant),
    ]


def _merchants_work(merchant: set[str]) -> str:
    return f"a merchant's agent works {', '.join(sorted(merchant))}"
