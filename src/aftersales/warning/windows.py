"""Cutting history windows out of a (series x weeks) matrix, without Python loops."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["sliding"]

Floats = NDArray[np.float64]


def sliding(matrix: Floats, ends: NDArray[np.intp], length: int) -> Floats:
    """Windows of ``length`` weeks ending (inclusive) at each of ``ends``, series-major.

    Row ``s * len(ends) + j`` is series ``s`` up to week ``ends[j]``. Weeks before the first
    column come out as NaN (missing), so a short series yields a window with a missing start.
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    n = matrix.shape[0]
    cols = ends[:, None] + np.arange(1 - length, 1)[None, :]
    inside = cols >= 0
    picked = matrix[:, np.where(inside, cols, 0)]
    picked = np.where(inside[None, :, :], picked, np.nan)
    return picked.reshape(n * ends.size, length)
