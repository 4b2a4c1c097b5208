"""Console users and their sessions: password hashes, sign-in failures, session tokens by hash."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from aftersales.domain.actors import Actor, Role
from aftersales.errors import Text, ValidationFailed
from aftersales.store.tables import console_sessions, console_users

__all__ = ["SessionRecord", "UserRecord", "UserRepository"]

u, s = console_users.c, console_sessions.c

# Every console page reads its session: built once.
_SESSION = (
    select(u.id, u.name, u.role, u.subject, s.csrf_token, s.expires_at)
    .select_from(console_sessions.join(console_users, s.user_id == u.id))
    .where(
        s.token_hash == bindparam("token_hash"),
        s.ended_at.is_(None),
        s.expires_at > bindparam("now"),
        u.disabled_at.is_(None),
    )
)


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: str
    name: str
    password_hash: str
    actor: Actor
    created_at: datetime
    failed_attempts: int
    locked_until: datetime | None
    disabled_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A live session: whose it is, the actor it acts as, and its CSRF token."""

    user_id: str
    name: str
    actor: Actor
    csrf_token: str
    expires_at: datetime


class UserRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    # ---- users ---------------------------------------------------------------------------

    def add(self, user: UserRecord) -> None:
        row = {
            "id": user.id,
            "name": user.name,
            "password_hash": user.password_hash,
            "role": user.actor.role.value,
            "subject": user.actor.subject,
            "created_at": user.created_at,
            "failed_attempts": 0,
            "locked_until": None,
            "disabled_at": None,
        }
        try:
            self._conn.execute(insert(console_users), row)
        except IntegrityError as exc:
            text = Text(
                f"a console user named {user.name} already exists",
                f"控制台用户 {user.name} 已存在",
            )
            raise ValidationFailed(text) from exc

    def by_name(self, name: str) -> UserRecord | None:
        row = self._conn.execute(select(console_users).where(u.name == name)).first()
        return None if row is None else _user(row)

    def all(self) -> list[UserRecord]:
        rows = self._conn.execute(select(console_users).order_by(u.role, u.name))
        return [_user(r) for r in rows]

    def record_failure(self, user_id: str, *, limit: int, lock_until: datetime) -> None:
        """Count a failed sign-in; the ``limit``-th in a row locks sign-in until ``lock_until``.

        One UPDATE each, so failures racing on two servers are all counted."""
        self._conn.execute(
            update(console_users)
            .where(u.id == user_id)
            .values(failed_attempts=u.failed_attempts + 1)
        )
        self._conn.execute(
            update(console_users)
            .where(u.id == user_id, u.failed_attempts >= limit)
            .values(failed_attempts=0, locked_until=lock_until)
        )

    def record_success(self, user_id: str, password_hash: str | None) -> None:
        """Clear the failures; store a re-hashed password when the parameters have grown."""
        values: dict[str, object] = {"failed_attempts": 0, "locked_until": None}
        if password_hash is not None:
            values["password_hash"] = password_hash
        self._update(user_id, **values)

    def set_password(self, user_id: str, password_hash: str) -> None:
        """A new password, and with it a clean slate: no failures counted, no pause."""
        self._update(user_id, password_hash=password_hash, failed_attempts=0, locked_until=None)

    def unpause(self, user_id: str) -> None:
        self._update(user_id, failed_attempts=0, locked_until=None)

    def set_disabled(self, user_id: str, since: datetime | None) -> None:
        """Disable the user from ``since``, or enable them again with None."""
        self._update(user_id, disabled_at=since)

    def _update(self, user_id: str, **values: object) -> None:
        self._conn.execute(update(console_users).where(u.id == user_id).values(**values))

    # ---- sessions ------------------------------------------------------------------------

    def start_session(
        self, token_hash: str, user_id: str, csrf_token: str, now: datetime, expires: datetime
    ) -> None:
        self._conn.execute(
            insert(console_sessions).values(
                token_hash=token_hash,
                user_id=user_id,
                csrf_token=csrf_token,
                created_at=now,
                expires_at=expires,
            )
        )

    def session(self, token_hash: str, now: datetime) -> SessionRecord | None:
        row = self._conn.execute(_SESSION, {"token_hash": token_hash, "now": now}).first()
        if row is None:
            return None
        actor = Actor(Role(row.role), row.subject)
        return SessionRecord(row.id, row.name, actor, row.csrf_token, row.expires_at)

    def end_session(self, token_hash: str, now: datetime) -> None:
        self._conn.execute(
            update(console_sessions)
            .where(s.token_hash == token_hash, s.ended_at.is_(None))
            .values(ended_at=now)
        )

    def end_sessions(self, user_id: str, now: datetime) -> int:
        """End every live session of the user (signed out everywhere); how many there were."""
        result = self._conn.execute(
            update(console_sessions)
            .where(s.user_id == user_id, s.ended_at.is_(None), s.expires_at > now)
            .values(ended_at=now)
        )
        return result.rowcount

    def forget_old_sessions(self, user_id: str, now: datetime) -> None:
        """Delete the user's ended and expired sessions (kept short as they sign in again)."""
        self._conn.execute(
            delete(console_sessions).where(
                s.user_id == user_id, or_(s.ended_at.is_not(None), s.expires_at <= now)
            )
        )


def _user(r: Row[Any]) -> UserRecord:
    actor = Actor(Role(r.role), r.subject)
    return UserRecord(
        r.id,
        r.name,
        r.password_hash,
        actor,
        r.created_at,
        r.failed_attempts,
        r.locked_until,
        r.disabled_at,
    )
