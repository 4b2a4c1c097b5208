"""The shipped model on real English safety reports (../shared/data); skipped where absent.

The floors sit a little under what was measured when the report was added (docs/triage.md,
"English safety reports"), so a change that loses English hazards fails here.
"""

from __future__ import annotations

import pytest

from aftersales.triage import Triager
from aftersales.triage.hazard_reports import (
    NHTSA_FILE,
    RISK_FAMILIES,
    SAFETY_GATE_FILE,
    HazardReport,
    hazard_report,
    read_alerts,
    read_vehicle_complaints,
)
from tests.unit.triage.conftest import SHARED_DATA


def _require(path: str) -> None:
    if not (SHARED_DATA / path).is_file():
        pytest.skip(f"{path} is not in ../shared/data")


@pytest.fixture(scope="module")
def vehicles(triager: Triager) -> HazardReport:
    _require(str(NHTSA_FILE))
    return hazard_report(triager, read_vehicle_complaints(SHARED_DATA), [])


@pytest.fixture(scope="module")
def alerts(triager: Triager) -> HazardReport:
    _require(str(SAFETY_GATE_FILE))
    return hazard_report(triager, [], read_alerts(SHARED_DATA))


def test_vehicle_fires_are_flagged_and_named_fire(vehicles: HazardReport) -> None:
    fire = vehicles.vehicles["fire"]
    assert fire.texts == 23
    assert fire.flagged / fire.texts >= 0.9
    assert fire.family / fire.texts >= 0.75


def test_most_vehicle_complaints_with_an_injury_are_flagged(vehicles: HazardReport) -> None:
    injury = vehicles.vehicles["injury"]
    assert injury.texts == 32
    assert injury.flagged / injury.texts >= 0.6
    # 13 of 32 typed injury since the model learns without categories too (18 before; the rest
    # are flagged all the same): docs/triage.md, "Complaints without a category".
    assert injury.family / injury.texts >= 0.375


def test_safety_gate_fire_and_injury_descriptions_are_mostly_flagged(alerts: HazardReport) -> None:
    by_risk = alerts.alerts["risk_description"]
    assert sum(c.texts for c in by_risk.values()) >= 104  # an alert of two risks counts twice
    assert by_risk["Fire"].family / by_risk["Fire"].texts >= 0.75
    assert by_risk["Injuries"].family / by_risk["Injuries"].texts >= 0.6


def test_every_risk_type_of_the_alerts_has_a_mapping(alerts: HazardReport) -> None:
    seen = {risk for by_risk in alerts.alerts.values() for risk in by_risk}
    assert seen <= set(RISK_FAMILIES)
