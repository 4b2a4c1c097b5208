"""Which language a complaint is written in: ``zh``, ``en``, ``mixed`` or ``unknown``.

Counting scripts is enough for the two languages we read, and needs no model: Han characters
mean Chinese, ASCII words mean English when they contain English function words. Kana, Hangul,
Cyrillic and friends, Latin text with no English in it, and text with no letters at all (emoji,
digits) are ``unknown``, so that triage hands them to a person rather than guessing.
"""

from __future__ import annotations

import re

__all__ = ["detect_language"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile("[\u3040-\u30ff]")
_HANGUL = re.compile("[\uac00-\ud7af\u1100-\u11ff]")
_WORD = re.compile("[a-z]+")
_ACCENTED = re.compile("[\u00c0-\u024f]")
_LETTER = re.compile(r"[^\W\d_]")

# A Chinese word is about 1.7 characters long; dividing by it puts both scripts in words.
_HAN_PER_WORD = 1.7
# Chinese with a word or two of English in it is still Chinese; a fifth of the words in
# English makes it mixed, and beyond 85 % it is English with a Chinese name or two.
_ZH_BELOW = 0.2
_EN_ABOVE = 0.85

# Function words: English ones make Latin text English; those of other Latin-script languages
# (French, Spanish, German, Italian, Portuguese, Dutch, Indonesian) outnumbering them make it a
# language we do not read.
_ENGLISH = _words(
    "a an and are as at be but by can did do does for from get got had has have he her his i "
    "if in is it its just me my no not of on or our she so that the their them they this to "
    "too very was we were what when which who why will with would you your"
)
_OTHER_LATIN = _words(
    "le la les des est et une du pas pour que qui dans sur avec il elle nous vous ne je mais "
    "el los las es y una por con para del muy pero yo lo su der die das und ist nicht ein "
    "eine mit für auf ich sie es sehr aber il lo gli è di che non per mi ho o os é um uma não "
    "com para het een en van niet ik dan yang tidak ini itu dengan untuk saya"
)
# Brand, model and technical tokens that Chinese text carries without being any less Chinese.
_NAMES = _words(
    "iphone ipad ipod airpods macbook pro max plus mini ultra lite se usb type wifi app apps "
    "ios android huawei xiaomi redmi oppo vivo honor samsung apple mate nova pd led lcd oled "
    "cpu gpu ssd hdd ram rom gb tb mah ok vip id pc tv ip mm cm kg xl xs xxl logo"
)


# The first stretch of a complaint says what language it is in; counting further costs time.
_SAMPLE = 1000


def detect_language(normalised: str) -> str:
    """Classify already normalised text (see ``text.normalise``) by the scripts it uses."""
    normalised = normalised[:_SAMPLE]
    letters = len(_LETTER.findall(normalised))
    if letters == 0:
        return "unknown"
    han = len(_HAN.findall(normalised))
    if _foreign_script(normalised, han, letters):
        return "unknown"
    words = _WORD.findall(normalised)
    if han == 0:
        return "en" if _is_english(normalised, words) else "unknown"
    english = [w for w in words if len(w) > 1 and w not in _NAMES]
    if len(english) < 2:
        return "zh"
    share = len(english) / (han / _HAN_PER_WORD + len(english))
    if share < _ZH_BELOW:
        return "zh"
    return "en" if share > _EN_ABOVE else "mixed"


def _foreign_script(text: str, han: int, letters: int) -> bool:
    kana = len(_KANA.findall(text))
    hangul = len(_HANGUL.findall(text))
    ascii_letters = sum(len(w) for w in _WORD.findall(text))
    accented = len(_ACCENTED.findall(text))
    other = letters - han - kana - hangul - ascii_letters - accented
    # A little kana in Chinese text is usually an emoticon; a tenth of the CJK is Japanese.
    japanese = kana >= 2 and kana * 10 >= han + kana
    return japanese or hangul * 2 > letters or other * 10 > letters * 3


def _is_english(text: str, words: list[str]) -> bool:
    if not words:
        return False
    letters = sum(len(w) for w in words)
    if len(_ACCENTED.findall(text)) * 20 > letters:
        return False
    english = sum(w in _ENGLISH for w in words)
    return english >= sum(w in _OTHER_LATIN for w in words)
