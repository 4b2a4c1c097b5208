"""Preparing complaint text: the length cap, a test for binary junk, and normalisation.

Everything downstream (language, lexicon, features) reads the normalised form, so a full-width
comma, a curly apostrophe or a capital letter never decides a label.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MAX_CHARS", "MODEL_CHARS", "looks_binary", "normalise"]

# Complaints are a few sentences; beyond these lengths the tail adds cost, not meaning, and
# the caps bound the time one classification can take, whatever a caller sends (a 1 MB paste
# included). The hazard lexicon reads further than the model: it is cheap, and a hazard
# mentioned late in a long rant must still be found.
MAX_CHARS = 8000
MODEL_CHARS = 2000

# Control characters (not tab or newlines), U+FFFD from a failed decode, lone surrogates from
# ``surrogateescape`` and the private-use area: what bytes that are not text turn into.
_JUNK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd\ud800-\udfff\ue000-\uf8ff]")
_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def looks_binary(text: str) -> bool:
    """True when more than a tenth of the characters are ones that text does not contain."""
    sample = text[:MAX_CHARS]
    return bool(sample) and len(_JUNK.findall(sample)) * 10 > len(sample)


def normalise(text: str) -> str:
    """NFKC, lower case, straight quotes, single spaces; the form every later step reads."""
    folded = unicodedata.normalize("NFKC", text).lower().translate(_QUOTES)
    return _SPACE.sub(" ", folded).strip()
