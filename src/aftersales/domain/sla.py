"""SLA terms and the after-sales window: plain arithmetic on aware datetimes, no I/O."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from aftersales.domain.case_refusals import CASE_TYPE_NAMES, beijing, iso_utc
from aftersales.domain.cases_types import CaseType
from aftersales.errors import AftersalesError, ErrorCode, Text

__all__ = ["AfterSalesWindows", "SlaTerms", "check_window"]


@dataclass(frozen=True, slots=True)
class SlaTerms:
    """The clocks a case runs on; the policy engine sets them per category, channel, severity."""

    first_response_hours: float = 24
    proposal_hours: float = 72
    resolution_hours: float = 168
    consumer_reply_hours: float = 72
    appeal_days: float = 30
    close_after_days: float = 7

    def __post_init__(self) -> None:
        # The field names, not asdict(): every case opening builds terms, and asdict deep-copies.
        if min(getattr(self, name) for name in self.__slots__) <= 0:
            raise ValueError("every SLA term must be positive")

    @property
    def first_response(self) -> timedelta:
        return timedelta(hours=self.first_response_hours)

    @property
    def proposal(self) -> timedelta:
        return timedelta(hours=self.proposal_hours)

    @property
    def resolution(self) -> timedelta:
        return timedelta(hours=self.resolution_hours)

    @property
    def consumer_reply(self) -> timedelta:
        return timedelta(hours=self.consumer_reply_hours)

    @property
    def appeal(self) -> timedelta:
        return timedelta(days=self.appeal_days)

    @property
    def close_after(self) -> timedelta:
        return timedelta(days=self.close_after_days)

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SlaTerms:
        return cls(**{k: float(v) for k, v in data.items()})


@dataclass(frozen=True, slots=True)
class AfterSalesWindows:
    """How many days after delivery (or purchase, when not delivered) each case type may open."""

    days: Mapping[CaseType, int]

    def deadline(self, case_type: CaseType, reference: datetime) -> datetime:
        return reference + timedelta(days=self.days[case_type])


def check_window(
    windows: AfterSalesWindows, case_type: CaseType, reference: datetime, now: datetime
) -> None:
    """Refuse a case opened after the window for its type has closed."""
    deadline = windows.deadline(case_type, reference)
    if now > deadline:
        days = windows.days[case_type]
        text = Text(
            f"the after-sales window for {case_type} closed on {deadline:%Y-%m-%d}"
            f" ({days} days after delivery)",
            f"「{CASE_TYPE_NAMES[case_type]}」的申请期已于"
            f" {beijing(deadline, '%Y-%m-%d %H:%M')}（北京时间）结束"
            f"（签收后 {days} 天内可申请）",
        )
        raise AftersalesError(
            text.en, code=ErrorCode.OUTSIDE_AFTER_SALES_WINDOW, text=text, due=iso_utc(deadline)
        )
