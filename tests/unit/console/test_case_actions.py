"""The actions a page offers are exactly those the case's own rules allow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aftersales.domain.actors import Actor, Role
from aftersales.domain.case import Case, CaseFacts
from aftersales.domain.cases_types import CaseType, ResolutionType
from aftersales.domain.sla import SlaTerms
from aftersales.services.case_actions import CaseAction, allowed_actions

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
CONSUMER, MERCHANT = Actor(Role.CONSUMER, "c1"), Actor(Role.MERCHANT_AGENT, "m1")
OTHER = Actor(Role.MERCHANT_AGENT, "m2")
OPERATOR, AUDITOR = Actor(Role.OPERATOR, "op"), Actor(Role.AUDITOR, "au")
A = CaseAction


def _case() -> Case:
    facts = CaseFacts("l1", "o1", "c1", "m1", "s1", "p1", "digital/phone", "online", "CN-BJ", 10000)
    return Case.open(
        "cs_1",
        facts=facts,
        type=CaseType.REPAIR,
        description="x",
        sla=SlaTerms(),
        by=CONSUMER,
        at=NOW,
    )


def test_a_new_case_waits_for_its_merchant() -> None:
    case = _case()
    assert allowed_actions(case, MERCHANT, NOW) == {A.MESSAGE, A.EVIDENCE, A.PROPOSE, A.ESCALATE}
    assert allowed_actions(case, CONSUMER, NOW) == {A.MESSAGE, A.EVIDENCE, A.CANCEL}
    assert allowed_actions(case, OTHER, NOW) == set()
    assert allowed_actions(case, AUDITOR, NOW) == set()
    assert allowed_actions(case, OPERATOR, NOW) == {A.MESSAGE, A.EVIDENCE}


def test_a_proposal_is_for_the_consumer_to_answer() -> None:
    case = _case()
    case.propose(MERCHANT, ResolutionType.REPAIR, 0, NOW)
    assert {A.ACCEPT, A.REJECT, A.ESCALATE} <= allowed_actions(case, CONSUMER, NOW)
    assert A.PROPOSE not in allowed_actions(case, MERCHANT, NOW)


def test_asking_changes_nothing_and_due_timeouts_count() -> None:
    case = _case()
    version = case.version
    later = NOW + timedelta(days=30)  # every clock has run out: the case is settled by then
    assert A.PROPOSE not in allowed_actions(case, MERCHANT, later)
    assert case.version == version and not case.pending[version:]


def test_only_an_operator_arbitrates_an_escalated_case() -> None:
    case = _case()
    case.escalate(MERCHANT, "", NOW)
    assert A.ARBITRATE in allowed_actions(case, OPERATOR, NOW)
    assert A.ARBITRATE not in allowed_actions(case, MERCHANT, NOW)
