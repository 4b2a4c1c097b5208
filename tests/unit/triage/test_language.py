"""Language detection: Chinese, English, the two mixed, and what we do not read."""

# Chinese text uses full-width punctuation on purpose.

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import pytest

from aftersales.triage.language import detect_language
from aftersales.triage.text import normalise


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("收到的手机屏幕有坏点", "zh"),
        ("iPhone 14 Pro 屏幕有亮点，刚买的", "zh"),
        ("鞋子 size 偏小", "zh"),
        ("The screen has a dead pixel", "en"),
        ("Black jeans arrived dark grey, never washed", "en"),
        ("这个 heater 完全 not working，what should I do", "mixed"),
        ("盒子里 no charger，also 没有数据线", "mixed"),
        ("The 充电器 is missing from the box", "mixed"),
        ("😡😡😡", "unknown"),
        ("12345 !!!", "unknown"),
        ("Le produit est arrivé cassé", "unknown"),
        ("Das Gerät ist kaputt und funktioniert nicht", "unknown"),
        ("этот телефон сломан", "unknown"),
        ("この商品は壊れています", "unknown"),
        ("이 제품은 고장났어요", "unknown"),
    ],
)
def test_language_is_read_from_the_scripts_and_function_words(text: str, language: str) -> None:
    assert detect_language(normalise(text)) == language
