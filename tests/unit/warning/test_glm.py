"""The batched quasi-Poisson fit agrees with statsmodels, series by series."""

from __future__ import annotations

import numpy as np
import statsmodels.api as sm

from aftersales.warning.glm import Design, fit_quasipoisson, hat_values


def _problem(seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = 120
    t = np.arange(n, dtype=float)
    level = (t // 20 % 3).astype(int)
    x = np.column_stack([np.ones(n), t / n, level == 1, level == 2]).astype(float)
    beta = np.array([1.0, 0.5, -0.3, 0.4])
    y = rng.negative_binomial(5, 5 / (5 + np.exp(x @ beta)), size=(6, n)).astype(float)
    prior = np.ones_like(y)
    prior[0, ::7] = 0.0  # missing weeks
    prior[1] = rng.uniform(0.2, 2.0, n)  # down-weighted weeks
    return x, y, prior


def test_batched_fit_matches_statsmodels_for_every_series() -> None:
    x, y, prior = _problem()
    fit = fit_quasipoisson(Design(x), y, prior)
    hats = hat_values(fit, Design(x))
    assert fit.converged.all()
    for s in range(y.shape[0]):
        keep = prior[s] > 0
        model = sm.GLM(
            y[s, keep], x[keep], family=sm.families.Poisson(), var_weights=prior[s, keep]
        )
        ref = model.fit(scale="X2", tol=1e-12)
        np.testing.assert_allclose(fit.coef[s], ref.params, rtol=1e-6)
        np.testing.assert_allclose(fit.dispersion[s], ref.scale, rtol=1e-5)
        np.testing.assert_allclose(hats[s, keep], ref.get_hat_matrix_diag(), rtol=1e-5)


def test_a_column_without_observations_is_pinned_at_zero_not_singular() -> None:
    x, y, prior = _problem()
    prior[2, x[:, 3] == 1] = 0.0  # no week of level 2 observed for series 2
    fit = fit_quasipoisson(Design(x), y, prior)
    assert fit.coef[2, 3] == 0.0
    assert fit.df_residual[2] == int((prior[2] > 0).sum()) - 3
    assert np.isfinite(fit.coef).all()


def test_the_design_keeps_only_distinct_products_of_columns() -> None:
    x, _, _ = _problem()
    # 1, t, t^2, d1, t*d1, d2, t*d2: indicator pairs vanish or repeat.
    assert Design(x).products.shape[1] == 7
