"""Routes of the knowledge base of first replies: operators write it, operators and auditors
read it (decision 0020); the other roles are refused (403).

A change names the revision it was made from in ``If-Match`` (the entry's ``ETag``): required
to edit (428 without), optional to retire; a revision that moved on meanwhile is 412.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import base64
import binascii
import re
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query
from fastapi.responses import Response
from pydantic.json_schema import SkipJsonSchema

from aftersales.api.deps import CtxDep, IdempotencyDep, bad_cursor, role
from aftersales.api.dispatch_schemas import CategoryPath, IssueType
from aftersales.api.knowledge_schemas import (
    KnowledgeCreate,
    KnowledgePublic,
    KnowledgePut,
    KnowledgesPublic,
    PreviewCreate,
    PreviewPublic,
)
from aftersales.api.responses import model_response
from aftersales.domain.actors import Actor, Role
from aftersales.errors import AftersalesError, ErrorCode, Text, ValidationFailed
from aftersales.services import knowledge as uc
from aftersales.triage.knowledge_entry import ID_PATTERN

router = APIRouter(prefix="/knowledge", tags=["knowledge base"])

Operator = Annotated[Actor, role(Role.OPERATOR)]
Reader = Annotated[Actor, role(Role.OPERATOR, Role.AUDITOR)]
EntryId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
_REVISION = r'"?([0-9]{1,9})"?'  # a revision as the ETag gives it ("3"), the quotes optional
# The pattern is documented, not enforced: a malformed If-Match is refused below, in words.
IfMatch = Annotated[
    str | SkipJsonSchema[None],
    Header(
        alias="If-Match",
        max_length=40,
        json_schema_extra={"pattern": rf"^\s*(\*|{_REVISION})\s*$"},
        description='the revision the change is made from, as the ETag gives it ("3"); * is any',
    ),
]
Name = Annotated[str | None, Query(min_length=1, max_length=100)]


@router.get("", response_model=KnowledgesPublic)
def list_entries(
    ctx: CtxDep,
    actor: Reader,
    category: Annotated[CategoryPath | None, Query()] = None,
    brand: Name = None,
    model: Name = None,
    issue_type: Annotated[IssueType | None, Query()] = None,
    include_retired: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """Entries by id that would be considered for such a complaint (each filter optional)."""
    after = _decode_cursor(cursor)
    query = uc.KnowledgeQuery(category, brand, model, issue_type, include_retired, limit, after)
    found = uc.list_entries(ctx, actor, query)
    next_cursor = _encode_cursor(found[-1].id) if len(found) == limit else None
    items = [KnowledgePublic.of(v) for v in found]
    return model_response(KnowledgesPublic(items=items, next_cursor=next_cursor))


@router.get("/{entry_id}", response_model=KnowledgePublic)
def get_entry(entry_id: EntryId, ctx: CtxDep, actor: Reader) -> Response:
    """One entry with every revision of it (who, when, the text); ETag is its revision."""
    return _entry(uc.get_entry(ctx, actor, entry_id), history=True)


@router.post("", status_code=201, response_model=KnowledgePublic)
def create_entry(
    body: KnowledgeCreate, ctx: CtxDep, actor: Operator, idem: IdempotencyDep
) -> Response:
    """A new entry; the next case opening uses it (other servers within a few seconds)."""

    def produce() -> tuple[int, KnowledgePublic]:
        return 201, KnowledgePublic.of(uc.create_entry(ctx, actor, body.document()))

    response = idem.run(body, produce)
    response.headers["ETag"] = '"1"'
    return response


@router.put("/{entry_id}", response_model=KnowledgePublic)
def replace_entry(
    entry_id: EntryId, body: KnowledgePut, ctx: CtxDep, actor: Operator, if_match: IfMatch = None
) -> Response:
    """The entry's new text, made from the revision in If-Match; a retired entry comes back."""
    if if_match is None:
        raise AftersalesError(
            Text(
                "send If-Match with the entry's revision (its ETag) to change it",
                "修改知识条目须在 If-Match 请求头中带上其版本号（即其 ETag）",
            ),
            code=ErrorCode.PRECONDITION_REQUIRED,
        )
    expected = _revision(if_match)
    return _entry(uc.replace_entry(ctx, actor, entry_id, body.document(), expected))


@router.delete("/{entry_id}", response_model=KnowledgePublic)
def retire_entry(
    entry_id: EntryId, ctx: CtxDep, actor: Operator, if_match: IfMatch = None
) -> Response:
    """Retire the entry: it answers no more, its text and history stay."""
    expected = None if if_match is None else _revision(if_match)
    return _entry(uc.retire_entry(ctx, actor, entry_id, expected))


@router.post("/preview", response_model=PreviewPublic)
def preview(body: PreviewCreate, ctx: CtxDep, actor: Operator) -> Response:
    """The entry and reply a complaint would get now, or with ``draft`` saved."""
    request = uc.PreviewRequest(
        text=body.text,
        category=body.category,
        brand=body.brand or "",
        model=body.model or "",
        language=body.language,
        draft=body.draft.document() if body.draft else None,
    )
    return model_response(PreviewPublic.of(uc.preview(ctx, actor, request)))


def _entry(view: uc.KnowledgeView, *, history: bool = False) -> Response:
    response = model_response(KnowledgePublic.of(view, history=history))
    response.headers["ETag"] = f'"{view.revision}"'
    return response


def _revision(if_match: str) -> int | None:
    """The revision an If-Match names: ``"3"`` (or ``3``); ``*`` is whatever is current."""
    value = if_match.strip()
    if value == "*":
        return None
    found = re.fullmatch(_REVISION, value)
    if found is None:
        raise ValidationFailed(
            Text(
                f'If-Match must be a revision as the ETag gives it, e.g. "3"; got {value!r}',
                f'If-Match 须为 ETag 给出的版本号，例如 "3"；收到的是 {value!r}',
            )
        )
    return int(found.group(1))


def _encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode(last_id.encode()).decode()


def _decode_cursor(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        last_id = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, binascii.Error) as exc:
        raise bad_cursor() from exc
    if not re.fullmatch(ID_PATTERN, last_id):
        raise bad_cursor()
    return last_id
