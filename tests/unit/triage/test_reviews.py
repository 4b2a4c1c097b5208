"""The shipped model on real reviews (../shared/data); skipped where that data is absent."""

from __future__ import annotations

from itertools import islice

import pytest

from aftersales.triage import Triager
from aftersales.triage.reviews import FOOD_SAFETY_WORDS, read_reviews, review_report
from tests.unit.triage.conftest import SHARED_DATA

pytestmark = pytest.mark.skipif(
    not (SHARED_DATA / "waimai_10k" / "waimai_10k.csv").is_file(),
    reason="the review datasets are not in ../shared/data",
)


def test_food_safety_mentions_in_takeaway_reviews_are_caught(triager: Triager) -> None:
    waimai = (r for r in read_reviews(SHARED_DATA) if r.group == "外卖")
    report = review_report(triager, waimai)
    seen = sum(report.mentions[w][0] for w in FOOD_SAFETY_WORDS)
    caught = sum(report.mentions[w][1] for w in FOOD_SAFETY_WORDS)
    assert seen > 100
    assert caught / seen >= 0.95


def test_praise_rarely_raises_a_safety_alarm(triager: Triager) -> None:
    # Positive reviews almost never describe a hazard, so a flag on one is a false alarm.
    positives = islice((r for r in read_reviews(SHARED_DATA) if r.positive), 0, None, 7)
    report = review_report(triager, positives)
    flagged = sum(c.positive_flagged for c in report.groups.values())
    total = sum(c.positive for c in report.groups.values())
    assert total > 4000
    assert flagged / total <= 0.04
