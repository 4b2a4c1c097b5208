"""``aftersales exposure refresh`` prints counts; ``--verbose`` lists each decision."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aftersales.domain.clock import ManualClock
from tests.exposure_support import API, ExposureCli, use_tiers
from tests.support import Market


@pytest.fixture
def cli(
    client: TestClient,
    market: Market,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    db_url: str,
    tmp_path: Path,
) -> ExposureCli:
    """m1 good and enrolled (its whole store), m2 restricted: three decisions to record."""
    clock.set(datetime.now(UTC))  # the command line keeps the system clock: share its cycle
    use_tiers(monkeypatch, {"m1": "good", "m2": "restricted"})
    enrolled = client.post(
        f"{API}/programme/enrolments", json={"mode": "store"}, headers=market.auth("m1")
    )
    assert enrolled.status_code == 201, enrolled.text
    return ExposureCli(db_url, tmp_path)


def test_a_refresh_counts_the_changes_by_tier_and_decision(cli: ExposureCli) -> None:
    result = cli("exposure", "refresh")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "2 merchant(s) changed; their tiers now: good 1, restricted 1",
        "decisions: eligibility_gained 1, boost_started 1, throttle_applied 1",
        "(--verbose lists each decision with its reason)",
    ]
    assert "merchant:m1" not in result.stdout


def test_verbose_lists_each_decision_with_its_reason(cli: ExposureCli) -> None:
    result = cli("exposure", "refresh", "--verbose")

    assert result.exit_code == 0, result.output
    listed = [line.split()[:2] for line in result.stdout.splitlines()[1:]]
    assert sorted(listed) == [
        ["merchant:m1", "boost_started:"],
        ["merchant:m1", "eligibility_gained:"],
        ["merchant:m2", "throttle_applied:"],
    ]
    assert "merchant(s) changed" not in result.stdout
