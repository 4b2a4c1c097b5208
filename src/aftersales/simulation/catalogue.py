"""What each category of the simulated marketplace sells, costs, and goes wrong with.

One profile per leaf of the platform's category tree (``domain.categories``): product names in
Chinese and English, brands, a price range, when in the year it sells, how often its buyers open
a case per order and which problems they report.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from aftersales.domain.categories import CATEGORIES

__all__ = ["PROFILES", "CategoryProfile", "seasonal_demand"]


@dataclass(frozen=True, slots=True)
class CategoryProfile:
    path: str
    items: tuple[tuple[str, str], ...]  # (zh, en) product nouns
    brands: tuple[str, ...]
    price: tuple[int, int]  # yuan, low and high
    case_rate: float  # cases per order line at an average merchant
    issues: Mapping[str, float]  # issue type -> share of this category's ordinary cases
    peak_day: int = 0  # day of the year demand peaks (0: flat)
    swing: float = 0.0  # how far demand rises at the peak and falls opposite it (0..1)
    north_bias: float = 0.0  # >0 sells more in the north, <0 more in the south
    offline_share: float = 0.1  # of orders at a merchant with a store in the buyer's province
    attributes: Mapping[str, Any] = field(default_factory=dict)

    @property
    def root(self) -> str:
        return self.path.split("/")[0]


_DIGITAL_ISSUES = {
    "malfunction": 0.30,
    "quality_defect": 0.20,
    "software_issue": 0.18,
    "damaged_in_transit": 0.10,
    "not_as_described": 0.10,
    "missing_parts": 0.07,
    "wrong_item": 0.05,
}
_APPLIANCE_ISSUES = {
    "malfunction": 0.40,
    "quality_defect": 0.20,
    "damaged_in_transit": 0.15,
    "not_as_described": 0.10,
    "missing_parts": 0.10,
    "wrong_item": 0.05,
}
_WEAR_ISSUES = {
    "size_fit": 0.30,
    "quality_defect": 0.22,
    "colour_difference": 0.15,
    "not_as_described": 0.15,
    "care_damage": 0.10,
    "wrong_item": 0.08,
}
_CARE_LABEL = ("wash_30_mild", "do_not_bleach", "do_not_tumble_dry", "dry_flat", "iron_110")

PROFILES: dict[str, CategoryProfile] = {
    p.path: p
    for p in (
        CategoryProfile(
            "digital/phone",
            (("手机", "phone"), ("智能手机", "smartphone"), ("老人手机", "senior phone")),
            ("Acme", "Lumio", "Zhiyun"),
            (699, 5999),
            0.030,
            _DIGITAL_ISSUES,
            peak_day=315,
            swing=0.2,
        ),
        CategoryProfile(
            "digital/computer",
            (("笔记本电脑", "laptop"), ("平板电脑", "tablet"), ("台式机", "desktop PC")),
            ("Northwind", "Lumio", "Kestrel"),
            (1999, 8999),
            0.028,
            _DIGITAL_ISSUES,
            peak_day=240,
            swing=0.25,
        ),
        CategoryProfile(
            "digital/accessory",
            (("充电宝", "power bank"), ("蓝牙耳机", "Bluetooth earbuds"), ("充电器", "charger")),
            ("Voltix", "Lumio", "Ankor"),
            (49, 399),
            0.030,
            _DIGITAL_ISSUES,
        ),
        CategoryProfile(
            "appliance/heater",
            (("电暖器", "electric heater"), ("暖风机", "fan heater"), ("油汀取暖器", "oil heater")),
            ("WarmHome", "Beifeng", "Nuanyang"),
            (129, 899),
            0.030,
            _APPLIANCE_ISSUES,
            peak_day=340,
            swing=0.9,
            north_bias=0.8,
        ),
        CategoryProfile(
            "appliance/kitchen",
            (("电饭煲", "rice cooker"), ("电水壶", "electric kettle"), ("空气炸锅", "air fryer")),
            ("Chufang", "Meidi", "Kestrel"),
            (89, 999),
            0.025,
            _APPLIANCE_ISSUES,
        ),
        CategoryProfile(
            "apparel/knitwear",
            (
                ("羊毛衫", "wool sweater"),
                ("针织开衫", "knit cardigan"),
                ("羊绒衫", "cashmere sweater"),
            ),
            ("Yunmian", "Northknit", "Qingshan"),
            (99, 899),
            0.055,
            _WEAR_ISSUES | {"care_damage": 0.20, "size_fit": 0.22},
            peak_day=320,
            swing=0.6,
            north_bias=0.3,
            attributes={"fabric": "wool", "care_label": _CARE_LABEL},
        ),
        CategoryProfile(
            "apparel/outerwear",
            (("羽绒服", "down jacket"), ("风衣", "trench coat"), ("冲锋衣", "shell jacket")),
            ("Beiji", "Northknit", "Fengyi"),
            (199, 1599),
            0.050,
            _WEAR_ISSUES,
            peak_day=330,
            swing=0.7,
            north_bias=0.4,
            attributes={"fabric": "polyester"},
        ),
        CategoryProfile(
            "apparel/shoes",
            (("运动鞋", "running shoes"), ("皮鞋", "leather shoes"), ("雪地靴", "snow boots")),
            ("Bufeng", "Qingshan", "Stride"),
            (129, 999),
            0.060,
            {**_WEAR_ISSUES, "care_damage": 0.02, "size_fit": 0.40},
        ),
        CategoryProfile(
            "apparel/underwear",
            (("保暖内衣", "thermal underwear"), ("睡衣", "pyjamas"), ("袜子", "socks")),
            ("Mianmian", "Yunmian"),
            (29, 299),
            0.035,
            {**_WEAR_ISSUES, "care_damage": 0.05},
            peak_day=330,
            swing=0.3,
            attributes={"fabric": "cotton"},
        ),
        CategoryProfile(
            "home/furniture",
            (("布艺沙发", "fabric sofa"), ("实木餐桌", "solid wood table"), ("衣柜", "wardrobe")),
            ("Comfy", "Linmu", "Jiaju"),
            (599, 6999),
            0.040,
            {
                "damaged_in_transit": 0.28,
                "size_fit": 0.20,
                "quality_defect": 0.22,
                "missing_parts": 0.18,
                "not_as_described": 0.12,
            },
            offline_share=0.3,
            attributes={"bulky": True},
        ),
        CategoryProfile(
            "home/textile",
            (("四件套", "bedding set"), ("羽绒被", "down duvet"), ("窗帘", "curtains")),
            ("Mianmian", "Linmu", "Sleepwell"),
            (99, 899),
            0.035,
            {
                "quality_defect": 0.30,
                "colour_difference": 0.20,
                "size_fit": 0.20,
                "not_as_described": 0.20,
                "care_damage": 0.10,
            },
            attributes={"fabric": "cotton"},
        ),
        CategoryProfile(
            "food/fresh",
            (("车厘子", "cherries"), ("大闸蟹", "hairy crabs"), ("牛排", "beef steaks")),
            ("Xianfeng", "Haitian", "Guoyuan"),
            (59, 399),
            0.030,
            {
                "damaged_in_transit": 0.35,
                "not_as_described": 0.30,
                "late_delivery": 0.20,
                "missing_parts": 0.15,
            },
            peak_day=200,
            swing=0.3,
            north_bias=-0.3,
            attributes={"perishable": True},
        ),
        CategoryProfile(
            "food/packaged",
            (("坚果礼盒", "nut gift box"), ("挂面", "dried noodles"), ("牛奶", "boxed milk")),
            ("Guoyuan", "Liangpin", "Haitian"),
            (19, 199),
            0.015,
            {
                "damaged_in_transit": 0.30,
                "not_as_described": 0.25,
                "missing_parts": 0.20,
                "wrong_item": 0.15,
                "late_delivery": 0.10,
            },
            peak_day=30,
            swing=0.3,
        ),
        CategoryProfile(
            "personal_care",
            (("电动牙刷", "electric toothbrush"), ("面霜", "face cream"), ("洗发水", "shampoo")),
            ("Qingyan", "Meifu", "Pureleaf"),
            (29, 499),
            0.020,
            {
                "not_as_described": 0.30,
                "quality_defect": 0.25,
                "damaged_in_transit": 0.20,
                "missing_parts": 0.10,
                "wrong_item": 0.15,
            },
        ),
    )
}

assert set(PROFILES) <= set(CATEGORIES)  # every profile is a category the platform knows


def seasonal_demand(profile: CategoryProfile, day: date, north: bool) -> float:
    """How much of the category buyers of one half of the country want that day (1 = usual)."""
    if profile.swing == 0:
        seasonal = 1.0
    else:
        angle = 2 * math.pi * (day.timetuple().tm_yday - profile.peak_day) / 365.25
        seasonal = 1.0 + profile.swing * math.cos(angle)
    side = profile.north_bias if north else -profile.north_bias
    return max(0.05, seasonal * (1.0 + side))
