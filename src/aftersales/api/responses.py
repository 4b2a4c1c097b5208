"""JSON responses rendered straight from a response model."""

from __future__ import annotations

from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

__all__ = ["model_response"]


def model_response(body: Any, status_code: int = 200) -> Response:
    """The body as JSON, byte for byte what FastAPI sends for a ``response_model``.

    A route that returns a model lets FastAPI validate it against the response model once more
    (for a plain ``def`` route, in another trip through the thread pool) and then encode it in
    two passes; the models built by our presenters are valid by construction, so they are
    dumped once, by pydantic. The route keeps ``response_model=`` for its OpenAPI schema."""
    if isinstance(body, BaseModel):
        return Response(body.model_dump_json(), status_code, media_type="application/json")
    return JSONResponse(jsonable_encoder(body), status_code=status_code)
