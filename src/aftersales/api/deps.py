"""FastAPI dependencies as ``Annotated`` aliases: the context, who is asking, idempotency."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from aftersales.api.responses import model_response
from aftersales.domain.actors import Actor, Role, role_zh
from aftersales.errors import AuthenticationFailed, PermissionDenied, Text, ValidationFailed
from aftersales.services import idempotency
from aftersales.services.context import Context
from aftersales.services.tokens import authenticate, cached_actor

__all__ = [
    "IDEMPOTENCY_KEY_DOC",
    "ActorDep",
    "CtxDep",
    "Idempotency",
    "IdempotencyDep",
    "admit",
    "bad_cursor",
    "request_actor",
    "request_idempotency",
    "request_token",
    "role",
]


# The dependencies that do no I/O are ``async def``: FastAPI runs a plain ``def`` dependency in
# the thread pool, and each such hop costs more than the work it does.


async def _context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


CtxDep = Annotated[Context, Depends(_context)]

_bearer = HTTPBearer(auto_error=False)

_NO_TOKEN = Text(
    "send a bearer token in the Authorization header",
    "请在 Authorization 请求头中携带 Bearer 令牌",
)


async def _authenticated(ctx: Context, credentials: HTTPAuthorizationCredentials | None) -> Actor:
    if credentials is None:
        raise AuthenticationFailed(_NO_TOKEN)
    # A token seen moments ago is answered from memory; only the others need the database.
    actor = cached_actor(ctx, credentials.credentials)
    if actor is None:
        actor = await run_in_threadpool(authenticate, ctx, credentials.credentials)
    return actor


async def _actor(
    ctx: CtxDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Actor:
    return await _authenticated(ctx, credentials)


ActorDep = Annotated[Actor, Depends(_actor)]


def _admitted(actor: Actor, allowed: tuple[Role, ...]) -> Actor:
    if actor.role not in allowed:
        names = ", ".join(r.value for r in allowed)
        zh = "、".join(role_zh(r) for r in allowed)
        text = Text(f"this needs one of the roles: {names}", f"此操作仅限以下角色：{zh}")
        raise PermissionDenied(text)
    return actor


def role(*allowed: Role) -> Any:
    """A dependency that admits only these roles (403 for the others)."""

    async def check(actor: ActorDep) -> Actor:
        return _admitted(actor, allowed)

    return Depends(check)


async def request_actor(request: Request, *allowed: Role) -> Actor:
    """What ``role(*allowed)`` checks, for a plain route that runs no dependencies (401, 403)."""
    ctx: Context = request.app.state.ctx
    return _admitted(await _authenticated(ctx, await _bearer(request)), allowed)


async def request_token(request: Request) -> str | None:
    """The bearer token of a plain route's request, for ``admit`` to check later."""
    credentials = await _bearer(request)
    return None if credentials is None else credentials.credentials


def admit(ctx: Context, token: str | None, *allowed: Role) -> Actor:
    """What ``request_actor`` checks, run where the route already is (in the thread pool): a
    token not seen moments ago is looked up in the database without a thread hop of its own."""
    if token is None:
        raise AuthenticationFailed(_NO_TOKEN)
    return _admitted(authenticate(ctx, token), allowed)


def bad_cursor() -> ValidationFailed:
    """The refusal of a page cursor the API did not give out (every listing route)."""
    return ValidationFailed(
        Text("the cursor is not one this API gave out", "cursor 无效：不是本接口返回的分页游标")
    )


@dataclass
class Idempotency:
    """Runs a creating request once per Idempotency-Key; replays the first answer after that."""

    ctx: Context
    actor: Actor
    key: str | None

    def run(self, fingerprint: Any, produce: Callable[[], tuple[int, Any]]) -> Response:
        if self.key is None:
            status, body = produce()
            return model_response(body, status)
        principal = f"{self.actor.role}:{self.actor.subject or ''}"
        digest = hashlib.sha256(repr(jsonable_encoder(fingerprint)).encode()).hexdigest()
        stored = idempotency.claim(self.ctx, principal, self.key, digest)
        if stored is not None:
            replayed = {"Idempotent-Replayed": "true"}
            return Response(stored[1], stored[0], replayed, media_type="application/json")
        try:
            status, body = produce()
        except Exception:
            idempotency.forget(self.ctx, principal, self.key)  # a failed request may be retried
            raise
        response = model_response(body, status)
        idempotency.finish(self.ctx, principal, self.key, status, bytes(response.body).decode())
        return response


IDEMPOTENCY_KEY_DOC: dict[str, Any] = {
    "parameters": [
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "schema": {"type": "string", "maxLength": 255},
        }
    ]
}


def request_idempotency(request: Request, ctx: Context, actor: Actor) -> Idempotency:
    """What ``IdempotencyDep`` gives, for a plain route (``IDEMPOTENCY_KEY_DOC`` documents it)."""
    key = request.headers.get("idempotency-key")
    if key is not None and len(key) > 255:
        raise ValidationFailed(
            Text(
                "the Idempotency-Key header is longer than 255 characters",
                "Idempotency-Key 请求头超过了 255 个字符",
            )
        )
    return Idempotency(ctx, actor, key or None)


async def _idempotency(
    ctx: CtxDep,
    actor: ActorDep,
    key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=255)] = None,
) -> Idempotency:
    return Idempotency(ctx, actor, key or None)


IdempotencyDep = Annotated[Idempotency, Depends(_idempotency)]
