"""The two languages of the product, and which one a request's Accept-Language prefers.

Shared by the console (which defaults to Chinese) and the API's problem details (which default
to English, what clients written before had).
"""

from __future__ import annotations

from typing import Literal

__all__ = ["LANGS", "Lang", "preferred"]

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


def preferred(accept_language: str | None, default: Lang) -> Lang:
    """The first of ours the header prefers (by its q-values), else ``default``."""
    best: tuple[float, Lang] | None = None
    for part in (accept_language or "").split(",")[:20]:
        lang, quality = _parse_range(part)
        if lang is not None and (best is None or quality > best[0]):
            best = (quality, lang)
    return best[1] if best else default


def _parse_range(part: str) -> tuple[Lang | None, float]:
    tag, _, params = part.strip().partition(";")
    quality = 1.0
    if params.strip().startswith("q="):
        try:
            quality = float(params.strip()[2:])
        except ValueError:
            quality = 0.0
    primary = tag.strip().lower().split("-")[0]
    if quality <= 0 or primary not in LANGS:
        return None, quality
    return ("zh" if primary == "zh" else "en"), quality
