"""What operators do with a stored alert: acknowledge it, link it to a recall, or dismiss it.

``open`` → ``acknowledged`` (someone is looking) → ``linked_to_recall`` or ``dismissed``; an
open alert may also be linked or dismissed at once. Linked and dismissed are final: a decision
taken on an alert is not taken back, a new week's alarm is a new alert. Every change records who
made it and when, so the history of an alert answers "who saw this, and what did they do".
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from aftersales.domain.actors import Actor, Role
from aftersales.errors import InvalidTransition, PermissionDenied, Text, ValidationFailed

__all__ = ["AlertReview", "AlertStatus", "StatusChange"]

MAX_REASON = 2000

# What each change does, as a refusal of it says it; {alert} is where the alert goes in English.
_ACKNOWLEDGE = Text("acknowledge {alert}", "确认跟进此预警")
_LINK = Text("link {alert} to a recall", "将此预警关联到召回")
_DISMISS = Text("dismiss {alert}", "排除此预警")


class AlertStatus(StrEnum):
    """Where an alert stands with the operators."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    LINKED_TO_RECALL = "linked_to_recall"
    DISMISSED = "dismissed"

    @property
    def is_final(self) -> bool:
        """Linked and dismissed alerts take no further change."""
        return self in (AlertStatus.LINKED_TO_RECALL, AlertStatus.DISMISSED)


# The console's words for each status (console/labels.py).
_STATUS_NAMES: dict[AlertStatus, str] = {
    AlertStatus.OPEN: "待处理",
    AlertStatus.ACKNOWLEDGED: "已确认跟进",
    AlertStatus.LINKED_TO_RECALL: "已关联召回",
    AlertStatus.DISMISSED: "已排除",
}


@dataclass(frozen=True)
class StatusChange:
    """One change of status: to what, by whom, when, and its recall or reason."""

    status: AlertStatus
    at: datetime
    by: Actor
    recall_id: str | None = None
    reason: str | None = None


@dataclass
class AlertReview:
    """The status of one alert and the changes not yet stored."""

    alert_id: str
    status: AlertStatus = AlertStatus.OPEN
    recall_id: str | None = None
    dismissal_reason: str | None = None
    version: int = 1
    pending: list[StatusChange] = field(default_factory=list)

    def acknowledge(self, by: Actor, at: datetime) -> None:
        """Someone has seen the alert and is looking into it."""
        self._check(by, _ACKNOWLEDGE, allowed=(AlertStatus.OPEN,))
        self._change(StatusChange(AlertStatus.ACKNOWLEDGED, at, by))

    def link_recall(self, recall_id: str, by: Actor, at: datetime) -> None:
        """The alert is handled by this recall review."""
        self._check(by, _LINK, allowed=(AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED))
        self.recall_id = recall_id
        self._change(StatusChange(AlertStatus.LINKED_TO_RECALL, at, by, recall_id=recall_id))

    def dismiss(self, reason: str, by: Actor, at: datetime) -> None:
        """Nothing to act on; the reason stays with the alert."""
        reason = reason.strip()
        if not reason:
            raise ValidationFailed(Text("a dismissal needs a reason", "排除预警须填写理由"))
        if len(reason) > MAX_REASON:
            raise ValidationFailed(
                Text(
                    f"the reason is longer than {MAX_REASON} characters",
                    f"理由不能超过 {MAX_REASON} 个字符",
                )
            )
        self._check(by, _DISMISS, allowed=(AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED))
        self.dismissal_reason = reason
        self._change(StatusChange(AlertStatus.DISMISSED, at, by, reason=reason))

    def _check(self, by: Actor, action: Text, *, allowed: tuple[AlertStatus, ...]) -> None:
        if by.role is not Role.OPERATOR:
            raise PermissionDenied(
                Text(
                    f"only a platform operator may {action.en.format(alert='an alert')}",
                    f"只有平台运营人员可以{action.zh}",
                )
            )
        if self.status not in allowed:
            raise InvalidTransition(
                Text(
                    f"cannot {action.en.format(alert=f'alert {self.alert_id}')}:"
                    f" it is {self.status.value}",
                    f"预警 {self.alert_id} 当前状态为「{_STATUS_NAMES[self.status]}」，"
                    f"无法{action.zh}",
                ),
                alert_status=self.status.value,
            )

    def _change(self, change: StatusChange) -> None:
        self.status = change.status
        self.version += 1
        self.pending.append(change)
