"""Turning a complaint into the features the linear model reads.

Chinese has no spaces, so runs of Han (and other non-Latin) characters give character 1-, 2- and
3-grams: 「不制热」 yields 不, 制, 热, 不制, 制热, 不制热, which carries the negation and the
word without a segmenter. Latin text gives words, word pairs and character 3-grams inside
words (robust to typos: "recieved", "heather"). Digits are folded to 0, so a model number or a
price does not become a feature of its own.

Two small blocks are added with a fixed weight, outside the TF-IDF normalisation: the category
(and its ancestors) when known, and the hazard lexicon's findings, negated or not, so that the
model can learn that 「没有漏电」 is not an electrical hazard.
"""

from __future__ import annotations

import re
from itertools import pairwise

from aftersales.domain.categories import ancestors
from aftersales.triage.lexicon import HazardScan

__all__ = ["extra_features", "text_grams"]

_DIGITS = str.maketrans("123456789", "000000000")
_RUN = re.compile(r"[a-z][a-z']*|[^\W\da-z_]+")


def text_grams(normalised: str) -> list[str]:
    """The n-gram features of normalised text, each as often as it occurs."""
    grams: list[str] = []
    words: list[str] = []
    for run in _RUN.findall(normalised.translate(_DIGITS)):
        if run[0].isascii():
            words.append(run)
            _word_grams(run, grams)
        else:
            _han_grams(run, grams)
    grams.extend(f"b:{a} {b}" for a, b in pairwise(words))
    return grams


def _han_grams(run: str, grams: list[str]) -> None:
    # map() over shifted copies builds the 2- and 3-grams in C, several times faster than
    # slicing in a Python loop (this is most of the cost of a long Chinese complaint).
    pairs = list(map(str.__add__, run[:-1], run[1:]))
    grams.extend(run)
    grams.extend(pairs)
    grams.extend(map(str.__add__, pairs[:-1], run[2:]))


def _word_grams(word: str, grams: list[str]) -> None:
    grams.append(f"w:{word}")
    if len(word) > 3:
        padded = f"<{word}>"
        grams.extend(f"c:{padded[i : i + 3]}" for i in range(len(padded) - 2))


def extra_features(category: str | None, hazards: HazardScan) -> list[str]:
    """The fixed-weight features: category path and ancestors, hazard families found.

    No category gives no category feature: the words alone decide (training teaches them to,
    ``training.without_categories``)."""
    found = [f"haz:{family}" for family in hazards.families]
    found += [f"neg:{family}" for family in hazards.negated_families]
    found += [f"cat:{path}" for path in ancestors(category)] if category else []
    return found
