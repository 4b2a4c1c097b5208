"""Signing in and out, the language switch, the style sheet and script, and the way in."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from aftersales.console.nav import home_of
from aftersales.console.render import page, static_file
from aftersales.console.routing import ConsoleRoute
from aftersales.console.viewer import (
    LANG_COOKIE,
    SESSION_COOKIE,
    Viewer,
    checked_form,
    context_of,
    set_cookie,
    viewer_of,
)
from aftersales.domain.actors import Role
from aftersales.errors import AuthenticationFailed
from aftersales.services.sessions import end_session, sign_in

__all__ = ["router"]

router = APIRouter(route_class=ConsoleRoute)

# The sign-in form is sent before there is a session: its CSRF token is a random value in a
# cookie that the form repeats (a "double submit"); another site can set neither.
SIGNIN_COOKIE = "aftersales_signin"
_TYPES = {
    "console.css": "text/css; charset=utf-8",
    "console.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}


@router.get("/signin")
def signin_form(request: Request, next: Annotated[str, Query(max_length=500)] = "") -> Response:
    viewer = viewer_of(request)
    if viewer.role is not None:
        return RedirectResponse(_safe_next(next, viewer.role), status_code=303)
    return _signin_page(request, viewer, next_path=next)


@router.post("/signin")
async def signin(request: Request) -> Response:
    viewer = viewer_of(request)
    form = await checked_form(request, request.cookies.get(SIGNIN_COOKIE, ""))
    name, password = str(form.get("name", ""))[:64], str(form.get("password", ""))[:256]
    next_path = str(form.get("next", ""))[:500]
    ctx = context_of(request)
    try:
        signed = await run_in_threadpool(sign_in, ctx, name, password)
    except AuthenticationFailed:
        refused = viewer.tr.t(
            "signin.refused",
            limit=ctx.sign_in.max_failures,
            minutes=int(ctx.sign_in.lockout.total_seconds() // 60),
        )
        return _signin_page(
            request, viewer, next_path=next_path, name=name, refused=refused, status=401
        )
    role = signed.session.actor.role
    response = RedirectResponse(_safe_next(next_path, role), status_code=303)
    age = int(ctx.sign_in.session.total_seconds())
    set_cookie(request, response, SESSION_COOKIE, signed.token, max_age=age)
    response.delete_cookie(SIGNIN_COOKIE, path="/console")
    return response


@router.post("/signout")
async def signout(request: Request) -> Response:
    viewer = viewer_of(request)
    if viewer.session is None:
        return RedirectResponse("/console/signin", status_code=303)
    await checked_form(request, viewer.session.csrf_token)
    token = request.cookies.get(SESSION_COOKIE, "")
    await run_in_threadpool(end_session, context_of(request), token)
    response = RedirectResponse("/console/signin?done=signed_out", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/console")
    return response


@router.get("/lang/{lang}")
def switch_language(
    request: Request,
    lang: Annotated[str, Path(pattern="^(zh|en)$")],
    next: Annotated[str, Query(max_length=500)] = "",
) -> Response:
    """Show the console in this language from now on (a cookie, kept for a year)."""
    target = next if _is_console_path(next) else "/console"
    response = RedirectResponse(target, status_code=303)
    set_cookie(request, response, LANG_COOKIE, lang, max_age=365 * 86400)
    return response


@router.get("/static/{name}")
def static(name: Annotated[str, Path(pattern=r"^(console\.(css|js)|favicon\.svg)$")]) -> Response:
    data, digest = static_file(name)
    headers = {"ETag": f'"{digest}"', "Cache-Control": "public, max-age=31536000, immutable"}
    return Response(data, media_type=_TYPES[name], headers=headers)


def _signin_page(
    request: Request,
    viewer: Viewer,
    *,
    next_path: str,
    name: str = "",
    refused: str = "",
    status: int = 200,
) -> Response:
    token = request.cookies.get(SIGNIN_COOKIE) or secrets.token_urlsafe(24)
    response = page(
        request,
        viewer,
        "signin.html",
        status=status,
        signin_csrf=token,
        next_path=next_path if _is_console_path(next_path) else "",
        name=name,
        refused=refused,
    )
    set_cookie(request, response, SIGNIN_COOKIE, token, max_age=3600)
    return response


def _safe_next(next_path: str, role: Role | None) -> str:
    """Back to the page that asked for a sign-in, if it is one of ours; else the home page."""
    if _is_console_path(next_path) and not next_path.startswith("/console/signin"):
        return next_path
    return home_of(role) if role is not None else "/console"


def _is_console_path(path: str) -> bool:
    # Only our own pages: no scheme, no other host ("//evil"), no backslash tricks.
    return path.startswith("/console") and "//" not in path and "\\" not in path
