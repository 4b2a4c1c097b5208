"""One way in per role for a simulated marketplace: an API token and a console sign-in each,
for the buyer and the merchant whose cases show the most of the platform, an operator, an
auditor, and the marketplace's integration (API only)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from aftersales.domain.actors import Actor, Role
from aftersales.domain.sign_in import CONSOLE_ROLES
from aftersales.services.context import Context
from aftersales.services.tokens import create_token
from aftersales.services.users import create_user

__all__ = ["Login", "demo_logins"]


@dataclass(frozen=True, slots=True)
class Login:
    role: Role
    subject: str | None
    token: str
    user: str | None  # console sign-in name (none for the integration)
    password: str | None


def demo_logins(ctx: Context) -> list[Login]:
    """Create the logins; secrets are random and returned once (only hashes are stored)."""
    with ctx.uow(read_only=True) as uow:
        figures = uow.simulation_runs.figures()
        buyer, merchant = figures.busiest("consumer"), figures.busiest("merchant")
    actors = [
        Actor(Role.CONSUMER, buyer),
        Actor(Role.MERCHANT_AGENT, merchant),
        Actor(Role.OPERATOR),
        Actor(Role.AUDITOR),
        Actor(Role.INTEGRATION),
    ]
    return [_login(ctx, a) for a in actors if a.subject or not a.role.needs_subject]


def _login(ctx: Context, actor: Actor) -> Login:
    label = f"demo {actor.role.value}"
    _, token = create_token(ctx, actor, label)
    if actor.role not in CONSOLE_ROLES:
        return Login(actor.role, actor.subject, token, None, None)
    name = f"demo-{actor.role.value.replace('_', '-')}"
    password = secrets.token_urlsafe(12)
    create_user(ctx, name, actor, password)
    return Login(actor.role, actor.subject, token, name, password)
