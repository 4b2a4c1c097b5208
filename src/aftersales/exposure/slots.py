"""The traffic slots the exposure service ranks for, and the one way to read a slot's name."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from enum import StrEnum

from aftersales.errors import Text, ValidationFailed

__all__ = ["Slot", "parse_slot"]


class Slot(StrEnum):
    """A place in the marketplace where ranked products are shown."""

    SEARCH = "search"  # search results
    FEED = "feed"  # the recommendation feed
    MINI_DETAIL = "mini_detail"  # the product mini-detail page (商品详情页)


def parse_slot(value: str | Slot) -> Slot:
    """The slot named ``value``, or a ValidationFailed that lists the known ones."""
    if isinstance(value, Slot):
        return value
    try:
        return Slot(value)
    except ValueError:
        known = ", ".join(s.value for s in Slot)
        refusal = Text(
            f"unknown slot {value!r} (known: {known})", f"未知的流量位 {value!r}（可选：{known}）"
        )
        raise ValidationFailed(refusal) from None
