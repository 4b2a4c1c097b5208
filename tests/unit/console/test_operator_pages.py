"""The operator pages' own drawing and words: the province tile map, its colour classes, the
names of alert statuses and detectors, and the tier charts' score bands."""

# ruff: noqa: RUF001

from __future__ import annotations

import re
from datetime import date

import pytest

from aftersales.console.i18n import Translator
from aftersales.console.labels import LABELS
from aftersales.console.pages.operator_tiers import tier_charts
from aftersales.console.province_map import PROVINCES, bin_of, bounds, region_name, tile_map
from aftersales.services.tier_figures import TierFigures
from aftersales.simulation import REGIONS
from aftersales.warning import AlertStatus, Method

EN, ZH = Translator("en"), Translator("zh")


def test_every_province_level_division_has_one_tile_of_its_own() -> None:
    codes = [p.code for p in PROVINCES]
    cells = [(p.col, p.row) for p in PROVINCES]
    assert len(codes) == len(set(codes)) == 34  # 31 on the mainland, Hong Kong, Macao, Taiwan
    assert len(cells) == len(set(cells))
    assert all(re.fullmatch(r"CN-[A-Z]{2}", c) for c in codes)
    assert {r.code for r in REGIONS} <= set(codes)  # every region the simulator sells in


def test_neighbours_stay_roughly_neighbours() -> None:
    at = {p.code: (p.col, p.row) for p in PROVINCES}
    assert at["CN-HL"][1] < at["CN-BJ"][1] < at["CN-HB"][1] < at["CN-GD"][1] < at["CN-HI"][1]
    assert at["CN-XJ"][0] < at["CN-GS"][0] < at["CN-SN"][0] < at["CN-HA"][0] < at["CN-SD"][0]
    assert at["CN-JS"][0] < at["CN-SH"][0] and at["CN-FJ"][0] < at["CN-TW"][0]


def test_colour_classes_split_the_counts_into_equal_whole_steps() -> None:
    assert [bin_of(n, 4) for n in range(5)] == [0, 1, 2, 3, 4]
    assert [bin_of(n, 10) for n in (0, 1, 3, 4, 6, 7, 9, 10)] == [0, 1, 1, 2, 2, 3, 3, 4]
    assert bounds(10) == [(1, 3), (4, 6), (7, 9), (10, 10)]
    assert bounds(2) == [(1, 1), (2, 2)]
    assert bounds(0) == []


def test_the_map_names_each_tile_for_screen_readers_and_links_it() -> None:
    drawn = tile_map(
        ZH, {"CN-BJ": 3, "CN-XX": 9}, title="各省预警", link=lambda code: f"/x?region={code}&a=1"
    )
    assert drawn.count("<a ") == 34
    assert 'aria-label="北京：3 条预警"' in drawn and 'class="m3"' in drawn  # top 3: m1 … m3
    assert 'href="/x?region=CN-GD&amp;a=1"' in drawn  # escaped in the attribute
    assert "CN-XX" not in drawn  # a code that is no province is left to the table
    assert '<desc id="map-d">北京 3</desc>' in drawn


def test_an_empty_map_says_so_and_marks_the_chosen_province() -> None:
    drawn = tile_map(EN, {}, title="Alerts", link=lambda code: code, selected="CN-SH")
    assert "No province has an alert." in drawn
    assert 'class="m0 chosen"' in drawn and 'aria-current="true"' in drawn


def test_region_names_in_both_languages_and_unknown_codes_as_they_are() -> None:
    assert (region_name(EN, "CN-NM"), region_name(ZH, "CN-NM")) == ("Inner Mongolia", "内蒙古")
    assert region_name(ZH, "CN-QQ") == "CN-QQ"


@pytest.mark.parametrize(("kind", "values"), [("alert_status", AlertStatus), ("method", Method)])
def test_alert_values_have_names_in_both_languages(kind: str, values: type) -> None:
    for value in values:  # type: ignore[attr-defined]
        en, zh = LABELS[kind][value.value]
        assert en and zh and en != zh


def test_scores_are_banded_by_ten_points_and_counted_per_tier() -> None:
    figures = TierFigures(
        period="2026-10",
        scores={"good": (51.0, 58.5, 61.0), "watch": (29.9,)},
        merchants={"good": 3, "watch": 1},
        impressions={"good": 900, "watch": 100},
        window=(date(2026, 10, 6), date(2026, 11, 2)),
    )
    drawn = tier_charts(EN, figures)
    tips = dict(
        t.split(": ") for t in re.findall(r"<rect [^>]*><title>([^<]+)</title>", drawn.scores)
    )
    bands = ["20–30", "30–40", "40–50", "50–60", "60–70"]
    assert [tips[f"good {b}"] for b in bands] == ["0", "0", "0", "2", "1"]
    assert [tips[f"watch {b}"] for b in bands] == ["1", "0", "0", "0", "0"]
    assert drawn.score_legend == [("s0", "good"), ("s1", "watch")]
    assert drawn.exposure_table[1][0] == ["good", "3", "75%", "900", "90%"]
