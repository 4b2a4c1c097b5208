"""What the policy engine decides for a case, and its JSON form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Decision", "Explanation", "ResolutionOption", "Sla"]


@dataclass(frozen=True, slots=True)
class ResolutionOption:
    type: str
    amount: int | None = None  # fen; only for remedies that pay money

    def to_json(self) -> dict[str, Any]:
        return (
            {"type": self.type}
            if self.amount is None
            else {"type": self.type, "amount": self.amount}
        )


@dataclass(frozen=True, slots=True)
class Sla:
    first_response_hours: float
    proposal_hours: float
    resolution_hours: float

    def to_json(self) -> dict[str, float | int]:
        return {
            "first_response_hours": _number(self.first_response_hours),
            "proposal_hours": _number(self.proposal_hours),
            "resolution_hours": _number(self.resolution_hours),
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Decision:
    """The remedies, clocks, routing and attribution for one case, with the rules behind them.

    ``resolutions`` is ranked: the first is what the merchant should offer first. Amounts are
    fen. ``rule_errors`` names conditions that failed to evaluate on these facts (counted as not
    matching); it is empty for a pack whose conditions are sound.
    """

    policy_version: str
    severity: str
    cause: str
    counts_against_merchant: bool
    resolutions: tuple[ResolutionOption, ...]
    required_evidence: tuple[str, ...]
    cost_bearer: str
    sla: Sla
    queue: str
    auto_actions: tuple[str, ...]
    emergency: bool
    rules: tuple[str, ...]
    explanation: Explanation
    rule_errors: tuple[str, ...] = ()

    @property
    def resolution_types(self) -> tuple[str, ...]:
        return tuple(r.type for r in self.resolutions)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "policy_version": self.policy_version,
            "severity": self.severity,
            "cause": self.cause,
            "counts_against_merchant": self.counts_against_merchant,
            "resolutions": [r.to_json() for r in self.resolutions],
            "required_evidence": list(self.required_evidence),
            "cost_bearer": self.cost_bearer,
            "sla": self.sla.to_json(),
            "queue": self.queue,
            "auto_actions": list(self.auto_actions),
            "emergency": self.emergency,
            "rules": list(self.rules),
            "explanation": {"zh": self.explanation.zh, "en": self.explanation.en},
        }
        if self.rule_errors:
            body["rule_errors"] = list(self.rule_errors)
        return body


def _number(hours: float) -> float | int:
    return int(hours) if float(hours).is_integer() else hours
