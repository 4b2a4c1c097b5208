"""The simulation's table by conduct fits an 80-column terminal without cutting words."""

from __future__ import annotations

from rich.console import Console

from aftersales.cli.simulate_report import _conduct_table

_ROW = {
    "merchants": 20,
    "orders": 14_538,
    "cases_per_1000_orders": 46.3,
    "escalation_rate": 0.13,
    "arbitrations_lost": 0.74,
    "arbitrations": 129,
    "mean_stars": 4.64,
}
_TIERS = {"excellent": 2, "good": 9, "restricted": 4, "standard": 8, "watch": 2}


def test_the_conduct_table_fits_eighty_columns_with_every_word_whole() -> None:
    console = Console(width=80, record=True)
    by_conduct = {"obstructive": _ROW, "responsive": _ROW, "responsive→obstructive": _ROW}
    console.print(_conduct_table(by_conduct, dict.fromkeys(by_conduct, _TIERS)))
    text = console.export_text()

    assert "…" not in text
    assert max(console.measure(line).maximum for line in text.splitlines()) <= 80
    words = ("obstructive", "responsive", "→ obstructive", "restricted 4", "14,538", "74%/129")
    for word in words:
        assert word in text
