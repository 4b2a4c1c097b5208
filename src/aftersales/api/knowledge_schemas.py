"""Request and response bodies of the knowledge base of first replies (``XCreate`` / ``XPut``
in, ``XPublic`` out). The shapes are checked here; what an entry means (known issue types and
categories, both languages) is checked by ``triage.knowledge_entry``, for the API, the CLI and
files alike."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from aftersales.api.dispatch_schemas import CategoryPath, IssueType, TriagePublic
from aftersales.api.schemas import ActorPublic, Strict
from aftersales.services.knowledge import KnowledgeView, Preview, RevisionView
from aftersales.triage import ISSUE_TYPES
from aftersales.triage.knowledge_entry import ID_PATTERN, LIMITS

__all__ = [
    "KnowledgeCreate",
    "KnowledgePublic",
    "KnowledgePut",
    "KnowledgesPublic",
    "PreviewCreate",
    "PreviewPublic",
]

EntryId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Lead = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=LIMITS["lead"])
]
Step = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=LIMITS["step"])
]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=LIMITS["name"])
]
Keyword = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=2, max_length=LIMITS["keyword"])
]
Names = Annotated[list[Name], Field(max_length=LIMITS["names"])]


class GuidanceBody(Strict):
    """A lead sentence and the concrete steps, numbered in the reply."""

    lead: Lead
    steps: list[Step] = Field(min_length=1, max_length=LIMITS["steps"])


class KnowledgePut(Strict):
    """An entry's text: the issue types it answers, optionally narrowed to categories (a path
    covers its children), brands, models and keywords (the complaint must say one; such an
    entry beats one without), with a lead and steps in Chinese and in English."""

    issue_types: list[IssueType] = Field(
        min_length=1,
        max_length=len(ISSUE_TYPES),
        # 'other' is refused by the entry's own check, with the reason in words.
        json_schema_extra={"items": {"enum": [t for t in ISSUE_TYPES if t != "other"]}},
    )
    categories: list[CategoryPath] = Field(default_factory=list, max_length=LIMITS["names"])
    brands: Names = Field(default_factory=list)
    models: Names = Field(default_factory=list)
    keywords: list[Keyword] = Field(default_factory=list, max_length=LIMITS["keywords"])
    zh: GuidanceBody
    en: GuidanceBody

    def document(self) -> dict[str, Any]:
        return self.model_dump()


class KnowledgeCreate(KnowledgePut):
    """A new entry; its ``id`` is quoted in every reply built from it."""

    id: EntryId


class GuidancePublic(BaseModel):
    lead: str
    steps: list[str]


class KnowledgeTextPublic(BaseModel):
    issue_types: list[str]
    categories: list[str]
    brands: list[str]
    models: list[str]
    keywords: list[str]
    zh: GuidancePublic
    en: GuidancePublic

    @staticmethod
    def fields(document: dict[str, Any]) -> dict[str, Any]:
        keys = ("issue_types", "categories", "brands", "models", "keywords", "zh", "en")
        return {k: document.get(k, []) for k in keys}


class KnowledgeRevisionPublic(KnowledgeTextPublic):
    revision: int  # 0: the text shipped with the product
    action: Literal["shipped", "created", "edited", "retired", "restored"]
    at: datetime | None
    by: ActorPublic | None

    @classmethod
    def of(cls, r: RevisionView) -> KnowledgeRevisionPublic:
        by = ActorPublic(role=r.by.role, id=r.by.subject) if r.by else None
        return cls(
            revision=r.revision,
            action=r.action,
            at=r.at,
            by=by,
            **cls.fields(r.document),
        )


class KnowledgePublic(KnowledgeTextPublic):
    id: str
    revision: int  # also the ETag; send it back in If-Match to change the entry
    origin: Literal["shipped", "operator"]
    status: Literal["active", "retired"]
    updated_at: datetime | None  # none: as shipped
    updated_by: ActorPublic | None
    history: list[KnowledgeRevisionPublic] | None = None  # on one entry's answers

    @classmethod
    def of(cls, v: KnowledgeView, *, history: bool = False) -> KnowledgePublic:
        by = v.updated_by
        return cls(
            id=v.id,
            revision=v.revision,
            origin=v.origin,
            status="retired" if v.retired else "active",
            updated_at=v.updated_at,
            updated_by=ActorPublic(role=by.role, id=by.subject) if by else None,
            history=[KnowledgeRevisionPublic.of(r) for r in v.history] if history else None,
            **cls.fields(v.document),
        )


class KnowledgesPublic(BaseModel):
    items: list[KnowledgePublic]
    next_cursor: str | None


class PreviewCreate(Strict):
    """A complaint to try: the entry that would answer it now, and the reply's text. With
    ``draft``, as if that entry were saved (a new one, or an edit of the entry of its id)."""

    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
    category: CategoryPath | None = None
    brand: Name | None = None
    model: Name | None = None
    language: Literal["zh", "en"] | None = None  # none: the language triage reads
    draft: KnowledgeCreate | None = None


class PreviewPublic(BaseModel):
    entry: str
    revision: int  # of the entry; the draft's answer says 0 and ``draft`` true
    draft: bool  # the draft answered
    concrete_step: bool  # it would count as the merchant's first response
    language: str
    body: str
    steps: list[str]
    triage: TriagePublic

    @classmethod
    def of(cls, p: Preview) -> PreviewPublic:
        r = p.reply
        return cls(
            entry=r.entry,
            revision=r.revision,
            draft=p.draft_answers,
            concrete_step=r.concrete_step,
            language=r.language,
            body=r.body,
            steps=list(r.steps),
            triage=TriagePublic.of(p.triage.to_dict()),
        )
