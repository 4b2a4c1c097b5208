"""Measuring a triage model on labelled examples it did not learn from.

Per head: precision, recall and F1 per class, accuracy and macro F1; for the issue type also the
confusion matrix. For safety: recall (the figure that must not drop) and precision of the final
``safety`` flag. Calibration: stated confidence against observed accuracy in ten bins, and the
expected calibration error. Routing: how many go to the human queue, and how accurate the rest
are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from aftersales.triage.classify import Triager, TriageResult
from aftersales.triage.corpus import Example

__all__ = ["ClassScores", "Evaluation", "HeadScores", "evaluate", "format_evaluation"]

_BINS = 10


@dataclass(frozen=True, slots=True)
class ClassScores:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class HeadScores:
    name: str
    classes: tuple[ClassScores, ...]
    accuracy: float

    @property
    def macro_f1(self) -> float:
        present = [c.f1 for c in self.classes if c.support]
        return sum(present) / len(present) if present else 0.0


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    low: float
    high: float
    count: int
    confidence: float
    accuracy: float


@dataclass(frozen=True, slots=True)
class Evaluation:
    examples: int
    heads: tuple[HeadScores, ...]
    confusion_labels: tuple[str, ...]
    confusion: tuple[tuple[int, ...], ...]
    safety_recall: float
    safety_precision: float
    safety_positives: int
    missed_safety: tuple[str, ...]
    calibration: tuple[CalibrationBin, ...]
    ece: float
    human_share: float
    auto_accuracy: float
    by_language: dict[str, float] = field(default_factory=dict)


def evaluate(triager: Triager, examples: Sequence[Example]) -> Evaluation:
    """Classify every example and score the results against its labels."""
    results = [triager.classify(e.text, e.category) for e in examples]
    heads = tuple(
        _head(name, [getattr(e, name) for e in examples], [getattr(r, name) for r in results])
        for name in ("issue_type", "severity", "cause")
    )
    labels, matrix = _confusion([e.issue_type for e in examples], [r.issue_type for r in results])
    positives = [r.safety for e, r in zip(examples, results, strict=True) if e.safety]
    flagged = [e.safety for e, r in zip(examples, results, strict=True) if r.safety]
    auto = [
        e.issue_type == r.issue_type
        for e, r in zip(examples, results, strict=True)
        if not r.needs_human
    ]
    bins, ece = _calibration(examples, results)
    return Evaluation(
        examples=len(examples),
        heads=heads,
        confusion_labels=labels,
        confusion=matrix,
        safety_recall=_ratio(sum(positives), len(positives)),
        safety_precision=_ratio(sum(flagged), len(flagged)),
        safety_positives=len(positives),
        missed_safety=tuple(
            e.text for e, r in zip(examples, results, strict=True) if e.safety and not r.safety
        ),
        calibration=bins,
        ece=ece,
        human_share=_ratio(sum(r.needs_human for r in results), len(results)),
        auto_accuracy=_ratio(sum(auto), len(auto)),
        by_language=_by_language(examples, results),
    )


def _ratio(part: float, whole: int) -> float:
    return part / whole if whole else 0.0


def _head(name: str, truth: Sequence[str], predicted: Sequence[str]) -> HeadScores:
    labels = sorted(set(truth) | set(predicted))
    scores = []
    for label in labels:
        tp = sum(t == label and p == label for t, p in zip(truth, predicted, strict=True))
        precision = _ratio(tp, sum(p == label for p in predicted))
        recall = _ratio(tp, sum(t == label for t in truth))
        f1 = _ratio(2 * precision * recall, 1) / (precision + recall) if precision + recall else 0.0
        scores.append(ClassScores(label, precision, recall, f1, sum(t == label for t in truth)))
    accuracy = _ratio(sum(t == p for t, p in zip(truth, predicted, strict=True)), len(truth))
    return HeadScores(name, tuple(scores), accuracy)


def _confusion(
    truth: Sequence[str], predicted: Sequence[str]
) -> tuple[tuple[str, ...], tuple[tuple[int, ...], ...]]:
    labels = tuple(sorted(set(truth) | set(predicted)))
    counts = Counter(zip(truth, predicted, strict=True))
    return labels, tuple(tuple(counts[(t, p)] for p in labels) for t in labels)


def _calibration(
    examples: Sequence[Example], results: Sequence[TriageResult]
) -> tuple[tuple[CalibrationBin, ...], float]:
    pairs = [
        (r.confidence, e.issue_type == r.issue_type)
        for e, r in zip(examples, results, strict=True)
        if r.confidence > 0
    ]
    bins: list[CalibrationBin] = []
    ece = 0.0
    for i in range(_BINS):
        low, high = i / _BINS, (i + 1) / _BINS
        inside = [(c, ok) for c, ok in pairs if low <= c < high or (i == _BINS - 1 and c == 1.0)]
        if not inside:
            continue
        confidence = sum(c for c, _ in inside) / len(inside)
        accuracy = sum(ok for _, ok in inside) / len(inside)
        bins.append(CalibrationBin(low, high, len(inside), confidence, accuracy))
        ece += len(inside) / len(pairs) * abs(confidence - accuracy)
    return tuple(bins), ece


def _by_language(examples: Sequence[Example], results: Sequence[TriageResult]) -> dict[str, float]:
    groups: dict[str, list[bool]] = {}
    for e, r in zip(examples, results, strict=True):
        groups.setdefault(r.language, []).append(e.issue_type == r.issue_type)
    return {lang: sum(oks) / len(oks) for lang, oks in sorted(groups.items())}


def format_evaluation(ev: Evaluation) -> str:
    """The evaluation as plain text tables, as ``aftersales triage eval`` prints it."""
    lines = [f"held-out examples: {ev.examples}", ""]
    for head in ev.heads:
        lines += _head_table(head)
    lines += _confusion_table(ev)
    lines += [
        f"safety recall: {ev.safety_recall:.3f} ({ev.safety_positives} safety examples, "
        f"{len(ev.missed_safety)} missed)   safety precision: {ev.safety_precision:.3f}",
        *(f"  missed: {text}" for text in ev.missed_safety),
        "",
        "calibration (issue type confidence):",
        f"  {'bin':>11} {'n':>5} {'confidence':>11} {'accuracy':>9}",
        *(
            f"  {b.low:.1f} - {b.high:.1f} {b.count:>5} {b.confidence:>11.3f} {b.accuracy:>9.3f}"
            for b in ev.calibration
        ),
        f"  expected calibration error: {ev.ece:.3f}",
        "",
        f"sent to the human queue: {ev.human_share:.1%}   "
        f"issue type accuracy of the rest: {ev.auto_accuracy:.3f}",
        "issue type accuracy by detected language: "
        + ", ".join(f"{lang} {acc:.3f}" for lang, acc in ev.by_language.items()),
    ]
    return "\n".join(lines) + "\n"


def _head_table(head: HeadScores) -> list[str]:
    width = max(len(c.label) for c in head.classes)
    rows = [
        f"{head.name}: accuracy {head.accuracy:.3f}, macro F1 {head.macro_f1:.3f}",
        f"  {'class':<{width}} {'precision':>9} {'recall':>7} {'f1':>6} {'n':>4}",
    ]
    rows += [
        f"  {c.label:<{width}} {c.precision:>9.3f} {c.recall:>7.3f} {c.f1:>6.3f} {c.support:>4}"
        for c in head.classes
    ]
    return [*rows, ""]


def _confusion_table(ev: Evaluation) -> list[str]:
    short = [label[:4] for label in ev.confusion_labels]
    width = max(len(label) for label in ev.confusion_labels)
    rows = ["issue type confusion (rows: truth, columns: predicted):"]
    rows.append(f"  {'':<{width}} " + " ".join(f"{s:>4}" for s in short))
    for label, counts in zip(ev.confusion_labels, ev.confusion, strict=True):
        rows.append(f"  {label:<{width}} " + " ".join(f"{n:>4}" if n else "   ." for n in counts))
    return [*rows, ""]
