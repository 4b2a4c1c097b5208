"""The overview's charts of merchants by tier: how the last cycle's scores spread in each tier,
and each tier's share of the merchants beside its share of the content impressions."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from aftersales.console import charts
from aftersales.console.i18n import Translator
from aftersales.console.pages.merchant_common import named
from aftersales.scoring.texts import TIER_NAMES
from aftersales.scoring.tiers import Tier
from aftersales.services.tier_figures import TierFigures

__all__ = ["TierCharts", "tier_charts"]

BAND = 10  # score points per bar of the distribution

Table = tuple[list[str], list[list[str]]]


@dataclass(frozen=True, slots=True)
class TierCharts:
    scores: str  # SVG; empty before the first assessment cycle
    score_legend: list[tuple[str, str]]  # (css class, tier name) of each series
    score_table: Table
    exposure: str
    exposure_table: Table


def tier_charts(tr: Translator, figures: TierFigures) -> TierCharts:
    scores, legend = _score_chart(tr, figures)
    return TierCharts(
        scores,
        legend,
        _score_table(tr, figures),
        _exposure_chart(tr, figures),
        _exposure_table(tr, figures),
    )


def _name(tr: Translator, tier: str) -> str:
    return named(tr, TIER_NAMES, Tier, tier)


def _bands(figures: TierFigures) -> list[tuple[int, int]]:
    every = [s for values in figures.scores.values() for s in values]
    if not every:
        return []
    low = math.floor(min(every) / BAND) * BAND
    high = max(low + BAND, math.ceil(max(every) / BAND) * BAND)
    return [(b, b + BAND) for b in range(low, high, BAND)]


def _score_chart(tr: Translator, figures: TierFigures) -> tuple[str, list[tuple[str, str]]]:
    bands = _bands(figures)
    if not bands:
        return "", []
    tiers = [t for t in figures.tiers if t in figures.scores]
    series = [
        charts.Series(_name(tr, t), [float(_count(figures.scores[t], band)) for band in bands])
        for t in tiers
    ]
    title = tr.t("overview.scores", period=figures.period or "")
    chart = charts.bars(title, [f"{low}–{high}" for low, high in bands], series)  # noqa: RUF001
    return chart, [(f"s{k}", _name(tr, t)) for k, t in enumerate(tiers)]


def _count(scores: tuple[float, ...], band: tuple[int, int]) -> int:
    low, high = band
    return sum(1 for s in scores if low <= s < high or (s == high == 100))


def _score_table(tr: Translator, figures: TierFigures) -> Table:
    head = [
        tr.t("merchant.tier"),
        tr.t("overview.merchants"),
        tr.t("overview.lowest"),
        tr.t("overview.median"),
        tr.t("overview.highest"),
    ]
    rows = [
        [_name(tr, t), str(len(v)), f"{v[0]:.1f}", f"{statistics.median(v):.1f}", f"{v[-1]:.1f}"]
        for t in figures.tiers
        if (v := figures.scores.get(t))
    ]
    return head, rows


def _shares(counts: dict[str, int], tiers: tuple[str, ...]) -> list[float]:
    total = sum(counts.values())
    return [counts.get(t, 0) / total if total else 0.0 for t in tiers]


def _exposure_chart(tr: Translator, figures: TierFigures) -> str:
    tiers = figures.tiers
    series = [
        charts.Series(tr.t("series.merchants"), _shares(figures.merchants, tiers)),
        charts.Series(tr.t("series.impressions"), _shares(figures.impressions, tiers)),
    ]
    names = [_name(tr, t) for t in tiers]
    return charts.bars(tr.t("overview.exposure"), names, series, percent=True)


def _exposure_table(tr: Translator, figures: TierFigures) -> Table:
    tiers = figures.tiers
    people = _shares(figures.merchants, tiers)
    shown = _shares(figures.impressions, tiers)
    head = [
        tr.t("merchant.tier"),
        tr.t("overview.merchants"),
        tr.t("series.merchants"),
        tr.t("overview.impressions"),
        tr.t("series.impressions"),
    ]
    rows = [
        [
            _name(tr, t),
            str(figures.merchants.get(t, 0)),
            tr.percent(people[i]),
            f"{figures.impressions.get(t, 0):,}",
            tr.percent(shown[i]),
        ]
        for i, t in enumerate(tiers)
    ]
    return head, rows
