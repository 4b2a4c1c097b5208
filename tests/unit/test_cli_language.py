"""The command line gives a refusal in the terminal's language where it has both."""

from __future__ import annotations

import pytest

from aftersales.cli.common import in_locale
from aftersales.errors import NotFound, Text, ValidationFailed
from aftersales.languages import of_locale


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        # POSIX: LC_ALL overrides LC_MESSAGES, which overrides LANG; an empty one does not count.
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": ""}, "zh"),
    ],
)
def test_the_locale_names_the_language(environ: dict[str, str], expected: str) -> None:
    assert of_locale(environ) == expected


def test_a_bilingual_refusal_follows_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    exc = NotFound(Text("case c-1 not found", "找不到售后单 c-1"))
    assert exc.detail == "case c-1 not found"
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert in_locale(exc) == "找不到售后单 c-1"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert in_locale(exc) == "case c-1 not found"


def test_an_english_only_refusal_stays_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    assert in_locale(ValidationFailed("weights must sum to 1")) == "weights must sum to 1"


def test_a_text_given_as_the_detail_is_kept_for_the_api() -> None:
    said = Text("describe the hazard", "请描述安全隐患")
    exc = ValidationFailed(said, errors=["hazard"])
    assert exc.extra["text"] == said
    assert exc.extra["errors"] == ["hazard"]
    assert str(exc) == "describe the hazard"
