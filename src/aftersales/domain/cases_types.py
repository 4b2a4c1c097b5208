"""The vocabularies of a case: its type, its states, remedies, verdicts and liable parties."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "ACTIVE_STATES",
    "CaseState",
    "CaseType",
    "LiableParty",
    "ResolutionType",
    "Verdict",
]


class CaseType(StrEnum):
    RETURN_REFUND = "return_refund"
    REFUND_ONLY = "refund_only"
    EXCHANGE = "exchange"
    REPAIR = "repair"
    COMPLAINT = "complaint"
    SAFETY_REPORT = "safety_report"


class CaseState(StrEnum):
    AWAITING_MERCHANT = "awaiting_merchant"
    AWAITING_CONSUMER = "awaiting_consumer"
    IN_SERVICE = "in_service"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"


# A line may carry at most one case in these states at a time.
ACTIVE_STATES = frozenset(
    {
        CaseState.AWAITING_MERCHANT,
        CaseState.AWAITING_CONSUMER,
        CaseState.IN_SERVICE,
        CaseState.ESCALATED,
    }
)


class ResolutionType(StrEnum):
    REMOTE_DIAGNOSIS = "remote_diagnosis"
    SOFTWARE_TROUBLESHOOTING = "software_troubleshooting"
    FIRMWARE_UPDATE = "firmware_update"
    REPAIR = "repair"
    EXCHANGE = "exchange"
    RETURN_REFUND = "return_refund"
    REFUND_ONLY = "refund_only"
    CARE_ADVICE = "care_advice"
    ON_SITE_INSPECTION = "on_site_inspection"
    QUICK_COMPENSATION = "quick_compensation"
    EMERGENCY_RECALL = "emergency_recall"
    REJECT = "reject"

    @property
    def needs_service(self) -> bool:
        """True when agreeing to it starts work (shipping, repair, a visit) before it is done."""
        return self not in _DONE_ON_AGREEMENT

    @property
    def pays_money(self) -> bool:
        return self in _PAYS_MONEY


_DONE_ON_AGREEMENT = frozenset(
    {
        ResolutionType.REFUND_ONLY,
        ResolutionType.QUICK_COMPENSATION,
        ResolutionType.CARE_ADVICE,
        ResolutionType.REJECT,
    }
)
_PAYS_MONEY = frozenset(
    {ResolutionType.RETURN_REFUND, ResolutionType.REFUND_ONLY, ResolutionType.QUICK_COMPENSATION}
)


class Verdict(StrEnum):
    """Whom the platform's arbitration found for."""

    CONSUMER = "consumer"
    MERCHANT = "merchant"
    SPLIT = "split"


class LiableParty(StrEnum):
    MERCHANT = "merchant"
    CONSUMER = "consumer"
    LOGISTICS = "logistics"
    BRAND = "brand"
    PLATFORM = "platform"
    NONE = "none"
