"""Pydantic's common refusals have a Chinese wording that fits the context pydantic gives them,
and the 422 handler answers in the language the request prefers, English as it always was."""

# ruff: noqa: RUF001

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID

import pytest
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from starlette.requests import Request

from aftersales.api.problems import install_problem_handlers
from aftersales.api.validation_texts import ERROR_TYPES, in_chinese

CJK = re.compile(r"[\u4e00-\u9fff]")


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=2, max_length=4)] = "ok"
    above: Annotated[int, Field(gt=0)] = 1
    at_least: Annotated[int, Field(ge=1)] = 1
    below: Annotated[int, Field(lt=10)] = 1
    at_most: Annotated[int, Field(le=10)] = 1
    count: int = 1
    share: float = 0.5
    flag: bool = False
    colour: Colour = Colour.RED
    slot: Literal["search", "feed", "mini_detail"] = "feed"
    ref: UUID | None = None
    at: datetime | None = None
    note: str = ""
    needed: str

    @field_validator("note")
    @classmethod
    def _no_nul(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("text cannot contain the NUL character (U+0000)")
        return value


# error type -> (field, bad value), each the pydantic error ``Body`` raises for it.
BAD: dict[str, tuple[str, Any]] = {
    "string_too_short": ("name", "a"),
    "string_too_long": ("name", "abcdef"),
    "greater_than": ("above", 0),
    "greater_than_equal": ("at_least", 0),
    "less_than": ("below", 10),
    "less_than_equal": ("at_most", 11),
    "int_parsing": ("count", "many"),
    "int_type": ("count", []),
    "float_parsing": ("share", "half"),
    "bool_parsing": ("flag", "maybe"),
    "enum": ("colour", "green"),
    "literal_error": ("slot", "banner"),
    "extra_forbidden": ("page", 2),
    "string_type": ("note", 7),
    "uuid_parsing": ("ref", "not-a-uuid"),
    "datetime_from_date_parsing": ("at", "2026-13-01"),
    "value_error": ("note", "a\x00b"),
}


def error_of(validate: Callable[[], object]) -> dict[str, Any]:
    with pytest.raises(ValidationError) as caught:
        validate()
    [error] = caught.value.errors(include_url=False)
    return dict(error)


def real_errors() -> dict[str, dict[str, Any]]:
    """Each common error type as pydantic raises it (``datetime_parsing`` as it words it: our
    bodies parse datetimes leniently, which raises ``datetime_from_date_parsing`` instead)."""
    found = {
        kind: error_of(lambda f=field, v=value: Body.model_validate({"needed": "x", f: v}))
        for kind, (field, value) in BAD.items()
    }
    found["missing"] = error_of(lambda: Body.model_validate({}))
    found["json_invalid"] = error_of(lambda: Body.model_validate_json('{"needed": "x"'))
    found["datetime_parsing"] = {
        "type": "datetime_parsing",
        "loc": ("at",),
        "msg": "Input should be a valid datetime, input is too short",
        "ctx": {"error": "input is too short"},
    }
    return found


def test_every_common_error_type_is_worded_in_chinese_with_pydantics_own_context() -> None:
    errors = real_errors()
    assert {e["type"] for e in errors.values()} == set(errors)  # each case raises its type

    worded = {kind: in_chinese(error) for kind, error in errors.items()}

    assert set(errors) <= set(ERROR_TYPES)
    assert [k for k, text in worded.items() if not (text and CJK.search(text))] == []
    assert worded["string_too_short"] == "至少应有 2 个字符"
    assert worded["less_than_equal"] == "应小于或等于 10"
    assert worded["literal_error"] == "应为以下之一：'search'、'feed'、'mini_detail'"
    assert worded["enum"] == "应为以下之一：'red'、'blue'"
    assert worded["value_error"] == "取值无效：文本不能包含 NUL 字符（U+0000）"
    assert worded["datetime_from_date_parsing"] == "应为日期时间或日期：月份应在 1 到 12 之间"


def test_a_type_without_a_wording_or_with_an_unexpected_context_has_no_chinese() -> None:
    assert in_chinese({"type": "union_tag_invalid", "msg": "Input tag 'x' …"}) is None
    assert in_chinese({"type": "greater_than", "msg": "Input should be greater than 1"}) is None


def request(accept_language: str | None) -> Request:
    headers = [] if accept_language is None else [(b"accept-language", accept_language.encode())]
    return Request({"type": "http", "method": "GET", "path": "/x", "headers": headers})


def answer(exc: RequestValidationError, accept_language: str | None) -> dict[str, Any]:
    app = FastAPI()
    install_problem_handlers(app)
    handler = app.exception_handlers[RequestValidationError]
    response = handler(request(accept_language), exc)
    body: dict[str, Any] = json.loads(bytes(response.body))  # type: ignore[union-attr]
    return body


UNWORDED = {"type": "url_parsing", "loc": ("body", "site"), "msg": "Input should be a valid URL"}
SHORT = {
    "type": "string_too_short",
    "loc": ("body", "hazard"),
    "msg": "String should have at least 1 character",
    "ctx": {"min_length": 1},
}


def test_a_request_that_prefers_chinese_reads_each_error_in_chinese_and_keeps_the_english() -> None:
    exc = RequestValidationError([SHORT, UNWORDED])

    chinese = answer(exc, "zh-CN,zh;q=0.9,en;q=0.5")
    english = answer(exc, "en-GB")
    plain = answer(exc, None)

    assert english == plain and "details" not in english  # English answers are as they were
    assert english["errors"] == [
        {"loc": ["body", "hazard"], "msg": SHORT["msg"], "type": "string_too_short"},
        {"loc": ["body", "site"], "msg": UNWORDED["msg"], "type": "url_parsing"},
    ]
    assert (
        chinese["detail"]
        == "body.hazard: 至少应有 1 个字符；body.site: Input should be a valid URL"
    )
    assert chinese["details"] == {"en": english["detail"], "zh": chinese["detail"]}
    assert chinese["errors"] == [
        {
            "loc": ["body", "hazard"],
            "msg": "至少应有 1 个字符",
            "type": "string_too_short",
            "details": {"en": SHORT["msg"], "zh": "至少应有 1 个字符"},
        },
        {
            "loc": ["body", "site"],
            "msg": UNWORDED["msg"],  # no wording: English
            "type": "url_parsing",
            "details": {"en": UNWORDED["msg"], "zh": UNWORDED["msg"]},
        },
    ]
    assert (chinese["status"], chinese["code"], chinese["title"]) == (
        422,
        "validation_failed",
        "Invalid input",
    )
