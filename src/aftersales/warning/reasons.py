"""Why a series could not be judged, or why its alarm was held back."""

from __future__ import annotations

from enum import StrEnum

from aftersales.warning.texts import REASON_TEXT

__all__ = ["REASON_CODES", "Reason"]


class Reason(StrEnum):
    """Why no alarm was possible for a series in a week (or why one was held back)."""

    FUTURE_DATE = "future_date"
    TOO_SHORT = "too_short"
    MISSING_CURRENT = "missing_current"
    ZEROS_ONLY = "zeros_only"
    TOO_MANY_GAPS = "too_many_gaps"
    MISSING_EXPOSURE = "missing_exposure"
    NEGATIVE_EXPOSURE = "negative_exposure"
    NO_CONVERGENCE = "no_convergence"
    LOW_COUNT = "low_count"

    @property
    def en(self) -> str:
        """The reason in plain English."""
        return REASON_TEXT[self.value][0]

    @property
    def zh(self) -> str:
        """The reason in plain Chinese."""
        return REASON_TEXT[self.value][1]


# Array results carry a small integer per series: 0 = judged, i = REASON_CODES[i].
REASON_CODES: tuple[Reason | None, ...] = (None, *Reason)
