"""Turning domain values into JSON-ready data and back, for events and snapshots."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import UTC, datetime
from enum import Enum
from functools import cache
from typing import Any

__all__ = ["decode_time", "encode"]


# Values that are their own JSON-ready form, by exact type: a StrEnum is a str, yet goes by its
# value below. Checked first, since most values of a case are plain strings, numbers or None.
_PLAIN: frozenset[type] = frozenset({str, int, float, bool, type(None)})


def encode(value: Any) -> Any:
    """JSON-ready form: datetimes as ISO 8601 UTC, enums by value, dataclasses as dicts."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, Enum):
        return value.value
    if is_dataclass(value) and not isinstance(value, type):
        return {name: encode(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    return value


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    # ``fields()`` builds its answer anew on every call; a case encodes dozens of dataclasses.
    return tuple(f.name for f in fields(cls))


def decode_time(value: str | None) -> datetime | None:
    """Parse an ISO 8601 timestamp written by ``encode``."""
    return None if value is None else datetime.fromisoformat(value)
