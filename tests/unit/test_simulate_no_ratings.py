"""A simulation's figures by conduct without a single rating: no mean, said in words, not 0.00."""

from __future__ import annotations

from rich.console import Console

from aftersales.cli.simulate_report import _conduct_table
from aftersales.services.sim_record import _rates
from aftersales.store.simulation_runs import MerchantFigures

_TIERS = {"excellent": 2, "good": 9, "restricted": 4, "standard": 8, "watch": 2}


def test_figures_without_ratings_have_no_mean_stars_and_no_satisfaction() -> None:
    rates = _rates(3, MerchantFigures(orders=120, cases=6))

    assert rates["mean_stars"] is None and rates["csat"] is None
    assert _rates(3, MerchantFigures(stars=9, ratings=2, satisfied=1))["mean_stars"] == 4.5


def test_the_conduct_table_says_no_ratings_in_both_languages_within_80_columns() -> None:
    rated = _rates(20, MerchantFigures(orders=14_538, cases=673, stars=93, ratings=20))
    unrated = _rates(20, MerchantFigures(orders=14_538, cases=673))
    console = Console(width=80, record=True)

    console.print(
        _conduct_table({"obstructive": unrated, "responsive": rated}, {"obstructive": _TIERS})
    )

    text = console.export_text()
    assert "无评价" in text and "ratings" in text and "4.65" in text
    assert "0.00" not in text and "…" not in text
    assert max(console.measure(line).maximum for line in text.splitlines()) <= 80
