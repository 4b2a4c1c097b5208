"""Shared pieces for the triage tests: the shipped triager, the corpus, a tiny corpus."""

# Chinese text uses full-width punctuation on purpose.

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from pathlib import Path

import pytest

from aftersales.triage import Example, Triager, default_triager

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "corpus" / "triage"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def triager() -> Triager:
    return default_triager()


def tiny_examples() -> list[Example]:
    """A few examples of four issue types, enough to train a model in well under a second."""
    rows = [
        ("malfunction", "moderate", "product_defect", False, "手机开不了机，充电也没反应"),
        ("malfunction", "moderate", "product_defect", False, "Phone won't turn on at all"),
        ("malfunction", "moderate", "product_defect", False, "电脑用一会就死机"),
        ("malfunction", "moderate", "product_defect", False, "Laptop freezes after an hour"),
        ("malfunction", "moderate", "product_defect", False, "耳机连不上蓝牙了"),
        ("malfunction", "moderate", "product_defect", False, "Earbuds stopped pairing"),
        ("size_fit", "minor", "expectation_gap", False, "衣服太小了，穿不上"),
        ("size_fit", "minor", "expectation_gap", False, "The shirt is too small for me"),
        ("size_fit", "minor", "expectation_gap", False, "裤子太长了，拖地"),
        ("size_fit", "minor", "expectation_gap", False, "Trousers are far too long"),
        ("size_fit", "minor", "expectation_gap", False, "鞋子偏大一码"),
        ("size_fit", "minor", "expectation_gap", False, "Shoes run a size big"),
        ("fire_overheat", "critical", "product_defect", True, "充电器冒烟了，还有焦味"),
        ("fire_overheat", "critical", "product_defect", True, "The charger started smoking"),
        ("fire_overheat", "critical", "product_defect", True, "插头烧焦了，插座都黑了"),
        ("fire_overheat", "critical", "product_defect", True, "The plug melted and smells burnt"),
        ("fire_overheat", "critical", "product_defect", True, "电池鼓包了，很烫"),
        (
            "fire_overheat",
            "critical",
            "product_defect",
            True,
            "Battery is swollen and too hot to touch",
        ),
        ("late_delivery", "minor", "logistics_damage", False, "快递一个星期还没到"),
        (
            "late_delivery",
            "minor",
            "logistics_damage",
            False,
            "Parcel still hasn't arrived after a week",
        ),
        ("late_delivery", "minor", "logistics_damage", False, "物流三天没更新了"),
        (
            "late_delivery",
            "minor",
            "logistics_damage",
            False,
            "Tracking hasn't moved in three days",
        ),
        ("late_delivery", "minor", "logistics_damage", False, "说好的次日达，第四天才到"),
        ("late_delivery", "minor", "logistics_damage", False, "Next day delivery took four days"),
    ]
    return [
        Example(text, issue, severity, cause, safety)
        for issue, severity, cause, safety, text in rows
    ]
