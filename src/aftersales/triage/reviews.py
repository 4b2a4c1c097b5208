"""Triage against real consumer reviews: how often ordinary complaints raise a false safety
alarm, and how many food-safety mentions are caught.

Reads two public Chinese datasets when a copy is at hand (they are not part of the repository;
see ``SOURCE.txt`` next to each): ``online_shopping_10_cats`` (62,774 reviews in ten categories,
labelled positive or negative) and ``waimai_10k`` (11,987 food-delivery reviews). None of their
text is stored or printed by default; the report is counts only.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from aftersales.triage.classify import Triager

__all__ = [
    "FOOD_SAFETY_WORDS",
    "Review",
    "ReviewReport",
    "csv_rows",
    "format_review_report",
    "read_reviews",
    "review_report",
]

# The review categories and the platform category each corresponds to (None: no counterpart).
ONLINE_CATEGORIES: dict[str, str | None] = {
    "书籍": None,
    "平板": "digital",
    "手机": "digital/phone",
    "水果": "food/fresh",
    "洗发水": "personal_care",
    "热水器": "appliance",
    "蒙牛": "food/packaged",
    "衣服": "apparel",
    "计算机": "digital/computer",
    "酒店": None,
}
WAIMAI = "外卖"
# The food-safety mentions counted in waimai_10k's SOURCE.txt.
FOOD_SAFETY_WORDS: tuple[str, ...] = ("拉肚子", "头发", "虫", "馊")


@dataclass(frozen=True, slots=True)
class Review:
    group: str
    category: str | None
    positive: bool
    text: str


@dataclass
class GroupCounts:
    negative: int = 0
    negative_flagged: int = 0
    positive: int = 0
    positive_flagged: int = 0


@dataclass
class ReviewReport:
    groups: dict[str, GroupCounts] = field(default_factory=dict)
    mentions: dict[str, list[int]] = field(default_factory=dict)  # word -> [reviews, flagged]
    flagged_samples: list[Review] = field(default_factory=list)
    missed_samples: list[Review] = field(default_factory=list)


def read_reviews(data_dir: Path) -> Iterator[Review]:
    """Reviews of both datasets under ``data_dir``; a dataset that is absent is skipped."""
    online = data_dir / "online_shopping_10_cats" / "online_shopping_10_cats.csv"
    if online.is_file():
        for row in csv_rows(online):
            group = row["cat"]
            yield Review(group, ONLINE_CATEGORIES.get(group), row["label"] == "1", row["review"])
    waimai = data_dir / "waimai_10k" / "waimai_10k.csv"
    if waimai.is_file():
        for row in csv_rows(waimai):
            yield Review(WAIMAI, "food", row["label"] == "1", row["review"])


def csv_rows(path: Path) -> Iterator[dict[str, str]]:
    """A data set's CSV rows by column name (the public data sets read in place)."""
    # utf-8-sig: the files start with a byte-order mark; some reviews are empty.
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


def review_report(triager: Triager, reviews: Iterable[Review], samples: int = 0) -> ReviewReport:
    """Count safety flags per group and label, and how many food-safety mentions are caught."""
    report = ReviewReport(mentions={word: [0, 0] for word in FOOD_SAFETY_WORDS})
    for review in reviews:
        flagged = triager.classify(review.text or "", review.category).safety
        counts = report.groups.setdefault(review.group, GroupCounts())
        if review.positive:
            counts.positive += 1
            counts.positive_flagged += flagged
        else:
            counts.negative += 1
            counts.negative_flagged += flagged
            if flagged and len(report.flagged_samples) < samples:
                report.flagged_samples.append(review)
        if review.group == WAIMAI:
            _count_mentions(report, review, flagged, samples)
    return report


def _count_mentions(report: ReviewReport, review: Review, flagged: bool, samples: int) -> None:
    words = [w for w in FOOD_SAFETY_WORDS if w in review.text]
    for word in words:
        report.mentions[word][0] += 1
        report.mentions[word][1] += flagged
    if words and not flagged and len(report.missed_samples) < samples:
        report.missed_samples.append(review)


def format_review_report(report: ReviewReport) -> str:
    """The counts as a plain text table."""
    lines = [
        "safety flags on real reviews (a flag on an ordinary complaint is a false alarm):",
        f"  {'group':<8} {'negative':>8} {'flagged':>8} {'rate':>7} {'positive':>9} {'flagged':>8}",
    ]
    total = GroupCounts()
    for group, c in report.groups.items():
        lines.append(_group_line(group, c))
        total.negative += c.negative
        total.negative_flagged += c.negative_flagged
        total.positive += c.positive
        total.positive_flagged += c.positive_flagged
    lines += [_group_line("all", total), "", "food-safety mentions in waimai_10k caught as safety:"]
    for word, (seen, caught) in report.mentions.items():
        share = caught / seen if seen else 0.0
        lines.append(f"  {word:<4} {caught:>4} / {seen:<4} {share:.1%}")
    lines += [f"  flagged negative: {r.group} {r.text}" for r in report.flagged_samples]
    lines += [f"  missed mention: {r.text}" for r in report.missed_samples]
    return "\n".join(lines) + "\n"


def _group_line(group: str, c: GroupCounts) -> str:
    rate = c.negative_flagged / c.negative if c.negative else 0.0
    return (
        f"  {group:<8} {c.negative:>8} {c.negative_flagged:>8} {rate:>7.1%} "
        f"{c.positive:>9} {c.positive_flagged:>8}"
    )
