"""Our detectors give R surveillance's answers on fixed series (fixtures made by R itself)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from aftersales.warning import EarsConfig, EarsMethod, FarringtonConfig, ears, farrington_flexible
from aftersales.warning.farrington import layout
from aftersales.warning.windows import sliding

FIXTURES = Path(__file__).parent / "fixtures"


def _counts() -> np.ndarray:
    return np.loadtxt(FIXTURES / "counts.csv", delimiter=",").T  # (series, weeks)


def _expected(run: str) -> dict[str, np.ndarray]:
    with (FIXTURES / "r_expected.csv").open(newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["run"] == run]
    names = [name for name in rows[0] if name != "run"]
    return {name: np.array([float(r[name] or "nan") for r in rows]) for name in names}


def _farrington(run: str, counts: np.ndarray, b: int, exposure: np.ndarray | None = None):
    r = _expected(run)
    cfg = FarringtonConfig(years_back=b)
    weeks = np.unique(r["week"]).astype(int) - 1
    span = layout(cfg).span + 1
    win_e = None if exposure is None else sliding(exposure, weeks, span)
    return r, farrington_flexible(sliding(counts, weeks, span), cfg, win_e)


@pytest.mark.parametrize(
    ("run", "b", "tail"), [("noufaily", 5, None), ("b3", 3, 200)], ids=["b5", "b3"]
)
def test_farrington_flexible_reproduces_r(run: str, b: int, tail: int | None) -> None:
    counts = _counts() if tail is None else _counts()[:, -tail:]
    r, ours = _farrington(run, counts, b)
    judged = np.isfinite(r["upper"])  # R leaves the threshold out under the limit54 rule
    assert judged.sum() > 100
    np.testing.assert_array_equal(ours.upper[judged], r["upper"][judged])
    np.testing.assert_allclose(ours.expected[judged], r["expected"][judged], rtol=1e-5)
    np.testing.assert_allclose(ours.dispersion, r["phi"], rtol=1e-6)
    np.testing.assert_array_equal(ours.alarm, r["alarm"] == 1)
    np.testing.assert_array_equal(ours.trend, r["trend"] == 1)
    assert ours.alarm.any()


def test_farrington_flexible_with_exposure_reproduces_r_population_offset() -> None:
    counts = _counts()
    exposure = np.round(1000 * np.exp(0.002 * np.arange(1, counts.shape[1] + 1)))
    r, ours = _farrington("offset", counts, 5, np.tile(exposure, (counts.shape[0], 1)))
    judged = np.isfinite(r["upper"])
    np.testing.assert_array_equal(ours.upper[judged], r["upper"][judged])
    np.testing.assert_allclose(ours.expected[judged], r["expected"][judged], rtol=1e-5)
    np.testing.assert_array_equal(ours.alarm, r["alarm"] == 1)


@pytest.mark.parametrize("method", [EarsMethod.C1, EarsMethod.C2])
def test_ears_thresholds_match_r_earsc(method: EarsMethod) -> None:
    r = _expected(f"ears_{method.value.lower()}")
    cfg = EarsConfig(method=method, min_sigma=0.0)
    weeks = np.unique(r["week"]).astype(int) - 1
    ours = ears(sliding(_counts(), weeks, cfg.weeks_needed), cfg)
    judged = ours.reason == 0
    np.testing.assert_allclose(ours.upper[judged], r["upper"][judged], rtol=1e-9, atol=1e-5)
    # Ours judges no all-zero window (R: threshold 0, no alarm) ...
    assert (r["upper"][~judged] == 0).all() and judged.sum() > 300
    # ... and also needs the minimum count; otherwise the verdicts are R's.
    np.testing.assert_array_equal(ours.alarm, (r["alarm"] == 1) & ours.enough_cases)
