"""RFC 9457 problem+json for every error: domain errors, bad requests, and the unexpected."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from aftersales.api.validation_texts import SEPARATOR, in_chinese, not_json
from aftersales.errors import RAISED_AS, TITLES, AftersalesError, ErrorCode
from aftersales.languages import preferred
from aftersales.scoring.texts import Text

__all__ = ["RefuseNul", "install_problem_handlers", "problem"]

log = logging.getLogger("aftersales.api")

STATUS: dict[ErrorCode, int] = {
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.AUTHENTICATION_FAILED: 401,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.VALIDATION_FAILED: 422,
    ErrorCode.MALFORMED_REQUEST: 400,
    ErrorCode.INVALID_TRANSITION: 409,
    ErrorCode.CASE_ALREADY_OPEN: 409,
    ErrorCode.OUTSIDE_AFTER_SALES_WINDOW: 422,
    ErrorCode.ORDER_CONFLICT: 409,
    ErrorCode.UNKNOWN_REFERENCE: 422,
    ErrorCode.CONCURRENT_UPDATE: 409,
    ErrorCode.IDEMPOTENCY_KEY_REUSED: 422,
    ErrorCode.IDEMPOTENCY_KEY_IN_USE: 409,
    ErrorCode.EVIDENCE_TOO_LARGE: 413,
    ErrorCode.EVIDENCE_TYPE_NOT_ALLOWED: 415,
    ErrorCode.LEDGER_PROOF_INVALID: 422,
    ErrorCode.LEDGER_SIGNATURE_INVALID: 422,
    ErrorCode.LEDGER_RANGE: 422,
    # The stored log disagrees with itself or with the key: a state the caller cannot fix, but
    # the status must stay a 4xx (see test_error_codes), and 409 is "conflicts with the state".
    ErrorCode.LEDGER_INCONSISTENT: 409,
    ErrorCode.LEDGER_NO_KEY: 409,
    ErrorCode.LEDGER_KEY_EXISTS: 409,
    ErrorCode.POLICY_PACK_INVALID: 422,
    # A stop-sale hold: the order is well formed but the product's state refuses it for now.
    ErrorCode.PRODUCT_ON_HOLD: 409,
    ErrorCode.RECALL_OVERLAPS: 409,
    ErrorCode.REMEDY_NOT_OFFERED: 422,
    # The tier in force refuses the enrolment for now; the request itself is well formed.
    ErrorCode.PROGRAMME_NOT_ELIGIBLE: 409,
    ErrorCode.RANK_REQUEST_TOO_LARGE: 413,
    # The agent named is offline or full right now; the request itself is well formed.
    ErrorCode.AGENT_UNAVAILABLE: 409,
    ErrorCode.ALREADY_EXISTS: 409,
    # A change of a revisioned object (a knowledge entry) names the revision it was made from
    # in If-Match: without one 428, on a revision that moved on meanwhile 412 (RFC 9110).
    ErrorCode.PRECONDITION_REQUIRED: 428,
    ErrorCode.REVISION_MISMATCH: 412,
}
STATUS |= {code: STATUS[kind.code] for code, kind in RAISED_AS.items()}  # decision 0039

MEDIA_TYPE = "application/problem+json"


def problem(status: int, code: str, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": f"urn:aftersales:problem:{code}", "title": title, "status": status}
    body |= {"detail": detail, "code": code, **extra}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AftersalesError, _domain_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)


def _domain_error(request: Request, exc: AftersalesError) -> JSONResponse:
    extra: dict[str, Any] = {k: v for k, v in exc.extra.items() if isinstance(v, str | int | list)}
    status = STATUS.get(exc.code, 400)
    detail = exc.detail
    said = exc.extra.get("text")  # the refusal in both languages, where the domain has it
    if isinstance(said, Text):
        extra["details"] = {"en": said.en, "zh": said.zh}
        if preferred(request.headers.get("accept-language"), "en") == "zh":
            detail = said.zh
    return problem(status, exc.code.value, exc.title, detail, instance=request.url.path, **extra)


def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """A 422 naming each bad field; in Chinese when the request prefers it, the English kept
    under ``details`` as the bilingual refusals keep it (English answers are as they were)."""
    found = exc.errors()
    errors = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in found
    ]
    path = request.url.path
    chinese = preferred(request.headers.get("accept-language"), "en") == "zh"
    if any(e["type"] == "json_invalid" for e in errors):
        return _malformed(path, not_json(), chinese)
    detail, extra = _joined(errors), {}
    if chinese:
        for error, raw in zip(errors, found, strict=True):
            english = error["msg"]
            error["msg"] = in_chinese(raw) or english  # a type without a wording stays English
            error["details"] = {"en": english, "zh": error["msg"]}
        extra["details"] = {"en": detail, "zh": _joined(errors, SEPARATOR)}
        detail = extra["details"]["zh"]
    return problem(
        422,
        ErrorCode.VALIDATION_FAILED,
        "Invalid input",
        detail,
        instance=path,
        errors=errors,
        **extra,
    )


def _joined(errors: list[dict[str, Any]], separator: str = "; ") -> str:
    return separator.join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)


def _malformed(path: str, detail: str | Text, chinese: bool = False) -> JSONResponse:
    """A 400 ``malformed_request``; a bilingual detail answers in Chinese when asked."""
    title, extra = TITLES[ErrorCode.MALFORMED_REQUEST], {}
    if isinstance(detail, Text):
        if chinese:
            extra["details"] = {"en": detail.en, "zh": detail.zh}
        detail = detail.zh if chinese else detail.en
    return problem(400, ErrorCode.MALFORMED_REQUEST, title, detail, instance=path, **extra)


def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    path = request.url.path
    if exc.status_code == 400:  # the framework could not read the body (bad UTF-8, too deep)
        return _malformed(path, f"the body could not be read: {exc.detail}")
    code = "not_found" if exc.status_code == 404 else f"http_{exc.status_code}"
    return problem(exc.status_code, code, str(exc.detail), str(exc.detail), instance=path)


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem(500, "internal_error", "Internal error", "something went wrong on our side")


class RefuseNul:
    """Refuses a query string holding the NUL character (``%00``) before any route reads it.

    PostgreSQL cannot compare or store text with U+0000 and SQLite can, so a parameter with one
    was a 500 on one database and a result on the other; now it is the same 400 on both (the
    bodies' models refuse it too, ``schemas.Strict``). A plain ASGI wrapper: one byte search per
    request, nothing on the path of a request without a query."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and b"%00" in scope.get("query_string", b""):
            detail = "a query parameter cannot contain the NUL character (U+0000)"
            response = problem(422, ErrorCode.VALIDATION_FAILED, "Invalid input", detail)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
