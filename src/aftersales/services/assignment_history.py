"""Read a case's assignment history: who held it, from when to when, and why it moved.

Who may read it (docs/triage.md, "Assignment history"): operators and auditors, every holding;
the case's merchant, the holdings in its own pool only (to a merchant, the platform's agents do
not exist); another merchant is told the case does not exist; consumers and the integration
are refused — who works a case inside a shop or the platform is not the consumer's business.
"""

from __future__ import annotations

from aftersales.domain.actors import Actor, Role
from aftersales.errors import PermissionDenied, Text
from aftersales.services.cases import load_visible
from aftersales.services.context import Context
from aftersales.triage.holdings import Holding, visible_to_merchant

__all__ = ["case_holdings"]

_READERS = frozenset({Role.OPERATOR, Role.AUDITOR, Role.MERCHANT_AGENT})


def case_holdings(ctx: Context, actor: Actor, case_id: str) -> list[Holding]:
    """The case's holdings, oldest first, the current one (open-ended) last while it is active."""
    if actor.role not in _READERS:
        raise PermissionDenied(
            Text(
                "this needs an operator, auditor or merchant token",
                "此操作需要平台运营、审计或商家客服的访问令牌",
            )
        )
    with ctx.uow(read_only=True) as uow:
        load_visible(uow, actor, case_id)
        holdings = uow.assignments.holdings(case_id)
    if actor.role is Role.MERCHANT_AGENT:
        return visible_to_merchant(holdings)
    return holdings
