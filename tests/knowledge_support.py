"""A knowledge entry the API's and the console's knowledge tests both write."""

# ruff: noqa: RUF001

from __future__ import annotations

from typing import Any

SCREEN_STEP = "在设置 → 显示 → 坏点检测中运行一次检测，并截图结果。"


def screen_entry(**changes: Any) -> dict[str, Any]:
    """An Acme X1 entry for dead pixels (the market's phone p1 is an Acme X1)."""
    return {
        "id": "screen.acme_x1",
        "issue_types": ["quality_defect"],
        "categories": ["digital/phone"],
        "models": ["X1"],
        "keywords": ["坏点", "dead pixel"],
        "zh": {"lead": "屏幕坏点可以先自检。", "steps": [SCREEN_STEP]},
        "en": {
            "lead": "Dead pixels can be checked first.",
            "steps": ["Run Settings → Display → Pixel check and screenshot the result."],
        },
    } | changes
