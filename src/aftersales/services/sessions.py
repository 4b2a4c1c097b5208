"""Console sign-in: check a password, start a session, find it again on each page, end it.

The session cookie carries 256 random bits; the database keeps only their SHA-256 (like API
tokens), with a CSRF token of the session's own. After ``max_failures`` wrong passwords in a
row, a user's sign-in pauses for the lock-out period, whoever tries (docs/decisions/0017).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from aftersales.domain.actors import Actor
from aftersales.errors import AuthenticationFailed, Text
from aftersales.services.context import Context
from aftersales.services.passwords import (
    hash_password,
    needs_rehash,
    verify_password,
    waste_time,
)
from aftersales.store.users import SessionRecord, UserRecord

__all__ = ["SignedIn", "end_session", "find_session", "new_csrf_token", "sign_in"]

# One answer for an unknown name, a wrong password, a paused sign-in and a disabled user: which
# of them it was would tell a stranger which names exist.
REFUSED = Text(
    "the name or password is not right, or sign-in is paused after repeated failures",
    "用户名或密码不正确，或因多次输错已暂停登录",  # noqa: RUF001
)


@dataclass(frozen=True, slots=True)
class SignedIn:
    token: str  # the cookie's value, shown once
    session: SessionRecord


def sign_in(ctx: Context, name: str, password: str) -> SignedIn:
    """Start a session for the user, or refuse with one message whatever the reason."""
    now = ctx.clock.now()
    with ctx.uow(read_only=True) as uow:
        user = uow.users.by_name(name.strip().lower())
    if user is None or user.disabled_at is not None:
        waste_time(ctx.sign_in, password)
        raise AuthenticationFailed(REFUSED)
    if ctx.sign_in.locked(user.locked_until, now):
        raise AuthenticationFailed(REFUSED)  # not even checked: guessing gains nothing now
    # Argon2 takes tens of milliseconds: outside any transaction, so no writer waits on it.
    if not verify_password(ctx.sign_in, user.password_hash, password):
        _count_failure(ctx, user)
        raise AuthenticationFailed(REFUSED)
    return _start(ctx, user, password)


def _count_failure(ctx: Context, user: UserRecord) -> None:
    terms = ctx.sign_in
    with ctx.uow() as uow:
        uow.users.record_failure(
            user.id, limit=terms.max_failures, lock_until=ctx.clock.now() + terms.lockout
        )
        uow.commit()


def _start(ctx: Context, user: UserRecord, password: str) -> SignedIn:
    now = ctx.clock.now()
    token, csrf = secrets.token_urlsafe(32), new_csrf_token()
    rehashed = (
        hash_password(ctx.sign_in, password)
        if needs_rehash(ctx.sign_in, user.password_hash)
        else None
    )
    expires = now + ctx.sign_in.session
    with ctx.uow() as uow:
        uow.users.record_success(user.id, rehashed)
        uow.users.forget_old_sessions(user.id, now)
        uow.users.start_session(_hash(token), user.id, csrf, now, expires)
        uow.commit()
    session = SessionRecord(user.id, user.name, _acting_as(user), csrf, expires)
    return SignedIn(token, session)


def find_session(ctx: Context, token: str) -> SessionRecord | None:
    """The live session the cookie names, or None (unknown, ended or expired)."""
    if not token or len(token) > 100:
        return None
    with ctx.uow(read_only=True) as uow:
        found = uow.users.session(_hash(token), ctx.clock.now())
    if found is None:
        return None
    return SessionRecord(
        found.user_id,
        found.name,
        _with_name(found.actor, found.name),
        found.csrf_token,
        found.expires_at,
    )


def end_session(ctx: Context, token: str) -> None:
    """Sign out: the session ends now, on every server at once (it lives in the database)."""
    with ctx.uow() as uow:
        uow.users.end_session(_hash(token), ctx.clock.now())
        uow.commit()


def new_csrf_token() -> str:
    return secrets.token_urlsafe(24)


def _acting_as(user: UserRecord) -> Actor:
    return _with_name(user.actor, user.name)


def _with_name(actor: Actor, name: str) -> Actor:
    """Operators and auditors act under their user name, so a verdict records who gave it;
    consumers and merchants act as the subject they are bound to, as their API tokens do."""
    if actor.role.needs_subject:
        return actor
    return Actor(actor.role, name)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
