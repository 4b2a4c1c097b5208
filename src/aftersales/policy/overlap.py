"""Could two rules fire on the same case? A conservative answer, for finding contradictions.

Each rule's scope is read as constraints on single variables: its ``match`` lists, and the
top-level conjuncts of its condition that compare one variable with literals (``amount <= 5000``,
``issue_type in [...]``, ``!custom_made``, an ``||`` of such on one variable). Two rules are
disjoint when some variable's constraints cannot both hold; anything the analysis cannot read
counts as "may overlap". So a contradiction is never missed, and rules that only exclude each
other in a way this cannot see must be told apart by priority.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aftersales.policy.cel_parse import Binary, Ident, ListLit, Lit, Node, Unary

__all__ = ["Constraint", "Scope", "constraints", "may_overlap"]

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


@dataclass(frozen=True, slots=True)
class Constraint:
    """Values a variable may take: in ``allowed`` (None: any), not in ``excluded``, in [lo, hi]."""

    allowed: frozenset[Any] | None = None
    excluded: frozenset[Any] = frozenset()
    lo: float = -math.inf
    hi: float = math.inf

    def __and__(self, other: Constraint) -> Constraint:
        if self.allowed is None:
            allowed = other.allowed
        elif other.allowed is None:
            allowed = self.allowed
        else:
            allowed = self.allowed & other.allowed
        lo, hi = max(self.lo, other.lo), min(self.hi, other.hi)
        return Constraint(allowed, self.excluded | other.excluded, lo, hi)

    def __or__(self, other: Constraint) -> Constraint:
        # Over-approximates (hull of intervals, exclusions dropped): safe for "may overlap".
        if self.allowed is None or other.allowed is None:
            allowed = None
        else:
            allowed = self.allowed | other.allowed
        return Constraint(allowed, frozenset(), min(self.lo, other.lo), max(self.hi, other.hi))

    def satisfiable(self) -> bool:
        if self.allowed is not None:
            return any(self._holds(v) for v in self.allowed)
        if self.lo > self.hi:
            return False
        return not (self.lo == self.hi and self.lo in self.excluded)

    def _holds(self, value: Any) -> bool:
        if value in self.excluded:
            return False
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        return not is_number or self.lo <= value <= self.hi


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a rule applies: category prefixes (None: all) and per-variable constraints."""

    categories: frozenset[str] | None
    constraints: Mapping[str, Constraint]


def may_overlap(a: Scope, b: Scope) -> bool:
    """False only when no case can be in both scopes."""
    if not _categories_meet(a.categories, b.categories):
        return False
    for name in a.constraints.keys() & b.constraints.keys():
        if not (a.constraints[name] & b.constraints[name]).satisfiable():
            return False
    return True


def _categories_meet(a: frozenset[str] | None, b: frozenset[str] | None) -> bool:
    if a is None or b is None:
        return True
    return any(x == y or x.startswith(y + "/") or y.startswith(x + "/") for x in a for y in b)


def constraints(node: Node | None) -> dict[str, Constraint]:
    """The single-variable constraints among the top-level conjuncts of a condition."""
    found: dict[str, Constraint] = {}
    for conjunct in _conjuncts(node):
        read = _constraint(conjunct)
        if read is not None:
            name, constraint = read
            found[name] = found[name] & constraint if name in found else constraint
    return found


def _conjuncts(node: Node | None) -> Iterator[Node]:
    if node is None:
        return
    if isinstance(node, Binary) and node.op == "&&":
        yield from _conjuncts(node.left)
        yield from _conjuncts(node.right)
    else:
        yield node


def _constraint(node: Node) -> tuple[str, Constraint] | None:
    match node:
        case Ident(name=name):
            return name, Constraint(allowed=frozenset({True}))
        case Unary(op="!", operand=Ident(name=name)):
            return name, Constraint(allowed=frozenset({False}))
        case Unary(op="!", operand=Binary(op="in") as inner):
            read = _membership(inner)
            return (read[0], Constraint(excluded=read[1])) if read else None
        case Binary(op="in"):
            read = _membership(node)
            return (read[0], Constraint(allowed=read[1])) if read else None
        case Binary(op="||", left=left, right=right):
            a, b = _constraint(left), _constraint(right)
            return (a[0], a[1] | b[1]) if a and b and a[0] == b[0] else None
        case Binary(op=op, left=left, right=right) if op in _FLIP:
            return _comparison(op, left, right)
    return None


def _membership(node: Binary) -> tuple[str, frozenset[Any]] | None:
    if not isinstance(node.left, Ident) or not isinstance(node.right, ListLit):
        return None
    values = [_literal(item) for item in node.right.items]
    if any(v is _NOT_LITERAL for v in values):
        return None
    return node.left.name, frozenset(values)


def _comparison(op: str, left: Node, right: Node) -> tuple[str, Constraint] | None:
    if isinstance(right, Ident) and not isinstance(left, Ident):
        op, left, right = _FLIP[op], right, left
    value = _literal(right)
    if not isinstance(left, Ident) or value is _NOT_LITERAL:
        return None
    if op == "==":
        return left.name, Constraint(allowed=frozenset({value}))
    if op == "!=":
        return left.name, Constraint(excluded=frozenset({value}))
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    bounds = {
        "<": (-math.inf, _below(value)),
        "<=": (-math.inf, value),
        ">": (_above(value), math.inf),
        ">=": (value, math.inf),
    }
    lo, hi = bounds[op]
    return left.name, Constraint(lo=lo, hi=hi)


def _below(value: float) -> float:
    return value - 1 if isinstance(value, int) else math.nextafter(value, -math.inf)


def _above(value: float) -> float:
    return value + 1 if isinstance(value, int) else math.nextafter(value, math.inf)


_NOT_LITERAL = object()


def _literal(node: Node) -> Any:
    if isinstance(node, Lit):
        return node.value
    if isinstance(node, Unary) and node.op == "-" and isinstance(node.operand, Lit):
        value = node.operand.value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return -value
    return _NOT_LITERAL
