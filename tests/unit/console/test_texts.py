"""Every word the console shows exists in both languages, with the same fields in each."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from aftersales.console.i18n import Translator, negotiate
from aftersales.console.labels import LABELS
from aftersales.console.texts import TEXTS
from aftersales.domain.cases_types import CaseState, CaseType, ResolutionType
from aftersales.recall import RecallState, Remedy, UnitState
from aftersales.services.case_actions import CaseAction

CONSOLE = Path(__file__).resolve().parents[3] / "src" / "aftersales" / "console"
_PREFIXES = {key.split(".")[0] for key in TEXTS}
_KEY = re.compile(r"""["']((?:""" + "|".join(sorted(_PREFIXES)) + r""")\.[a-z_.]+)["']""")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_each_text_has_both_languages_with_the_same_fields(key: str) -> None:
    en, zh = TEXTS[key]
    assert en.strip() and zh.strip()
    assert _fields(en) == _fields(zh)


def test_every_key_the_templates_and_pages_use_exists() -> None:
    sources = [*CONSOLE.rglob("*.html"), *CONSOLE.rglob("*.py")]
    used = {key for path in sources for key in _KEY.findall(path.read_text(encoding="utf-8"))}
    used = {key for key in used if not key.endswith((".", ".html", ".css", ".js"))}
    assert used - set(TEXTS) == set()
    assert len(used) > 100  # the scan found the templates' keys


def test_every_action_has_its_done_message() -> None:
    assert {f"done.{a.value}" for a in CaseAction} <= set(TEXTS)


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        ("state", CaseState),
        ("case_type", CaseType),
        ("resolution", ResolutionType),
        ("recall_state", RecallState),
        ("remedy", Remedy),
        ("unit_state", UnitState),
    ],
)
def test_every_value_of_the_platform_has_a_name_in_both_languages(kind: str, values: type) -> None:
    for value in values:  # type: ignore[attr-defined]
        en, zh = LABELS[kind][value.value]
        assert en and zh and en != zh


def test_a_value_without_a_name_is_shown_as_it_is() -> None:
    assert Translator("zh").label("queue", "night_shift") == "night_shift"


@pytest.mark.parametrize(
    ("cookie", "header", "expected"),
    [
        (None, None, "zh"),
        (None, "en-US,en;q=0.9", "en"),
        (None, "fr-FR,zh-TW;q=0.8,en;q=0.5", "zh"),
        (None, "de, en;q=0.1", "en"),
        (None, "zh;q=0, en;q=0.2", "en"),
        (None, "en;q=abc", "zh"),
        ("en", "zh-CN", "en"),
        ("xx", "en", "en"),
    ],
)
def test_language_comes_from_the_cookie_then_the_browser(
    cookie: str | None, header: str | None, expected: str
) -> None:
    assert negotiate(cookie, header) == expected


def test_money_and_time_left_read_naturally() -> None:
    from datetime import timedelta

    en, zh = Translator("en"), Translator("zh")
    assert en.money(299900) == "¥2,999.00" and en.money(5) == "¥0.05"
    assert en.remaining(timedelta(hours=3, minutes=5)) == "3h 05m left"
    assert en.remaining(timedelta(minutes=-12)) == "12m overdue"
    assert zh.remaining(timedelta(days=2, hours=1)) == "剩余 2天1小时"
