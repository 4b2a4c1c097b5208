"""YAML read safely, keeping the line of every mapping key and value for error messages.

Mappings load as ``LocatedMap`` (a dict that knows the line of each key and value), sequences
as ``LocatedList``. Duplicate keys, which PyYAML silently lets the last one win, are refused.
Only the safe loader is used: no tag can build a Python object.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

__all__ = ["LocatedList", "LocatedMap", "SourceError", "read_yaml"]


class SourceError(Exception):
    """A problem at a place in a file; ``str`` is ``file:line: message``."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message = file, line, message


class LocatedMap(dict[str, Any]):
    """A mapping that remembers where it, each key and each value started (1-based lines)."""

    line: int = 0
    key_lines: dict[str, int]
    value_lines: dict[str, int]
    # For block scalars (| and >) the text starts on the line after the indicator.
    value_block: dict[str, bool]


class LocatedList(list[Any]):
    line: int = 0
    item_lines: list[int]


# libyaml's parser when PyYAML was built with it (five times faster; the same marks).
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[valid-type,misc]
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LocatedMap:
    loader.flatten_mapping(node)
    result = LocatedMap()
    result.line = node.start_mark.line + 1
    result.key_lines, result.value_lines, result.value_block = {}, {}, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            raise yaml.MarkedYAMLError(
                problem=f"key {key!r} is not a string", problem_mark=key_node.start_mark
            )
        if key in result:
            raise yaml.MarkedYAMLError(
                problem=f"duplicate key {key!r} (first on line {result.key_lines[key]})",
                problem_mark=key_node.start_mark,
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
        result.value_lines[key] = value_node.start_mark.line + 1
        style = getattr(value_node, "style", None)
        result.value_block[key] = style in ("|", ">")
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LocatedList:
    result = LocatedList(loader.construct_object(item, deep=True) for item in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [item.start_mark.line + 1 for item in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def read_yaml(path: Path, shown: str) -> Any:
    """The document in ``path``; ``SourceError`` naming ``shown`` and the line when malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(shown, 1, f"cannot read: {exc}") from exc
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = " ".join(str(exc.problem or exc.context or "malformed YAML").split())
        raise SourceError(shown, line, f"YAML syntax error: {problem}") from exc
    except yaml.YAMLError as exc:
        raise SourceError(shown, 1, f"YAML error: {exc}") from exc
