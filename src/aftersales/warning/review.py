"""What operators do with a stored alert: acknowledge it, link it to a recall, or dismiss it.

``open`` → ``acknowledged`` (someone is looking) → ``linked_to_recall`` or ``dismissed``; an
open alert may also be linked or dismissed at once. Linked and dismissed are final: a decision
taken on an alert is not taken back, a new week's alarm is a new alert. Every change records who
made it and when, so the history of an alert answers "who saw this, and what did they do".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from aftersales.domain.actors import Actor, Role
from aftersales.errors import InvalidTransition, PermissionDenied, ValidationFailed

__all__ = ["AlertReview", "AlertStatus", "StatusChange"]

MAX_REASON = 2000


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
        self._check(by, "acknowledge", allowed=(AlertStatus.OPEN,))
        self._change(StatusChange(AlertStatus.ACKNOWLEDGED, at, by))

    def link_recall(self, recall_id: str, by: Actor, at: datetime) -> None:
        """The alert is handled by this recall review."""
        self._check(by, "link to a recall", allowed=(AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED))
        self.recall_id = recall_id
        self._change(StatusChange(AlertStatus.LINKED_TO_RECALL, at, by, recall_id=recall_id))

    def dismiss(self, reason: str, by: Actor, at: datetime) -> None:
        """Nothing to act on; the reason stays with the alert."""
        reason = reason.strip()
        if not reason:
            raise ValidationFailed("a dismissal needs a reason")
        if len(reason) > MAX_REASON:
            raise ValidationFailed(f"the reason is longer than {MAX_REASON} characters")
        self._check(by, "dismiss", allowed=(AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED))
        self.dismissal_reason = reason
        self._change(StatusChange(AlertStatus.DISMISSED, at, by, reason=reason))

    def _check(self, by: Actor, action: str, *, allowed: tuple[AlertStatus, ...]) -> None:
        if by.role is not Role.OPERATOR:
            raise PermissionDenied(f"only a platform operator may {action} an alert")
        if self.status not in allowed:
            raise InvalidTransition(
                f"cannot {action} alert {self.alert_id}: it is {self.status.value}",
                alert_status=self.status.value,
            )

    def _change(self, change: StatusChange) -> None:
        self.status = change.status
        self.version += 1
        self.pending.append(change)
