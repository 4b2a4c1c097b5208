"""Who sees which recall: the one check every recall use case reads through."""

from __future__ import annotations

from dataclasses import dataclass

from aftersales.domain.actors import Actor, Role
from aftersales.errors import NotFound, Text
from aftersales.recall import Counts, Recall, RecallUnit
from aftersales.store.uow import UnitOfWork

__all__ = ["RecallView", "load_visible", "no_recall"]


@dataclass(frozen=True, slots=True)
class RecallView:
    """A recall as one caller sees it: with the campaign's counts and, for a consumer, their
    own units."""

    recall: Recall
    counts: Counts
    units: tuple[RecallUnit, ...] = ()


def no_recall(recall_id: str) -> Text:
    """What anyone who may not see the recall is told: that it does not exist."""
    return Text(f"recall {recall_id} not found", f"找不到召回 {recall_id}")


def load_visible(
    uow: UnitOfWork, actor: Actor, recall_id: str, *, for_update: bool = False
) -> RecallView:
    """The recall, if the actor may see it; to anyone else it does not exist."""
    recall = uow.recalls.get(recall_id, for_update=for_update)
    units: list[RecallUnit] = []
    if recall is not None and actor.role is Role.CONSUMER and actor.subject:
        units = uow.recall_units.of_consumer(actor.subject, [recall.id])
    if recall is None or not recall.visible_to(actor, concerned=bool(units)):
        raise NotFound(no_recall(recall_id))
    return RecallView(recall, Counts.of(uow.recall_units.count_by_state(recall.id)), tuple(units))
