"""Complaint texts fit their issue: triage reads the hazards as hazards, in both languages."""

from __future__ import annotations

import numpy as np
import pytest

from aftersales.simulation.catalogue import PROFILES
from aftersales.simulation.complaint_phrases import PHRASES
from aftersales.simulation.texts import complaint
from aftersales.triage import default_triager

_ROOT_CATEGORY = {
    "digital": "digital/accessory",
    "appliance": "appliance/heater",
    "apparel": "apparel/knitwear",
    "home": "home/furniture",
    "food": "food/fresh",
    "personal_care": "personal_care",
    "*": "home/textile",
}
_SAFETY = ("electrical_hazard", "fire_overheat", "food_spoilage")
_ITEM = {
    "digital": ("充电宝", "power bank"),
    "appliance": ("电水壶", "kettle"),
    "apparel": ("毛衣", "sweater"),
    "home": ("沙发", "sofa"),
    "food": ("牛排", "steaks"),
    "personal_care": ("面霜", "face cream"),
    "*": ("四件套", "bedding set"),
}


def _texts(issue: str, root: str, language: str, n: int = 30) -> list[str]:
    rng = np.random.default_rng(17)
    case_type = "safety_report" if issue in _SAFETY else "return_refund"
    zh, en = ("取暖器", "heater") if issue in _SAFETY and root == "appliance" else _ITEM[root]
    return [complaint(issue, root, zh, en, case_type, 3, language, rng) for _ in range(n)]


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("issue", _SAFETY)
def test_hazard_complaints_are_read_as_hazards(issue: str, language: str) -> None:
    triager = default_triager()
    roots = sorted({root for (i, root) in PHRASES if i == issue})
    for root in roots:
        texts = _texts(issue, root, language)
        flagged = [triager.classify(t, _ROOT_CATEGORY[root]).safety for t in texts]
        assert sum(flagged) >= 0.9 * len(texts), (issue, root, language)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_ordinary_complaints_are_rarely_read_as_hazards(language: str) -> None:
    """What each category's buyers write about its everyday problems; the triage model may
    suspect a hazard in a few (it does in real reviews too), never in many."""
    triager, rng = default_triager(), np.random.default_rng(3)
    texts = [
        (complaint(issue, p.root, zh, en, "return_refund", 3, language, rng), p.path)
        for p in PROFILES.values()
        for issue in p.issues
        for zh, en in p.items
    ]
    false_alarms = [t for t, path in texts if triager.classify(t, path).safety]
    assert len(false_alarms) <= 0.03 * len(texts), false_alarms[:5]


def test_complaints_are_varied() -> None:
    texts = _texts("malfunction", "digital", "zh", 40)
    assert len(set(texts)) > 25
    assert all(t.strip() for t in texts)
