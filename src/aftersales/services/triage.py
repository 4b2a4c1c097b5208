"""Triage of a text on its own, without opening a case (an operator's check, an integration's
pre-sorting): the same triager every case opening uses."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from aftersales.domain.actors import Actor, Role
from aftersales.domain.categories import is_known
from aftersales.errors import PermissionDenied, Text, ValidationFailed
from aftersales.services.context import Context
from aftersales.triage import TriageResult

__all__ = ["classify_text"]


def classify_text(ctx: Context, actor: Actor, text: str, category: str | None) -> TriageResult:
    """Classify a complaint; an unknown category is the caller's mistake, said as such."""
    if actor.role not in (Role.OPERATOR, Role.INTEGRATION):
        raise PermissionDenied(
            Text(
                "triage on demand is for operators and the integration",
                "单独分诊仅对平台运营和平台系统开放",
            )
        )
    if category is not None and not is_known(category):
        raise ValidationFailed(
            Text(
                f"unknown category {category!r}; GET /api/v1/categories lists them",
                f"未知类目 {category!r}；可通过 GET /api/v1/categories 查看所有类目",
            ),
            errors=[f"category: unknown {category!r}"],
        )
    return ctx.triager().classify(text, category)
