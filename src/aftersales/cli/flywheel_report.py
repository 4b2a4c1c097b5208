"""The flywheel report: one self-contained HTML page per simulation run (or two runs side by
side), with a chart per figure and cycle — exposure share, sales, service and tier of careful
versus careless merchants, satisfaction, disputes.

The charts are the console's inline SVG (``console.charts``): no script, no third-party asset,
readable offline and printable; each chart names its figures for screen readers too.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from jinja2 import Environment, StrictUndefined, select_autoescape

from aftersales.console.charts import Series, lines

__all__ = ["render"]

CONDUCTS = ("responsive", "slow", "obstructive")
_RANK = {"restricted": 0, "watch": 1, "standard": 2, "good": 3, "excellent": 4}
# (figure key, zh, en, percent?)
FIGURES: tuple[tuple[str, str, str, bool], ...] = (
    ("exposure_share", "曝光份额", "share of exposure", True),
    ("orders_share", "订单份额", "share of orders", True),
    ("escalation_rate", "平台介入率", "cases taken to the platform (disputes)", True),
    ("dispute_rate", "仲裁率", "disputes arbitrated", True),
    ("csat", "满意度", "satisfied buyers (4-5 stars)", True),
    ("tier_rank", "等级均值", "mean tier (0 restricted … 4 excellent)", False),
)

_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>飞轮报告 Flywheel report</title>
<style>
body { font: 15px/1.5 system-ui, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei",
       sans-serif; margin: 2rem; color: #1f2328; max-width: 1280px; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.runs { display: grid; grid-template-columns: repeat({{ runs|length }}, 1fr); gap: 1.5rem; }
table { border-collapse: collapse; margin: .5rem 0; } td, th { padding: .2rem .6rem;
        border-bottom: 1px solid #d0d7de; text-align: right; } th:first-child,
        td:first-child { text-align: left; }
svg.chart { width: 100%; height: auto; } svg.chart .grid { stroke: #d0d7de; }
svg.chart .tick { font-size: 12px; fill: #57606a; } svg.chart .s0 { fill: #1a7f37;
        stroke: #1a7f37; } svg.chart .s1 { fill: #bf8700; stroke: #bf8700; }
svg.chart .s2 { fill: #cf222e; stroke: #cf222e; }
svg.chart polyline.line { fill: none; stroke-width: 2.5; }
ul.legend { list-style: none; padding: 0; display: flex; gap: 1.2rem; }
ul.legend li::before { content: ""; display: inline-block; width: .8rem; height: .8rem;
        margin-right: .3rem; vertical-align: middle; }
ul.legend li.s0::before { background: #1a7f37; } ul.legend li.s1::before { background: #bf8700; }
ul.legend li.s2::before { background: #cf222e; }
</style></head><body>
<h1>飞轮报告 Flywheel report</h1>
<p>好商家赢得流量，差商家失去流量：每个考核周期按商家（隐藏的）服务行为分组。
Good service earns traffic, poor service loses it: every assessment cycle, by the merchants'
hidden conduct.</p>
<ul class="legend"><li class="s0">responsive 响应及时</li><li class="s1">slow 响应迟缓</li>
<li class="s2">obstructive 推诿阻挠</li></ul>
<div class="runs">{% for run in runs %}<section><h2>{{ run.name }}</h2>
<table><tbody>{% for label, value in run.headline %}<tr><td>{{ label }}</td><td>{{ value }}</td>
</tr>{% endfor %}</tbody></table></section>{% endfor %}</div>
{% for figure in figures %}<h2>{{ figure.title }}</h2>
<div class="runs">{% for chart in figure.charts %}<div>{{ chart|safe }}</div>{% endfor %}</div>
{% endfor %}
{% if differences %}<h2>最后一个周期的差异 The last cycle, side by side</h2>
<table><thead><tr><th>figure</th><th>conduct</th>{% for run in runs %}<th>{{ run.name }}</th>
{% endfor %}</tr></thead><tbody>{% for row in differences %}<tr>{% for cell in row %}
<td>{{ cell }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>{% endif %}
</body></html>
"""


def render(runs: Sequence[tuple[str, Mapping[str, Any]]]) -> str:
    """The report of one run, or of several on the same seed side by side."""
    env = Environment(autoescape=select_autoescape(default=True), undefined=StrictUndefined)
    page = env.from_string(_PAGE)
    figures = [
        {
            "title": f"{zh} {en}",
            "charts": [_chart(f"{name}: {en}", summary, key, percent) for name, summary in runs],
        }
        for key, zh, en, percent in FIGURES
    ]
    differences = _differences(runs) if len(runs) > 1 else []
    return page.render(
        runs=[{"name": n, "headline": _headline(s)} for n, s in runs],
        figures=figures,
        differences=differences,
    )


def _value(row: Mapping[str, Any], key: str) -> float | None:
    if key == "tier_rank":
        ranked = {t: n for t, n in row.get("tiers", {}).items() if t in _RANK}
        total = sum(ranked.values())
        return sum(_RANK[t] * n for t, n in ranked.items()) / total if total else None
    value = row.get(key)
    return None if value is None else float(value)


def _chart(title: str, summary: Mapping[str, Any], key: str, percent: bool) -> str:
    cycles = list(summary.get("flywheel", {}))
    series = [
        Series(c, [_value(summary["flywheel"][p].get(c, {}), key) for p in cycles])
        for c in CONDUCTS
    ]
    return lines(title, cycles, series, percent=percent)


def _headline(summary: Mapping[str, Any]) -> list[tuple[str, str]]:
    platform = summary["platform"]
    cases = sum(platform["cases"].values())
    return [
        ("订单 orders", f"{platform['orders']:,}"),
        ("售后单 cases", f"{cases:,}"),
        ("平台介入 escalated", f"{platform['escalated']:,}"),
        ("仲裁 arbitrated", f"{platform['arbitrated']:,}"),
        ("召回 recalls", ", ".join(f"{k} {v}" for k, v in platform["recalls"].items()) or "0"),
        ("考核周期 cycles", f"{len(summary.get('flywheel', {}))}"),
    ]


def _differences(runs: Sequence[tuple[str, Mapping[str, Any]]]) -> list[list[str]]:
    rows = []
    for key, zh, en, percent in FIGURES:
        for conduct in CONDUCTS:
            cells = []
            for _, summary in runs:
                flywheel = summary.get("flywheel", {})
                last = flywheel[list(flywheel)[-1]] if flywheel else {}
                value = _value(last.get(conduct, {}), key)
                cells.append("—" if value is None else _shown(value, percent))
            rows.append([f"{zh} {en}", conduct, *cells])
    return rows


def _shown(value: float, percent: bool) -> str:
    return f"{value:.1%}" if percent else f"{value:.2f}"
