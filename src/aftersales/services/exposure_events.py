"""Reading the exposure service's decisions: operators and auditors all, a merchant its own."""

from __future__ import annotations

from dataclasses import replace

from aftersales.domain.actors import Actor, Role
from aftersales.errors import PermissionDenied, Text
from aftersales.services.context import Context
from aftersales.store.exposure import EventQuery, StoredEvent

__all__ = ["list_events"]


def list_events(ctx: Context, actor: Actor, query: EventQuery) -> list[StoredEvent]:
    """The decisions the actor may read, newest first."""
    if actor.role is Role.MERCHANT_AGENT:
        if query.merchant_id not in (None, actor.subject):
            return []  # another merchant's decisions do not exist for this caller
        query = replace(query, merchant_id=actor.subject or "")
    elif actor.role not in (Role.OPERATOR, Role.AUDITOR):
        raise PermissionDenied(
            Text(
                "exposure decisions are read by operators, auditors and merchants",
                "曝光决策仅供平台运营、审计和商家查看",
            )
        )
    with ctx.uow(read_only=True) as uow:
        return uow.exposure.events(query)
