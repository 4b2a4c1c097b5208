"""The service metrics a merchant is scored on: what each counts, and which way is better.

Every metric is a proportion (events out of trials), so one beta-binomial machinery shrinks,
bounds and ranks them all. Times are turned into a proportion too (``quick_resolution``: the
share of cases resolved within the peer group's median time), which keeps one slow outlier
from dominating and lets small samples be shrunk like everything else. Their names in Chinese
and English are in ``texts.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["INFO", "Metric", "MetricInfo"]


class Metric(StrEnum):
    CASE_RATE = "case_rate"  # merchant-attributable cases per order
    FIRST_RESPONSE = "first_response"  # first responses on time per first response due
    PROPOSAL = "proposal"  # proposals on time per proposal due
    RESOLUTION = "resolution"  # resolutions on time per resolution due
    QUICK_RESOLUTION = "quick_resolution"  # resolved within the peer group's median time
    ESCALATION = "escalation"  # escalations to the platform per case
    DISPUTES_LOST = "disputes_lost"  # disputes decided against the merchant per escalation
    REFUND_ONLY = "refund_only"  # refund-only requests per order
    REPEAT_CONTACT = "repeat_contact"  # cases where the consumer had to come back, per case
    SATISFACTION = "satisfaction"  # 4- and 5-star ratings per rating (CSAT)
    SAFETY_INCIDENTS = "safety_incidents"  # confirmed safety incidents per order


@dataclass(frozen=True, slots=True)
class MetricInfo:
    """How a metric reads: its direction and its display scale."""

    higher_is_better: bool
    scale: float  # 1000 shows "per 1,000 orders", 100 shows a percentage


INFO: dict[Metric, MetricInfo] = {
    Metric.CASE_RATE: MetricInfo(False, 1000),
    Metric.FIRST_RESPONSE: MetricInfo(True, 100),
    Metric.PROPOSAL: MetricInfo(True, 100),
    Metric.RESOLUTION: MetricInfo(True, 100),
    Metric.QUICK_RESOLUTION: MetricInfo(True, 100),
    Metric.ESCALATION: MetricInfo(False, 100),
    Metric.DISPUTES_LOST: MetricInfo(False, 100),
    Metric.REFUND_ONLY: MetricInfo(False, 1000),
    Metric.REPEAT_CONTACT: MetricInfo(False, 100),
    Metric.SATISFACTION: MetricInfo(True, 100),
    Metric.SAFETY_INCIDENTS: MetricInfo(False, 1000),
}
