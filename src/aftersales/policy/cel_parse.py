"""A small parser for CEL expressions, for static checks only; cel-rust evaluates them.

The ``cel`` package compiles and runs expressions but offers no type checker, and CEL's
``&&``/``||`` absorb errors (``false && 1 + "a"`` is ``false``), so a rule with a type error in
one branch would load fine and quietly never fire. Parsing the expression here lets the loader
type it against the declared variables (``cel_check``) and read simple constraints from it
(``overlap``). The grammar is the CEL spec's, without message construction and optional syntax;
an expression this parser cannot read (but cel-rust can) is simply not checked statically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Binary",
    "Call",
    "Cond",
    "Ident",
    "Index",
    "ListLit",
    "Lit",
    "MapLit",
    "Node",
    "ParseError",
    "Select",
    "Unary",
    "parse",
]


class ParseError(Exception):
    def __init__(self, message: str, pos: int) -> None:
        super().__init__(message)
        self.pos = pos


@dataclass(frozen=True, slots=True)
class Lit:
    value: Any
    kind: str  # bool, int, uint, double, string, bytes, null_type
    pos: int


@dataclass(frozen=True, slots=True)
class Ident:
    name: str
    pos: int


@dataclass(frozen=True, slots=True)
class Select:
    operand: Node
    field: str
    pos: int


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    target: Node | None
    args: tuple[Node, ...]
    pos: int


@dataclass(frozen=True, slots=True)
class Index:
    operand: Node
    index: Node
    pos: int


@dataclass(frozen=True, slots=True)
class Unary:
    op: str
    operand: Node
    pos: int


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Node
    right: Node
    pos: int


@dataclass(frozen=True, slots=True)
class Cond:
    test: Node
    then: Node
    otherwise: Node
    pos: int


@dataclass(frozen=True, slots=True)
class ListLit:
    items: tuple[Node, ...]
    pos: int


@dataclass(frozen=True, slots=True)
class MapLit:
    entries: tuple[tuple[Node, Node], ...]
    pos: int


Node = Lit | Ident | Select | Call | Index | Unary | Binary | Cond | ListLit | MapLit

_TOKEN = re.compile(
    r"""
    (?P<space>\s+|//[^\n]*)
  | (?P<number>0[xX][0-9a-fA-F]+[uU]?|(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?[uU]?)
  | (?P<string>(?:[rRbB]{1,2})?
        (?:\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'))
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\|\||&&|==|!=|<=|>=|[<>+\-*/%!?:.,()\[\]{}])
    """,
    re.VERBOSE,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "`": "`"}
_RELATIONS = frozenset({"==", "!=", "<", "<=", ">", ">=", "in"})


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # number, string, ident, op, end
    text: str
    pos: int


def _tokens(source: str) -> list[_Token]:
    found, pos = [], 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            raise ParseError(f"unexpected character {source[pos]!r}", pos)
        kind = match.lastgroup or "space"
        if kind != "space":
            found.append(_Token(kind, match.group(), pos))
        pos = match.end()
    found.append(_Token("end", "", len(source)))
    return found


def _string_value(text: str) -> tuple[Any, str]:
    prefix = re.match(r"[rRbB]*", text)
    flags = prefix.group().lower() if prefix else ""
    body = text[len(flags) :]
    quote = 3 if body[:3] in ('"""', "'''") else 1
    raw = body[quote:-quote]
    if "r" not in flags:
        raw = re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), raw)
    return (raw.encode(), "bytes") if "b" in flags else (raw, "string")


def _number_value(text: str) -> tuple[Any, str]:
    if text[-1] in "uU":
        return int(text[:-1], 0), "uint"
    if text.lower().startswith("0x"):
        return int(text, 16), "int"
    if any(c in text for c in ".eE"):
        return float(text), "double"
    return int(text), "int"


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens, self.i = _tokens(source), 0

    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def take(self, text: str | None = None) -> _Token:
        tok = self.tok
        if text is not None and tok.text != text:
            raise ParseError(f"expected {text!r}, found {tok.text or 'end'!r}", tok.pos)
        self.i += 1
        return tok

    def at(self, *texts: str) -> bool:
        return self.tok.kind in ("op", "ident") and self.tok.text in texts

    def expr(self) -> Node:
        test = self.binary(0)
        if not self.at("?"):
            return test
        pos = self.take("?").pos
        then = self.binary(0)
        self.take(":")
        return Cond(test, then, self.expr(), pos)

    _LEVELS: tuple[frozenset[str], ...] = (
        frozenset({"||"}),
        frozenset({"&&"}),
        _RELATIONS,
        frozenset({"+", "-"}),
        frozenset({"*", "/", "%"}),
    )

    def binary(self, level: int) -> Node:
        if level == len(self._LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self.tok.kind in ("op", "ident") and self.tok.text in self._LEVELS[level]:
            op = self.take()
            left = Binary(op.text, left, self.binary(level + 1), op.pos)
        return left

    def unary(self) -> Node:
        if self.at("!", "-"):
            op = self.take()
            return Unary(op.text, self.unary(), op.pos)
        return self.member(self.primary())

    def member(self, node: Node) -> Node:
        while self.at(".", "["):
            tok = self.take()
            if tok.text == "[":
                node = Index(node, self.expr(), tok.pos)
                self.take("]")
                continue
            name = self.take()
            if name.kind != "ident":
                raise ParseError("expected a field name", name.pos)
            if self.at("("):
                node = Call(name.text, node, self.args(")"), name.pos)
            else:
                node = Select(node, name.text, name.pos)
        return node

    def args(self, close: str) -> tuple[Node, ...]:
        self.take()
        items: list[Node] = []
        while not self.at(close):
            items.append(self.expr())
            if not self.at(close):
                self.take(",")
        self.take(close)
        return tuple(items)

    def primary(self) -> Node:
        tok = self.tok
        if tok.kind == "number":
            self.take()
            return Lit(*_number_value(tok.text), tok.pos)
        if tok.kind == "string":
            self.take()
            return Lit(*_string_value(tok.text), tok.pos)
        if tok.kind == "ident":
            return self.name()
        if tok.text == "(":
            self.take()
            inner = self.expr()
            self.take(")")
            return inner
        if tok.text == "[":
            return ListLit(self.args("]"), tok.pos)
        if tok.text == "{":
            return self.map_literal()
        raise ParseError(f"unexpected {tok.text or 'end'!r}", tok.pos)

    def name(self) -> Node:
        tok = self.take()
        literals = {"true": (True, "bool"), "false": (False, "bool"), "null": (None, "null_type")}
        if tok.text in literals:
            return Lit(*literals[tok.text], tok.pos)
        if self.at("("):
            return Call(tok.text, None, self.args(")"), tok.pos)
        return Ident(tok.text, tok.pos)

    def map_literal(self) -> Node:
        pos = self.take("{").pos
        entries: list[tuple[Node, Node]] = []
        while not self.at("}"):
            key = self.expr()
            self.take(":")
            entries.append((key, self.expr()))
            if not self.at("}"):
                self.take(",")
        self.take("}")
        return MapLit(tuple(entries), pos)


def parse(source: str) -> Node:
    """The syntax tree of one CEL expression; ``ParseError`` carries the offset of the fault."""
    parser = _Parser(source)
    node = parser.expr()
    if parser.tok.kind != "end":
        raise ParseError(f"unexpected {parser.tok.text!r}", parser.tok.pos)
    return node
