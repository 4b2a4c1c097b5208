"""Which rules a case can touch, by category prefix, case type, issue type and channel.

A case evaluates only the rules of its bucket, never the whole pack. Buckets are built on
first use and kept (a few thousand at most for the category tree), each with the rules in
precedence order and the variables their conditions read, so that a decision hands CEL only
those.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from aftersales.domain.categories import ancestors
from aftersales.policy.facts import Facts
from aftersales.policy.rules import Match, Rule
from aftersales.policy.variables import VARIABLES

__all__ = ["Bucket", "RuleIndex"]

BucketKey = tuple[str, str, str, str]
# Category paths come from callers; past this many distinct keys, buckets are built but not kept.
_MAX_BUCKETS = 20_000


@dataclass(frozen=True, slots=True)
class Bucket:
    rules: tuple[Rule, ...]
    getters: tuple[tuple[str, Callable[[Facts], Any]], ...]


class RuleIndex:
    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules: tuple[Rule, ...] = tuple(sorted(rules, key=lambda r: r.precedence))
        self._buckets: dict[BucketKey, Bucket] = {}

    def bucket(self, facts: Facts) -> Bucket:
        key = (facts.category, facts.case_type, facts.issue_type, facts.channel)
        found = self._buckets.get(key)
        if found is None:
            found = self._build(key)
            # A plain dict store is atomic under the GIL; two threads may build the same bucket,
            # and either result is the same.
            if len(self._buckets) < _MAX_BUCKETS:
                self._buckets[key] = found
        return found

    def _build(self, key: BucketKey) -> Bucket:
        category, case_type, issue_type, channel = key
        prefixes = frozenset(ancestors(category))
        rules = tuple(
            r for r in self.rules if _admits(r.match, prefixes, case_type, issue_type, channel)
        )
        names = sorted(set().union(*(r.variables for r in rules)))
        return Bucket(rules, tuple((n, VARIABLES[n].get) for n in names))


def _admits(
    match: Match, prefixes: frozenset[str], case_type: str, issue_type: str, channel: str
) -> bool:
    return (
        (match.categories is None or not match.categories.isdisjoint(prefixes))
        and (match.case_types is None or case_type in match.case_types)
        and (match.issue_types is None or issue_type in match.issue_types)
        and (match.channels is None or channel in match.channels)
    )
