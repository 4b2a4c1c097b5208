"""Care-label symbols of GB/T 8685-2008 (identical to ISO 3758:2005) and what breaks them.

A label is a set of symbol codes; so is the care the consumer says was used (``care_applied``,
in the same codes: washed at 60 °C is ``wash_60``, tumble-dried is ``tumble_dry_normal``).
``violations`` compares the two group by group: a symbol the label does not carry sets no limit
in its group, exactly as the standard reads a missing symbol.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["SYMBOLS", "violations"]

_TEMPERATURES = (30, 40, 50, 60, 70, 95)
# The bars under the washtub: none (normal), one (mild), two (very mild).
_AGITATION = {"": 2, "_mild": 1, "_very_mild": 0}

_WASH = {f"wash_{t}{bar}": (t, rank) for t in _TEMPERATURES for bar, rank in _AGITATION.items()}
_HAND_WASH = "hand_wash"  # at most 40 °C, by hand
_BLEACH = {"bleach_any": 2, "bleach_oxygen_only": 1}
_TUMBLE = {"tumble_dry_normal": 2, "tumble_dry_low": 1}
_LINE = ("line_dry", "drip_line_dry")
_FLAT = ("dry_flat", "drip_dry_flat")
_NATURAL = tuple(n + shade for n in _LINE + _FLAT for shade in ("", "_shade"))
_IRON = {"iron_110": 110, "iron_150": 150, "iron_200": 200}
# Professional cleaning: P (tetrachloroethene) is harsher than F (hydrocarbon); bars soften.
_DRY_CLEAN = {"dry_clean_p": 3, "dry_clean_p_mild": 2, "dry_clean_f": 1, "dry_clean_f_mild": 0}
_WET_CLEAN = {"wet_clean_w": 2, "wet_clean_w_mild": 1, "wet_clean_w_very_mild": 0}
_PROHIBITIONS = {
    "do_not_wash": frozenset({*_WASH, _HAND_WASH}),
    "do_not_bleach": frozenset(_BLEACH),
    "do_not_tumble_dry": frozenset(_TUMBLE),
    "do_not_iron": frozenset(_IRON),
    "do_not_dry_clean": frozenset(_DRY_CLEAN),
    "do_not_wet_clean": frozenset(_WET_CLEAN),
}

SYMBOLS: frozenset[str] = frozenset(
    {
        *_WASH,
        _HAND_WASH,
        *_BLEACH,
        *_TUMBLE,
        *_NATURAL,
        *_IRON,
        *_DRY_CLEAN,
        *_WET_CLEAN,
        *_PROHIBITIONS,
    }
)


def violations(label: Iterable[str], applied: Iterable[str]) -> tuple[str, ...]:
    """Each applied care the label forbids, as ``"<applied> against <label symbol>"``, sorted."""
    label_set, found = frozenset(label), set()
    for done in applied:
        for symbol in label_set:
            if _breaks(done, symbol):
                found.add(f"{done} against {symbol}")
    return tuple(sorted(found))


def _breaks(done: str, symbol: str) -> bool:
    forbidden = _PROHIBITIONS.get(symbol)
    if forbidden is not None:
        return done in forbidden
    return (
        _harsher(done, symbol, _WASH, lambda a, b: a[0] > b[0] or a[1] > b[1])
        or (symbol == _HAND_WASH and done in _WASH)
        or _harsher(done, symbol, _BLEACH, int.__gt__)
        or _harsher(done, symbol, _TUMBLE, int.__gt__)
        or _harsher(done, symbol, _IRON, int.__gt__)
        or _harsher(done, symbol, _DRY_CLEAN, int.__gt__)
        or _harsher(done, symbol, _WET_CLEAN, int.__gt__)
        or _natural_drying_broken(done, symbol)
    )


def _harsher(
    done: str, symbol: str, group: dict[str, Any], worse: Callable[[Any, Any], bool]
) -> bool:
    if done not in group or symbol not in group:
        return False
    return worse(group[done], group[symbol])


def _natural_drying_broken(done: str, symbol: str) -> bool:
    if done not in _NATURAL or symbol not in _NATURAL:
        return False
    # Knits dried on a line stretch; shade-dried colours fade in the sun.
    hung_instead_of_flat = symbol.startswith(_FLAT) and done.startswith(_LINE)
    sun_instead_of_shade = symbol.endswith("_shade") and not done.endswith("_shade")
    return hung_instead_of_flat or sun_instead_of_shade
