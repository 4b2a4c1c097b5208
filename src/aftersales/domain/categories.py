"""The built-in product category tree, with names in Chinese and English.

Paths are slash-separated (``apparel/knitwear``); a child inherits every rule written for its
parent. Operators extend the tree through configuration later; these are the roots the default
policy pack speaks of.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CATEGORIES", "Category", "ancestors", "is_known"]


@dataclass(frozen=True, slots=True)
class Category:
    path: str
    zh: str
    en: str

    @property
    def parent(self) -> str | None:
        head, sep, _ = self.path.rpartition("/")
        return head if sep else None


_TREE: tuple[tuple[str, str, str], ...] = (
    ("digital", "数码", "Digital electronics"),
    ("digital/phone", "手机", "Phones"),
    ("digital/computer", "电脑", "Computers"),
    ("digital/accessory", "数码配件", "Digital accessories"),
    ("appliance", "家电", "Appliances"),
    ("appliance/heater", "取暖器", "Heaters"),
    ("appliance/kitchen", "厨房电器", "Kitchen appliances"),
    ("apparel", "服饰", "Apparel"),
    ("apparel/knitwear", "针织衫", "Knitwear"),
    ("apparel/outerwear", "外套", "Outerwear"),
    ("apparel/shoes", "鞋靴", "Shoes"),
    ("apparel/underwear", "内衣", "Underwear"),
    ("home", "家居", "Home"),
    ("home/furniture", "家具", "Furniture"),
    ("home/textile", "家纺", "Home textiles"),
    ("food", "食品", "Food"),
    ("food/fresh", "生鲜", "Fresh food"),
    ("food/packaged", "包装食品", "Packaged food"),
    ("personal_care", "个护", "Personal care"),
)

CATEGORIES: dict[str, Category] = {path: Category(path, zh, en) for path, zh, en in _TREE}


def is_known(path: str) -> bool:
    """True when the path is a category of the tree."""
    return path in CATEGORIES


def ancestors(path: str) -> list[str]:
    """The path itself and every parent up to the root, nearest first."""
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(len(parts), 0, -1)]
