"""Static type checking of a parsed CEL expression against the declared variables.

The rules follow the CEL spec's standard overloads as cel-rust implements them: no implicit
conversion between int, uint and double in arithmetic (comparisons across them are allowed),
``==`` only between values of one type, ``in`` against a list's elements or a map's keys.
``dyn`` (the values of the ``attributes`` map) is accepted anywhere.
"""

from __future__ import annotations

from collections.abc import Mapping

from aftersales.policy.cel_parse import (
    Binary,
    Call,
    Cond,
    Ident,
    Index,
    ListLit,
    Lit,
    MapLit,
    Node,
    Select,
    Unary,
)
from aftersales.policy.cel_types import (
    BOOL,
    BYTES,
    DOUBLE,
    DYN,
    INT,
    NULL,
    NUMERIC,
    STRING,
    TYPE,
    UINT,
    CelType,
    assignable,
    list_of,
    map_of,
)

__all__ = ["CelTypeError", "check"]

_LITERALS = {
    "bool": BOOL,
    "int": INT,
    "uint": UINT,
    "double": DOUBLE,
    "string": STRING,
    "bytes": BYTES,
    "null_type": NULL,
}
_TYPE_NAMES = frozenset({*_LITERALS, "list", "map", "type"})
_CONVERSIONS = {"int": INT, "uint": UINT, "double": DOUBLE, "string": STRING, "bytes": BYTES}
_STRING_PREDICATES = frozenset({"contains", "startsWith", "endsWith", "matches"})
_PREDICATE_MACROS = frozenset({"all", "exists", "exists_one"})
_SIZED = frozenset({"string", "bytes", "list", "map"})
_ORDERED = frozenset({"string", "bytes", "bool"})


class CelTypeError(Exception):
    def __init__(self, message: str, pos: int) -> None:
        super().__init__(message)
        self.pos = pos


def check(node: Node, variables: Mapping[str, CelType]) -> CelType:
    """The type of the expression; ``CelTypeError`` (with the offset) when it has none."""
    return _Checker([dict(variables)]).type(node)


class _Checker:
    def __init__(self, scopes: list[dict[str, CelType]]) -> None:
        self.scopes = scopes

    def type(self, node: Node) -> CelType:
        match node:
            case Lit(kind=kind):
                return _LITERALS[kind]
            case Ident(name=name, pos=pos):
                return self.ident(name, pos)
            case Select(operand=operand, field=field, pos=pos):
                return self.select(self.type(operand), field, pos)
            case Index(operand=operand, index=index, pos=pos):
                return self.index(self.type(operand), self.type(index), pos)
            case Unary(op=op, operand=operand, pos=pos):
                return self.unary(op, self.type(operand), pos)
            case Binary(op=op, left=left, right=right, pos=pos):
                return self.binary(op, self.type(left), self.type(right), pos)
            case Cond(test=test, then=then, otherwise=otherwise, pos=pos):
                return self.conditional(test, then, otherwise, pos)
            case ListLit(items=items):
                return list_of(_common([self.type(i) for i in items]))
            case MapLit(entries=entries):
                keys = _common([self.type(k) for k, _ in entries])
                return map_of(keys, _common([self.type(v) for _, v in entries]))
            case Call():
                return self.call(node)
        raise AssertionError(node)  # pragma: no cover

    def ident(self, name: str, pos: int) -> CelType:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        if name in _TYPE_NAMES:
            return TYPE
        raise CelTypeError(f"unknown variable {name!r}", pos)

    def select(self, operand: CelType, field: str, pos: int) -> CelType:
        if operand == DYN:
            return DYN
        if operand.kind == "map" and assignable(operand.elem, STRING):
            return operand.value
        raise CelTypeError(f"{operand} has no field {field!r}", pos)

    def index(self, operand: CelType, key: CelType, pos: int) -> CelType:
        if operand == DYN:
            return DYN
        if operand.kind == "list" and (key in (INT, UINT) or key == DYN):
            return operand.elem
        if operand.kind == "map" and assignable(key, operand.elem):
            return operand.value
        raise CelTypeError(f"cannot index {operand} with {key}", pos)

    def unary(self, op: str, operand: CelType, pos: int) -> CelType:
        if op == "!" and assignable(operand, BOOL):
            return BOOL
        if op == "-" and operand in (INT, DOUBLE, DYN):
            return operand
        raise CelTypeError(f"no operator {op} for {operand}", pos)

    def binary(self, op: str, left: CelType, right: CelType, pos: int) -> CelType:
        result = _binary(op, left, right)
        if result is None:
            raise CelTypeError(f"no operator {left} {op} {right}", pos)
        return result

    def conditional(self, test: Node, then: Node, otherwise: Node, pos: int) -> CelType:
        if not assignable(self.type(test), BOOL):
            raise CelTypeError("the condition of ?: must be a bool", pos)
        a, b = self.type(then), self.type(otherwise)
        if not assignable(a, b):
            raise CelTypeError(f"the branches of ?: differ: {a} and {b}", pos)
        return b if a == DYN else a

    def call(self, node: Call) -> CelType:
        if node.target is not None and node.function in {*_PREDICATE_MACROS, "map", "filter"}:
            return self.macro(node, self.type(node.target))
        if node.target is None and node.function == "has":
            return self.has(node)
        args = [self.type(a) for a in node.args]
        if node.target is not None:
            args.insert(0, self.type(node.target))
        result = _function(node.function, args)
        if result is None:
            shown = ", ".join(map(str, args))
            raise CelTypeError(f"no function {node.function}({shown})", node.pos)
        return result

    def has(self, node: Call) -> CelType:
        if len(node.args) != 1 or not isinstance(node.args[0], Select):
            raise CelTypeError("has() takes one field selection, e.g. has(attributes.x)", node.pos)
        self.type(node.args[0].operand)
        return BOOL

    def macro(self, node: Call, target: CelType) -> CelType:
        arity = (2, 3) if node.function == "map" else (2,)
        if len(node.args) not in arity or not isinstance(node.args[0], Ident):
            raise CelTypeError(f"{node.function}() takes a variable name and a body", node.pos)
        if target.kind not in ("list", "map") and target != DYN:
            raise CelTypeError(f"cannot use {node.function}() on {target}", node.pos)
        self.scopes.append({node.args[0].name: target.elem})
        try:
            body = [self.type(a) for a in node.args[1:]]
        finally:
            self.scopes.pop()
        predicates = body if node.function != "map" else body[:-1]
        if not all(assignable(t, BOOL) for t in predicates):
            raise CelTypeError(f"the predicate of {node.function}() must be a bool", node.pos)
        if node.function == "map":
            return list_of(body[-1])
        return list_of(target.elem) if node.function == "filter" else BOOL


def _common(types: list[CelType]) -> CelType:
    return types[0] if types and all(t == types[0] for t in types) else DYN


def _binary(op: str, left: CelType, right: CelType) -> CelType | None:
    if op in ("&&", "||"):
        return BOOL if assignable(left, BOOL) and assignable(right, BOOL) else None
    if op in ("==", "!="):
        comparable = assignable(left, right) or NULL in (left, right)
        return BOOL if comparable or {left, right} <= NUMERIC else None
    if op in ("<", "<=", ">", ">="):
        ordered = {left, right} <= NUMERIC or (left == right and left.kind in _ORDERED)
        return BOOL if ordered or DYN in (left, right) else None
    if op == "in":
        return _membership(left, right)
    return _arithmetic(op, left, right)


def _membership(item: CelType, container: CelType) -> CelType | None:
    if container == DYN:
        return BOOL
    if container.kind not in ("list", "map"):
        return None
    wanted = container.elem
    fits = assignable(item, wanted) or {item, wanted} <= NUMERIC
    return BOOL if fits else None


def _arithmetic(op: str, left: CelType, right: CelType) -> CelType | None:
    if DYN in (left, right):
        return DYN
    if left != right:
        if op == "+" and left.kind == right.kind == "list":
            return list_of(DYN)
        return None
    if left in NUMERIC and (op != "%" or left != DOUBLE):
        return left
    if op == "+" and left.kind in ("string", "bytes", "list"):
        return left
    return None


def _function(name: str, args: list[CelType]) -> CelType | None:
    kinds = [a.kind for a in args]
    if name == "size" and len(args) == 1 and (kinds[0] in _SIZED or args[0] == DYN):
        return INT
    if name in _STRING_PREDICATES and len(args) == 2:
        return BOOL if all(assignable(a, STRING) for a in args) else None
    if name in _CONVERSIONS and len(args) == 1:
        return _CONVERSIONS[name]
    if name == "type" and len(args) == 1:
        return TYPE
    if name == "dyn" and len(args) == 1:
        return DYN
    return None
