"""Reading one YAML file against its schema, collecting every problem with its line.

A ``Reader`` is made per file. Its methods take a ``LocatedMap`` and a key, return the checked
value (or a default), and note a ``file:line`` error instead of stopping, so an operator sees
all the mistakes of a pack at once.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import Any

from aftersales.policy.yaml_source import LocatedList, LocatedMap, SourceError

__all__ = ["IDENTIFIER", "Reader"]

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
_HOURS = re.compile(r"^(\d+(?:\.\d+)?)\s*([hd])$")
_MAX_HOURS = 24 * 366


class Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[SourceError] = []

    def error(self, line: int, message: str) -> None:
        self.errors.append(SourceError(self.file, line, message))

    def line(self, node: LocatedMap, key: str) -> int:
        return node.value_lines.get(key, node.line)

    def mapping(
        self,
        value: Any,
        line: int,
        what: str,
        required: Collection[str] = (),
        optional: Collection[str] = (),
    ) -> LocatedMap | None:
        """The value as a mapping with only the allowed keys; None when it is not a mapping."""
        if not isinstance(value, LocatedMap):
            self.error(line, f"{what} must be a mapping, not {_kind(value)}")
            return None
        allowed = [*required, *optional]
        for key in value:
            if key not in allowed:
                self.error(
                    value.key_lines[key],
                    f"unknown field {key!r} in {what} (allowed: {', '.join(allowed)})",
                )
        for key in required:
            if key not in value:
                self.error(value.line, f"{what} is missing {key!r}")
        return value

    def string(
        self, node: LocatedMap, key: str, default: str = "", pattern: re.Pattern[str] | None = None
    ) -> str:
        value = node.get(key, default)
        if not isinstance(value, str) or (key in node and not value.strip()):
            self.error(
                self.line(node, key), f"{key} must be a non-empty string, not {_kind(value)}"
            )
            return default
        if pattern is not None and key in node and not pattern.match(value):
            self.error(self.line(node, key), f"{key} {value!r} does not match {pattern.pattern}")
            return default
        return value

    def choice(self, node: LocatedMap, key: str, allowed: Collection[str], default: str) -> str:
        value = node.get(key, default)
        if value not in allowed:
            self.error(self.line(node, key), f"{key} {value!r} is not one of {_listed(allowed)}")
            return default
        return str(value)

    def integer(self, node: LocatedMap, key: str, default: int, lo: int, hi: int) -> int:
        value = node.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
            self.error(self.line(node, key), f"{key} must be an integer in {lo}..{hi}")
            return default
        return value

    def boolean(self, node: LocatedMap, key: str, default: bool) -> bool:
        value = node.get(key, default)
        if not isinstance(value, bool):
            self.error(self.line(node, key), f"{key} must be true or false, not {_kind(value)}")
            return default
        return value

    def hours(self, node: LocatedMap, key: str) -> float | None:
        """A duration: a number of hours, or text such as ``4h`` or ``3d``."""
        value = node[key]
        hours: float | None = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            hours = float(value)
        elif isinstance(value, str) and (m := _HOURS.match(value.strip())):
            hours = float(m.group(1)) * (24 if m.group(2) == "d" else 1)
        if hours is None or not 0 < hours <= _MAX_HOURS:
            self.error(
                self.line(node, key), f"{key} must be hours (e.g. 4, '4h', '3d') up to a year"
            )
            return None
        return hours

    def names(
        self,
        node: LocatedMap,
        key: str,
        allowed: Collection[str] | None = None,
        pattern: re.Pattern[str] | None = None,
    ) -> tuple[str, ...]:
        """A non-empty list of distinct strings, each allowed (or matching the pattern)."""
        value = node[key]
        if not isinstance(value, LocatedList) or not value:
            self.error(self.line(node, key), f"{key} must be a non-empty list")
            return ()
        good: list[str] = []
        for item, line in zip(value, value.item_lines, strict=True):
            if not isinstance(item, str):
                self.error(line, f"{key}: {item!r} is not a string")
            elif allowed is not None and item not in allowed:
                self.error(line, f"{key}: {item!r} is not one of {_listed(allowed)}")
            elif pattern is not None and not pattern.match(item):
                self.error(line, f"{key}: {item!r} does not match {pattern.pattern}")
            elif item in good:
                self.error(line, f"{key}: {item!r} is listed twice")
            else:
                good.append(item)
        return tuple(good)

    def items(self, node: LocatedMap, key: str) -> Iterable[tuple[Any, int]]:
        """The items of a list with their lines; notes an error when it is not a list."""
        value = node[key]
        if not isinstance(value, LocatedList):
            self.error(self.line(node, key), f"{key} must be a list, not {_kind(value)}")
            return ()
        return zip(value, value.item_lines, strict=True)

    def bilingual(self, node: LocatedMap, key: str) -> tuple[str, str] | None:
        text = self.mapping(node[key], self.line(node, key), key, required=("zh", "en"))
        if text is None or "zh" not in text or "en" not in text:
            return None
        return self.string(text, "zh"), self.string(text, "en")


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def _listed(values: Collection[str]) -> str:
    shown = sorted(values)
    return ", ".join(shown) if len(shown) <= 12 else ", ".join(shown[:12]) + ", …"
