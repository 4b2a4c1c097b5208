"""The two languages of the product, and which one a request's Accept-Language prefers.

Shared by the console (which defaults to Chinese) and the API's problem details (which default
to English, what clients written before had); the command line reads the locale instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

__all__ = ["LANGS", "Lang", "of_locale", "preferred"]

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


def of_locale(environ: Mapping[str, str]) -> Lang:
    """The language of a terminal's locale: the first of ``LC_ALL``, ``LC_MESSAGES`` and
    ``LANG`` that is set decides, as POSIX has it (``zh_CN.UTF-8`` is Chinese); English
    otherwise, what the command line has always printed."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").strip()
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"
