"""The knowledge-base entry form: an entry's text as the form's fields and back, checked as the
API checks it (``KnowledgeCreate`` / ``KnowledgePut``, then the use case's ``parse_entry``), with
every problem said beside its field in the reader's language.

Lists are typed one item a line (brands, models and keywords may also be separated by commas);
issue types and categories are ticked. What the reader sent is kept as sent, so a refused form
is shown again with nothing lost.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from starlette.datastructures import FormData

from aftersales.api.knowledge_schemas import KnowledgeCreate, KnowledgePut, PreviewCreate
from aftersales.console.i18n import Translator
from aftersales.domain.categories import is_known
from aftersales.errors import AftersalesError
from aftersales.services.knowledge import PreviewRequest
from aftersales.triage.knowledge_entry import LANGUAGES

__all__ = [
    "FIELDS",
    "PREVIEW_FIELDS",
    "EntryInvalid",
    "blank",
    "document_of",
    "field_errors",
    "invalid",
    "preview_of",
    "read",
    "read_preview",
    "values_of",
]

# The form's fields; ``zh.steps`` and the like are one field per language and part.
_TEXTS = tuple(f"{lang}.{part}" for lang in LANGUAGES for part in ("lead", "steps"))
FIELDS = ("id", "issue_types", "categories", "brands", "models", "keywords", *_TEXTS)
PREVIEW_FIELDS = ("text", "category", "brand", "model", "language")
_TICKED = ("issue_types", "categories")
_NAMES = ("brands", "models", "keywords")
_ITEMS = re.compile(r"[\n,，;；]+")  # noqa: RUF001 - people type Chinese commas too
_LINES = re.compile(r"\r?\n")


class EntryInvalid(Exception):
    """The form does not hold an entry: the problems by field, in the reader's language."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def blank() -> dict[str, Any]:
    """The values of an empty form."""
    return {f: [] if f in _TICKED else "" for f in FIELDS}


def values_of(document: Mapping[str, Any]) -> dict[str, Any]:
    """The form's values for an entry's stored text."""
    values = blank()
    values["id"] = str(document.get("id", ""))
    for key in _TICKED:
        values[key] = list(document.get(key, []))
    for key in _NAMES:
        values[key] = "\n".join(document.get(key, []))
    for lang in LANGUAGES:
        guidance = document.get(lang) or {}
        values[f"{lang}.lead"] = guidance.get("lead", "")
        values[f"{lang}.steps"] = "\n".join(guidance.get("steps", []))
    return values


def read(form: FormData) -> dict[str, Any]:
    """The values the reader sent, as sent (text fields missing from the form are empty)."""
    values = blank()
    for key in FIELDS:
        if key in _TICKED:
            values[key] = [v for v in form.getlist(key) if isinstance(v, str)]
        else:
            sent = form.get(key)
            values[key] = sent if isinstance(sent, str) else ""
    return values


def document_of(tr: Translator, values: Mapping[str, Any], *, new: bool) -> dict[str, Any]:
    """The entry's document, checked by the API's model; ``EntryInvalid`` says what is wrong."""
    raw: dict[str, Any] = {
        "issue_types": list(values["issue_types"]),
        "categories": list(values["categories"]),
        **{key: _split(_ITEMS, values[key]) for key in _NAMES},
        **{lang: _guidance(values, lang) for lang in LANGUAGES},
    }
    model: type[BaseModel] = KnowledgeCreate if new else KnowledgePut
    if new:
        raw["id"] = str(values["id"]).strip()
    document: dict[str, Any] = _checked(tr, model, raw, FIELDS).model_dump()
    return document


def read_preview(form: FormData) -> dict[str, str]:
    """The complaint to try and its optional product, as sent."""
    sent = {key: form.get(key) for key in PREVIEW_FIELDS}
    return {key: value if isinstance(value, str) else "" for key, value in sent.items()}


def preview_of(tr: Translator, values: Mapping[str, str]) -> PreviewRequest:
    """The preview the form asks for, checked by the API's ``PreviewCreate``."""
    raw = {key: values[key].strip() for key in PREVIEW_FIELDS if values.get(key, "").strip()}
    body = _checked(tr, PreviewCreate, raw, PREVIEW_FIELDS)
    assert isinstance(body, PreviewCreate)
    if body.category is not None and not is_known(body.category):
        raise EntryInvalid({"category": tr.t("kb.error.unknown_value")})
    return PreviewRequest(
        text=body.text,
        category=body.category,
        brand=body.brand or "",
        model=body.model or "",
        language=body.language,
    )


def invalid(tr: Translator, errors: Mapping[str, str]) -> dict[str, str]:
    """The words above a refused form; a problem of no one field is said there too."""
    return {
        "title": tr.t("error.invalid"),
        "detail": tr.t("kb.error.fields"),
        "extra": errors.get("form", ""),
    }


def field_errors(tr: Translator, exc: AftersalesError) -> dict[str, str]:
    """The use case's refusal of an entry (``KnowledgeError.errors``, in English, each naming
    its field first) by field, with the console's words before the service's."""
    problems = exc.extra.get("errors") or [exc.detail]
    found: dict[str, str] = {}
    for problem in problems:
        key = _field_named(str(problem))
        said = tr.t("kb.error.refused", detail=problem)
        found[key] = f"{found[key]} {said}" if key in found else said
    return found


def _guidance(values: Mapping[str, Any], lang: str) -> dict[str, Any]:
    return {
        "lead": str(values[f"{lang}.lead"]),
        "steps": _split(_LINES, values[f"{lang}.steps"]),
    }


def _split(separator: re.Pattern[str], text: object) -> list[str]:
    """The non-blank items of a text field, stripped."""
    return [s.strip() for s in separator.split(str(text)) if s.strip()]


def _checked(
    tr: Translator, model: type[BaseModel], raw: Mapping[str, Any], known: tuple[str, ...]
) -> BaseModel:
    """The model, or ``EntryInvalid`` with each field's first problem in the reader's words."""
    try:
        return model.model_validate(dict(raw))
    except ValidationError as exc:
        found: dict[str, str] = {}
        for error in exc.errors():
            key = _field_of(error["loc"], known)
            found.setdefault(key, _said(tr, key, error))
        raise EntryInvalid(found) from None


def _field_of(loc: tuple[int | str, ...], known: tuple[str, ...]) -> str:
    parts = [p for p in loc if isinstance(p, str)]
    if len(parts) > 1 and parts[0] in LANGUAGES:
        return f"{parts[0]}.{parts[1]}"
    return parts[0] if parts and parts[0] in known else "form"


def _said(tr: Translator, key: str, error: ErrorDetails) -> str:
    """One problem in the reader's words, from the kind of error pydantic reports."""
    kind, limits = error["type"], error.get("ctx") or {}
    if kind in ("missing", "too_short") or (kind == "string_too_short" and key != "keywords"):
        return tr.t("kb.error.required")
    if kind == "string_too_short":
        return tr.t("kb.error.keyword_short")
    if kind == "string_too_long":
        return tr.t("kb.error.too_long", n=limits.get("max_length", ""))
    if kind == "too_long":
        return tr.t("kb.error.too_many", n=limits.get("max_length", ""))
    if kind == "string_pattern_mismatch" and key == "id":
        return tr.t("kb.error.id")
    return tr.t("kb.error.unknown_value")


def _field_named(problem: str) -> str:
    """The field a problem of ``parse_entry`` names first (``zh.steps must …``, ``keywords: …``)."""
    head = re.split(r"[\s:]", problem, maxsplit=1)[0]
    return head if head in FIELDS else "form"
