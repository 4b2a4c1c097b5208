"""Explanation texts: a rule's ``explain`` with ``{variable}`` placeholders, filled per case.

Placeholders are replaced by plain lookup, never ``str.format`` (which can reach attributes) and
never evaluation. ``{amount_yuan}`` shows the amount paid as yuan (``¥12.50``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

__all__ = ["EXTRA_PLACEHOLDERS", "Template", "yuan"]

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
EXTRA_PLACEHOLDERS = frozenset({"amount_yuan"})


def yuan(fen: int) -> str:
    return f"¥{fen // 100}.{fen % 100:02d}"


@dataclass(frozen=True, slots=True)
class Template:
    """Literal text and placeholder names, alternating: even items text, odd items names."""

    parts: tuple[str, ...]

    @classmethod
    def parse(cls, text: str, known: Collection[str]) -> Template:
        """Split the text; ``ValueError`` names a placeholder that is not a variable."""
        parts = tuple(_PLACEHOLDER.split(text))
        unknown = sorted({p for p in parts[1::2] if p not in known})
        if unknown:
            raise ValueError(f"unknown placeholder {{{unknown[0]}}} in explanation")
        return cls(parts)

    def render(self, lookup: Callable[[str], Any]) -> str:
        parts = self.parts
        if len(parts) == 1:
            return parts[0]
        shown = list(parts)
        for i in range(1, len(parts), 2):
            shown[i] = _shown(lookup(parts[i]))
        return "".join(shown)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)
