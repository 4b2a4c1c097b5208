"""Line charts as a browser draws them: a line is a stroke, never a filled shape.

The series colours (``.s0`` …) set both fill (bars, dots) and stroke, and a ``<polyline>`` is
filled by default, so a line chart whose style sheet let a series colour win over the line's
``fill: none`` drew each line as a coloured wedge between its points and the chord from first
to last. That is a matter of the style sheets' selectors, which only a browser resolves: the
flywheel report (its own sheet) and the console (``console.css``) are both checked here, with
every series colour either sheet defines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aftersales.cli.flywheel_report import CONDUCTS, render
from aftersales.console.charts import Series, lines
from tests.browser.test_console_browser import ARGS, CHROMIUM, playwright_api

CONSOLE_CSS = Path(__file__).resolve().parents[2] / "src/aftersales/console/static/console.css"
_SEEN = """() => [...document.querySelectorAll('svg.chart polyline')].map(p => {
    const style = getComputedStyle(p);
    return [p.getAttribute('class'), style.fill, style.stroke];
})"""


def _summary() -> dict[str, Any]:
    months = ("2026-09", "2026-10", "2026-11")
    rows = {
        c: {"exposure_share": 0.2 + 0.1 * k, "tiers": {"good": 2}} for k, c in enumerate(CONDUCTS)
    }
    platform = {"orders": 900, "cases": {"closed": 40}, "escalated": 4, "arbitrated": 3}
    return {"platform": platform | {"recalls": {}}, "flywheel": dict.fromkeys(months, rows)}


def _drawn(html: Path) -> list[tuple[str, str, str]]:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            tab = browser.new_page()
            tab.goto(html.as_uri())
            return [tuple(row) for row in tab.evaluate(_SEEN)]
        finally:
            browser.close()


def _assert_strokes(drawn: list[tuple[str, str, str]], series: int) -> None:
    assert len({cls for cls, _, _ in drawn}) == series, drawn  # every series drew its line
    for cls, fill, stroke in drawn:
        assert fill == "none", f"{cls} is filled with {fill}"
        assert stroke not in ("none", "rgb(0, 0, 0)"), f"{cls} has no colour of its own: {stroke}"


def test_the_flywheel_reports_lines_are_not_filled(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    report.write_text(render([("seed 7", _summary())]), encoding="utf-8")
    _assert_strokes(_drawn(report), series=len(CONDUCTS))


def test_the_consoles_lines_are_not_filled_in_any_series_colour(tmp_path: Path) -> None:
    sheet = CONSOLE_CSS.read_text(encoding="utf-8")
    colours = sum(f"svg.chart .s{k} " in sheet for k in range(20))
    months = ["2026-09", "2026-10", "2026-11"]
    chart = lines("trend", months, [Series(f"s{k}", [1.0, 2.0 + k, 3.0]) for k in range(colours)])
    page = tmp_path / "console.html"
    page.write_text(
        f'<!doctype html><html><head><link rel="stylesheet" href="{CONSOLE_CSS.as_uri()}">'
        f"</head><body>{chart}</body></html>",
        encoding="utf-8",
    )
    _assert_strokes(_drawn(page), series=colours)
