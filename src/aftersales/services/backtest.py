"""Re-decide stored cases with a candidate pack, before it goes live (``policy backtest``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from aftersales.domain.actors import Actor, Role
from aftersales.errors import PermissionDenied, Text, ValidationFailed
from aftersales.policy import Facts, Pack
from aftersales.policy.backtest import Tally
from aftersales.services.context import Context

__all__ = ["backtest"]


def backtest(
    ctx: Context,
    actor: Actor,
    pack: Pack,
    *,
    since: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> Tally:
    """Decide every case opened since ``since`` again with ``pack`` and tally the differences.

    Reads in one read transaction (a consistent view, and SQLite writers are not held up);
    cases opened before the policy engine existed have nothing to compare and are skipped."""
    if actor.role not in (Role.OPERATOR, Role.AUDITOR):
        raise PermissionDenied(
            Text("only operators and auditors run backtests", "只有平台运营和审计人员可以运行回测")
        )
    tally = Tally()
    with ctx.uow(read_only=True) as uow:
        for category, assessment in uow.cases.assessments(since):
            old = assessment.get("decision") if assessment else None
            if not old:
                continue
            try:
                facts = Facts.from_json(assessment["facts"])
            except ValidationFailed:
                tally.unreadable += 1
                continue
            tally.add(category, old, pack.decide(facts))
            if progress is not None and tally.cases % 10_000 == 0:
                progress(tally.cases)
    return tally
