"""The Chinese names of a recall's values, as its refusals give them.

The console's words for the same values (``console/labels.py``), which the recall package may
not import: capability packages point inward.
"""

from __future__ import annotations

from collections.abc import Iterable

from aftersales.recall.values import RecallState, Remedy

__all__ = ["REMEDY_NAMES", "STATE_NAMES", "remedies_zh"]

STATE_NAMES: dict[RecallState, str] = {
    RecallState.REVIEW: "评估中",
    RecallState.CONFIRMED: "已确认召回",
    RecallState.DISMISSED: "已排除",
}

REMEDY_NAMES: dict[str, str] = {
    Remedy.REFUND: "退款",
    Remedy.REPLACEMENT: "换新",
    Remedy.REPAIR: "维修",
}


def remedies_zh(remedies: Iterable[str]) -> str:
    """Remedies listed as a Chinese sentence lists them (a value without a name as it is)."""
    return "、".join(REMEDY_NAMES.get(r, r) for r in remedies)
