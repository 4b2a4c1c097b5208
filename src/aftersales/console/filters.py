"""A list's filters read as people type them: a value, or its name in either language, whatever
the case and spaces. A value that fits nothing is left out and said above the filter, in the
reader's language, instead of answering with an error page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from aftersales.console.i18n import Translator
from aftersales.console.labels import LABELS

__all__ = ["Chosen", "chosen", "chosen_day", "labelled"]

# A filter as understood (None: not applied) and why a typed value was left out (None: it fits).
Chosen = tuple[str | None, str | None]


def chosen(
    tr: Translator, field: str, typed: str | None, names: Mapping[str, Iterable[str]]
) -> Chosen:
    """The value whose own spelling or one of whose ``names`` was typed."""
    wanted = _plain(typed)
    if not wanted:
        return None, None
    for value, spellings in names.items():
        if wanted in {_plain(value), *map(_plain, spellings)}:
            return value, None
    return None, tr.t("filter.unknown", field=tr.t(field), value=(typed or "").strip())


def chosen_day(tr: Translator, field: str, typed: str | None) -> tuple[date | None, str | None]:
    """A day written YYYY-MM-DD."""
    if not _plain(typed):
        return None, None
    try:
        return date.fromisoformat((typed or "").strip()), None
    except ValueError:
        return None, tr.t("filter.bad_day", field=tr.t(field), value=(typed or "").strip())


def labelled(kind: str, values: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Each value with its names in ``labels.LABELS`` (English, Chinese)."""
    return {v: LABELS[kind].get(v, ()) for v in values}


def _plain(text: str | None) -> str:
    return (text or "").strip().casefold()
