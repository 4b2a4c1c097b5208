"""English safety reports (NHTSA complaints, EU Safety Gate alerts): reading, counting, printing.

The rows here are written for the tests in the datasets' CSV formats; the real files are read by
test_hazard_reports_real.py when they are at hand.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aftersales.cli import app
from aftersales.triage import Triager
from aftersales.triage.hazard_reports import (
    NHTSA_FILE,
    RISK_FAMILIES,
    SAFETY_GATE_FILE,
    HazardReport,
    format_hazard_report,
    hazard_report,
    read_alerts,
    read_vehicle_complaints,
)
from tests.unit.triage.conftest import CORPUS

NHTSA_COLUMNS = [
    "odiNumber",
    "dateComplaintFiled",
    "make",
    "model",
    "modelYear",
    "components",
    "crash",
    "fire",
    "numberOfInjuries",
    "numberOfDeaths",
    "summary",
]
GATE_COLUMNS = [
    "alert_number",
    "published_on",
    "product_category",
    "product_name",
    "brand",
    "product_description",
    "country_of_origin",
    "notifying_country",
    "alert_submitted_by",
    "risk_type",
    "risk_description",
    "measures_authorities",
    "compulsory_measures",
    "voluntary_measures",
    "type_of_alert",
    "counterfeit",
    "company_recall_code",
    "production_dates",
]

# (crash, fire, injuries, summary)
COMPLAINTS = [
    ("False", "True", "0", "Smoke poured out of the dashboard and then the car caught fire."),
    ("True", "False", "1", "The brakes gave out, I hit a pole and broke my wrist."),
    ("True", "True", "2", "After the crash the engine burst into flames and burned my arm."),
    ("False", "False", "0", "The infotainment screen goes black every morning."),
]
# (product category, risk type, risk description, product description)
ALERTS = [
    ("Hobby/sports equipment", "Injuries", "The rung can snap and the user may be injured.", "X"),
    (
        "Electrical appliances and equipment",
        "Electric shock",
        "It gives an electric shock.",
        "Lamp",
    ),
    ("Toys", "Fire, Injuries", "The battery can overheat and catch fire.", "Car"),
    ("Cosmetics", "Chemical", "", "Face cream"),
    ("Cosmetics", "Chemické riziko.", "", "Hand cream"),
    ("Toys", "", "A risk type is missing, so this row is left out.", "Doll"),
]


def write_datasets(root: Path) -> Path:
    nhtsa = root / NHTSA_FILE
    nhtsa.parent.mkdir(parents=True)
    with nhtsa.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, NHTSA_COLUMNS)
        writer.writeheader()
        for number, (crash, fire, injuries, summary) in enumerate(COMPLAINTS):
            writer.writerow(
                dict.fromkeys(NHTSA_COLUMNS, "")
                | {"odiNumber": str(number), "crash": crash, "fire": fire}
                | {"numberOfInjuries": injuries, "numberOfDeaths": "0", "summary": summary}
            )
    gate = root / SAFETY_GATE_FILE
    gate.parent.mkdir(parents=True)
    with gate.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, GATE_COLUMNS)
        writer.writeheader()
        for category, risk, description, product in ALERTS:
            writer.writerow(
                dict.fromkeys(GATE_COLUMNS, "")
                | {"product_category": category, "risk_type": risk}
                | {"risk_description": description, "product_description": product}
            )
    return root


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_datasets(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="module")
def report(triager: Triager, data_dir: Path) -> HazardReport:
    return hazard_report(
        triager, read_vehicle_complaints(data_dir), read_alerts(data_dir), samples=10
    )


def test_a_vehicle_complaint_is_grouped_by_every_label_it_carries(data_dir: Path) -> None:
    groups = [c.groups for c in read_vehicle_complaints(data_dir)]
    assert groups == [("fire",), ("injury", "crash"), ("fire", "injury", "crash"), ("other",)]


def test_an_alert_is_read_by_its_risk_description_or_else_its_product_description(
    data_dir: Path,
) -> None:
    alerts = list(read_alerts(data_dir))
    assert [a.source for a in alerts] == ["risk_description"] * 3 + ["product_description"] * 2
    assert alerts[2].risk_types == ("Fire", "Injuries")
    assert alerts[1].category == "appliance"
    assert alerts[3].text == "Face cream"
    assert alerts[4].risk_types == ("Chemical",)  # the Slovak spelling of the risk type


def test_absent_datasets_give_nothing(tmp_path: Path) -> None:
    assert list(read_vehicle_complaints(tmp_path)) == []
    assert list(read_alerts(tmp_path)) == []


def test_fire_complaints_are_flagged_with_the_fire_family(report: HazardReport) -> None:
    fire = report.vehicles["fire"]
    assert (fire.texts, fire.flagged, fire.family) == (2, 2, 2)
    injury = report.vehicles["injury"]
    assert (injury.texts, injury.flagged, injury.family) == (2, 2, 2)
    assert report.vehicles["other"].texts == 1


def test_an_alert_with_two_risk_types_counts_under_each(report: HazardReport) -> None:
    by_risk = report.alerts["risk_description"]
    assert (by_risk["Fire"].texts, by_risk["Fire"].flagged, by_risk["Fire"].family) == (1, 1, 1)
    # The fire alert is flagged but found no injury, so it counts as flagged, not as matched.
    assert (by_risk["Injuries"].texts, by_risk["Injuries"].flagged) == (2, 2)
    assert by_risk["Injuries"].family == 1
    assert by_risk["Electric shock"].family == 1
    assert report.alerts["product_description"]["Chemical"].texts == 2


def test_the_report_is_a_table_per_dataset_with_no_family_where_none_fits(
    report: HazardReport,
) -> None:
    text = format_hazard_report(report)
    assert "NHTSA vehicle complaints" in text
    assert "risk description:" in text
    assert "product description:" in text
    chemical = next(line for line in text.splitlines() if line.strip().startswith("Chemical"))
    assert "no family" in chemical
    assert "missed" not in text  # every hazard here is caught, so no text is printed


def test_every_risk_type_named_in_the_mapping_maps_to_our_families() -> None:
    from aftersales.triage.labels import HAZARD_FAMILIES

    assert all(set(families) <= set(HAZARD_FAMILIES) for families in RISK_FAMILIES.values())


def test_eval_with_hazards_prints_the_english_report(data_dir: Path) -> None:
    args = ["triage", "eval", "--corpus", str(CORPUS), "--hazards", str(data_dir)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "EU Safety Gate alerts read by their risk description" in result.stdout


def test_eval_with_a_directory_without_the_datasets_is_refused(tmp_path: Path) -> None:
    args = ["triage", "eval", "--corpus", str(CORPUS), "--hazards", str(tmp_path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert "no safety report datasets" in result.stderr
