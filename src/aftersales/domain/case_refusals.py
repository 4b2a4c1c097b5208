"""Every refusal of a case: its stable code, its reason in English and Chinese, and the values a
reader needs to act on it (the amount paid, the state, the remedy, the deadline).

Each function returns the error for ``Case`` to raise. The English is the ``detail`` the API
has always given, word for word; ``extra["text"]`` holds it with the Chinese, which the API
gives a reader who asks for it (``Accept-Language: zh``) and the console shows. A reader names
a refusal by its code and values, never by its wording (docs/decisions/0039). Kept apart from
the rules so that a translator edits one file; the names of states and remedies are those of
the console (``console/labels.py``).
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Any, TypeVar

from aftersales.domain.cases_types import CaseState, CaseType, ResolutionType
from aftersales.domain.clock import CST
from aftersales.errors import (
    AftersalesError,
    ErrorCode,
    InvalidTransition,
    PermissionDenied,
    Text,
    ValidationFailed,
)

__all__ = [
    "CASE_TYPE_NAMES",
    "REMEDY_NAMES",
    "STATE_NAMES",
    "Step",
    "already_open",
    "already_rated",
    "amount_negative",
    "amount_over_paid",
    "amount_required",
    "appeal_window_closed",
    "beijing",
    "cannot_reopen",
    "escalation_too_early",
    "iso_utc",
    "merchant_already_responded",
    "merchant_verdict_with_remedy",
    "not_an_operator",
    "not_case_consumer",
    "not_case_merchant",
    "not_case_party",
    "not_order_consumer",
    "policy_grant_cannot_reject",
    "rating_out_of_range",
    "rejection_with_amount",
    "verdict_not_appealable",
    "wrong_state",
]

C, R = ErrorCode, ResolutionType
E = TypeVar("E", bound=AftersalesError)

CASE_TYPE_NAMES: dict[CaseType, str] = {
    CaseType.RETURN_REFUND: "退货退款",
    CaseType.REFUND_ONLY: "仅退款",
    CaseType.EXCHANGE: "换货",
    CaseType.REPAIR: "维修",
    CaseType.COMPLAINT: "投诉",
    CaseType.SAFETY_REPORT: "安全隐患报告",
}

STATE_NAMES: dict[CaseState, str] = {
    CaseState.AWAITING_MERCHANT: "待商家处理",
    CaseState.AWAITING_CONSUMER: "待消费者确认",
    CaseState.IN_SERVICE: "服务中",
    CaseState.ESCALATED: "平台介入中",
    CaseState.RESOLVED: "已解决",
    CaseState.CLOSED: "已关闭",
    CaseState.CANCELLED: "已撤销",
}

REMEDY_NAMES: dict[ResolutionType, str] = {
    R.REMOTE_DIAGNOSIS: "远程诊断",
    R.SOFTWARE_TROUBLESHOOTING: "软件排障",
    R.FIRMWARE_UPDATE: "固件升级",
    R.REPAIR: "维修",
    R.EXCHANGE: "换货",
    R.RETURN_REFUND: "退货退款",
    R.REFUND_ONLY: "仅退款",
    R.CARE_ADVICE: "护理建议",
    R.ON_SITE_INSPECTION: "上门查验测量",
    R.QUICK_COMPENSATION: "快速补偿",
    R.EMERGENCY_RECALL: "紧急召回",
    R.REJECT: "不予处理",
}


class Step(Enum):
    """What a refused action would have done, as the state refusal names it."""

    POST_MESSAGE = Text("post a message", "留言")
    POST_REPLY = Text("post a reply", "发送回复")
    ADD_EVIDENCE = Text("add evidence", "补充凭证")
    PROPOSE = Text("propose a resolution", "提出处理方案")
    ACCEPT = Text("accept a proposal", "接受方案")
    REJECT = Text("reject a proposal", "拒绝方案")
    COMPLETE = Text("complete the service", "完成服务")
    CANCEL = Text("cancel the case", "撤销申请")
    GRANT = Text("grant a remedy by policy", "按政策自动同意处理方式")
    ROUTE = Text("route to the platform", "转交平台处理")
    ESCALATE = Text("escalate", "申请平台介入")
    ARBITRATE = Text("arbitrate", "作出裁决")
    APPEAL = Text("appeal", "提出申诉")
    RATE = Text("rate the service", "评价服务")


def _refusal(kind: type[E], code: ErrorCode, text: Text, **values: Any) -> E:
    return kind(text.en, code=code, text=text, **values)


def beijing(at: datetime, form: str) -> str:
    """A moment as a reader in China reads it: the Chinese texts give Beijing time (the English
    ones keep the UTC the API has always given)."""
    return at.astimezone(CST).strftime(form)


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def iso_utc(at: datetime) -> str:
    """A moment as the API writes it (ISO 8601, UTC, ``Z``), for a refusal's values."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


# ---- the state and the turn ---------------------------------------------------------------------


def wrong_state(step: Step, state: CaseState) -> InvalidTransition:
    """The case's state does not allow the step (the code every client already knows)."""
    text = Text(
        f"cannot {step.value.en} while the case is {state}",
        f"售后单当前状态为「{STATE_NAMES[state]}」，无法{step.value.zh}",
    )
    return _refusal(InvalidTransition, C.INVALID_TRANSITION, text, state=state)


def merchant_already_responded(state: CaseState) -> InvalidTransition:
    text = Text("the merchant has already responded", "商家已作出响应，不能再按政策自动处理")
    return _refusal(InvalidTransition, C.MERCHANT_ALREADY_RESPONDED, text, state=state)


def policy_grant_cannot_reject(state: CaseState) -> InvalidTransition:
    text = Text(
        "a policy grant cannot be a rejection",
        f"按政策自动同意的处理方式不能是「{REMEDY_NAMES[R.REJECT]}」",
    )
    return _refusal(InvalidTransition, C.POLICY_GRANT_CANNOT_REJECT, text, state=state)


def escalation_too_early(due: datetime, state: CaseState) -> InvalidTransition:
    """The consumer asks the platform in before the merchant had its chance to respond."""
    text = Text(
        f"the merchant has until {due:%Y-%m-%d %H:%M} UTC to respond before the platform steps in",
        f"商家可在 {beijing(due, '%Y-%m-%d %H:%M')}（北京时间）前作出首次响应，此前平台暂不介入",
    )
    return _refusal(InvalidTransition, C.ESCALATION_TOO_EARLY, text, state=state, due=iso_utc(due))


# ---- appeals and ratings ------------------------------------------------------------------------


def verdict_not_appealable() -> InvalidTransition:
    text = Text("only a first arbitration verdict can be appealed", "只能对平台的首次裁决提出申诉")
    return _refusal(InvalidTransition, C.VERDICT_NOT_APPEALABLE, text)


def appeal_window_closed(due: datetime) -> InvalidTransition:
    text = Text(
        f"the appeal window closed on {due:%Y-%m-%d}",
        f"申诉期已于 {beijing(due, '%Y-%m-%d %H:%M')}（北京时间）结束",
    )
    return _refusal(InvalidTransition, C.APPEAL_WINDOW_CLOSED, text, due=iso_utc(due))


def already_rated() -> InvalidTransition:
    text = Text("the service has already been rated", "该服务已评价过，每个售后单只能评价一次")
    return _refusal(InvalidTransition, C.ALREADY_RATED, text)


def rating_out_of_range() -> ValidationFailed:
    text = Text("a rating is a whole number from 1 to 5", "评分须为 1 到 5 之间的整数")
    return _refusal(ValidationFailed, C.RATING_OUT_OF_RANGE, text)


def merchant_verdict_with_remedy() -> ValidationFailed:
    reject = REMEDY_NAMES[R.REJECT]
    text = Text(
        "a verdict for the merchant carries the resolution 'reject'",
        f"裁决支持商家时，处理方式须为「{reject}」",
    )
    return _refusal(ValidationFailed, C.MERCHANT_VERDICT_WITH_REMEDY, text)


# ---- amounts ------------------------------------------------------------------------------------


def amount_negative() -> ValidationFailed:
    text = Text("an amount cannot be negative", "金额不能为负数")
    return _refusal(ValidationFailed, C.AMOUNT_NEGATIVE, text)


def amount_over_paid(paid: int) -> ValidationFailed:
    """``paid`` in fen; the refusal carries it as the API writes money, yuan in a string."""
    text = Text(
        f"the amount exceeds what was paid for the line ({_yuan(paid)})",
        f"金额超过了该商品的实付金额（¥{paid // 100:,}.{paid % 100:02d}）",
    )
    return _refusal(ValidationFailed, C.AMOUNT_OVER_PAID, text, paid=_yuan(paid))


def rejection_with_amount() -> ValidationFailed:
    text = Text(
        "a rejection carries no amount", f"「{REMEDY_NAMES[R.REJECT]}」不含金额，金额须为 0"
    )
    return _refusal(ValidationFailed, C.REJECTION_WITH_AMOUNT, text, resolution=R.REJECT)


def amount_required(resolution: ResolutionType) -> ValidationFailed:
    text = Text(
        f"a {resolution} needs an amount greater than zero",
        f"「{REMEDY_NAMES[resolution]}」需要大于零的金额",
    )
    return _refusal(ValidationFailed, C.AMOUNT_REQUIRED, text, resolution=resolution)


# ---- one active case per order line -------------------------------------------------------------


def already_open() -> AftersalesError:
    text = Text(
        "this order line already has an open after-sales case",
        "该商品已有进行中的售后单，请在原售后单中继续处理",
    )
    return _refusal(AftersalesError, C.CASE_ALREADY_OPEN, text)


def cannot_reopen() -> AftersalesError:
    """An appeal would reopen a case while a newer one is open on the same line."""
    text = Text(
        "this order line has another open after-sales case; this one cannot reopen"
        " until that one is settled",
        "该商品已有另一个进行中的售后单，本售后单需待其办结后才能重新开启",
    )
    return _refusal(AftersalesError, C.CASE_ALREADY_OPEN, text)


# ---- who may act --------------------------------------------------------------------------------


def not_order_consumer() -> PermissionDenied:
    text = Text(
        "only the consumer who placed the order can open a case on it",
        "只有下单的消费者才能为该订单申请售后",
    )
    return _refusal(PermissionDenied, C.NOT_CASE_CONSUMER, text)


def not_case_consumer() -> PermissionDenied:
    text = Text("only the consumer of this case can do that", "只有该售后单的消费者可以执行此操作")
    return _refusal(PermissionDenied, C.NOT_CASE_CONSUMER, text)


def not_case_merchant() -> PermissionDenied:
    text = Text("only the merchant of this case can do that", "只有该售后单的商家可以执行此操作")
    return _refusal(PermissionDenied, C.NOT_CASE_MERCHANT, text)


def not_case_party() -> PermissionDenied:
    text = Text(
        "only the consumer or the merchant of this case can do that",
        "只有该售后单的消费者或商家可以执行此操作",
    )
    return _refusal(PermissionDenied, C.NOT_CASE_PARTY, text)


def not_an_operator() -> PermissionDenied:
    text = Text("only a platform operator can arbitrate", "只有平台运营人员可以作出裁决")
    return _refusal(PermissionDenied, C.NOT_AN_OPERATOR, text)
