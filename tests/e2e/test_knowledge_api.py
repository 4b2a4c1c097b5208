"""The knowledge base of first replies edited through the API, on SQLite and PostgreSQL: the
next case's reply follows every change, each change is a revision kept with who and when, and
a change made from a revision that moved on is refused."""

# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aftersales.services.context import Context
from tests.dispatch_support import PHONE_DEFECT, fresh_line, open_case
from tests.knowledge_support import SCREEN_STEP, screen_entry
from tests.support import Market, Storage, assert_problem

URL = "/api/v1/knowledge"


@pytest.fixture
def replying(ctx: Context) -> Iterator[Context]:
    ctx.auto_reply = True  # the shared fixture runs without (tests/conftest.py says why)
    yield ctx


def reply_of(client: TestClient, market: Market, ctx: Context, text: str = PHONE_DEFECT) -> Any:
    """Open a case on a fresh phone order; the data of its automatic reply."""
    case = open_case(client, market, fresh_line(ctx), text)
    events = client.get(f"/api/v1/cases/{case['id']}/events", headers=market.auth("c1")).json()
    return next(e["data"] for e in events if e["kind"] == "message_posted")


def put(
    client: TestClient, market: Market, entry_id: str, body: dict[str, Any], revision: str
) -> Any:
    headers = market.auth("operator") | {"If-Match": revision}
    return client.put(f"{URL}/{entry_id}", json=body, headers=headers)


def text_of(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k != "id"}


def test_a_new_entry_answers_the_next_case_and_an_edit_the_one_after(
    client: TestClient, market: Market, replying: Context
) -> None:
    before = reply_of(client, market, replying)
    created = client.post(URL, json=screen_entry(), headers=market.auth("operator"))
    first = reply_of(client, market, replying)
    edited_step = "拍一张纯白背景下的屏幕照片，坏点会更明显。"
    body = text_of(screen_entry()) | {"zh": {"lead": "请先拍照。", "steps": [edited_step]}}
    edit = put(client, market, "screen.acme_x1", body, created.headers["ETag"])
    second = reply_of(client, market, replying)

    assert created.status_code == 201, created.text
    assert created.headers["ETag"] == '"1"'
    assert created.json()["origin"] == "operator" and created.json()["revision"] == 1
    assert before["auto_reply"]["entry"] == "quality_defect.digital"
    assert first["auto_reply"] == {
        "entry": "screen.acme_x1",
        "language": "zh",
        "concrete_step": True,
        "revision": 1,
    }
    assert SCREEN_STEP in first["body"]
    assert edit.status_code == 200, edit.text
    assert edit.headers["ETag"] == '"2"'
    assert second["auto_reply"]["revision"] == 2
    assert edited_step in second["body"] and SCREEN_STEP not in second["body"]


def test_a_retired_entry_answers_no_more_and_keeps_its_text_and_history(
    client: TestClient, market: Market, replying: Context
) -> None:
    client.post(URL, json=screen_entry(), headers=market.auth("operator"))
    headers = market.auth("operator") | {"If-Match": '"1"'}
    retired = client.delete(f"{URL}/screen.acme_x1", headers=headers)
    after = reply_of(client, market, replying)
    shown = client.get(f"{URL}/screen.acme_x1", headers=market.auth("auditor")).json()
    listed = client.get(URL, headers=market.auth("operator")).json()["items"]
    with_retired = client.get(f"{URL}?include_retired=true", headers=market.auth("operator"))

    assert retired.status_code == 200, retired.text
    assert retired.json()["status"] == "retired"
    assert after["auto_reply"]["entry"] == "quality_defect.digital"  # the shipped one again
    assert shown["status"] == "retired" and SCREEN_STEP in shown["zh"]["steps"]
    assert [(h["revision"], h["action"], h["by"]) for h in shown["history"]] == [
        (1, "created", {"role": "operator", "id": None}),
        (2, "retired", {"role": "operator", "id": None}),
    ]
    assert "screen.acme_x1" not in {e["id"] for e in listed}
    assert "screen.acme_x1" in {e["id"] for e in with_retired.json()["items"]}


def test_a_retired_entry_comes_back_with_an_edit(
    client: TestClient, market: Market, replying: Context
) -> None:
    client.post(URL, json=screen_entry(), headers=market.auth("operator"))
    headers = market.auth("operator") | {"If-Match": '"1"'}
    client.delete(f"{URL}/screen.acme_x1", headers=headers)
    again = client.post(URL, json=screen_entry(), headers=market.auth("operator"))
    back = put(client, market, "screen.acme_x1", text_of(screen_entry()), '"2"')

    assert_problem(again, 409, "already_exists")
    assert back.status_code == 200, back.text
    assert (back.json()["status"], back.json()["revision"]) == ("active", 3)
    assert reply_of(client, market, replying)["auto_reply"]["entry"] == "screen.acme_x1"


def test_a_shipped_entry_is_edited_and_retired_with_its_shipped_text_as_revision_0(
    client: TestClient, market: Market, replying: Context
) -> None:
    shipped = client.get(f"{URL}/quality_defect.digital", headers=market.auth("operator"))
    body = text_of(shipped.json()) | {"zh": {"lead": "我们来处理。", "steps": ["先拍照留证。"]}}
    body = {k: body[k] for k in ("issue_types", "categories", "brands", "models", "keywords")} | {
        "zh": body["zh"],
        "en": body["en"],
    }
    edited = put(client, market, "quality_defect.digital", body, shipped.headers["ETag"])
    reply = reply_of(client, market, replying)
    retire = client.delete(
        f"{URL}/quality_defect.digital", headers=market.auth("operator") | {"If-Match": '"1"'}
    )
    fallback = reply_of(client, market, replying)
    history = client.get(f"{URL}/quality_defect.digital", headers=market.auth("operator"))

    assert shipped.headers["ETag"] == '"0"'
    assert (shipped.json()["origin"], shipped.json()["updated_by"]) == ("shipped", None)
    assert edited.status_code == 200, edited.text
    assert "先拍照留证。" in reply["body"] and reply["auto_reply"]["revision"] == 1
    assert retire.status_code == 200, retire.text
    assert fallback["auto_reply"]["entry"] == "quality_defect"  # the entry for any category
    assert [(h["revision"], h["action"]) for h in history.json()["history"]] == [
        (0, "shipped"),
        (1, "edited"),
        (2, "retired"),
    ]
    assert history.json()["history"][0]["zh"] == shipped.json()["zh"]


def test_the_same_text_again_writes_no_revision(
    client: TestClient, market: Market, ctx: Context
) -> None:
    client.post(URL, json=screen_entry(), headers=market.auth("operator"))
    same = put(client, market, "screen.acme_x1", text_of(screen_entry()), '"1"')

    assert same.status_code == 200 and same.headers["ETag"] == '"1"'


def test_a_change_from_an_old_revision_is_refused_and_writes_nothing(
    client: TestClient, market: Market, ctx: Context, storage: Storage
) -> None:
    client.post(URL, json=screen_entry(), headers=market.auth("operator"))
    changed = text_of(screen_entry(keywords=["坏点"]))
    first = put(client, market, "screen.acme_x1", changed, '"1"')
    stored = storage.snapshot()
    late = put(client, market, "screen.acme_x1", text_of(screen_entry()), '"1"')
    late_retire = client.delete(
        f"{URL}/screen.acme_x1", headers=market.auth("operator") | {"If-Match": '"1"'}
    )
    blind = client.put(
        f"{URL}/screen.acme_x1", json=text_of(screen_entry()), headers=market.auth("operator")
    )

    assert first.status_code == 200, first.text
    body = assert_problem(late, 412, "revision_mismatch")
    assert "revision 2, not 1" in body["detail"]
    assert_problem(late_retire, 412, "revision_mismatch")
    assert_problem(blind, 428, "precondition_required")
    assert storage.snapshot() == stored


def test_if_match_star_changes_whichever_revision_is_current(
    client: TestClient, market: Market, ctx: Context
) -> None:
    client.post(URL, json=screen_entry(), headers=market.auth("operator"))
    answer = put(client, market, "screen.acme_x1", text_of(screen_entry(keywords=["坏点"])), "*")

    assert answer.status_code == 200 and answer.json()["revision"] == 2


def test_an_id_in_use_is_refused_and_a_shipped_one_too(
    client: TestClient, market: Market, ctx: Context
) -> None:
    client.post(URL, json=screen_entry(), headers=market.auth("operator"))
    twice = client.post(URL, json=screen_entry(), headers=market.auth("operator"))
    shipped = client.post(URL, json=screen_entry(id="wrong_item"), headers=market.auth("operator"))

    assert_problem(twice, 409, "already_exists")
    detail = assert_problem(shipped, 409, "already_exists")["detail"]
    assert "PUT /api/v1/knowledge/wrong_item" in detail


def test_a_creating_post_is_run_once_per_idempotency_key(
    client: TestClient, market: Market, ctx: Context
) -> None:
    headers = market.auth("operator") | {"Idempotency-Key": "kb-1"}
    first = client.post(URL, json=screen_entry(), headers=headers)
    again = client.post(URL, json=screen_entry(), headers=headers)
    history = client.get(f"{URL}/screen.acme_x1", headers=market.auth("operator")).json()

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert len(history["history"]) == 1


@pytest.mark.parametrize(
    ("change", "code", "says"),
    [
        ({"en": None}, "validation_failed", "en"),
        ({"issue_types": ["other"]}, "validation_failed", "'other'"),
        ({"issue_types": ["lost_in_space"]}, "validation_failed", "issue_types"),
        ({"categories": ["moon"]}, "validation_failed", "unknown categories moon"),
        ({"id": "Not A Slug"}, "validation_failed", "id"),
        ({"zh": {"lead": "好", "steps": []}}, "validation_failed", "steps"),
        ({"keywords": ["电"]}, "validation_failed", "keywords"),
        ({"colour": "red"}, "validation_failed", "colour"),
        ({"zh": {"lead": "好", "steps": ["a\x00b"]}}, "validation_failed", "NUL"),
    ],
)
def test_a_bad_entry_is_a_problem_naming_the_field(
    client: TestClient,
    market: Market,
    ctx: Context,
    storage: Storage,
    change: dict[str, Any],
    code: str,
    says: str,
) -> None:
    stored = storage.snapshot()
    body = {k: v for k, v in screen_entry(**change).items() if v is not None}
    answer = client.post(URL, json=body, headers=market.auth("operator"))

    assert says in assert_problem(answer, 422, code)["detail"]
    assert storage.snapshot() == stored


@pytest.mark.parametrize(
    ("path", "headers", "status", "code"),
    [
        ("/quality_defect.digital", {"If-Match": "three"}, 422, "validation_failed"),
        ("/no.such.entry", {"If-Match": '"0"'}, 404, "not_found"),
        ("/BAD%20ID", {"If-Match": '"0"'}, 422, "validation_failed"),
    ],
)
def test_a_bad_change_request_is_a_client_error(
    client: TestClient,
    market: Market,
    ctx: Context,
    path: str,
    headers: dict[str, str],
    status: int,
    code: str,
) -> None:
    body = text_of(screen_entry())
    answer = client.put(URL + path, json=body, headers=market.auth("operator") | headers)

    assert_problem(answer, status, code)


def test_retiring_twice_is_a_conflict(client: TestClient, market: Market, ctx: Context) -> None:
    client.delete(f"{URL}/wrong_item", headers=market.auth("operator"))
    again = client.delete(f"{URL}/wrong_item", headers=market.auth("operator"))

    assert_problem(again, 409, "invalid_transition")


def test_the_list_filters_by_what_an_entry_applies_to_and_pages_by_id(
    client: TestClient, market: Market, ctx: Context
) -> None:
    client.post(URL, json=screen_entry(), headers=market.auth("operator"))
    auth = market.auth("auditor")
    phones = client.get(f"{URL}?category=digital/phone&issue_type=software_issue", headers=auth)
    x1 = client.get(
        f"{URL}?category=digital/phone&model=x1&issue_type=quality_defect", headers=auth
    )
    pages: list[str] = []
    cursor = ""
    while True:
        page = client.get(f"{URL}?limit=7{cursor}", headers=auth).json()
        pages += [e["id"] for e in page["items"]]
        if page["next_cursor"] is None:
            break
        cursor = f"&cursor={page['next_cursor']}"
    bad = client.get(f"{URL}?cursor=bm90IGFuIGlk", headers=auth)

    assert [e["id"] for e in phones.json()["items"]] == [
        "quality_defect",
        "software.acme_phone",
        "software.digital",
        "software.phone",
    ]
    assert "screen.acme_x1" in {e["id"] for e in x1.json()["items"]}
    assert pages == sorted(set(pages)) and len(pages) == 31  # 30 shipped + the new one
    assert_problem(bad, 422, "validation_failed")


def test_a_preview_says_which_entry_answers_with_a_draft_and_writes_nothing(
    client: TestClient, market: Market, ctx: Context, storage: Storage
) -> None:
    stored = storage.snapshot()
    ask = {"text": PHONE_DEFECT, "category": "digital/phone", "brand": "Acme", "model": "X1"}
    now = client.post(f"{URL}/preview", json=ask, headers=market.auth("operator"))
    drafted = client.post(
        f"{URL}/preview", json=ask | {"draft": screen_entry()}, headers=market.auth("operator")
    )
    english = client.post(
        f"{URL}/preview", json=ask | {"language": "en"}, headers=market.auth("operator")
    )
    bad = client.post(
        f"{URL}/preview", json=ask | {"category": "moon"}, headers=market.auth("operator")
    )

    assert now.status_code == 200, now.text
    assert (now.json()["entry"], now.json()["draft"]) == ("quality_defect.digital", False)
    assert now.json()["triage"]["issue_type"] == "quality_defect"
    assert now.json()["concrete_step"] is True
    assert (drafted.json()["entry"], drafted.json()["draft"]) == ("screen.acme_x1", True)
    assert SCREEN_STEP in drafted.json()["body"]
    assert english.json()["body"].startswith("Hello,")
    assert_problem(bad, 422, "validation_failed")
    assert storage.snapshot() == stored
