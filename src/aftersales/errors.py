"""The one error tree of the platform.

Every error a user can cause is an ``AftersalesError`` with a stable ``ErrorCode``. The API turns
it into RFC 9457 problem+json, the CLI prints it on one line. Nothing here knows about HTTP:
the status code for each code lives in the API layer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = [
    "RAISED_AS",
    "TITLES",
    "AftersalesError",
    "AuthenticationFailed",
    "Conflict",
    "ErrorCode",
    "InvalidTransition",
    "NotFound",
    "PermissionDenied",
    "Text",
    "ValidationFailed",
]


@dataclass(frozen=True, slots=True)
class Text:
    """One message in both languages: a refusal's reason (``extra["text"]``), a name.

    Here, in the leaf every layer imports, so that the domain can give its refusals in Chinese
    without importing a capability package (``scoring.texts`` re-exports it)."""

    en: str
    zh: str


class ErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    AUTHENTICATION_FAILED = "authentication_failed"
    PERMISSION_DENIED = "permission_denied"
    VALIDATION_FAILED = "validation_failed"
    MALFORMED_REQUEST = "malformed_request"
    INVALID_TRANSITION = "invalid_transition"
    CASE_ALREADY_OPEN = "case_already_open"
    OUTSIDE_AFTER_SALES_WINDOW = "outside_after_sales_window"
    ORDER_CONFLICT = "order_conflict"
    UNKNOWN_REFERENCE = "unknown_reference"
    CONCURRENT_UPDATE = "concurrent_update"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_KEY_IN_USE = "idempotency_key_in_use"
    EVIDENCE_TOO_LARGE = "evidence_too_large"
    EVIDENCE_TYPE_NOT_ALLOWED = "evidence_type_not_allowed"
    LEDGER_PROOF_INVALID = "ledger_proof_invalid"
    LEDGER_SIGNATURE_INVALID = "ledger_signature_invalid"
    LEDGER_RANGE = "ledger_range"
    LEDGER_INCONSISTENT = "ledger_inconsistent"
    LEDGER_NO_KEY = "ledger_no_key"
    LEDGER_KEY_EXISTS = "ledger_key_exists"
    POLICY_PACK_INVALID = "policy_pack_invalid"
    PRODUCT_ON_HOLD = "product_on_hold"
    RECALL_OVERLAPS = "recall_overlaps"
    REMEDY_NOT_OFFERED = "remedy_not_offered"
    PROGRAMME_NOT_ELIGIBLE = "programme_not_eligible"
    RANK_REQUEST_TOO_LARGE = "rank_request_too_large"
    AGENT_UNAVAILABLE = "agent_unavailable"
    ALREADY_EXISTS = "already_exists"
    PRECONDITION_REQUIRED = "precondition_required"
    REVISION_MISMATCH = "revision_mismatch"
    # The refusals of a case (domain/case_refusals.py); "cannot … while the case is …" keeps
    # INVALID_TRANSITION, the code it has always had (docs/decisions/0039).
    MERCHANT_ALREADY_RESPONDED = "merchant_already_responded"
    POLICY_GRANT_CANNOT_REJECT = "policy_grant_cannot_reject"
    ESCALATION_TOO_EARLY = "escalation_too_early"
    VERDICT_NOT_APPEALABLE = "verdict_not_appealable"
    APPEAL_WINDOW_CLOSED = "appeal_window_closed"
    ALREADY_RATED = "already_rated"
    RATING_OUT_OF_RANGE = "rating_out_of_range"
    MERCHANT_VERDICT_WITH_REMEDY = "merchant_verdict_with_remedy"
    AMOUNT_NEGATIVE = "amount_negative"
    AMOUNT_OVER_PAID = "amount_over_paid"
    REJECTION_WITH_AMOUNT = "rejection_with_amount"
    AMOUNT_REQUIRED = "amount_required"
    NOT_CASE_CONSUMER = "not_case_consumer"
    NOT_CASE_MERCHANT = "not_case_merchant"
    NOT_CASE_PARTY = "not_case_party"
    NOT_AN_OPERATOR = "not_an_operator"


# The titles of codes raised with ``code=`` on one of the classes below.
TITLES: dict[ErrorCode, str] = {
    ErrorCode.MALFORMED_REQUEST: "Malformed request",
    ErrorCode.UNKNOWN_REFERENCE: "Unknown reference",
    ErrorCode.CASE_ALREADY_OPEN: "A case is already open on this order line",
    ErrorCode.OUTSIDE_AFTER_SALES_WINDOW: "Outside the after-sales window",
    ErrorCode.ORDER_CONFLICT: "Conflicts with the order as first pushed",
    ErrorCode.IDEMPOTENCY_KEY_REUSED: "Idempotency key used for another request",
    ErrorCode.IDEMPOTENCY_KEY_IN_USE: "The same request is still being processed",
    ErrorCode.EVIDENCE_TOO_LARGE: "Evidence file too large",
    ErrorCode.EVIDENCE_TYPE_NOT_ALLOWED: "Evidence file type not accepted",
    ErrorCode.PRODUCT_ON_HOLD: "Product on a stop-sale hold",
    ErrorCode.RECALL_OVERLAPS: "Overlaps a recall already open",
    ErrorCode.REMEDY_NOT_OFFERED: "Remedy not offered by this recall",
    ErrorCode.AGENT_UNAVAILABLE: "Agent unavailable",
    ErrorCode.POLICY_PACK_INVALID: "Invalid policy pack",
    ErrorCode.LEDGER_NO_KEY: "No evidence-log key",
    ErrorCode.LEDGER_KEY_EXISTS: "Evidence-log key already exists",
    ErrorCode.PRECONDITION_REQUIRED: "Revision required (If-Match)",
    ErrorCode.MERCHANT_ALREADY_RESPONDED: "The merchant has already responded",
    ErrorCode.POLICY_GRANT_CANNOT_REJECT: "A policy grant cannot be a rejection",
    ErrorCode.ESCALATION_TOO_EARLY: "The merchant may still respond",
    ErrorCode.VERDICT_NOT_APPEALABLE: "Only a first verdict can be appealed",
    ErrorCode.APPEAL_WINDOW_CLOSED: "The appeal window has closed",
    ErrorCode.ALREADY_RATED: "Already rated",
    ErrorCode.RATING_OUT_OF_RANGE: "Rating out of range",
    ErrorCode.MERCHANT_VERDICT_WITH_REMEDY: "A verdict for the merchant carries no remedy",
    ErrorCode.AMOUNT_NEGATIVE: "Negative amount",
    ErrorCode.AMOUNT_OVER_PAID: "Amount over what was paid",
    ErrorCode.REJECTION_WITH_AMOUNT: "A rejection carries no amount",
    ErrorCode.AMOUNT_REQUIRED: "Amount required",
    ErrorCode.NOT_CASE_CONSUMER: "Only the case's consumer can do that",
    ErrorCode.NOT_CASE_MERCHANT: "Only the case's merchant can do that",
    ErrorCode.NOT_CASE_PARTY: "Only a party to the case can do that",
    ErrorCode.NOT_AN_OPERATOR: "Only a platform operator can do that",
}


class AftersalesError(Exception):
    """Base of every error a caller can cause; carries a stable code and a plain detail.

    ``detail`` is English text, or a ``Text`` when the refusal is given in both languages."""

    code: ErrorCode = ErrorCode.VALIDATION_FAILED
    title: str = "Request could not be processed"

    def __init__(self, detail: str | Text, *, code: ErrorCode | None = None, **extra: Any) -> None:
        if isinstance(detail, Text):
            # A refusal given in both languages: the detail is its English (what the API and
            # the CLI have always said); the API answers in Chinese when asked (decision 0043).
            extra.setdefault("text", detail)
            detail = detail.en
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
            # A code given here is more precise than the class: its title says which refusal.
            self.title = TITLES.get(code, self.title)
        self.extra: Mapping[str, Any] = extra


class NotFound(AftersalesError):
    code = ErrorCode.NOT_FOUND
    title = "Not found"


class AuthenticationFailed(AftersalesError):
    code = ErrorCode.AUTHENTICATION_FAILED
    title = "Authentication required"


class PermissionDenied(AftersalesError):
    code = ErrorCode.PERMISSION_DENIED
    title = "Not allowed for this role"


class ValidationFailed(AftersalesError):
    code = ErrorCode.VALIDATION_FAILED
    title = "Invalid input"


class InvalidTransition(AftersalesError):
    code = ErrorCode.INVALID_TRANSITION
    title = "Not possible in the current state"


class Conflict(AftersalesError):
    code = ErrorCode.CONCURRENT_UPDATE
    title = "Conflicts with the current state"


# The class each code below is always raised as. Its code is more precise than the class, but
# the kind of refusal is the class's: the API answers with the class's status, the console
# with its title (docs/decisions/0039).
RAISED_AS: dict[ErrorCode, type[AftersalesError]] = {
    ErrorCode.MERCHANT_ALREADY_RESPONDED: InvalidTransition,
    ErrorCode.POLICY_GRANT_CANNOT_REJECT: InvalidTransition,
    ErrorCode.ESCALATION_TOO_EARLY: InvalidTransition,
    ErrorCode.VERDICT_NOT_APPEALABLE: InvalidTransition,
    ErrorCode.APPEAL_WINDOW_CLOSED: InvalidTransition,
    ErrorCode.ALREADY_RATED: InvalidTransition,
    ErrorCode.RATING_OUT_OF_RANGE: ValidationFailed,
    ErrorCode.MERCHANT_VERDICT_WITH_REMEDY: ValidationFailed,
    ErrorCode.AMOUNT_NEGATIVE: ValidationFailed,
    ErrorCode.AMOUNT_OVER_PAID: ValidationFailed,
    ErrorCode.REJECTION_WITH_AMOUNT: ValidationFailed,
    ErrorCode.AMOUNT_REQUIRED: ValidationFailed,
    ErrorCode.NOT_CASE_CONSUMER: PermissionDenied,
    ErrorCode.NOT_CASE_MERCHANT: PermissionDenied,
    ErrorCode.NOT_CASE_PARTY: PermissionDenied,
    ErrorCode.NOT_AN_OPERATOR: PermissionDenied,
}
