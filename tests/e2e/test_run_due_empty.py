"""The scheduler's ``run_due`` skips a closed period without orders after one cheap read, and
assesses it once orders placed in it arrive late."""

from __future__ import annotations

import logging

import pytest

from aftersales.errors import ValidationFailed
from aftersales.services import cycles
from aftersales.services.context import Context
from tests.support import build_market


def test_an_empty_period_is_not_run_and_a_late_one_is(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patched:
        for name in ("run_cycle", "run_weekly"):
            patched.setattr(cycles, name, _must_not_run)
        assert cycles.run_due(ctx) == []
        assert cycles.run_due(ctx) == []

    build_market(ctx)  # orders placed in the closed month and week, pushed late

    runs = cycles.run_due(ctx)
    assert sorted(r.cycle.kind for r in runs) == ["monthly", "weekly"]
    assert cycles.run_due(ctx) == []


def _must_not_run(*args: object) -> cycles.CycleRun:
    raise AssertionError("a period without orders was computed")


def test_a_period_that_fails_is_logged_as_an_error_and_the_other_still_runs(
    ctx: Context, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    build_market(ctx)
    monkeypatch.setattr(cycles, "run_cycle", _fails)

    with caplog.at_level(logging.INFO, logger="aftersales.scoring"):
        runs = cycles.run_due(ctx)

    assert [r.cycle.kind for r in runs] == ["weekly"]
    failed = [r for r in caplog.records if "could not be assessed" in r.getMessage()]
    assert [r.levelno for r in failed] == [logging.ERROR]
    assert "negative resolution time" in failed[0].getMessage()


def _fails(*args: object) -> cycles.CycleRun:
    raise ValidationFailed("negative resolution time")
