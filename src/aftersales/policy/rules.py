"""A loaded rule: where it applies, what it sets, and how to explain it."""

from __future__ import annotations

from dataclasses import dataclass

import cel

from aftersales.policy.explain import Template
from aftersales.policy.overlap import Scope

__all__ = ["SCALARS", "SLA_FIELDS", "Amount", "Effect", "Match", "Offer", "Rule"]

# The single-valued fields a rule may set; the highest-precedence rule that fired wins.
SCALARS: tuple[str, ...] = (
    "severity",
    "cause",
    "counts_against_merchant",
    "cost_bearer",
    "queue",
    "emergency",
)
SLA_FIELDS: tuple[str, ...] = ("first_response_hours", "proposal_hours", "resolution_hours")


@dataclass(frozen=True, slots=True)
class Amount:
    """How much a money remedy pays, in fen, always capped at what was paid.

    ``full``: the amount paid. ``percent``: that share of it, raised to ``minimum`` and capped at
    ``maximum``. ``fixed``: a set sum.
    """

    kind: str  # full | percent | fixed
    percent: int = 100
    fixed: int = 0
    minimum: int = 0
    maximum: int | None = None

    def of(self, paid: int) -> int:
        if self.kind == "full":
            value = paid
        elif self.kind == "fixed":
            value = self.fixed
        else:
            value = max(paid * self.percent // 100, self.minimum)
        if self.maximum is not None:
            value = min(value, self.maximum)
        return min(value, paid)

    @property
    def ceiling(self) -> int | None:
        """The most it can ever pay, or None when that depends on the price alone."""
        if self.kind == "fixed":
            return self.fixed
        return self.maximum


FULL = Amount("full")


@dataclass(frozen=True, slots=True)
class Offer:
    """A resolution a rule puts on the table; lower ``rank`` is offered first."""

    type: str
    rank: int = 50
    amount: Amount | None = None
    guaranteed: bool = False


@dataclass(frozen=True, slots=True)
class Effect:
    """What a rule sets when it fires; ``None`` leaves a field to other rules."""

    scalars: tuple[tuple[str, object], ...] = ()
    sla: tuple[tuple[int, float], ...] = ()  # (index into SLA_FIELDS, hours)
    offers: tuple[Offer, ...] = ()
    forbid: frozenset[str] = frozenset()
    required_evidence: tuple[str, ...] = ()
    auto_actions: tuple[str, ...] = ()

    def value(self, name: str) -> object:
        return dict(self.scalars).get(name)


@dataclass(frozen=True, slots=True)
class Match:
    """Structured filters, checked before any CEL; ``None`` matches everything."""

    case_types: frozenset[str] | None = None
    categories: frozenset[str] | None = None
    issue_types: frozenset[str] | None = None
    channels: frozenset[str] | None = None
    brands: frozenset[str] | None = None  # casefolded
    models: frozenset[str] | None = None  # casefolded


@dataclass(frozen=True, slots=True, eq=False)
class Rule:
    id: str
    layer: str
    layer_rank: int
    priority: int
    order: int  # position in the pack: files sorted by path, rules in file order
    final: bool
    match: Match
    merchant: str | None
    when: str | None
    program: cel.Program | None
    variables: frozenset[str]
    effect: Effect
    explain_zh: Template
    explain_en: Template
    where: str  # file:line
    scope: Scope

    @property
    def precedence(self) -> tuple[int, int, int]:
        return (self.layer_rank, self.priority, self.order)
