"""Triage of one complaint: language, hazards, model, and the rules that combine them.

The rules, in the order they apply:

* Input that is empty, binary or in a language we do not read gets ``other`` with confidence 0
  and goes to a person (``needs_human``); the lexicon still runs on readable text, so a hazard
  is never dropped because the rest of the text was strange.
* ``safety`` is the lexicon's finding OR the model's: any hint the lexicon does not see as
  negated, or a model probability of at least ``model_safety_at`` (the words-only safety head,
  or the safety issue types together).
* A safety case is at least ``major``.
* Below ``needs_human_below`` confidence in the issue type, or when the two opinions on safety
  disagree (a person should confirm whether and what kind), the case goes to the human queue.
  A safety case the lexicon has no term for is routed by its most probable safety issue type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aftersales.domain.categories import is_known
from aftersales.triage.labels import ISSUE_FAMILY, SAFETY_ISSUE_TYPES, SEVERITIES
from aftersales.triage.language import detect_language
from aftersales.triage.lexicon import HazardScan, scan
from aftersales.triage.model import Prediction, TriageModel
from aftersales.triage.queues import suggest_queue
from aftersales.triage.text import MAX_CHARS, looks_binary, normalise

__all__ = ["TriageResult", "Triager"]


@dataclass(frozen=True, slots=True)
class TriageResult:
    issue_type: str
    severity: str
    cause: str
    safety: bool
    confidence: float
    language: str
    needs_human: bool
    queue: str
    hazards: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    model_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready fields (tuples become lists, confidence rounded to 4 places)."""
        return {
            "issue_type": self.issue_type,
            "severity": self.severity,
            "cause": self.cause,
            "safety": self.safety,
            "confidence": round(self.confidence, 4),
            "language": self.language,
            "needs_human": self.needs_human,
            "queue": self.queue,
            "hazards": list(self.hazards),
            "reasons": list(self.reasons),
            "model_version": self.model_version,
        }


class Triager:
    """Classifies complaints with one model; safe to share between threads (read-only).

    The two thresholds default to the artefact's; an operator may move them without
    retraining (docs/triage.md shows what each setting costs and catches)."""

    def __init__(
        self,
        model: TriageModel,
        *,
        needs_human_below: float | None = None,
        model_safety_at: float | None = None,
    ) -> None:
        self.model = model
        info = model.info
        self.needs_human_below = _pick(needs_human_below, info.needs_human_below)
        self.model_safety_at = _pick(model_safety_at, info.model_safety_at)

    def classify(self, text: str, category: str | None = None) -> TriageResult:
        """Triage one complaint, with its product category path when known."""
        reasons: list[str] = []
        if len(text) > MAX_CHARS:
            reasons.append("truncated")
        capped = text[:MAX_CHARS]
        if category is not None and not is_known(category):
            reasons.append("unknown_category")
        if looks_binary(capped):
            return self._fallback(HazardScan(), category, "unknown", [*reasons, "binary"])
        normalised = normalise(capped)
        if not normalised:
            return self._fallback(HazardScan(), category, "unknown", [*reasons, "empty"])
        hazards = scan(normalised, category)
        language = detect_language(normalised)
        if language == "unknown":
            return self._fallback(hazards, category, language, [*reasons, "unknown_language"])
        prediction = self.model.predict(normalised, category, hazards)
        return self._decide(prediction, hazards, category, language, reasons)

    def _decide(
        self,
        prediction: Prediction,
        hazards: HazardScan,
        category: str | None,
        language: str,
        reasons: list[str],
    ) -> TriageResult:
        issue_type, confidence = prediction.best("issue_type")
        issue_scores = prediction.probabilities["issue_type"]
        safety_types = {t: p for t, p in issue_scores.items() if t in SAFETY_ISSUE_TYPES}
        model_safety = max(sum(safety_types.values()), prediction.probabilities["safety"]["yes"])
        model_says_safety = model_safety >= self.model_safety_at
        safety = hazards.hazard or model_says_safety
        families = hazards.families
        if safety and not families and safety_types:
            families = (ISSUE_FAMILY[max(safety_types, key=safety_types.__getitem__)],)
        severity = prediction.best("severity")[0]
        if safety:
            severity = max(severity, "major", key=SEVERITIES.index)
        if confidence < self.needs_human_below:
            reasons.append("low_confidence")
        if hazards.hazard != model_says_safety:
            reasons.append("lexicon_only" if hazards.hazard else "model_only")
        return TriageResult(
            issue_type=issue_type,
            severity=severity,
            cause=prediction.best("cause")[0],
            safety=safety,
            confidence=confidence,
            language=language,
            needs_human=bool({"low_confidence", "lexicon_only", "model_only"} & set(reasons)),
            queue=suggest_queue(issue_type, category, families),
            hazards=families,
            reasons=tuple(reasons),
            model_version=self.model.info.model_version,
        )

    def _fallback(
        self, hazards: HazardScan, category: str | None, language: str, reasons: list[str]
    ) -> TriageResult:
        return TriageResult(
            issue_type="other",
            severity="major" if hazards.hazard else "minor",
            cause="unknown",
            safety=hazards.hazard,
            confidence=0.0,
            language=language,
            needs_human=True,
            queue=suggest_queue("other", category, hazards.families),
            hazards=hazards.families,
            reasons=tuple(reasons),
            model_version=self.model.info.model_version,
        )


def _pick(value: float | None, default: float) -> float:
    if value is None:
        return default
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"threshold {value} is not a probability")
    return value
