"""``aftersales agent add`` with a queue the agent cannot work: one line that names the queues
each kind of agent works."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from aftersales.cli import app
from tests.support import Market

PLATFORM = "arbitration, food_safety, human_triage, product_safety, risk_review"
MERCHANT = "apparel, food_safety, general, on_site_service, technical_support"


@pytest.fixture
def add(db_url: str, tmp_path: Path, market: Market) -> object:
    env = {"AFTERSALES_DATA_DIR": str(tmp_path), "AFTERSALES_DATABASE_URL": db_url}

    def invoke(*args: str) -> tuple[int, str]:
        common = ["--name", "A", "--language", "zh", "--capacity", "2"]
        result = CliRunner().invoke(app, ["agent", "add", *common, *args], env=env)
        return result.exit_code, result.stderr

    return invoke


def test_a_merchant_queue_without_a_merchant_says_what_each_kind_of_agent_works(
    add: object,
) -> None:
    code, said = add("--queue", "general")  # type: ignore[operator]

    assert code == 1
    assert said == (
        "error [validation_failed] queue general is a merchant's queue;"
        f" a platform agent (one without a merchant) works {PLATFORM};"
        f" a merchant's agent works {MERCHANT}\n"
    )


def test_an_unknown_queue_is_called_unknown_and_the_known_ones_are_named(add: object) -> None:
    platform_code, platform = add("--queue", "night_shift")  # type: ignore[operator]
    merchant_code, merchant = add("--queue", "night_shift", "--merchant", "m1")  # type: ignore[operator]

    assert (platform_code, merchant_code) == (1, 1)
    assert platform.startswith("error [validation_failed] unknown queue night_shift;")
    assert f"works {PLATFORM}" in platform and "merchant's queue" not in platform
    assert merchant == (
        "error [validation_failed] unknown queue night_shift;"
        f" a merchant's agent works {MERCHANT}\n"
    )
