"""Who is looking at a page, in which language; the cookies that remember both.

Cookies are HttpOnly and SameSite=Lax, limited to /console, and Secure whenever the request
came over HTTPS or the platform runs in production (docs/decisions/0017). The session cookie
holds a random token; the database knows only its hash.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from aftersales.console.i18n import Translator, negotiate
from aftersales.domain.actors import Actor, Role
from aftersales.errors import PermissionDenied, Text
from aftersales.services.context import Context
from aftersales.services.evidence import too_large
from aftersales.services.sessions import find_session
from aftersales.store.users import SessionRecord

__all__ = [
    "LANG_COOKIE",
    "SESSION_COOKIE",
    "CsrfRefused",
    "SignInRequired",
    "Viewer",
    "ViewerDep",
    "checked_form",
    "roles",
    "set_cookie",
]

SESSION_COOKIE = "aftersales_session"
LANG_COOKIE = "aftersales_lang"
PATH = "/console"
_FIELDS_BYTES = 1024 * 1024  # room for a form's text fields beside its files


class SignInRequired(Exception):
    """No live session: the page answers with the sign-in form."""


class CsrfRefused(Exception):
    """A form without the token of the session (or of the sign-in page) that showed it."""


@dataclass(frozen=True, slots=True)
class Viewer:
    session: SessionRecord | None
    tr: Translator

    @property
    def actor(self) -> Actor:
        if self.session is None:
            raise SignInRequired
        return self.session.actor

    @property
    def role(self) -> Role | None:
        return None if self.session is None else self.session.actor.role


def context_of(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def viewer_of(request: Request) -> Viewer:
    """The viewer, looked up once per request (error pages reuse it)."""
    known: Viewer | None = getattr(request.state, "viewer", None)
    if known is not None:
        return known
    token = request.cookies.get(SESSION_COOKIE)
    session = find_session(context_of(request), token) if token else None
    lang = negotiate(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))
    viewer = Viewer(session, Translator(lang))
    request.state.viewer = viewer
    return viewer


def language_only(request: Request) -> Viewer:
    """The viewer without a database lookup: for pages shown when something failed early."""
    known: Viewer | None = getattr(request.state, "viewer", None)
    if known is not None:
        return known
    lang = negotiate(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))
    return Viewer(None, Translator(lang))


# A plain ``def``: the session lookup reads the database, so FastAPI runs it in the thread pool.
def _signed_in(request: Request) -> Viewer:
    viewer = viewer_of(request)
    if viewer.session is None:
        raise SignInRequired
    return viewer


ViewerDep = Annotated[Viewer, Depends(_signed_in)]


def roles(*allowed: Role) -> object:
    """A dependency that admits only these roles; others get the 'not for your role' page."""

    def check(viewer: ViewerDep) -> Viewer:
        if viewer.role not in allowed:
            raise PermissionDenied(Text("this page is for another role", "该页面供其他角色使用"))
        return viewer

    return Depends(check)


async def checked_form(request: Request, expected: str, *, max_files: int = 0) -> FormData:
    """The submitted form, if it carries the expected CSRF token.

    A body larger than its files may be is refused from its declared length, before it is
    read (and spooled to disk)."""
    limit = context_of(request).evidence_max_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit * max_files + _FIELDS_BYTES:
        raise too_large(limit)
    form = await request.form(max_files=max_files, max_fields=50)
    sent = form.get("csrf")
    if not isinstance(sent, str) or not expected or not hmac.compare_digest(sent, expected):
        raise CsrfRefused
    return form


def set_cookie(
    request: Request, response: Response, name: str, value: str, *, max_age: int | None
) -> None:
    """Set a console cookie with the attributes every one of them has."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=PATH,
        secure=_secure(request),
        httponly=True,
        samesite="lax",
    )


def _secure(request: Request) -> bool:
    ctx = context_of(request)
    return request.url.scheme == "https" or ctx.sign_in.always_secure
