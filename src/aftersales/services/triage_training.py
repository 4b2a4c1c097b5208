"""Labelled examples from the platform's own resolved cases, for ``triage train --from-db``.

A case teaches the model only what people settled on: the issue type an operator set when one
corrected triage, else triage's own label when triage was sure of it (a label triage was unsure
of and nobody checked would teach the model its own guesses). The cause is arbitration's finding
where the case was arbitrated, else the policy's; the severity is the policy's; safety follows
the final issue type (or, uncorrected, the hazard words triage found).
"""

from __future__ import annotations

from aftersales.domain.categories import is_known
from aftersales.services.context import Context
from aftersales.store.complaints import ResolvedCase
from aftersales.triage import CAUSES, ISSUE_TYPES, SAFETY_ISSUE_TYPES, SEVERITIES, Example
from aftersales.triage.labels import LANGUAGES

__all__ = ["example_of", "resolved_examples"]

# Who arbitration held liable, as the cause the triage model speaks of.
_CAUSE_OF_LIABLE = {
    "merchant": "product_defect",
    "brand": "product_defect",
    "consumer": "usage_or_care",
    "logistics": "logistics_damage",
}


def resolved_examples(ctx: Context) -> list[Example]:
    """One example per resolved case that carries a label people stand behind."""
    with ctx.uow(read_only=True) as uow:
        return [e for r in uow.complaints.resolved() if (e := example_of(r)) is not None]


def example_of(case: ResolvedCase) -> Example | None:
    triage = case.triage
    confident = triage.get("needs_human") is False
    issue_type = case.corrected_issue_type or (case.issue_type if confident else None)
    if issue_type not in ISSUE_TYPES or not case.text.strip():
        return None
    corrected = case.corrected_issue_type is not None
    safety = issue_type in SAFETY_ISSUE_TYPES or (not corrected and bool(triage.get("hazards")))
    severity = case.severity if case.severity in SEVERITIES else "moderate"
    if safety:
        severity = max(severity, "major", key=SEVERITIES.index)
    cause = _CAUSE_OF_LIABLE.get(case.liable_party or "") or (
        case.cause if case.cause in CAUSES else "unknown"
    )
    language = triage.get("language")
    return Example(
        text=case.text,
        issue_type=str(issue_type),
        severity=str(severity),
        cause=str(cause),
        safety=safety,
        category=case.category if is_known(case.category) else None,
        language=language if language in LANGUAGES else "unknown",
    )
