"""The words of the scorecard in English and Chinese: metric, tier and breach names, and numbers.

Kept apart from the logic so that a translator edits one file.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from aftersales.errors import Text  # defined in the leaf, so that the domain can use it too
from aftersales.scoring.counts import SevereBreach
from aftersales.scoring.metrics import INFO, Metric
from aftersales.scoring.tiers import Tier

__all__ = ["BAD_EVENTS", "METRIC_NAMES", "SEVERE_NAMES", "TIER_NAMES", "Text", "rate_text"]


METRIC_NAMES: dict[Metric, Text] = {
    Metric.CASE_RATE: Text("after-sales rate", "售后率"),
    Metric.FIRST_RESPONSE: Text("first response on time", "首次响应及时率"),
    Metric.PROPOSAL: Text("proposal on time", "方案及时率"),
    Metric.RESOLUTION: Text("resolution on time", "解决及时率"),
    Metric.QUICK_RESOLUTION: Text("quick resolution", "快速解决率"),
    Metric.ESCALATION: Text("escalation rate", "平台介入率"),
    Metric.DISPUTES_LOST: Text("disputes lost", "纠纷败诉率"),
    Metric.REFUND_ONLY: Text("refund-only rate", "仅退款率"),
    Metric.REPEAT_CONTACT: Text("repeat contact rate", "重复咨询率"),
    Metric.SATISFACTION: Text("satisfaction (4-5 stars)", "满意度（4-5 星）"),
    Metric.SAFETY_INCIDENTS: Text("safety incidents", "安全事件率"),
}

# The events that count against the merchant, as a breach names them: "12 cases", "12 单".
BAD_EVENTS: dict[Metric, Text] = {
    Metric.CASE_RATE: Text("cases", "单售后"),
    Metric.FIRST_RESPONSE: Text("late first responses", "次首次响应超时"),
    Metric.PROPOSAL: Text("late proposals", "次方案超时"),
    Metric.RESOLUTION: Text("late resolutions", "次解决超时"),
    Metric.QUICK_RESOLUTION: Text("slow resolutions", "单解决较慢"),
    Metric.ESCALATION: Text("escalations", "次平台介入"),
    Metric.DISPUTES_LOST: Text("disputes lost", "次纠纷败诉"),
    Metric.REFUND_ONLY: Text("refund-only requests", "次仅退款"),
    Metric.REPEAT_CONTACT: Text("repeat contacts", "次重复咨询"),
    Metric.SATISFACTION: Text("unsatisfied ratings", "条不满意评价"),
    Metric.SAFETY_INCIDENTS: Text("safety incidents", "起安全事件"),
}

TIER_NAMES: dict[Tier, Text] = {
    Tier.EXCELLENT: Text("excellent", "优秀"),
    Tier.GOOD: Text("good", "良好"),
    Tier.STANDARD: Text("standard", "标准"),
    Tier.WATCH: Text("watch", "观察"),
    Tier.RESTRICTED: Text("restricted", "受限"),
    Tier.NOT_ENOUGH_DATA: Text("not enough data", "数据不足"),
}

SEVERE_NAMES: dict[SevereBreach, Text] = {
    SevereBreach.SAFETY_RECALL: Text("confirmed safety recall", "已确认的安全召回"),
    SevereBreach.FRAUD: Text("confirmed fraud", "已确认的欺诈行为"),
}


def rate_text(metric: Metric, rate: float) -> Text:
    """A rate as people read it: per 1,000 orders for order rates, a percentage otherwise."""
    if INFO[metric].scale == 1000:
        value = f"{rate * 1000:.1f}"
        return Text(f"{value} per 1,000 orders", f"每千单 {value}")
    value = f"{rate * 100:.1f}%"
    return Text(value, value)
