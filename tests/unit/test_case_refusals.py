"""Every refusal of a case carries a code of its own, its reason in English (the detail the API
has always given, word for word) and in Chinese, and the values a reader needs to act on it."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from aftersales.console.labels import LABELS
from aftersales.domain.actors import Actor, Role
from aftersales.domain.case import Case, CaseFacts
from aftersales.domain.case_refusals import (
    CASE_TYPE_NAMES,
    REMEDY_NAMES,
    STATE_NAMES,
    Step,
    wrong_state,
)
from aftersales.domain.cases_types import CaseState, CaseType, LiableParty, ResolutionType, Verdict
from aftersales.domain.sla import SlaTerms
from aftersales.errors import (
    RAISED_AS,
    TITLES,
    AftersalesError,
    ErrorCode,
    InvalidTransition,
    PermissionDenied,
    Text,
    ValidationFailed,
)

C, RT, S = ErrorCode, ResolutionType, CaseState
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)
CONSUMER, MERCHANT = Actor(Role.CONSUMER, "c1"), Actor(Role.MERCHANT_AGENT, "m1")
OPERATOR = Actor(Role.OPERATOR)
FACTS = CaseFacts("l1", "o1", "c1", "m1", "s1", "p1", "digital/phone", "online", "CN-BJ", 299_900)


def opened() -> Case:
    return Case.open(
        "cs_1",
        facts=FACTS,
        type=CaseType.RETURN_REFUND,
        description="the screen flickers",
        sla=SlaTerms(),
        by=CONSUMER,
        at=T0,
    )


def escalated() -> Case:
    case = opened()
    case.escalate(MERCHANT, "the consumer dropped it", T0 + H)
    return case


def verdict(case: Case, by: Actor = OPERATOR, **changes: Any) -> None:
    given: dict[str, Any] = {
        "verdict": Verdict.CONSUMER,
        "liable_party": LiableParty.MERCHANT,
        "resolution": RT.REFUND_ONLY,
        "amount": 100_000,
        "note": "the photos show the defect",
        "at": T0 + 2 * H,
    }
    case.arbitrate(by, **(given | changes))


def responded() -> Case:
    case = opened()
    case.post_message(MERCHANT, "we are on it", T0 + H)
    return case


def agreed() -> Case:
    case = opened()
    case.propose(MERCHANT, RT.REFUND_ONLY, 100, T0 + H)
    case.accept(CONSUMER, T0 + 2 * H)
    return case


def arbitrated() -> Case:
    case = escalated()
    verdict(case)
    return case


def rated() -> Case:
    case = arbitrated()
    case.rate(CONSUMER, 5, None, T0 + 3 * H)
    return case


def _appeal_late(case: Case) -> None:
    assert case.appeal_due is not None
    case.appeal(CONSUMER, "too late", case.appeal_due)


def _open_as_another_consumer(_: Case) -> None:
    by = Actor(Role.CONSUMER, "c2")
    Case.open(
        "cs_2", facts=FACTS, type=CaseType.REPAIR, description="", sla=SlaTerms(), by=by, at=T0
    )


@dataclass(frozen=True)
class Refusal:
    build: Callable[[], Case]
    act: Callable[[Case], None]
    code: ErrorCode
    kind: type[AftersalesError]
    en: str
    zh: str
    values: dict[str, Any] = field(default_factory=dict)


REFUSALS: dict[str, Refusal] = {
    "a state that does not allow the step": Refusal(
        opened,
        lambda c: c.complete_service(MERCHANT, "done", T0 + H),
        C.INVALID_TRANSITION,
        InvalidTransition,
        "cannot complete the service while the case is awaiting_merchant",
        "售后单当前状态为「待商家处理」，无法完成服务",
        {"state": "awaiting_merchant"},
    ),
    "a policy grant after the merchant responded": Refusal(
        responded,
        lambda c: c.grant_by_policy(RT.REFUND_ONLY, 100, ["cap"], T0 + 2 * H),
        C.MERCHANT_ALREADY_RESPONDED,
        InvalidTransition,
        "the merchant has already responded",
        "商家已作出响应，不能再按政策自动处理",
        {"state": "awaiting_merchant"},
    ),
    "a policy grant of a rejection": Refusal(
        opened,
        lambda c: c.grant_by_policy(RT.REJECT, 0, ["cap"], T0 + H),
        C.POLICY_GRANT_CANNOT_REJECT,
        InvalidTransition,
        "a policy grant cannot be a rejection",
        "按政策自动同意的处理方式不能是「不予处理」",
        {"state": "awaiting_merchant"},
    ),
    "the consumer escalating before the merchant's first response is due": Refusal(
        opened,
        lambda c: c.escalate(CONSUMER, "no answer", T0 + H),
        C.ESCALATION_TOO_EARLY,
        InvalidTransition,
        "the merchant has until 2026-11-03 09:00 UTC to respond before the platform steps in",
        "商家可在 2026-11-03 17:00（北京时间）前作出首次响应，此前平台暂不介入",
        {"state": "awaiting_merchant", "due": "2026-11-03T09:00:00Z"},
    ),
    "an appeal of a case resolved by agreement": Refusal(
        agreed,
        lambda c: c.appeal(CONSUMER, "changed my mind", T0 + 3 * H),
        C.VERDICT_NOT_APPEALABLE,
        InvalidTransition,
        "only a first arbitration verdict can be appealed",
        "只能对平台的首次裁决提出申诉",
    ),
    "an appeal once the window has closed": Refusal(
        arbitrated,
        _appeal_late,
        C.APPEAL_WINDOW_CLOSED,
        InvalidTransition,
        "the appeal window closed on 2026-12-02",
        "申诉期已于 2026-12-02 19:00（北京时间）结束",
        {"due": "2026-12-02T11:00:00Z"},
    ),
    "rating twice": Refusal(
        rated,
        lambda c: c.rate(CONSUMER, 1, "changed my mind", T0 + 4 * H),
        C.ALREADY_RATED,
        InvalidTransition,
        "the service has already been rated",
        "该服务已评价过，每个售后单只能评价一次",
    ),
    "a rating of six stars": Refusal(
        arbitrated,
        lambda c: c.rate(CONSUMER, 6, None, T0 + 3 * H),
        C.RATING_OUT_OF_RANGE,
        ValidationFailed,
        "a rating is a whole number from 1 to 5",
        "评分须为 1 到 5 之间的整数",
    ),
    "a verdict for the merchant with a remedy": Refusal(
        escalated,
        lambda c: verdict(c, verdict=Verdict.MERCHANT, resolution=RT.EXCHANGE, amount=0),
        C.MERCHANT_VERDICT_WITH_REMEDY,
        ValidationFailed,
        "a verdict for the merchant carries the resolution 'reject'",
        "裁决支持商家时，处理方式须为「不予处理」",
    ),
    "a negative amount": Refusal(
        opened,
        lambda c: c.propose(MERCHANT, RT.QUICK_COMPENSATION, -1, T0 + H),
        C.AMOUNT_NEGATIVE,
        ValidationFailed,
        "an amount cannot be negative",
        "金额不能为负数",
    ),
    "an amount over what was paid": Refusal(
        escalated,
        lambda c: verdict(c, amount=299_901),
        C.AMOUNT_OVER_PAID,
        ValidationFailed,
        "the amount exceeds what was paid for the line (2999.00)",
        "金额超过了该商品的实付金额（¥2,999.00）",
        {"paid": "2999.00"},
    ),
    "a rejection with an amount": Refusal(
        opened,
        lambda c: c.propose(MERCHANT, RT.REJECT, 1_000, T0 + H),
        C.REJECTION_WITH_AMOUNT,
        ValidationFailed,
        "a rejection carries no amount",
        "「不予处理」不含金额，金额须为 0",
        {"resolution": "reject"},
    ),
    "a refund of nothing": Refusal(
        opened,
        lambda c: c.propose(MERCHANT, RT.REFUND_ONLY, 0, T0 + H),
        C.AMOUNT_REQUIRED,
        ValidationFailed,
        "a refund_only needs an amount greater than zero",
        "「仅退款」需要大于零的金额",
        {"resolution": "refund_only"},
    ),
    "a case opened by someone else than the order's consumer": Refusal(
        opened,
        _open_as_another_consumer,
        C.NOT_CASE_CONSUMER,
        PermissionDenied,
        "only the consumer who placed the order can open a case on it",
        "只有下单的消费者才能为该订单申请售后",
    ),
    "the merchant cancelling": Refusal(
        opened,
        lambda c: c.cancel(MERCHANT, "out of stock", T0 + H),
        C.NOT_CASE_CONSUMER,
        PermissionDenied,
        "only the consumer of this case can do that",
        "只有该售后单的消费者可以执行此操作",
    ),
    "the consumer proposing": Refusal(
        opened,
        lambda c: c.propose(CONSUMER, RT.REPAIR, 0, T0 + H),
        C.NOT_CASE_MERCHANT,
        PermissionDenied,
        "only the merchant of this case can do that",
        "只有该售后单的商家可以执行此操作",
    ),
    "an operator appealing": Refusal(
        arbitrated,
        lambda c: c.appeal(OPERATOR, "unfair", T0 + 3 * H),
        C.NOT_CASE_PARTY,
        PermissionDenied,
        "only the consumer or the merchant of this case can do that",
        "只有该售后单的消费者或商家可以执行此操作",
    ),
    "a merchant arbitrating": Refusal(
        escalated,
        lambda c: verdict(c, by=MERCHANT),
        C.NOT_AN_OPERATOR,
        PermissionDenied,
        "only a platform operator can arbitrate",
        "只有平台运营人员可以作出裁决",
    ),
}


def refused(refusal: Refusal) -> AftersalesError:
    case = refusal.build()
    before = case.to_snapshot()
    with pytest.raises(AftersalesError) as caught:
        refusal.act(case)
    assert case.to_snapshot() == before
    return caught.value


@pytest.mark.parametrize("name", list(REFUSALS))
def test_each_refusal_has_its_code_its_english_detail_and_its_chinese(name: str) -> None:
    refusal = REFUSALS[name]

    error = refused(refusal)

    assert (type(error), error.code) == (refusal.kind, refusal.code)
    assert error.detail == refusal.en
    assert error.extra["text"] == Text(refusal.en, refusal.zh)
    values = {k: v for k, v in error.extra.items() if k != "text"}
    assert values == refusal.values


@pytest.mark.parametrize("name", list(REFUSALS))
def test_each_refusal_keeps_the_status_and_title_of_its_kind(name: str) -> None:
    error = refused(REFUSALS[name])

    if error.code is C.INVALID_TRANSITION:  # the code it always had, and the class's title
        assert error.title == InvalidTransition.title
    else:
        assert RAISED_AS[error.code] is type(error)
        assert error.title == TITLES[error.code]


def test_every_code_of_a_case_refusal_is_covered_here() -> None:
    assert {r.code for r in REFUSALS.values()} == set(RAISED_AS) | {C.INVALID_TRANSITION}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_the_chinese_uses_full_width_punctuation(name: str) -> None:
    zh = REFUSALS[name].zh
    words = re.sub(r"\d[\d,.:-]*", "", zh)  # an amount, a date or a time keeps its own marks
    assert re.search(r"[\u4e00-\u9fff]", words)
    assert not re.search(r"[,;:()!?'\"]", words), zh  # the full-width marks instead


@pytest.mark.parametrize("step", list(Step))
@pytest.mark.parametrize("state", list(CaseState))
def test_the_state_refusal_names_every_step_and_state_in_both_languages(
    step: Step, state: CaseState
) -> None:
    error = wrong_state(step, state)

    assert error.detail == f"cannot {step.value.en} while the case is {state}"
    assert (
        error.extra["text"].zh == f"售后单当前状态为「{STATE_NAMES[state]}」，无法{step.value.zh}"
    )


def test_state_remedy_and_case_type_names_are_the_consoles() -> None:
    assert {s.value: zh for s, zh in STATE_NAMES.items()} == {
        value: names[1] for value, names in LABELS["state"].items()
    }
    assert {t.value: zh for t, zh in CASE_TYPE_NAMES.items()} == {
        value: names[1] for value, names in LABELS["case_type"].items()
    }
    assert {r.value: zh for r, zh in REMEDY_NAMES.items()} == {
        value: names[1] for value, names in LABELS["resolution"].items()
    }
