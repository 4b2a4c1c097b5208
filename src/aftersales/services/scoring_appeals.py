"""Use cases of attribution appeals: a merchant disputes that a case counts against it.

The merchant files one appeal per case, with its reason; an operator accepts it (the case is
taken out of the merchant's scoring from the next cycle or revision on, with the operator's
reason shown on the scorecard) or rejects it. Either decision is final.
"""

from __future__ import annotations

from aftersales.domain.actors import Actor, Role
from aftersales.errors import InvalidTransition, NotFound, PermissionDenied
from aftersales.scoring.texts import Text
from aftersales.services.context import Context
from aftersales.store.scoring import StoredAppeal

__all__ = ["decide_appeal", "file_appeal", "list_appeals"]

PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"


def file_appeal(ctx: Context, actor: Actor, case_id: str, reason: str) -> StoredAppeal:
    """The merchant of a case appeals the case's attribution to it."""
    if actor.role is not Role.MERCHANT_AGENT:
        raise PermissionDenied(
            Text(
                "only the case's merchant appeals its attribution",
                "只有售后单所属商家可以提出归责申诉",
            )
        )
    with ctx.uow() as uow:
        case = uow.cases.get(case_id)
        if case is None or case.facts is None or not actor.is_merchant(case.facts.merchant_id):
            refusal = _not_yours(case_id)
            raise NotFound(refusal.en, text=refusal)
        if not _counts_against(case.assessment):
            refusal = _nothing_to_appeal(case_id)
            raise InvalidTransition(refusal.en, text=refusal)
        appeal = StoredAppeal(
            ctx.ids("ap"),
            case_id,
            case.facts.merchant_id,
            PENDING,
            reason.strip(),
            ctx.clock.now(),
            actor.subject,
        )
        uow.scoring.add_appeal(appeal)
        uow.commit()
    return appeal


def _not_yours(case_id: str) -> Text:
    return Text(f"case {case_id} not found", f"找不到您的售后单 {case_id}")


def _nothing_to_appeal(case_id: str) -> Text:
    return Text(
        f"case {case_id} does not count against you: nothing to appeal",
        f"售后单 {case_id} 不计入您的考核，无需申诉",  # noqa: RUF001
    )


def _counts_against(assessment: dict[str, object] | None) -> bool:
    """What the policy decided at opening; a case from before the policy counts (see scoring)."""
    decision = (assessment or {}).get("decision")
    return not (isinstance(decision, dict) and decision.get("counts_against_merchant") is False)


def _already_decided(appeal_id: str, state: str) -> Text:
    done = {ACCEPTED: "已通过", REJECTED: "已驳回"}.get(state, f"已处理（{state}）")  # noqa: RUF001
    return Text(
        f"appeal {appeal_id} was already {state}",
        f"申诉 {appeal_id} {done}，不能再次处理",  # noqa: RUF001
    )


def list_appeals(
    ctx: Context, actor: Actor, state: str | None = None, merchant_id: str | None = None
) -> list[StoredAppeal]:
    """A merchant's own appeals; every appeal (or ``merchant_id``'s) for operators and
    auditors."""
    if actor.role is Role.MERCHANT_AGENT:
        merchant = actor.subject
    elif actor.role in (Role.OPERATOR, Role.AUDITOR):
        merchant = merchant_id
    else:
        raise PermissionDenied(
            Text(
                "appeals are read by merchants, operators and auditors",
                "申诉仅供商家、平台运营和审计人员查看",
            )
        )
    with ctx.uow(read_only=True) as uow:
        return uow.scoring.appeals(merchant, state)


def decide_appeal(
    ctx: Context, actor: Actor, appeal_id: str, *, accept: bool, reason: str
) -> StoredAppeal:
    """An operator accepts (the case leaves the merchant's scoring) or rejects an appeal."""
    if actor.role is not Role.OPERATOR:
        raise PermissionDenied(
            Text("only a platform operator decides appeals", "只有平台运营人员可以处理申诉")
        )
    with ctx.uow() as uow:
        appeal = uow.scoring.appeal(appeal_id, for_update=True)
        if appeal is None:
            raise NotFound(Text(f"appeal {appeal_id} not found", f"找不到申诉 {appeal_id}"))
        if appeal.state != PENDING:
            raise InvalidTransition(_already_decided(appeal_id, appeal.state))
        decided = StoredAppeal(
            appeal.id,
            appeal.case_id,
            appeal.merchant_id,
            ACCEPTED if accept else REJECTED,
            appeal.reason,
            appeal.filed_at,
            appeal.filed_by,
            ctx.clock.now(),
            actor.subject or "operator",
            reason.strip(),
        )
        uow.scoring.decide_appeal(decided)
        uow.commit()
    return decided
