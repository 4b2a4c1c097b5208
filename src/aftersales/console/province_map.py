"""China's province-level divisions as a tile map: one equal square per province, placed on a
grid so that neighbours stay roughly neighbours, coloured by a count (a choropleth).

A tile map rather than drawn borders: every province gets the same room whatever its area
(Shanghai and Beijing, where many buyers live, are as visible as Xinjiang), it fits a phone, and
no boundary data has to be shipped or kept right (docs/decisions/0022-operator-console-pages.md).
The SVG is drawn on the server like ``charts``: no script, each tile a link with its name and
count for screen readers, the figures also as a table on the page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape

from aftersales.console.i18n import Translator

__all__ = ["BINS", "PROVINCES", "Province", "bin_of", "bounds", "region_name", "tile_map"]


@dataclass(frozen=True, slots=True)
class Province:
    code: str  # ISO 3166-2:CN, as orders and alerts name regions
    en: str
    zh: str
    col: int
    row: int


# Rows run north to south, columns west to east.
PROVINCES: tuple[Province, ...] = (
    Province("CN-HL", "Heilongjiang", "黑龙江", 7, 0),
    Province("CN-NM", "Inner Mongolia", "内蒙古", 5, 1),
    Province("CN-JL", "Jilin", "吉林", 7, 1),
    Province("CN-XJ", "Xinjiang", "新疆", 0, 2),
    Province("CN-GS", "Gansu", "甘肃", 2, 2),
    Province("CN-NX", "Ningxia", "宁夏", 3, 2),
    Province("CN-SX", "Shanxi", "山西", 4, 2),
    Province("CN-BJ", "Beijing", "北京", 5, 2),
    Province("CN-TJ", "Tianjin", "天津", 6, 2),
    Province("CN-LN", "Liaoning", "辽宁", 7, 2),
    Province("CN-QH", "Qinghai", "青海", 1, 3),
    Province("CN-SN", "Shaanxi", "陕西", 3, 3),
    Province("CN-HA", "Henan", "河南", 4, 3),
    Province("CN-HE", "Hebei", "河北", 5, 3),
    Province("CN-SD", "Shandong", "山东", 6, 3),
    Province("CN-XZ", "Tibet", "西藏", 1, 4),
    Province("CN-SC", "Sichuan", "四川", 2, 4),
    Province("CN-CQ", "Chongqing", "重庆", 3, 4),
    Province("CN-HB", "Hubei", "湖北", 4, 4),
    Province("CN-AH", "Anhui", "安徽", 5, 4),
    Province("CN-JS", "Jiangsu", "江苏", 6, 4),
    Province("CN-SH", "Shanghai", "上海", 7, 4),
    Province("CN-YN", "Yunnan", "云南", 2, 5),
    Province("CN-GZ", "Guizhou", "贵州", 3, 5),
    Province("CN-HN", "Hunan", "湖南", 4, 5),
    Province("CN-JX", "Jiangxi", "江西", 5, 5),
    Province("CN-ZJ", "Zhejiang", "浙江", 6, 5),
    Province("CN-GX", "Guangxi", "广西", 3, 6),
    Province("CN-GD", "Guangdong", "广东", 4, 6),
    Province("CN-FJ", "Fujian", "福建", 5, 6),
    Province("CN-TW", "Taiwan", "台湾", 6, 6),
    Province("CN-HI", "Hainan", "海南", 3, 7),
    Province("CN-MO", "Macao", "澳门", 4, 7),
    Province("CN-HK", "Hong Kong", "香港", 5, 7),
)
_BY_CODE = {p.code: p for p in PROVINCES}

BINS = 5  # colour classes: m0 (none) … m4 (the most)
_TILE, _GAP, _PAD = 56, 4, 2
_COLS = max(p.col for p in PROVINCES) + 1
_ROWS = max(p.row for p in PROVINCES) + 1


def region_name(tr: Translator, code: str) -> str:
    """The province's name in the reader's language; an unknown code as it is."""
    found = _BY_CODE.get(code)
    if found is None:
        return code
    return found.zh if tr.lang == "zh" else found.en


def bounds(top: int) -> list[tuple[int, int]]:
    """The (low, high) counts of colour classes 1 … 4 for a largest count ``top``: whole
    numbers, equal steps, the last ending at ``top``. Class 0 is a count of none."""
    step = max(1, math.ceil(top / (BINS - 1)))
    found = [(1 + i * step, (i + 1) * step) for i in range(BINS - 1)]
    return [(low, min(high, top)) for low, high in found if low <= top]


def bin_of(count: int, top: int) -> int:
    if count <= 0:
        return 0
    step = max(1, math.ceil(top / (BINS - 1)))
    return min(BINS - 1, 1 + (count - 1) // step)


def tile_map(
    tr: Translator,
    counts: Mapping[str, int],
    *,
    title: str,
    link: Callable[[str], str],
    selected: str | None = None,
) -> str:
    """The map as inline SVG: each province a tile coloured by its count, linking to ``link``."""
    top = max((counts.get(p.code, 0) for p in PROVINCES), default=0)
    tiles = [
        _tile(tr, p, counts.get(p.code, 0), top, link(p.code), p.code == selected)
        for p in PROVINCES
    ]
    width = _PAD * 2 + _COLS * (_TILE + _GAP) - _GAP
    height = _PAD * 2 + _ROWS * (_TILE + _GAP) - _GAP
    named = [f"{region_name(tr, p.code)} {counts[p.code]}" for p in PROVINCES if counts.get(p.code)]
    summary = "; ".join(named) or tr.t("alerts.map.empty")
    return (
        f'<svg class="map" viewBox="0 0 {width} {height}" role="group"'
        ' aria-labelledby="map-t map-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="map-t">{escape(title)}</title><desc id="map-d">{escape(summary)}</desc>'
        f"{''.join(tiles)}</svg>"
    )


def _tile(tr: Translator, p: Province, count: int, top: int, href: str, chosen: bool) -> str:
    x = _PAD + p.col * (_TILE + _GAP)
    y = _PAD + p.row * (_TILE + _GAP)
    name = region_name(tr, p.code)
    short = p.zh if tr.lang == "zh" else p.code.removeprefix("CN-")
    said = escape(tr.t("alerts.map.tile", region=name, count=count))
    mark = ' aria-current="true"' if chosen else ""
    classes = f"m{bin_of(count, top)}" + (" chosen" if chosen else "")
    middle = x + _TILE / 2
    return (
        f'<a class="{classes}" href="{escape(href)}" aria-label="{said}"{mark}>'
        f'<rect x="{x}" y="{y}" width="{_TILE}" height="{_TILE}" rx="4">'
        f"<title>{said}</title></rect>"
        f'<text class="name" x="{middle}" y="{y + 24}" text-anchor="middle">{escape(short)}</text>'
        f'<text class="count" x="{middle}" y="{y + 44}" text-anchor="middle">{count}</text></a>'
    )
