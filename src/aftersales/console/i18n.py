"""The reader's language (a cookie, else their browser's Accept-Language) and the words in it.

Times are shown in China Standard Time, money in yuan, whatever the language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aftersales.console.labels import LABELS
from aftersales.console.texts import TEXTS
from aftersales.domain.actors import Actor, Role
from aftersales.domain.categories import CATEGORIES
from aftersales.languages import LANGS, Lang, preferred
from aftersales.recall import CST

__all__ = ["LANGS", "Lang", "Translator", "negotiate"]

DEFAULT: Lang = "zh"  # a marketplace in China: Chinese unless the reader's browser asks otherwise


def negotiate(cookie: str | None, accept_language: str | None) -> Lang:
    """The language chosen before (the cookie), else the first of ours the browser prefers."""
    if cookie in LANGS:
        return "zh" if cookie == "zh" else "en"
    return preferred(accept_language, DEFAULT)


@dataclass(frozen=True, slots=True)
class Translator:
    """The words of one language, as the templates call them."""

    lang: Lang

    @property
    def html_lang(self) -> str:
        return "zh-CN" if self.lang == "zh" else "en"

    def t(self, key: str, **fields: Any) -> str:
        en, zh = TEXTS[key]
        text = zh if self.lang == "zh" else en
        return text.format(**fields) if fields else text

    def actor(self, actor: Actor) -> str:
        """Who did something: the platform's automatic actors by what they are, a person by
        their role and name."""
        role = self.label("role", actor.role)
        if actor.role is Role.SYSTEM:
            known = (actor.subject or "") in LABELS["system_actor"]
            return self.label("system_actor", actor.subject) if known else role
        return f"{role} {actor.subject}" if actor.subject else role

    def category(self, path: str) -> str:
        """A category's name; ``*`` is the whole marketplace; an unknown path as it is."""
        if path == "*":
            return self.t("merchant.all_categories")
        known = CATEGORIES.get(path)
        return path if known is None else (known.zh if self.lang == "zh" else known.en)

    def label(self, kind: str, value: object) -> str:
        """The name of a value (a state, a remedy …); the value itself when it has none."""
        key = "" if value is None else str(value)
        names = LABELS[kind].get(key)
        if names is None:
            return key
        return names[1] if self.lang == "zh" else names[0]

    def pick(self, texts: dict[str, str] | None) -> str:
        """The reader's half of a ``{"zh": …, "en": …}`` pair (a policy's explanation)."""
        if not texts:
            return ""
        return texts.get(self.lang) or texts.get("en") or texts.get("zh") or ""

    def when(self, moment: datetime | None) -> str:
        if moment is None:
            return "—"
        return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M")

    def day(self, moment: datetime | None) -> str:
        return "—" if moment is None else moment.astimezone(CST).strftime("%Y-%m-%d")

    def money(self, fen: int | None) -> str:
        if fen is None:
            return "—"
        sign = "-" if fen < 0 else ""
        fen = abs(fen)
        return f"{sign}¥{fen // 100:,}.{fen % 100:02d}"

    def percent(self, share: float | None) -> str:
        return "—" if share is None else f"{share * 100:.0f}%"

    def size(self, n: int) -> str:
        if n >= 1024 * 1024:
            return f"{n / (1024 * 1024):.1f} MiB"
        return f"{n / 1024:.0f} KiB" if n >= 1024 else f"{n} B"

    def remaining(self, delta: timedelta) -> str:
        """Time left (or past) as ``2d 3h``, ``3h 05m`` or ``12m``; the page's script refines it."""
        seconds = int(abs(delta.total_seconds()))
        days, rest = divmod(seconds, 86400)
        hours, rest = divmod(rest, 3600)
        minutes = rest // 60
        units = ("天", "小时", "分") if self.lang == "zh" else ("d ", "h ", "m")
        if days:
            text = f"{days}{units[0]}{hours}{units[1]}"
        elif hours:
            text = f"{hours}{units[1]}{minutes:02d}{units[2]}"
        else:
            text = f"{minutes}{units[2]}"
        text = text.strip()
        suffix = self.t("common.left") if delta.total_seconds() >= 0 else self.t("common.overdue")
        return f"{text} {suffix}" if self.lang == "en" else f"{suffix} {text}"
