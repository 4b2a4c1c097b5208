"""The evaluation arithmetic on a case small enough to check by hand."""

# Chinese text uses full-width punctuation on purpose.

from __future__ import annotations

from aftersales.triage import Example, TriageResult
from aftersales.triage.evaluation import _head, evaluate, format_evaluation


def test_precision_recall_and_f1_per_class() -> None:
    scores = _head("issue_type", ["a", "a", "b", "b"], ["a", "b", "b", "b"])
    a, b = scores.classes
    assert (a.precision, a.recall) == (1.0, 0.5)
    assert (b.precision, b.recall) == (2 / 3, 1.0)
    assert round(a.f1, 4) == round(2 / 3, 4)
    assert scores.accuracy == 0.75


class _Fixed:
    """A triager that answers from a table."""

    def __init__(self, answers: dict[str, TriageResult]) -> None:
        self.answers = answers

    def classify(self, text: str, category: str | None = None) -> TriageResult:
        return self.answers[text]


def _result(issue_type: str, safety: bool, confidence: float) -> TriageResult:
    return TriageResult(issue_type, "minor", "unknown", safety, confidence, "zh", False, "general")


def test_safety_recall_counts_every_missed_hazard() -> None:
    examples = [
        Example("冒烟", "fire_overheat", "critical", "product_defect", True),
        Example("漏电", "electrical_hazard", "critical", "product_defect", True),
        Example("太小", "size_fit", "minor", "expectation_gap", False),
    ]
    answers = {
        "冒烟": _result("fire_overheat", True, 0.95),
        "漏电": _result("malfunction", False, 0.55),
        "太小": _result("size_fit", False, 0.85),
    }
    ev = evaluate(_Fixed(answers), examples)  # type: ignore[arg-type]
    assert ev.safety_recall == 0.5
    assert ev.missed_safety == ("漏电",)
    assert ev.safety_precision == 1.0
    assert "safety recall: 0.500" in format_evaluation(ev)
