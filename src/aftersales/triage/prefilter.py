"""First-character guards for the lexicon's big alternations.

Python's regular expressions try every alternative at every position: a few hundred hazard
terms over a long review cost milliseconds. Each group of terms can only start with a known
set of characters, so a lookahead for that set (one table lookup) lets the engine skip almost
every position without trying a single alternative.

The sets are read from the patterns themselves by a small parser that understands the subset
of syntax the lexicon uses: literals, ``(?:...)`` groups, ``(?<!...)``/``(?<=...)`` look-behinds,
optional quantifiers and plain character classes. Anything else (an escape, ``.``, a negated
class) at a term's start makes the set unknown, and that group is then searched unguarded:
slower, never wrong.
"""

from __future__ import annotations

__all__ = ["first_chars", "guarded"]

_OPTIONAL = ("?", "*", "{0")


def guarded(pattern: str, chars: frozenset[str] | None) -> str:
    """``pattern`` behind a lookahead for its possible first characters, when they are known."""
    if not chars:
        return pattern
    members = "".join(sorted(_escape(c) for c in chars))
    return f"(?=[{members}])(?:{pattern})"


def _escape(char: str) -> str:
    return "\\" + char if char in "\\]^-[" else char


def first_chars(pattern: str) -> frozenset[str] | None:
    """Every character a match of ``pattern`` can start with, or None if not known."""
    found: set[str] = set()
    for alternative in _split(pattern):
        chars = _first(alternative)
        if chars is None:
            return None
        found |= chars
    return frozenset(found)


def _split(pattern: str) -> list[str]:
    """Top-level alternatives of a pattern."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = _class_end(pattern, i)
            continue
        depth += c == "("
        depth -= c == ")"
        if c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def _class_end(pattern: str, i: int) -> int:
    j = i + 1
    if pattern[j : j + 1] == "^":
        j += 1
    j += pattern[j : j + 1] == "]"
    while pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j + 1


def _group_end(pattern: str, i: int) -> int:
    depth = 0
    while True:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = _class_end(pattern, i)
            continue
        depth += c == "("
        depth -= c == ")"
        i += 1
        if depth == 0:
            return i


def _first(alternative: str) -> set[str] | None:
    if not alternative:
        return None  # an empty alternative matches anywhere
    if alternative.startswith(("(?<!", "(?<=")):
        return _first(alternative[_group_end(alternative, 0) :])
    if alternative.startswith("(?:"):
        end = _group_end(alternative, 0)
        chars = first_chars(alternative[3 : end - 1])
        return _maybe_optional(chars, alternative, end)
    if alternative[0] == "[" and alternative[1:2] != "^":
        end = _class_end(alternative, 0)
        return _maybe_optional(_class_chars(alternative[1 : end - 1]), alternative, end)
    if alternative[0] in "\\.()[|^$?*+{":
        return None
    return _maybe_optional({alternative[0]}, alternative, 1)


def _maybe_optional(
    chars: set[str] | frozenset[str] | None, text: str, end: int
) -> set[str] | None:
    if chars is None:
        return None
    if not text.startswith(_OPTIONAL, end):
        return set(chars)
    rest = text[end:].lstrip("?*")
    if rest.startswith("{0"):
        rest = rest[rest.index("}") + 1 :]
    after = _first(rest) if rest else None
    return None if after is None else set(chars) | after


def _class_chars(body: str) -> set[str] | None:
    if "\\" in body:
        return None  # escapes: not worth reading, stay unguarded
    chars: set[str] = set()
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            chars.update(chr(c) for c in range(ord(body[i]), ord(body[i + 2]) + 1))
            i += 3
        else:
            chars.add(body[i])
            i += 1
    return chars
