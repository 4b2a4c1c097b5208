"""FastAPI dependencies as ``Annotated`` aliases: the context, who is asking, idempotency."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from aftersales.domain.actors import Actor, Role
from aftersales.errors import AuthenticationFailed, PermissionDenied
from aftersales.services import idempotency
from aftersales.services.context import Context
from aftersales.services.tokens import authenticate

__all__ = ["ActorDep", "CtxDep", "Idempotency", "IdempotencyDep", "role"]


def _context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


CtxDep = Annotated[Context, Depends(_context)]

_bearer = HTTPBearer(auto_error=False)


def _actor(
    ctx: CtxDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Actor:
    if credentials is None:
        raise AuthenticationFailed("send a bearer token in the Authorization header")
    return authenticate(ctx, credentials.credentials)


ActorDep = Annotated[Actor, Depends(_actor)]


def role(*allowed: Role) -> Any:
    """A dependency that admits only these roles (403 for the others)."""

    def check(actor: ActorDep) -> Actor:
        if actor.role not in allowed:
            names = ", ".join(r.value for r in allowed)
            raise PermissionDenied(f"this needs one of the roles: {names}")
        return actor

    return Depends(check)


@dataclass
class Idempotency:
    """Runs a creating request once per Idempotency-Key; replays the first answer after that."""

    ctx: Context
    actor: Actor
    key: str | None

    def run(self, fingerprint: Any, produce: Callable[[], tuple[int, Any]]) -> JSONResponse:
        if self.key is None:
            status, body = produce()
            return JSONResponse(jsonable_encoder(body), status_code=status)
        principal = f"{self.actor.role}:{self.actor.subject or ''}"
        digest = hashlib.sha256(repr(jsonable_encoder(fingerprint)).encode()).hexdigest()
        stored = idempotency.claim(self.ctx, principal, self.key, digest)
        if stored is not None:
            replayed = {"Idempotent-Replayed": "true"}
            return JSONResponse(stored[1], status_code=stored[0], headers=replayed)
        try:
            status, body = produce()
        except Exception:
            idempotency.forget(self.ctx, principal, self.key)  # a failed request may be retried
            raise
        encoded = jsonable_encoder(body)
        idempotency.finish(self.ctx, principal, self.key, status, encoded)
        return JSONResponse(encoded, status_code=status)


def _idempotency(
    ctx: CtxDep,
    actor: ActorDep,
    key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=255)] = None,
) -> Idempotency:
    return Idempotency(ctx, actor, key or None)


IdempotencyDep = Annotated[Idempotency, Depends(_idempotency)]
