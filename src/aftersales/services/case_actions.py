"""Which actions a caller may take on a case now, asked of the case itself.

Each action is tried on a copy of the case, after the timeouts that are due (as every use case
does first). The rules stay in one place, ``domain/case.py``: a page shows exactly the buttons
whose use case would not be refused for the caller's role or the case's state.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from aftersales.domain.actors import Actor
from aftersales.domain.case import Case
from aftersales.domain.cases_types import LiableParty, ResolutionType, Verdict
from aftersales.errors import AftersalesError

__all__ = ["CaseAction", "allowed_actions"]


class CaseAction(StrEnum):
    MESSAGE = "message"
    EVIDENCE = "evidence"
    PROPOSE = "propose"
    ACCEPT = "accept"
    REJECT = "reject"
    ESCALATE = "escalate"
    CANCEL = "cancel"
    COMPLETE = "complete"
    RATE = "rate"
    APPEAL = "appeal"
    ARBITRATE = "arbitrate"


_A = CaseAction
_R = ResolutionType.REPAIR  # a remedy every case may take at any amount from zero

# Each action with harmless, valid arguments: only the caller and the state can refuse it.
_TRIALS: dict[CaseAction, Callable[[Case, Actor, datetime], None]] = {
    _A.MESSAGE: lambda c, a, t: c.post_message(a, "?", t),
    _A.EVIDENCE: lambda c, a, t: c.add_evidence(a, "ev_trial", "0" * 64, t),
    _A.PROPOSE: lambda c, a, t: c.propose(a, _R, 0, t),
    _A.ACCEPT: lambda c, a, t: c.accept(a, t),
    _A.REJECT: lambda c, a, t: c.reject(a, "", t),
    _A.ESCALATE: lambda c, a, t: c.escalate(a, "", t),
    _A.CANCEL: lambda c, a, t: c.cancel(a, "", t),
    _A.COMPLETE: lambda c, a, t: c.complete_service(a, "", t),
    _A.RATE: lambda c, a, t: c.rate(a, 5, None, t),
    _A.APPEAL: lambda c, a, t: c.appeal(a, "?", t),
    _A.ARBITRATE: lambda c, a, t: c.arbitrate(
        a,
        verdict=Verdict.CONSUMER,
        liable_party=LiableParty.MERCHANT,
        resolution=_R,
        amount=0,
        note="?",
        at=t,
    ),
}


def allowed_actions(case: Case, actor: Actor, now: datetime) -> frozenset[CaseAction]:
    """The actions the actor may take on the case at ``now``."""
    current = copy.deepcopy(case)
    current.tick(now)
    return frozenset(
        action for action, trial in _TRIALS.items() if _allowed(current, actor, now, trial)
    )


def _allowed(
    case: Case, actor: Actor, now: datetime, trial: Callable[[Case, Actor, datetime], None]
) -> bool:
    try:
        trial(copy.deepcopy(case), actor, now)
    except AftersalesError:
        return False
    return True
