"""Recurring faults: issue types by count with trend, and the phrases complaints repeat."""

# ruff: noqa: RUF001

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aftersales.triage.faults import Complaint, recurring_faults

T0 = datetime(2026, 10, 1, tzinfo=UTC)
UNTIL = T0 + timedelta(days=30)


def complaint(n: int, text: str, issue: str = "malfunction", day: int = 0) -> Complaint:
    return Complaint(f"cs{n}", issue, text, T0 + timedelta(days=day))


def report(complaints: list[Complaint], **kw: int) -> object:
    return recurring_faults(complaints, since=T0, until=UNTIL, **kw)


def test_the_phrase_complaints_repeat_is_found_whole_not_in_pieces() -> None:
    complaints = [
        complaint(1, "屏幕闪烁，用了三天就开始闪"),
        complaint(2, "手机屏幕闪烁得厉害"),
        complaint(3, "看视频的时候屏幕闪烁"),
        complaint(4, "充电很慢"),
    ]
    found = recurring_faults(complaints, since=T0, until=UNTIL)
    phrases = [p.text for p in found.phrases]
    assert phrases[0] == "屏幕闪烁"
    assert found.phrases[0].count == 3
    assert not {"屏幕闪", "幕闪烁", "屏幕", "闪烁"} & set(phrases)


def test_english_phrases_are_words_without_stop_words_at_their_edges() -> None:
    complaints = [
        complaint(1, "The battery drains fast overnight"),
        complaint(2, "battery drains in two hours"),
        complaint(3, "Charger is fine but the battery drains"),
    ]
    found = recurring_faults(complaints, since=T0, until=UNTIL)
    assert found.phrases[0].text == "battery drains"
    assert found.phrases[0].examples == ("cs3", "cs2", "cs1")  # newest first


def test_a_phrase_said_once_is_not_a_recurring_fault() -> None:
    found = recurring_faults(
        [complaint(1, "屏幕闪烁"), complaint(2, "电池鼓包")], since=T0, until=UNTIL
    )
    assert found.phrases == ()


def test_issue_types_are_counted_with_shares_and_a_trend_between_the_halves() -> None:
    complaints = [complaint(i, f"坏了{i}", "malfunction", day=20 + i) for i in range(5)]
    complaints += [complaint(10 + i, f"颜色{i}", "colour_difference", day=i) for i in range(3)]
    found = recurring_faults(complaints, since=T0, until=UNTIL)
    first, second = found.issue_types
    assert (first.issue_type, first.count, first.share, first.trend) == (
        "malfunction",
        5,
        0.625,
        "rising",
    )
    assert (second.issue_type, second.recent, second.earlier, second.trend) == (
        "colour_difference",
        0,
        3,
        "falling",
    )


def test_small_differences_are_steady_not_a_trend() -> None:
    complaints = [complaint(1, "a", day=2), complaint(2, "b", day=25)]
    assert recurring_faults(complaints, since=T0, until=UNTIL).issue_types[0].trend == "steady"


def test_only_the_period_counts_and_top_limits_the_phrases() -> None:
    texts = ["电池掉电", "屏幕闪烁", "按键失灵", "喇叭杂音"]
    complaints = [complaint(n * 10 + k, t) for n, t in enumerate(texts) for k in range(2)]
    complaints.append(complaint(99, "电池掉电", day=-5))  # before the period
    found = recurring_faults(complaints, since=T0, until=UNTIL, top=2)
    assert found.cases == 8
    assert len(found.phrases) == 2
