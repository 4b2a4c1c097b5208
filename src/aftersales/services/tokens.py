"""API tokens: random secrets shown once, stored only as SHA-256 hashes."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import hashlib
import secrets

from aftersales.domain.actors import Actor, Role, role_zh
from aftersales.errors import AuthenticationFailed, NotFound, Text, ValidationFailed
from aftersales.services.context import Context
from aftersales.store.access import TokenRecord

__all__ = [
    "authenticate",
    "cached_actor",
    "check_subject",
    "create_token",
    "list_tokens",
    "revoke_token",
]

_PREFIX = "ast_"


def create_token(ctx: Context, actor: Actor, label: str = "") -> tuple[str, str]:
    """Issue a token for a role and subject; returns (token id, the secret token, shown once)."""
    check_subject(ctx, actor)
    secret = _PREFIX + secrets.token_urlsafe(32)
    token_id = ctx.ids("tok")
    with ctx.uow() as uow:
        uow.tokens.add(token_id, _hash(secret), actor, label, ctx.clock.now())
        uow.commit()
    return token_id, secret


def authenticate(ctx: Context, token: str) -> Actor:
    """The actor a bearer token stands for; refuse unknown or revoked tokens.

    A token found valid is remembered for a few seconds (``Settings.token_cache_seconds``, see
    ``aftersales.services.token_cache``): a revocation made by another process takes effect on
    this one within that time; one made through this process, at once."""
    actor = cached_actor(ctx, token)
    if actor is not None:
        return actor
    if not token.startswith(_PREFIX):
        raise AuthenticationFailed(Text("the bearer token is not valid", "Bearer 令牌无效"))
    token_hash = _hash(token)
    with ctx.uow(read_only=True) as uow:
        actor = uow.tokens.actor_for(token_hash)
    if actor is None:
        raise AuthenticationFailed(
            Text("the bearer token is not valid or has been revoked", "Bearer 令牌无效或已被吊销")
        )
    ctx.tokens.put(token_hash, actor)
    return actor


def cached_actor(ctx: Context, token: str) -> Actor | None:
    """The actor of a token authenticated moments ago, without touching the database; else None."""
    if not token.startswith(_PREFIX):
        return None
    return ctx.tokens.get(_hash(token))


def list_tokens(ctx: Context, *, revoked: bool = False) -> list[TokenRecord]:
    """The tokens in force (with ``revoked``, all), newest first; never their secrets."""
    with ctx.uow(read_only=True) as uow:
        return uow.tokens.all(revoked=revoked)


def revoke_token(ctx: Context, token_id: str) -> None:
    with ctx.uow() as uow:
        if not uow.tokens.revoke(token_id, ctx.clock.now()):
            raise NotFound(Text(f"no active token {token_id}", f"找不到有效的令牌 {token_id}"))
        uow.commit()
    ctx.tokens.clear()  # the revoked token's hash is not at hand: forget them all


def check_subject(ctx: Context, actor: Actor) -> None:
    """Refuse a subject the role does not take, or one that names no known consumer or merchant."""
    if actor.role is Role.SYSTEM:
        raise ValidationFailed(
            Text(
                "tokens cannot be issued for the system role",
                f"不能为{role_zh(Role.SYSTEM)}角色签发令牌",
            )
        )
    role = role_zh(actor.role)
    if not actor.role.needs_subject:
        if actor.subject:
            raise ValidationFailed(
                Text(
                    f"a token for the {actor.role} role has no subject",
                    f"{role}角色的令牌不能指定主体",
                )
            )
        return
    if not actor.subject:
        raise ValidationFailed(
            Text(
                f"a token for the {actor.role} role needs a subject (--subject)",
                f"{role}角色的令牌须指定主体（--subject）",
            )
        )
    with ctx.uow(read_only=True) as uow:
        found = (
            uow.catalog.get_consumer(actor.subject)
            if actor.role is Role.CONSUMER
            else uow.catalog.get_merchant(actor.subject)
        )
    if found is None:
        who = "消费者" if actor.role is Role.CONSUMER else "商家"
        raise NotFound(
            Text(
                f"{actor.role} subject {actor.subject} is unknown",
                f"找不到{who} {actor.subject}",
            )
        )


def _hash(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()
