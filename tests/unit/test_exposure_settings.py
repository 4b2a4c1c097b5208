"""The programme's rules read from the environment like every other setting: defaults unchanged,
values that break the rules refused when the settings are read."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from aftersales.config import Settings
from aftersales.exposure import DEFAULT_PROGRAMME_WEIGHTS, ExposureConfig, Slot
from aftersales.scoring import Tier


def test_by_default_the_exposure_rules_are_the_documented_ones() -> None:
    config = Settings().exposure_config()

    assert config == ExposureConfig()
    assert (config.pool_limit, config.throttling, config.throttle) == (30, True, 0.5)
    assert {t: dict(r) for t, r in config.weights.items()} == {
        t: dict(r) for t, r in DEFAULT_PROGRAMME_WEIGHTS.items()
    }


def test_the_environment_sets_the_pool_limit_the_weights_and_throttling(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AFTERSALES_EXPOSURE_POOL_LIMIT", "10")
    monkeypatch.setenv("AFTERSALES_EXPOSURE_WEIGHTS", json.dumps({"good": {"feed": 1.4}}))
    monkeypatch.setenv("AFTERSALES_EXPOSURE_THROTTLING", "false")

    config = Settings().exposure_config()

    assert config.pool_limit == 10 and config.throttling is False
    assert {t: dict(r) for t, r in config.weights.items()} == {Tier.GOOD: {Slot.FEED: 1.4}}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"exposure_pool_limit": 0}, "greater than or equal to 1"),
        ({"exposure_weights": {"good": {"search": 0.5}}}, "must be >= 1, got 0.5"),
        ({"exposure_weights": {"restricted": {"feed": 1.2}}}, "penalised tier restricted"),
        ({"exposure_weights": {"good": {"banner": 1.2}}}, "'search', 'feed' or 'mini_detail'"),
        ({"exposure_throttling": "sometimes"}, "valid boolean"),
    ],
)
def test_a_value_that_breaks_the_rules_is_refused_when_read(
    values: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(**values)  # type: ignore[arg-type]
