"""Triage against real English safety reports: how many are flagged as safety, and whether the
hazard family found is the one the report is about.

Reads two public English datasets when a copy is at hand (they are not part of the repository;
see ``SOURCE.txt`` next to each): complaints to the US vehicle-safety regulator NHTSA about
Hyundai cars (``nhtsa_hyundai_2020_2022``, labelled fire, crash and number of injuries) and EU
Safety Gate product alerts (``eu_safety_gate_alerts``, labelled with risk types). None of their
text is stored or printed by default; the report is counts only.

Every NHTSA complaint is a safety complaint by nature (that is what the regulator collects), so
a flag on one labelled neither fire, crash nor injury is context, not a false alarm. Safety Gate
texts are written by authorities, not consumers, and are a harder register for a lexicon of
consumer words.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from aftersales.triage.classify import Triager
from aftersales.triage.reviews import csv_rows

__all__ = [
    "NHTSA_FILE",
    "NHTSA_GROUPS",
    "RISK_FAMILIES",
    "SAFETY_GATE_FILE",
    "SOURCES",
    "Alert",
    "HazardCounts",
    "HazardReport",
    "VehicleComplaint",
    "format_hazard_report",
    "hazard_report",
    "read_alerts",
    "read_vehicle_complaints",
]

NHTSA_FILE = Path("nhtsa_hyundai_2020_2022") / "hyundai_complaints_nhtsa.csv"
SAFETY_GATE_FILE = Path("eu_safety_gate_alerts") / "safety_gate_alerts.csv"

# NHTSA's labels and the hazard family a complaint so labelled should be given. A crash is
# counted against injury: it is the harm our families know a crash by (none is "accident").
NHTSA_GROUPS: dict[str, str | None] = {
    "fire": "fire",
    "injury": "injury",
    "crash": "injury",
    "other": None,  # none of the three: reported for context
}

# Safety Gate's risk types and the hazard families of ours that describe them; an empty tuple
# is "no family". Where two of ours fit, either counts as a match.
RISK_FAMILIES: dict[str, tuple[str, ...]] = {
    "Injuries": ("injury",),
    "Cuts": ("injury",),
    "Damage to sight": ("injury",),  # laser pointers, projectiles: harm to the eyes
    "Entrapment": ("injury",),  # fingers or limbs caught: our "trapped my fingers"
    "Fire": ("fire",),
    # A burn is an injury (scalded, burnt my hand) and its cause is heat, which the fire family
    # covers (too hot to touch, overheating).
    "Burns": ("injury", "fire"),
    "Electric shock": ("electric",),
    "Choking": ("choking",),
    "Strangulation": ("choking",),  # the family holds strangled and cords round the neck
    "Suffocation": ("choking",),
    "Microbiological": ("spoilage",),
    # Substances that are banned or over their limit (phthalates, lead, allergens in cosmetics):
    # harm from long exposure, not an event a complaint reports; allergic reactions are one
    # consequence among several, so allergy is not claimed.
    "Chemical": (),
    "Drowning": (),  # no family of ours; a person would file it as an injury risk
    "Environment": (),  # pollution, not a hazard to the consumer
    "Security": (),  # data or access security of connected products
}
# Risk types spelt in another language in the alerts.
_RISK_ALIASES = {"Chemické riziko.": "Chemical"}

# Safety Gate product categories and the platform category each corresponds to (None: none).
_ALERT_CATEGORIES: dict[str, str] = {
    "Cosmetics": "personal_care",
    "Electrical appliances and equipment": "appliance",
    "Lighting chains": "appliance",
    "Lighting equipment": "appliance",
    "Communication and media equipment": "digital",
    "Clothing, textiles and fashion items": "apparel",
    "Furniture": "home/furniture",
}
SOURCES = ("risk_description", "product_description")


@dataclass(frozen=True, slots=True)
class VehicleComplaint:
    groups: tuple[str, ...]  # keys of NHTSA_GROUPS
    text: str


@dataclass(frozen=True, slots=True)
class Alert:
    risk_types: tuple[str, ...]
    category: str | None
    source: str  # which text the alert is read by: one of SOURCES
    text: str


@dataclass
class HazardCounts:
    texts: int = 0
    flagged: int = 0
    family: int = 0  # flagged with a family the label maps to


@dataclass
class HazardReport:
    vehicles: dict[str, HazardCounts] = field(default_factory=dict)
    alerts: dict[str, dict[str, HazardCounts]] = field(default_factory=dict)  # source -> risk
    missed_samples: list[tuple[str, str]] = field(default_factory=list)  # (label, text)


def read_vehicle_complaints(data_dir: Path) -> Iterator[VehicleComplaint]:
    """The NHTSA complaints under ``data_dir``; nothing when the dataset is absent."""
    path = data_dir / NHTSA_FILE
    if not path.is_file():
        return
    for row in csv_rows(path):
        groups = [
            name
            for name, on in (
                ("fire", row["fire"] == "True"),
                ("injury", int(row["numberOfInjuries"] or 0) > 0),
                ("crash", row["crash"] == "True"),
            )
            if on
        ]
        yield VehicleComplaint(tuple(groups or ["other"]), row["summary"])


def read_alerts(data_dir: Path) -> Iterator[Alert]:
    """Safety Gate alerts with a risk type under ``data_dir``, each read by its risk description
    or, when it has none, by its product description; nothing when the dataset is absent."""
    path = data_dir / SAFETY_GATE_FILE
    if not path.is_file():
        return
    for row in csv_rows(path):
        risks = tuple(_risk(r) for r in row["risk_type"].split(",") if r.strip())
        if not risks:
            continue
        category = _ALERT_CATEGORIES.get(row["product_category"])
        description = row["risk_description"].strip()
        if description:
            yield Alert(risks, category, "risk_description", description)
        else:
            yield Alert(risks, category, "product_description", row["product_description"])


def _risk(raw: str) -> str:
    name = raw.strip()
    return _RISK_ALIASES.get(name, name)


def hazard_report(
    triager: Triager,
    complaints: Iterable[VehicleComplaint],
    alerts: Iterable[Alert],
    samples: int = 0,
) -> HazardReport:
    """Count safety flags and matching hazard families per label."""
    report = HazardReport()
    for complaint in complaints:
        _add_complaint(report, triager, complaint, samples)
    for alert in alerts:
        _add_alert(report, triager, alert, samples)
    return report


def _add_complaint(
    report: HazardReport, triager: Triager, complaint: VehicleComplaint, samples: int
) -> None:
    result = triager.classify(complaint.text)
    for group in complaint.groups:
        expected = NHTSA_GROUPS[group]
        counts = report.vehicles.setdefault(group, HazardCounts())
        _count(counts, result.safety, (expected,) if expected else (), result.hazards)
    if complaint.groups != ("other",) and not result.safety:
        _sample(report, f"nhtsa {'+'.join(complaint.groups)}", complaint.text, samples)


def _add_alert(report: HazardReport, triager: Triager, alert: Alert, samples: int) -> None:
    result = triager.classify(alert.text, alert.category)
    by_risk = report.alerts.setdefault(alert.source, {})
    for risk in alert.risk_types:
        counts = by_risk.setdefault(risk, HazardCounts())
        _count(counts, result.safety, RISK_FAMILIES.get(risk, ()), result.hazards)
    if alert.source == "risk_description" and not result.safety:
        _sample(report, f"safety gate {', '.join(alert.risk_types)}", alert.text, samples)


def _count(
    counts: HazardCounts, flagged: bool, expected: tuple[str, ...], found: tuple[str, ...]
) -> None:
    counts.texts += 1
    counts.flagged += flagged
    counts.family += flagged and not set(expected).isdisjoint(found)


def _sample(report: HazardReport, label: str, text: str, samples: int) -> None:
    if len(report.missed_samples) < samples:
        report.missed_samples.append((label, " ".join(text.split())))


def format_hazard_report(report: HazardReport) -> str:
    """The counts as plain text tables."""
    lines = [
        "English safety reports: share flagged as safety, and share given the expected family",
        "NHTSA vehicle complaints (every one is a safety complaint; 'other' is context):",
        _header("label"),
    ]
    for group in NHTSA_GROUPS:
        if group in report.vehicles:
            lines.append(_line(group, NHTSA_GROUPS[group] or "-", report.vehicles[group]))
    for source in SOURCES:
        by_risk = report.alerts.get(source)
        if not by_risk:
            continue
        lines += ["", f"EU Safety Gate alerts read by their {source.replace('_', ' ')}:"]
        lines.append(_header("risk type"))
        for risk, counts in sorted(by_risk.items(), key=lambda item: -item[1].texts):
            lines.append(_line(risk, "/".join(RISK_FAMILIES.get(risk, ())) or "no family", counts))
    lines += [f"  missed, {label}: {text}" for label, text in report.missed_samples]
    return "\n".join(lines) + "\n"


def _header(label: str) -> str:
    return (
        f"  {label:<16} {'family':<13} {'texts':>5} {'flagged':>7} {'rate':>7} "
        f"{'family':>6} {'rate':>7}"
    )


def _line(label: str, family: str, c: HazardCounts) -> str:
    flagged = c.flagged / c.texts if c.texts else 0.0
    if family in {"-", "no family"}:
        return f"  {label:<16} {family:<13} {c.texts:>5} {c.flagged:>7} {flagged:>7.1%}"
    matched = c.family / c.texts if c.texts else 0.0
    return (
        f"  {label:<16} {family:<13} {c.texts:>5} {c.flagged:>7} {flagged:>7.1%} "
        f"{c.family:>6} {matched:>7.1%}"
    )
