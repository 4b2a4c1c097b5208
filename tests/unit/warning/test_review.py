"""What operators may do with a stored alert, and in which order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aftersales.domain.actors import Actor, Role
from aftersales.errors import InvalidTransition, PermissionDenied, ValidationFailed
from aftersales.warning import AlertReview, AlertStatus

ANA = Actor(Role.OPERATOR, "ana")
AT = datetime(2026, 11, 2, 9, tzinfo=UTC)


def test_an_alert_is_acknowledged_then_linked_to_a_recall_and_every_step_is_recorded() -> None:
    review = AlertReview("al_1")

    review.acknowledge(ANA, AT)
    review.link_recall("rc_1", ANA, AT)

    assert (review.status, review.recall_id, review.version) == (
        AlertStatus.LINKED_TO_RECALL,
        "rc_1",
        3,
    )
    assert [(c.status, c.by, c.recall_id) for c in review.pending] == [
        (AlertStatus.ACKNOWLEDGED, ANA, None),
        (AlertStatus.LINKED_TO_RECALL, ANA, "rc_1"),
    ]


def test_an_open_alert_may_be_dismissed_at_once_with_its_reason_kept() -> None:
    review = AlertReview("al_1")

    review.dismiss("  a promotion doubled the sales  ", ANA, AT)

    assert review.status is AlertStatus.DISMISSED
    assert review.dismissal_reason == "a promotion doubled the sales"
    assert review.pending[0].reason == "a promotion doubled the sales"


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (AlertStatus.ACKNOWLEDGED, "acknowledge"),
        (AlertStatus.DISMISSED, "acknowledge"),
        (AlertStatus.DISMISSED, "link"),
        (AlertStatus.DISMISSED, "dismiss"),
        (AlertStatus.LINKED_TO_RECALL, "dismiss"),
        (AlertStatus.LINKED_TO_RECALL, "link"),
    ],
)
def test_a_final_or_repeated_status_change_is_refused_and_changes_nothing(
    status: AlertStatus, action: str
) -> None:
    review = AlertReview("al_1", status=status, version=4)
    steps = {
        "acknowledge": lambda: review.acknowledge(ANA, AT),
        "link": lambda: review.link_recall("rc_2", ANA, AT),
        "dismiss": lambda: review.dismiss("no", ANA, AT),
    }

    with pytest.raises(InvalidTransition, match=f"it is {status.value}"):
        steps[action]()

    assert (review.status, review.version, review.pending, review.recall_id) == (
        status,
        4,
        [],
        None,
    )


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001])
def test_a_dismissal_needs_a_reason_of_reasonable_length(reason: str) -> None:
    review = AlertReview("al_1")

    with pytest.raises(ValidationFailed):
        review.dismiss(reason, ANA, AT)

    assert review.status is AlertStatus.OPEN and review.pending == []


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.MERCHANT_AGENT, Role.CONSUMER, Role.SYSTEM])
def test_only_an_operator_changes_an_alert(role: Role) -> None:
    review = AlertReview("al_1")

    with pytest.raises(PermissionDenied):
        review.acknowledge(Actor(role, "m1"), AT)

    assert review.status is AlertStatus.OPEN
