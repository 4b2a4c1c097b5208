"""The OpenAPI document is never looser than the checks behind it.

A client generated from the document (or a fuzzer such as Schemathesis) must not be able to
build a request the document calls valid and the API refuses for its shape. Refusals that depend
on the data (an unknown product, a cursor from elsewhere) cannot be written into a schema; these
are the shapes that can.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aftersales.errors import ValidationFailed
from aftersales.scoring.calendar import Period
from aftersales.triage import ISSUE_TYPES


@pytest.fixture
def document(client: TestClient) -> dict[str, Any]:
    answer = client.get("/openapi.json")
    assert answer.status_code == 200
    return dict(answer.json())


def _parameter(document: dict[str, Any], path: str, method: str, name: str) -> dict[str, Any]:
    operation = document["paths"][path][method]
    return next(p for p in operation["parameters"] if p["name"] == name)


def _pattern(schema: dict[str, Any]) -> str:
    if "pattern" in schema:
        return str(schema["pattern"])
    return next(str(s["pattern"]) for s in schema["anyOf"] if "pattern" in s)


def _parses(text: str) -> bool:
    try:
        Period.parse(text)
    except ValidationFailed:
        return False
    return True


PERIODS = ["2026-11", "2000-01", "2999-12", "1999-12", "1000-01", "2026-00", "2026-13", "0000-00"]


@pytest.mark.parametrize(
    ("path", "method"),
    [("/api/v1/scorecards", "get"), ("/api/v1/merchants/{merchant_id}/scorecard", "get")],
)
def test_a_period_the_document_allows_is_one_the_cycle_calendar_reads(
    document: dict[str, Any], path: str, method: str
) -> None:
    pattern = _pattern(_parameter(document, path, method, "period")["schema"])

    documented = {p: re.fullmatch(pattern, p) is not None for p in PERIODS}

    assert documented == {p: _parses(p) for p in PERIODS}


@pytest.mark.parametrize("body", ["AgentPatch", "AssignCreate"])
def test_a_body_that_needs_one_of_its_fields_says_so_and_offers_no_null(
    document: dict[str, Any], body: str
) -> None:
    schema = document["components"]["schemas"][body]

    assert schema["minProperties"] == 1 and schema["additionalProperties"] is False
    assert all("anyOf" not in p and p.get("type") != "null" for p in schema["properties"].values())


def test_a_knowledge_entry_is_documented_without_the_issue_type_it_may_not_answer(
    document: dict[str, Any],
) -> None:
    schemas = document["components"]["schemas"]

    for body in ("KnowledgePut", "KnowledgeCreate"):
        items = schemas[body]["properties"]["issue_types"]["items"]
        assert set(items["enum"]) == set(ISSUE_TYPES) - {"other"}


def test_if_match_is_documented_as_a_revision(document: dict[str, Any]) -> None:
    for method in ("put", "delete"):
        header = _parameter(document, "/api/v1/knowledge/{entry_id}", method, "If-Match")
        pattern = _pattern(header["schema"])

        assert all(re.fullmatch(pattern, v) for v in ('"3"', "3", "*", ' "12" '))
        assert not any(re.fullmatch(pattern, v) for v in ("null", "W/3", "3.0", '"x"', ""))
