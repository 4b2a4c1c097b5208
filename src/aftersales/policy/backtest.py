"""What a candidate pack would change on past cases: the tally behind ``policy backtest``.

Each stored case carries the facts it was decided from and the decision it got. The candidate
pack decides the same facts again; ``Tally.add`` compares the two and counts what moved: which
decisions changed and by which rules, per category, the compensation the platform would have
granted, the response clocks, and the cases newly counted against (or cleared for) merchants.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aftersales.policy.decision import Decision

__all__ = ["COMPARED", "Tally", "compensation"]

# The decision fields a backtest compares; the explanation follows from them.
COMPARED = (
    "severity",
    "cause",
    "counts_against_merchant",
    "first_remedy",
    "cost_bearer",
    "queue",
    "emergency",
    "sla",
)
_PAYS = frozenset({"refund_only", "return_refund", "quick_compensation"})


def compensation(decision: Mapping[str, Any]) -> int:
    """Fen the first ranked remedy pays out (0 for a repair, an exchange, advice…)."""
    remedies = decision.get("resolutions") or []
    first = remedies[0] if remedies else {}
    return int(first.get("amount") or 0) if first.get("type") in _PAYS else 0


def _view(decision: Mapping[str, Any]) -> dict[str, Any]:
    remedies = decision.get("resolutions") or []
    first = remedies[0] if remedies else {}
    return {
        "severity": decision.get("severity"),
        "cause": decision.get("cause"),
        "counts_against_merchant": decision.get("counts_against_merchant"),
        "first_remedy": (first.get("type"), first.get("amount")),
        "cost_bearer": decision.get("cost_bearer"),
        "queue": decision.get("queue"),
        "emergency": decision.get("emergency"),
        "sla": tuple(sorted((decision.get("sla") or {}).items())),
    }


@dataclass
class Tally:
    """Running totals over the re-decided cases."""

    cases: int = 0
    changed: int = 0
    unreadable: int = 0  # stored facts the candidate pack refuses (a field it no longer knows)
    by_field: Counter[str] = field(default_factory=Counter)
    by_rule: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)
    compensation_before: int = 0  # fen
    compensation_after: int = 0
    first_response_hours_before: float = 0.0
    first_response_hours_after: float = 0.0
    newly_counted: int = 0  # now counted against the merchant, and were not
    no_longer_counted: int = 0

    def add(self, category: str, old: Mapping[str, Any], new: Decision) -> None:
        self.cases += 1
        fresh = new.to_json()
        self.compensation_before += compensation(old)
        self.compensation_after += compensation(fresh)
        self.first_response_hours_before += float(old["sla"]["first_response_hours"])
        self.first_response_hours_after += new.sla.first_response_hours
        was, now = bool(old.get("counts_against_merchant")), new.counts_against_merchant
        self.newly_counted += now and not was
        self.no_longer_counted += was and not now
        before, after = _view(old), _view(fresh)
        moved = [name for name in COMPARED if before[name] != after[name]]
        if not moved:
            return
        self.changed += 1
        self.by_field.update(moved)
        self.by_category[category] += 1
        # The rules that started or stopped firing explain the change; when the same rules
        # fired, one of them must have changed what it says.
        old_rules, new_rules = set(old.get("rules") or ()), set(new.rules)
        self.by_rule.update(sorted(old_rules ^ new_rules) or sorted(new_rules))

    def to_json(self) -> dict[str, Any]:
        mean = (lambda total: round(total / self.cases, 3)) if self.cases else (lambda _: 0.0)
        return {
            "cases": self.cases,
            "changed": self.changed,
            "unreadable": self.unreadable,
            "changed_fields": dict(self.by_field.most_common()),
            "changed_by_rule": dict(self.by_rule.most_common()),
            "changed_by_category": dict(self.by_category.most_common()),
            "compensation": {
                "before_fen": self.compensation_before,
                "after_fen": self.compensation_after,
                "delta_fen": self.compensation_after - self.compensation_before,
            },
            "first_response_hours": {
                "mean_before": mean(self.first_response_hours_before),
                "mean_after": mean(self.first_response_hours_after),
            },
            "counted_against_merchants": {
                "newly": self.newly_counted,
                "no_longer": self.no_longer_counted,
            },
        }
