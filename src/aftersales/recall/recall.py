"""A recall: from the review that a hazard opens, through the decision, to the campaign.

``review`` → ``confirmed`` (the campaign runs) or ``dismissed`` (the hold is lifted). Each
business method checks its rule, then emits events; the stop-sale holds change only through
``hold_placed`` and ``hold_lifted`` events, which the store turns into the rows that new orders
are checked against.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aftersales.domain.actors import Actor, Role
from aftersales.domain.case_refusals import beijing
from aftersales.errors import InvalidTransition, NotFound, PermissionDenied, Text, ValidationFailed
from aftersales.recall.names import STATE_NAMES
from aftersales.recall.record import RecallRecord
from aftersales.recall.terms import REVIEW_TASK, RecallTerms
from aftersales.recall.values import Hold, RecallEvent, RecallState, Remedy, Scope, Trigger

__all__ = ["MIN_REMEDIES", "Recall"]

MIN_REMEDIES = 2  # the consumer must have a choice


@dataclass(eq=False)
class Recall(RecallRecord):
    """One product's recall: the rules of each step, and who may see it."""

    # ---- opening -------------------------------------------------------------------------

    @classmethod
    def open_review(
        cls,
        recall_id: str,
        *,
        product_id: str,
        merchant_id: str,
        batch_ids: Sequence[str],
        hazard: str,
        trigger: Trigger,
        case_ids: Sequence[str] = (),
        stop_sale: bool = True,
        terms: RecallTerms,
        by: Actor,
        at: datetime,
    ) -> Recall:
        """Open a review of a suspected hazard and, unless told not to, hold the stock."""
        if trigger is Trigger.MANUAL and by.role is not Role.OPERATOR:
            raise PermissionDenied(
                Text(
                    "only a platform operator opens a recall review by hand",
                    "只有平台运营人员可以手动发起召回评估",
                )
            )
        if not hazard.strip():
            raise ValidationFailed(Text("describe the hazard", "请描述安全隐患"))
        if len(set(batch_ids)) != len(batch_ids):
            raise ValidationFailed(Text("a batch is listed twice", "有批次重复列出"))
        recall = cls(recall_id)
        recall._emit(
            "review_opened",
            by,
            at,
            product_id=product_id,
            merchant_id=merchant_id,
            batch_ids=list(batch_ids),
            hazard=hazard.strip(),
            trigger=trigger,
            case_ids=list(case_ids),
            tasks=[terms.safety_review_task(at)],
        )
        if stop_sale:
            recall._hold(_holds(product_id, batch_ids, ()), by, at)
        return recall

    def attach_report(self, case_id: str, by: Actor, at: datetime) -> None:
        """A later safety report on the same batch or product joins this recall."""
        if not self.state.is_open:
            raise InvalidTransition(f"recall {self.id} is {self.state}; reports cannot join it")
        if case_id not in self.case_ids:
            self._emit("report_attached", by, at, case_id=case_id)

    # ---- the decision --------------------------------------------------------------------

    def confirm(
        self,
        by: Actor,
        *,
        scope: Scope,
        remedies: Sequence[Remedy],
        terms: RecallTerms,
        at: datetime,
        produced_batches: Sequence[str] = (),
    ) -> None:
        """Confirm the recall with its scope and the remedies offered; hold what it covers.

        ``produced_batches``: the product's batches made within the scope's production range
        (the store knows their dates); they are held instead of the whole product."""
        self._require_operator(by, Text("confirm a recall", "确认召回"))
        self._require_review(Text("confirm", "确认"))
        problems = scope.problems()
        if len(set(remedies)) < MIN_REMEDIES:
            problems.append(
                Text(
                    f"offer at least {MIN_REMEDIES} different remedies",
                    f"请至少提供 {MIN_REMEDIES} 种不同的补救方式",
                )
            )
        if problems:
            english = [p.en for p in problems]
            text = Text("; ".join(english), "；".join(p.zh for p in problems))
            raise ValidationFailed(text, errors=english)
        held = scope.batch_ids or (tuple(produced_batches) if scope.by_production else ())
        tasks = terms.tasks_on_confirm(at)
        self._emit(
            "confirmed",
            by,
            at,
            scope=scope.encode(),
            remedies=sorted(set(remedies), key=list(Remedy).index),
            tasks=tasks,
        )
        self._review_done(by, at)
        self._hold(_holds(self.product_id, held, scope.regions), by, at)

    def dismiss(self, by: Actor, reason: str, at: datetime) -> None:
        """No recall: record why, and lift every hold."""
        self._require_operator(by, Text("dismiss a recall", "排除召回"))
        self._require_review(Text("dismiss", "排除"))
        if not reason.strip():
            raise ValidationFailed(
                Text(
                    "a dismissal needs a reason; it is kept with the recall",
                    "排除召回须填写理由，理由将随召回一并保存",
                )
            )
        self._emit("dismissed", by, at, reason=reason.strip())
        self._review_done(by, at)
        self._hold((), by, at)

    def _review_done(self, by: Actor, at: datetime) -> None:
        """The platform's review task is the decision: done when it is made."""
        if any(t.id == REVIEW_TASK and t.done_at is None for t in self.tasks):
            self._emit("task_done", by, at, task_id=REVIEW_TASK, note=f"decided: {self.state}")

    def launch_campaign(
        self, by: Actor, at: datetime, *, units: int, pieces: int, consumers: int
    ) -> None:
        """Record that every affected line became a unit and every buyer was notified."""
        if self.state is not RecallState.CONFIRMED or self.launched_at is not None:
            raise InvalidTransition(f"recall {self.id} has no campaign to launch")
        self._emit("campaign_launched", by, at, units=units, pieces=pieces, consumers=consumers)

    def complete_task(self, by: Actor, task_id: str, note: str, at: datetime) -> None:
        """A party reports its task done (recorded by an operator)."""
        self._require_operator(by, Text("record a party's task", "登记相关方的任务"))
        task = next((t for t in self.tasks if t.id == task_id), None)
        if task is None:
            raise NotFound(
                Text(
                    f"recall {self.id} has no task {task_id}",
                    f"召回 {self.id} 中没有任务 {task_id}",
                )
            )
        if task.done_at is not None:
            raise InvalidTransition(
                Text(
                    f"task {task_id} was already done on {task.done_at:%Y-%m-%d}",
                    f"任务 {task_id} 已于 {beijing(task.done_at, '%Y-%m-%d')} 完成",
                )
            )
        self._emit("task_done", by, at, task_id=task_id, note=note)

    # ---- what it covers ------------------------------------------------------------------

    @property
    def batches(self) -> tuple[str, ...]:
        """The batches in play (the scope's once confirmed); none: the whole product."""
        if self.scope is not None:
            return self.scope.batch_ids
        return self.batch_ids

    def covers(self, product_id: str, batch_id: str | None) -> bool:
        """Whether a new safety report on this product and batch belongs to this recall."""
        if not self.state.is_open or product_id != self.product_id:
            return False
        return not self.batches or batch_id in self.batches

    def overlaps(self, product_id: str, batch_ids: Iterable[str]) -> bool:
        """Whether a recall of these batches (none: the whole product) would overlap this one."""
        wanted = set(batch_ids)
        if not self.state.is_open or product_id != self.product_id:
            return False
        return not self.batches or not wanted or bool(wanted & set(self.batches))

    def visible_to(self, actor: Actor, *, concerned: bool) -> bool:
        """Operators and auditors see every recall; a merchant those of its own products; a
        consumer those with a unit of theirs (``concerned``); nobody else any."""
        if actor.role in (Role.OPERATOR, Role.AUDITOR, Role.SYSTEM):
            return True
        if actor.role is Role.MERCHANT_AGENT:
            return actor.is_merchant(self.merchant_id)
        return actor.role is Role.CONSUMER and concerned

    # ---- snapshots and replay ------------------------------------------------------------

    @classmethod
    def from_snapshot(cls, data: Mapping[str, Any]) -> Recall:
        return cls(**cls.values_from_snapshot(data))

    @classmethod
    def replay(cls, events: Iterable[RecallEvent]) -> Recall:
        """Rebuild a recall from its events alone."""
        recall: Recall | None = None
        for event in events:
            recall = recall or cls(event.recall_id)
            recall._apply(event)
        if recall is None:
            raise ValueError("a recall needs at least its 'review_opened' event")
        return recall

    def take_events(self) -> list[RecallEvent]:
        """Hand over the events not yet stored, and forget them."""
        taken, self.pending = self.pending, []
        return taken

    # ---- rule helpers --------------------------------------------------------------------

    def _hold(self, wanted: Sequence[Hold], by: Actor, at: datetime) -> None:
        """Make the holds in force exactly ``wanted``: lift the others, place the new ones."""
        for hold in self.holds:
            if hold not in wanted:
                self._emit("hold_lifted", by, at, **_hold_data(hold))
        for hold in wanted:
            if hold not in self.holds:
                self._emit("hold_placed", by, at, **_hold_data(hold))

    def _require_operator(self, by: Actor, action: Text) -> None:
        if by.role is not Role.OPERATOR:
            raise PermissionDenied(
                Text(
                    f"only a platform operator can {action.en}",
                    f"只有平台运营人员可以{action.zh}",
                )
            )

    def _require_review(self, action: Text) -> None:
        if self.state is not RecallState.REVIEW:
            raise InvalidTransition(
                Text(
                    f"cannot {action.en} recall {self.id}: it was already {self.state}",
                    f"召回 {self.id} 当前状态为「{STATE_NAMES[self.state]}」，无法{action.zh}",
                ),
                state=self.state.value,
            )


def _holds(product_id: str, batch_ids: Sequence[str], regions: Sequence[str]) -> list[Hold]:
    if not batch_ids:
        return [Hold(product_id, None, tuple(regions))]
    return [Hold(product_id, b, tuple(regions)) for b in batch_ids]


def _hold_data(hold: Hold) -> dict[str, Any]:
    return {"product_id": hold.product_id, "batch_id": hold.batch_id, "regions": hold.regions}
