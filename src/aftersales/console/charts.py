"""Small charts drawn on the server as inline SVG: grouped bars, horizontal bars and lines.

No script and no third-party code: the page carries the picture itself, scales with the screen
(``viewBox``), and names it for screen readers (``role="img"`` with a title and a summary);
the page shows the same figures as a table beside each chart. Colours come from the style
sheet through the classes ``s0``, ``s1`` … of each series.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from itertools import count

__all__ = ["Series", "bars", "hbars", "lines"]

_W, _H = 640, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 52, 12, 14, 44
_ids = count(1)
_SMALL = 8  # counts up to this get one tick per whole number


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: Sequence[float | None]


def bars(
    title: str, categories: Sequence[str], series: Sequence[Series], *, percent: bool = False
) -> str:
    """Vertical bars, one group per category, one bar per series."""
    top = _nice_max([v for s in series for v in s.values if v is not None], percent)
    plot_w = _W - _LEFT - _RIGHT
    slot = plot_w / max(len(categories), 1)
    width = slot * 0.8 / max(len(series), 1)
    shapes = [_axis(top, percent), _x_labels(categories)]
    for k, s in enumerate(series):
        for i, value in enumerate(s.values):
            if value is None:
                continue
            x = _LEFT + i * slot + slot * 0.1 + k * width
            y, h = _y(value, top), _y(0, top) - _y(value, top)
            tip = f"{s.name} {categories[i]}: {_fmt(value, percent)}"
            shapes.append(
                f'<rect class="s{k}" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}"'
                f' height="{h:.1f}"><title>{escape(tip)}</title></rect>'
            )
    return _svg(title, _summary(categories, series, percent), shapes)


def lines(
    title: str, categories: Sequence[str], series: Sequence[Series], *, percent: bool = False
) -> str:
    """One line per series across the categories; a missing value breaks the line."""
    top = _nice_max([v for s in series for v in s.values if v is not None], percent)
    slot = (_W - _LEFT - _RIGHT) / max(len(categories), 1)
    shapes = [_axis(top, percent), _x_labels(categories)]
    for k, s in enumerate(series):
        points = [
            (_LEFT + slot * (i + 0.5), None if v is None else _y(v, top), v)
            for i, v in enumerate(s.values)
        ]
        for run in _runs(points):
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in run)
            shapes.append(f'<polyline class="line s{k}" points="{path}"/>')
        for i, (x, y, v) in enumerate(points):
            if v is not None and y is not None:
                tip = escape(f"{s.name} {categories[i]}: {_fmt(v, percent)}")
                shapes.append(
                    f'<circle class="s{k}" cx="{x:.1f}" cy="{y:.1f}" r="3.5">'
                    f"<title>{tip}</title></circle>"
                )
    return _svg(title, _summary(categories, series, percent), shapes)


def hbars(title: str, labelled: Sequence[tuple[str, float]]) -> str:
    """Horizontal bars with their labels and values, for a few categories with long names."""
    row, label_w = 26, 170
    height = _TOP + row * max(len(labelled), 1) + 8
    top = _nice_max([v for _, v in labelled], False)
    span = _W - label_w - 60
    shapes = []
    for i, (name, value) in enumerate(labelled):
        y = _TOP + i * row
        w = span * value / top if top else 0
        shapes.append(
            f'<text class="label" x="{label_w - 8}" y="{y + 16}" text-anchor="end">'
            f"{escape(name)}</text>"
            f'<rect class="s0" x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row - 8}"/>'
            f'<text class="value" x="{label_w + w + 6:.1f}" y="{y + 16}">'
            f"{_fmt(value, False)}</text>"
        )
    summary = "; ".join(f"{n}: {_fmt(v, False)}" for n, v in labelled)
    return _svg(title, summary, shapes, height=height)


# ---- helpers ------------------------------------------------------------------------------------


def _svg(title: str, summary: str, shapes: list[str], *, height: int = _H) -> str:
    n = next(_ids)
    return (
        f'<svg class="chart" viewBox="0 0 {_W} {height}" role="img"'
        f' aria-labelledby="chart{n}t chart{n}d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart{n}t">{escape(title)}</title>'
        f'<desc id="chart{n}d">{escape(summary)}</desc>{"".join(shapes)}</svg>'
    )


def _summary(categories: Sequence[str], series: Sequence[Series], percent: bool) -> str:
    parts = []
    for s in series:
        shown = ", ".join(
            f"{c} {'—' if v is None else _fmt(v, percent)}"
            for c, v in zip(categories, s.values, strict=False)
        )
        parts.append(f"{s.name}: {shown}")
    return "; ".join(parts)


def _axis(top: float, percent: bool) -> str:
    ticks = []
    steps = _steps(top, percent)
    for i in range(steps + 1):
        value = top * i / steps
        y = _y(value, top)
        ticks.append(
            f'<line class="grid" x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_fmt(value, percent)}</text>"
        )
    return "".join(ticks)


def _x_labels(categories: Sequence[str]) -> str:
    slot = (_W - _LEFT - _RIGHT) / max(len(categories), 1)
    step = max(1, math.ceil(len(categories) / 8))  # at most eight labels fit a phone's width
    return "".join(
        f'<text class="tick" x="{_LEFT + slot * (i + 0.5):.1f}" y="{_H - _BOTTOM + 18}"'
        f' text-anchor="middle">{escape(c)}</text>'
        for i, c in enumerate(categories)
        if i % step == 0
    )


def _y(value: float, top: float) -> float:
    plot_h = _H - _TOP - _BOTTOM
    return _TOP + plot_h * (1 - (value / top if top else 0))


def _nice_max(values: Sequence[float], percent: bool) -> float:
    """A round top for the axis: 1, 2, 2.5 or 5 times a power of ten (100% for shares), or
    the next whole number for small counts, so that every tick is a round number."""
    if percent:
        return 1.0
    high = max(values, default=0.0)
    if high <= 0:
        return 1.0
    if high <= _SMALL:
        return float(math.ceil(high))
    power = 10.0 ** math.floor(math.log10(high))
    return next(m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * power >= high)


def _steps(top: float, percent: bool) -> int:
    """How many intervals the axis has: whole numbers below a small top, quarters of 100%."""
    if percent:
        return 4
    if top <= _SMALL:
        return int(top)
    leading = top / 10.0 ** math.floor(math.log10(top))
    return 4 if leading == 2.0 else 5


def _fmt(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _runs(
    points: list[tuple[float, float | None, float | None]],
) -> list[list[tuple[float, float, float]]]:
    """The stretches of consecutive points that have a value."""
    runs: list[list[tuple[float, float, float]]] = [[]]
    for x, y, v in points:
        if v is None or y is None:
            runs.append([])
        else:
            runs[-1].append((x, y, v))
    return [r for r in runs if r]
