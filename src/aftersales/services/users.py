"""Console users: created by an operator on the command line, each bound to an API role.

The operator also disables a user who has left (their sessions end at once; the name stays
taken), enables one again, sets a new password (every session ends: whoever had the old one is
signed out) and lifts a sign-in pause before it runs out (docs/decisions/0040).
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from aftersales.domain.actors import Actor
from aftersales.domain.sign_in import CONSOLE_ROLES, check_name, check_password
from aftersales.errors import NotFound, Text, ValidationFailed
from aftersales.services.context import Context
from aftersales.services.passwords import hash_password
from aftersales.services.tokens import check_subject
from aftersales.store.users import UserRecord, UserRepository

T = TypeVar("T")

__all__ = [
    "create_user",
    "disable_user",
    "enable_user",
    "list_users",
    "set_password",
    "unpause_user",
]


def create_user(ctx: Context, name: str, actor: Actor, password: str) -> UserRecord:
    """Add a user who signs in as ``name`` and acts as ``actor`` (a role and its subject)."""
    if actor.role not in CONSOLE_ROLES:
        allowed = ", ".join(r.value for r in CONSOLE_ROLES)
        raise ValidationFailed(
            Text(
                f"console users have one of the roles {allowed}",
                f"控制台用户的角色须为以下之一：{'、'.join(r.value for r in CONSOLE_ROLES)}",
            )
        )
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


def disable_user(ctx: Context, name: str) -> int:
    """Stop the user signing in and end their sessions; how many sessions were ended."""
    now = ctx.clock.now()

    def disable(users: UserRepository, user: UserRecord) -> int:
        if user.disabled_at is None:
            users.set_disabled(user.id, now)
        return users.end_sessions(user.id, now)

    return _on_user(ctx, name, disable)


def enable_user(ctx: Context, name: str) -> None:
    _on_user(ctx, name, lambda users, user: users.set_disabled(user.id, None))


def set_password(ctx: Context, name: str, password: str) -> int:
    """A new password for the user; every session they had ends. How many sessions ended."""
    password_hash = hash_password(ctx.sign_in, check_password(password))  # outside the writer
    now = ctx.clock.now()

    def change(users: UserRepository, user: UserRecord) -> int:
        users.set_password(user.id, password_hash)
        return users.end_sessions(user.id, now)

    return _on_user(ctx, name, change)


def unpause_user(ctx: Context, name: str) -> None:
    """Lift a sign-in pause (after repeated wrong passwords) before it runs out."""
    _on_user(ctx, name, lambda users, user: users.unpause(user.id))


def _on_user(ctx: Context, name: str, change: Callable[[UserRepository, UserRecord], T]) -> T:
    """Apply ``change`` to the user named ``name`` in one transaction."""
    with ctx.uow() as uow:
        user = uow.users.by_name(name.strip().lower())
        if user is None:
            wanted = name.strip().lower()
            raise NotFound(
                Text(f"no console user named {wanted}", f"找不到名为 {wanted} 的控制台用户")
            )
        done = change(uow.users, user)
        uow.commit()
    return done
