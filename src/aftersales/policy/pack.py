"""A loaded, validated policy pack: its manifest, rules (indexed) and policy tests."""

from __future__ import annotations

from collections.abc import Sequence

from aftersales.policy.decision import Decision
from aftersales.policy.engine import decide
from aftersales.policy.facts import Facts
from aftersales.policy.index import RuleIndex
from aftersales.policy.manifest import Manifest
from aftersales.policy.rules import Rule
from aftersales.policy.testing import PolicyTest

__all__ = ["Pack"]


class Pack:
    """Immutable once loaded; safe to share between threads."""

    def __init__(
        self, manifest: Manifest, rules: Sequence[Rule], tests: Sequence[PolicyTest], source: str
    ) -> None:
        self.manifest = manifest
        self.tests = tuple(tests)
        self.source = source
        self.index = RuleIndex(rules)

    @property
    def name(self) -> str:
        return self.manifest.name

    @property
    def version(self) -> str:
        return self.manifest.version

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule, in precedence order (lowest first)."""
        return self.index.rules

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)

    def decide(self, facts: Facts) -> Decision:
        """The decision for one case under this pack."""
        return decide(self.index, self.manifest, facts)

    def __repr__(self) -> str:
        return f"Pack({self.name} {self.version}, {len(self.rules)} rules from {self.source})"
