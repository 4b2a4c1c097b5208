"""A small service staff for a simulated marketplace, so that its dispatch board has people.

The simulation opens cases through the real dispatch, which files them under their queues; with
no agent anywhere they all wait. The demo then adds the platform's desks and the busiest
merchant's own service desk, online: each takes the waiting cases of its pool at once, as an
agent coming on shift does, and the console's dispatch pages show a working day.
"""

from __future__ import annotations

from aftersales.domain.actors import Actor, Role
from aftersales.services.agents import AddAgent, add_agent, merchant_queues
from aftersales.services.context import Context

__all__ = ["demo_staff"]

_BOTH = ("zh", "en")
# The platform's desks: (name, queues, capacity).
_PLATFORM = (
    ("仲裁组 Arbitration desk", ("arbitration", "risk_review"), 25),
    ("人工分诊 Triage desk", ("human_triage",), 25),
    ("安全组 Safety team", ("product_safety", "food_safety"), 15),
)


def demo_staff(ctx: Context, merchant_id: str | None) -> tuple[int, int]:
    """Add the desks (and the merchant's two agents); return (agents, waiting cases taken)."""
    operator = Actor(Role.OPERATOR, "demo")
    with ctx.uow(read_only=True) as uow:
        own = tuple(sorted(merchant_queues(ctx, uow)))
    staff = [AddAgent(name, None, queues, _BOTH, capacity) for name, queues, capacity in _PLATFORM]
    if merchant_id is not None:
        staff += [AddAgent(f"{merchant_id} 客服 {n}", merchant_id, own, _BOTH, 10) for n in (1, 2)]
    taken = sum(add_agent(ctx, operator, agent).taken for agent in staff)
    return len(staff), taken
