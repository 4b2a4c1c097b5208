"""A YAML parser's complaint on one line: its own message spans several, with a caret."""

from __future__ import annotations

import yaml

__all__ = ["yaml_problem"]


def yaml_problem(exc: yaml.YAMLError) -> str:
    """What is wrong and where (line and column, counted from 1), on one line."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    if mark is None or problem is None:
        return " ".join(str(exc).split())
    return f"{problem} (line {mark.line + 1}, column {mark.column + 1})"
