"""The knowledge base of first replies for the platform (decision 0020): every entry the
replies draw on, shipped or written by operators, filtered by text; and, for operators, a
preview: a complaint pasted in, the entry that would answer it and the reply, written nowhere
(``services.knowledge.preview``, as ``POST /knowledge/preview``). Auditors read the list
without the form. An entry's page and its forms are in ``operator_knowledge_entry``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from aftersales.console import knowledge_form
from aftersales.console.i18n import Translator
from aftersales.console.pages.merchant_common import category_name
from aftersales.console.pages.operator_common import Operator, Reader, form_of
from aftersales.console.render import page
from aftersales.console.routing import ConsoleRoute, explained, status_of
from aftersales.console.viewer import Viewer, context_of
from aftersales.domain.actors import Actor, Role
from aftersales.domain.categories import CATEGORIES
from aftersales.errors import AftersalesError
from aftersales.services import knowledge as uc
from aftersales.services.context import Context
from aftersales.triage.knowledge_entry import LANGUAGES

__all__ = ["Names", "router"]

router = APIRouter(route_class=ConsoleRoute)

Text = Annotated[str, Query(max_length=100)]
LISTED = 500  # entries on the page; a larger base is narrowed with the filter
_BATCH = 200


@router.get("/knowledge")
def knowledge(request: Request, viewer: Reader, q: Text = "", retired: bool = False) -> Response:
    return _page(request, viewer, q.strip(), retired)


@router.post("/knowledge/preview")
async def preview(request: Request, viewer: Operator) -> Response:
    """The entry and reply a complaint would get now; nothing is written, so no redirect."""
    values = knowledge_form.read_preview(await form_of(request, viewer))
    ctx, tr = context_of(request), viewer.tr

    def tried() -> uc.Preview:
        return uc.preview(ctx, viewer.actor, knowledge_form.preview_of(tr, values))

    try:
        result = await run_in_threadpool(tried)
    except knowledge_form.EntryInvalid as exc:
        problem = knowledge_form.invalid(tr, exc.errors)
        return await run_in_threadpool(
            _page,
            request,
            viewer,
            "",
            False,
            asked=values,
            errors=exc.errors,
            error=problem,
            status=422,
        )
    except AftersalesError as exc:
        error, status = explained(tr, exc), status_of(exc)
        return await run_in_threadpool(
            _page, request, viewer, "", False, asked=values, error=error, status=status
        )
    return await run_in_threadpool(_page, request, viewer, "", False, asked=values, tried=result)


def _page(
    request: Request,
    viewer: Viewer,
    q: str,
    retired: bool,
    *,
    asked: dict[str, str] | None = None,
    tried: uc.Preview | None = None,
    errors: dict[str, str] | None = None,
    error: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    ctx = context_of(request)
    every = _all_entries(ctx, viewer.actor, retired)
    shown = [v for v in every if _mentions(v.document, q)] if q else every
    return page(
        request,
        viewer,
        "operator_knowledge.html",
        status=status,
        error=error,
        rows=shown[:LISTED],
        total=len(shown),
        q=q,
        retired=retired,
        names=Names(viewer.tr),
        may_edit=viewer.role is Role.OPERATOR,
        asked=asked or {},
        tried=tried,
        errors=errors or {},
        categories=list(CATEGORIES),
    )


def _all_entries(ctx: Context, actor: Actor, retired: bool) -> list[uc.KnowledgeView]:
    """Every entry by id, read a batch at a time through the use case."""
    found: list[uc.KnowledgeView] = []
    after: str | None = None
    while len(found) < LISTED * 20:
        query = uc.KnowledgeQuery(include_retired=retired, limit=_BATCH, after=after)
        batch = uc.list_entries(ctx, actor, query)
        found += batch
        if len(batch) < _BATCH:
            break
        after = batch[-1].id
    return found


def _mentions(document: dict[str, Any], q: str) -> bool:
    """The entry says ``q`` (case ignored) in its id, conditions, lead or steps."""
    wanted = q.casefold()
    return any(wanted in text.casefold() for text in _texts(document))


def _texts(document: dict[str, Any]) -> Iterable[str]:
    yield str(document.get("id", ""))
    for key in ("issue_types", "categories", "brands", "models", "keywords"):
        yield from document.get(key, [])
    for lang in LANGUAGES:
        guidance = document.get(lang) or {}
        yield guidance.get("lead", "")
        yield from guidance.get("steps", [])


class Names:
    """The words a knowledge template needs, in the reader's language."""

    def __init__(self, tr: Translator) -> None:
        self._tr = tr

    def title(self, document: dict[str, Any]) -> str:
        """An entry's lead in the reader's language: what it says first."""
        guidance = document.get(self._tr.lang) or {}
        return str(guidance.get("lead", ""))

    def issue(self, value: str) -> str:
        return self._tr.label("issue", value)

    def issues(self, values: Iterable[str]) -> str:
        return ", ".join(self.issue(v) for v in values)

    def category(self, path: str) -> str:
        return category_name(self._tr, path)

    def categories(self, paths: Iterable[str]) -> str:
        return ", ".join(self.category(p) for p in paths)

    def languages(self, document: dict[str, Any]) -> str:
        return " · ".join(self._tr.t(f"kb.lang.{lang}") for lang in LANGUAGES if lang in document)

    def origin(self, view: uc.KnowledgeView) -> str:
        if view.origin == "operator":
            return self._tr.t("kb.origin.operator")
        return self._tr.t("kb.origin.edited" if view.revision else "kb.origin.shipped")

    def action(self, value: str) -> str:
        return self._tr.t(f"kb.action.{value}")

    def by(self, actor: Actor | None) -> str:
        if actor is None:
            return ""
        role = self._tr.label("role", actor.role.value)
        return f"{role} {actor.subject}" if actor.subject else role
