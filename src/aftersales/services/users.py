"""Console users: created by an operator on the command line, each bound to an API role."""

from __future__ import annotations

from aftersales.domain.actors import Actor
from aftersales.domain.sign_in import CONSOLE_ROLES, check_name, check_password
from aftersales.errors import ValidationFailed
from aftersales.services.context import Context
from aftersales.services.passwords import hash_password
from aftersales.services.tokens import check_subject
from aftersales.store.users import UserRecord

__all__ = ["create_user", "list_users"]


def create_user(ctx: Context, name: str, actor: Actor, password: str) -> UserRecord:
    """Add a user who signs in as ``name`` and acts as ``actor`` (a role and its subject)."""
    if actor.role not in CONSOLE_ROLES:
        allowed = ", ".join(r.value for r in CONSOLE_ROLES)
        raise ValidationFailed(f"console users have one of the roles {allowed}")
    name = check_name(name)
    check_subject(ctx, actor)  # a consumer or merchant that exists; no subject for the others
    user = UserRecord(
        ctx.ids("usr"),
        name,
        hash_password(ctx.sign_in, check_password(password)),
        actor,
        ctx.clock.now(),
        failed_attempts=0,
        locked_until=None,
    )
    with ctx.uow() as uow:
        uow.users.add(user)
        uow.commit()
    return user


def list_users(ctx: Context) -> list[UserRecord]:
    with ctx.uow(read_only=True) as uow:
        return uow.users.all()
