"""Every console route answers with a page, whatever happens: a refusal of a use case, a bad
address, a missing sign-in or a fault of ours becomes a page in the reader's language with the
status it deserves, never a traceback nor a JSON problem."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute

from aftersales.api.problems import STATUS
from aftersales.console.i18n import Translator
from aftersales.console.render import page
from aftersales.console.viewer import CsrfRefused, SignInRequired, Viewer, language_only
from aftersales.errors import RAISED_AS, AftersalesError, ErrorCode
from aftersales.scoring.texts import Text

__all__ = ["ConsoleRoute", "error_page", "explained", "refusal", "status_of", "words_for"]

log = logging.getLogger("aftersales.console")

Handler = Callable[[Request], Coroutine[Any, Any, Response]]

# The friendly words for each kind of refusal: (title, detail) keys of texts.TEXTS; the
# service's own detail (in English) is shown below them for whoever needs to know more.
_WORDS: dict[ErrorCode, tuple[str, str | None]] = {
    ErrorCode.NOT_FOUND: ("error.not_found", "error.not_found.detail"),
    ErrorCode.PERMISSION_DENIED: ("error.forbidden", "error.forbidden.detail"),
    ErrorCode.INVALID_TRANSITION: ("error.conflict", "error.conflict.detail"),
    ErrorCode.CASE_ALREADY_OPEN: ("error.conflict", "error.case_open"),
    ErrorCode.OUTSIDE_AFTER_SALES_WINDOW: ("error.invalid", "error.window"),
    ErrorCode.CONCURRENT_UPDATE: ("error.conflict", "error.concurrent"),
    ErrorCode.EVIDENCE_TOO_LARGE: ("error.too_large", None),
    ErrorCode.EVIDENCE_TYPE_NOT_ALLOWED: ("error.invalid", "error.file_type"),
    ErrorCode.PROGRAMME_NOT_ELIGIBLE: ("error.not_eligible", None),
    ErrorCode.REVISION_MISMATCH: ("error.conflict", "error.stale"),
}
# Refusals the console words better than the service, because the page does what the API
# client is told to do (a stale form is shown again at the current revision).
_CONSOLE_WORDS_FIRST = {ErrorCode.REVISION_MISMATCH}


class ConsoleRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def answered(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                target = quote(request.url.path, safe="/")
                return RedirectResponse(f"/console/signin?next={target}", status_code=303)
            except CsrfRefused:
                return error_page(request, 403, "error.csrf", "error.csrf.detail")
            except AftersalesError as exc:
                return refusal(request, exc)
            except RequestValidationError:
                # Only addresses and query strings are validated by FastAPI here (forms are
                # read by the pages): a malformed one names nothing that exists.
                return error_page(request, 404, "error.not_found", "error.not_found.detail")
            except Exception:
                log.exception("console page %s %s failed", request.method, request.url.path)
                return error_page(request, 500, "error.internal", "error.internal.detail")

        return answered


def words_for(exc: AftersalesError) -> tuple[str, str | None]:
    """The keys of the title and the explanation of a refusal; a specific code (decision 0039)
    without words of its own takes those of the kind of refusal it is raised as."""
    kind = RAISED_AS.get(exc.code)
    general = _WORDS.get(kind.code, ("error.invalid", None)) if kind else ("error.invalid", None)
    return _WORDS.get(exc.code, general)


def explained(tr: Translator, exc: AftersalesError) -> dict[str, str]:
    """A refusal in the words a page shows: a title, then the service's own reason in the
    reader's language when the error carries one in both (``text``), else the console's
    explanation of that kind of refusal and the service's English detail below it."""
    title, detail = words_for(exc)
    text = exc.extra.get("text")
    if isinstance(text, Text) and exc.code not in _CONSOLE_WORDS_FIRST:
        said = text.zh if tr.lang == "zh" else text.en
        return {"title": tr.t(title), "detail": said, "extra": ""}
    return {"title": tr.t(title), "detail": tr.t(detail) if detail else "", "extra": exc.detail}


def status_of(exc: AftersalesError) -> int:
    """The status the API gives the same refusal."""
    return STATUS.get(exc.code, 400)


def refusal(request: Request, exc: AftersalesError) -> Response:
    """The page for a use case's refusal, with the status the API would give it."""
    status = status_of(exc)
    if status == 404:  # nothing about what does not exist, not even the service's words
        return error_page(request, 404, *words_for(exc))
    viewer = language_only(request)
    return page(request, viewer, "error.html", status=status, failure=explained(viewer.tr, exc))


def error_page(
    request: Request, status: int, title: str, detail: str | None, *, extra: str = ""
) -> Response:
    viewer: Viewer = language_only(request)
    tr = viewer.tr
    error = {"title": tr.t(title), "detail": tr.t(detail) if detail else "", "extra": extra}
    return page(request, viewer, "error.html", status=status, failure=error)
