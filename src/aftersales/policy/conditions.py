"""Compiling a rule's ``when:``: CEL syntax, static types, and a trial run, each with its line.

Every condition is compiled once, here, at load. It is then typed against the declared
variables (a type error hidden behind ``&&`` would otherwise never surface, see ``cel_parse``)
and run once on a plain case, so that what loads also evaluates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import cel

from aftersales.policy.cel_check import CelTypeError, check
from aftersales.policy.cel_parse import Node, ParseError, parse
from aftersales.policy.cel_types import BOOL, assignable
from aftersales.policy.schema import Reader
from aftersales.policy.variables import VARIABLES, probe_values

__all__ = ["Condition", "compile_condition"]

_CEL_POSITION = re.compile(r"<input>:(\d+):(\d+)")
_TYPES = {name: v.type for name, v in VARIABLES.items()}
_PROBE = probe_values()


@dataclass(frozen=True, slots=True)
class Condition:
    program: cel.Program
    variables: frozenset[str]  # the declared variables it reads, to build per decision
    tree: Node | None  # None when only cel-rust could parse it


def compile_condition(r: Reader, text: Any, line: int, block: bool) -> Condition | None:
    """The compiled condition, or None after noting the error at its line."""
    if not isinstance(text, str) or not text.strip():
        r.error(line, "when must be a CEL expression in a string")
        return None
    first = line + 1 if block else line
    try:
        program = cel.compile(text)
    except ValueError as exc:
        found = _CEL_POSITION.search(str(exc))
        at = first + int(found.group(1)) - 1 if found else first
        r.error(at, f"CEL syntax error: {_first_line(exc)}")
        return None
    try:
        tree: Node | None = parse(text)
    except ParseError:
        tree = None  # valid CEL this checker does not read: cel-rust still runs it
    if tree is not None and not _typed(r, tree, text, first):
        return None
    if not _tried(r, program, first):
        return None
    names = frozenset(program.variables()) & VARIABLES.keys()
    return Condition(program, names, tree)


def _typed(r: Reader, tree: Node, text: str, first: int) -> bool:
    try:
        result = check(tree, _TYPES)
    except CelTypeError as exc:
        before = text[: exc.pos]
        column = exc.pos - (before.rfind("\n") + 1) + 1
        r.error(first + before.count("\n"), f"CEL type error: {exc} (column {column})")
        return False
    if not assignable(result, BOOL):
        r.error(first, f"CEL type error: the condition is {result}, it must be a bool")
        return False
    return True


def _tried(r: Reader, program: cel.Program, first: int) -> bool:
    try:
        # A context per call: cel.Context is not thread-safe, and packs may load concurrently.
        result = program.execute(cel.Context(_PROBE))
    except Exception as exc:  # cel raises TypeError, ValueError, RuntimeError alike
        r.error(first, f"CEL error on a plain case: {_first_line(exc)}")
        return False
    if not isinstance(result, bool):
        r.error(first, f"CEL type error: the condition gave {type(result).__name__}, not a bool")
        return False
    return True


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
