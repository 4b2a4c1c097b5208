"""The charts are well-formed SVG, scaled to their data, named for screen readers, and safe."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from aftersales.console import charts

NS = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_bars_are_as_tall_as_their_values() -> None:
    svg = _parse(charts.bars("Cases", ["w1", "w2"], [charts.Series("opened", [2, 4])]))
    heights = [float(r.get("height", "0")) for r in svg.iter(f"{NS}rect")]
    assert len(heights) == 2 and abs(heights[1] - 2 * heights[0]) < 0.5


def test_a_chart_is_named_and_summarised_for_screen_readers() -> None:
    svg = _parse(charts.bars("Cases per week", ["w1"], [charts.Series("opened", [3])]))
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{NS}title"), svg.find(f"{NS}desc")
    assert title is not None and title.text == "Cases per week"
    assert desc is not None and desc.text == "opened: w1 3"
    labelled = (svg.get("aria-labelledby") or "").split()
    assert labelled == [title.get("id"), desc.get("id")]


def test_axis_ticks_are_round_numbers() -> None:
    svg = _parse(charts.bars("x", ["a"], [charts.Series("s", [5])]))
    ticks = [t.text for t in svg.iter(f"{NS}text") if t.get("class") == "tick" and t.text != "a"]
    assert ticks == ["0", "1", "2", "3", "4", "5"]
    big = _parse(charts.bars("x", ["a"], [charts.Series("s", [1700])]))
    ticks = [t.text for t in big.iter(f"{NS}text") if t.get("class") == "tick" and t.text != "a"]
    assert ticks == ["0", "500", "1,000", "1,500", "2,000"]


def test_a_missing_value_breaks_the_line() -> None:
    svg = _parse(
        charts.lines(
            "Rate", ["a", "b", "c", "d"], [charts.Series("s", [0.5, None, 0.7, 0.8])], percent=True
        )
    )
    polylines = list(svg.iter(f"{NS}polyline"))
    assert [len((p.get("points") or "").split()) for p in polylines] == [1, 2]
    assert len(list(svg.iter(f"{NS}circle"))) == 3


def test_text_in_a_chart_is_escaped() -> None:
    svg = charts.hbars("<script>", [("<b>queue</b>", 2.0)])
    assert "<script>" not in svg and "<b>" not in svg
    assert _parse(svg).find(f"{NS}title") is not None
