"""A route that FastAPI documents like any other but serves as a plain Starlette endpoint.

For ``POST /exposure/rank``, on the marketplace's serving path, FastAPI's per-request machinery
(solving the dependencies, reading the declared parameters, the exit stacks around them) cost
about 0.3 ms a request, as much as re-ranking 1,000 candidates. A ``PlainRoute`` keeps what
the declaration gives the OpenAPI document (path, summary, body and answer schemas, tags) but
calls its endpoint with the bare ``Request``; the endpoint must return a ``Response`` and make
its own checks (``deps.request_actor`` is the bearer and role check of ``role(...)``). Errors
it raises still become problem+json through the app's handlers.

``POST /cases`` is one too: FastAPI's machinery cost 0.35 ms of the 2.4 ms an opening takes in
process. Its endpoint checks the body (``parse_body``) after the token, so a caller without a
token hears 401 before anything about the body, as with dependencies; ``body_doc`` documents
that body.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar, cast

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response

__all__ = ["BEARER", "PlainRoute", "body_doc", "json_body", "parse_body"]

M = TypeVar("M", bound=BaseModel)

# What a bearer dependency adds to an operation's OpenAPI entry; a plain route states it itself.
BEARER: dict[str, Any] = {"security": [{"HTTPBearer": []}]}


class PlainRoute(APIRoute):
    """An API route whose endpoint takes the ``Request`` and returns a ``Response``, no more."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        return cast("Callable[[Request], Coroutine[Any, Any, Response]]", self.endpoint)


async def json_body(request: Request, model: type[M]) -> M:
    """The JSON body validated by ``model``; refused as FastAPI refuses a declared body (the
    same error locations, so the same problem+json answers)."""
    return parse_body(await request.body(), model)


def parse_body(raw: bytes, model: type[M]) -> M:
    """``json_body`` for a body already read."""
    if not raw:
        missing = {"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}
        raise RequestValidationError([missing])
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in errors]) from None


def body_doc(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI ``requestBody`` of a plain route that reads ``model`` (its schema inline)."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})
    content = {"application/json": {"schema": _inline(schema, definitions)}}
    return {"requestBody": {"required": True, "content": content}}


def _inline(node: Any, definitions: dict[str, Any]) -> Any:
    """The schema with every local ``$ref`` replaced by its definition (our bodies nest no
    model in itself)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(definitions[ref.removeprefix("#/$defs/")], definitions)
        return {k: _inline(v, definitions) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, definitions) for v in node]
    return node
