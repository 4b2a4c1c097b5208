"""Provinces the simulated marketplace sells in, with their climate and share of buyers.

Temperatures are rough monthly means (°C) of each province's main city in January and July; a
cosine between the two is close enough for a product that fails in the cold or in the heat.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

__all__ = ["REGIONS", "Region", "temperature"]

# The day of the year (about 20 July) when the cosine peaks, and its period.
_WARMEST_DAY = 201
_YEAR = 365.25


@dataclass(frozen=True, slots=True)
class Region:
    code: str  # ISO 3166-2:CN
    zh: str
    en: str
    north: bool  # north of the Qinling-Huai line: central heating, cold dry winters
    january: float  # mean temperature, °C
    july: float
    weight: float  # share of buyers (roughly online shoppers by province, in %)


REGIONS: tuple[Region, ...] = (
    Region("CN-HL", "黑龙江", "Heilongjiang", True, -18.0, 23.0, 2.4),
    Region("CN-JL", "吉林", "Jilin", True, -15.0, 23.5, 1.8),
    Region("CN-LN", "辽宁", "Liaoning", True, -10.0, 25.0, 3.3),
    Region("CN-NM", "内蒙古", "Inner Mongolia", True, -12.0, 23.0, 1.6),
    Region("CN-BJ", "北京", "Beijing", True, -3.0, 27.0, 4.5),
    Region("CN-TJ", "天津", "Tianjin", True, -3.0, 27.0, 2.0),
    Region("CN-HE", "河北", "Hebei", True, -2.0, 27.0, 4.6),
    Region("CN-SX", "山西", "Shanxi", True, -5.0, 24.0, 2.2),
    Region("CN-SD", "山东", "Shandong", True, -1.0, 27.0, 6.8),
    Region("CN-HA", "河南", "Henan", True, 1.0, 28.0, 6.0),
    Region("CN-SN", "陕西", "Shaanxi", True, 0.0, 27.0, 2.8),
    Region("CN-XJ", "新疆", "Xinjiang", True, -12.0, 26.0, 1.5),
    Region("CN-SH", "上海", "Shanghai", False, 5.0, 29.0, 5.6),
    Region("CN-JS", "江苏", "Jiangsu", False, 3.0, 28.5, 8.0),
    Region("CN-ZJ", "浙江", "Zhejiang", False, 5.0, 29.0, 7.5),
    Region("CN-AH", "安徽", "Anhui", False, 3.0, 28.5, 3.8),
    Region("CN-HB", "湖北", "Hubei", False, 4.0, 29.0, 4.0),
    Region("CN-HN", "湖南", "Hunan", False, 5.0, 29.5, 3.7),
    Region("CN-JX", "江西", "Jiangxi", False, 6.0, 29.5, 2.6),
    Region("CN-FJ", "福建", "Fujian", False, 11.0, 29.0, 3.5),
    Region("CN-GD", "广东", "Guangdong", False, 14.0, 29.0, 11.0),
    Region("CN-GX", "广西", "Guangxi", False, 12.0, 28.5, 2.9),
    Region("CN-HI", "海南", "Hainan", False, 18.0, 29.0, 0.8),
    Region("CN-SC", "四川", "Sichuan", False, 6.0, 26.0, 5.4),
    Region("CN-CQ", "重庆", "Chongqing", False, 8.0, 29.0, 2.7),
    Region("CN-YN", "云南", "Yunnan", False, 9.0, 20.0, 2.3),
)


def temperature(region: Region, day: date) -> float:
    """The typical daily mean temperature of the province on that day, in °C."""
    mean = (region.january + region.july) / 2
    swing = (region.july - region.january) / 2
    angle = 2 * math.pi * (day.timetuple().tm_yday - _WARMEST_DAY) / _YEAR
    return mean + swing * math.cos(angle)
