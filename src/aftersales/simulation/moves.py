"""A move someone makes on a case, and the remedies a fair party would offer.

The simulated people (``behaviour``) decide moves from what they can see of a case; the driver
in ``services.simulate`` carries each out through the platform's own use cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from aftersales.domain.case import Case
from aftersales.domain.cases_types import CaseType, LiableParty, ResolutionType, Verdict

__all__ = ["Kind", "Move", "fair_remedy", "money"]

R = ResolutionType


class Kind(StrEnum):
    MESSAGE = "message"
    PROPOSE = "propose"
    ACCEPT = "accept"
    REJECT = "reject"
    ESCALATE = "escalate"
    CANCEL = "cancel"
    COMPLETE = "complete"
    ARBITRATE = "arbitrate"
    APPEAL = "appeal"
    RATE = "rate"
    WAIT = "wait"  # nothing now; look again later (a deadline will have moved the case)


@dataclass(frozen=True, slots=True)
class Move:
    who: str  # consumer | merchant | operator
    kind: Kind
    after: timedelta  # from the moment the move is decided
    text: str = ""
    resolution: ResolutionType | None = None
    amount: int = 0
    score: int = 0
    verdict: Verdict | None = None
    liable: LiableParty | None = None


# The remedy a buyer asks for by the type of case they open.
_ASKED = {
    CaseType.RETURN_REFUND: R.RETURN_REFUND,
    CaseType.REFUND_ONLY: R.REFUND_ONLY,
    CaseType.EXCHANGE: R.EXCHANGE,
    CaseType.REPAIR: R.REPAIR,
    CaseType.COMPLAINT: R.QUICK_COMPENSATION,
    CaseType.SAFETY_REPORT: R.REFUND_ONLY,
}
_NOT_BY_MERCHANT = frozenset({R.EMERGENCY_RECALL, R.REJECT})


def fair_remedy(case: Case) -> tuple[ResolutionType, int]:
    """The policy's first remedy (the platform tells the merchant what to offer first), or what
    the buyer asked for when the policy ranks none; with the amount a fair merchant pays."""
    assert case.facts is not None and case.type is not None
    for option in _recommended(case):
        remedy = R(option["type"])
        if remedy not in _NOT_BY_MERCHANT:
            return remedy, money(case, remedy, option.get("amount"))
    remedy = _ASKED[case.type]
    return remedy, money(case, remedy, None)


def money(case: Case, remedy: ResolutionType, suggested: int | None) -> int:
    """What a remedy pays: refunds the line in full, compensation a share, the rest nothing."""
    assert case.facts is not None
    paid = case.facts.amount
    if remedy in (R.RETURN_REFUND, R.REFUND_ONLY):
        return min(paid, suggested or paid)
    if remedy is R.QUICK_COMPENSATION:
        return min(paid, suggested or max(1, paid // 5))
    return 0


def _recommended(case: Case) -> list[dict[str, Any]]:
    decision = (case.assessment or {}).get("decision") or {}
    found: list[dict[str, Any]] = decision.get("resolutions") or []
    return found
