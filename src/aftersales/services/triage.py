"""Triage of a text on its own, without opening a case (an operator's check, an integration's
pre-sorting): the same triager every case opening uses."""

from __future__ import annotations

from aftersales.domain.actors import Actor, Role
from aftersales.domain.categories import is_known
from aftersales.errors import PermissionDenied, ValidationFailed
from aftersales.services.context import Context
from aftersales.triage import TriageResult

__all__ = ["classify_text"]


def classify_text(ctx: Context, actor: Actor, text: str, category: str | None) -> TriageResult:
    """Classify a complaint; an unknown category is the caller's mistake, said as such."""
    if actor.role not in (Role.OPERATOR, Role.INTEGRATION):
        raise PermissionDenied("triage on demand is for operators and the integration")
    if category is not None and not is_known(category):
        raise ValidationFailed(
            f"unknown category {category!r}; GET /api/v1/categories lists them",
            errors=[f"category: unknown {category!r}"],
        )
    return ctx.triager().classify(text, category)
