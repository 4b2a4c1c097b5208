"""CEL types as the static checker sees them: scalars, lists, maps and ``dyn``."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BOOL",
    "BYTES",
    "DOUBLE",
    "DYN",
    "INT",
    "NULL",
    "NUMERIC",
    "STRING",
    "TYPE",
    "UINT",
    "CelType",
    "assignable",
    "list_of",
    "map_of",
]


@dataclass(frozen=True, slots=True)
class CelType:
    kind: str
    args: tuple[CelType, ...] = ()

    def __str__(self) -> str:
        if not self.args:
            return self.kind
        return f"{self.kind}({', '.join(map(str, self.args))})"

    @property
    def elem(self) -> CelType:
        """A list's element type, a map's key type; ``dyn`` for anything else."""
        return self.args[0] if self.args else DYN

    @property
    def value(self) -> CelType:
        """A map's value type; ``dyn`` for anything else."""
        return self.args[1] if len(self.args) > 1 else DYN


BOOL = CelType("bool")
INT = CelType("int")
UINT = CelType("uint")
DOUBLE = CelType("double")
STRING = CelType("string")
BYTES = CelType("bytes")
NULL = CelType("null_type")
DYN = CelType("dyn")
TYPE = CelType("type")
NUMERIC = frozenset({INT, UINT, DOUBLE})


def list_of(elem: CelType) -> CelType:
    return CelType("list", (elem,))


def map_of(key: CelType, value: CelType) -> CelType:
    return CelType("map", (key, value))


def assignable(a: CelType, b: CelType) -> bool:
    """True when a value of one type may stand where the other is expected."""
    if DYN in (a, b) or a == b:
        return True
    if a.kind != b.kind or len(a.args) != len(b.args):
        return False
    return all(assignable(x, y) for x, y in zip(a.args, b.args, strict=True))
