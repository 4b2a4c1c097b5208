"""One entry of the knowledge base: its text, every revision with who made it and when, and for
operators the forms: edit, retire, put an earlier text back (the shipped one included); and the
form for a new entry. Each goes through the use case the API calls (``services.knowledge``).

A form carries the revision it was read at, as the API's ``If-Match``: when someone else saved
the entry meanwhile, nothing is written and the page says so, with the current text above the
reader's own, kept in the form. Saving again then replaces the current text knowingly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from aftersales.console import knowledge_form
from aftersales.console.knowledge_form import EntryInvalid
from aftersales.console.pages.merchant_common import submit
from aftersales.console.pages.operator_common import Operator, Reader, form_of
from aftersales.console.pages.operator_knowledge import Names
from aftersales.console.render import page
from aftersales.console.routing import ConsoleRoute, explained, status_of
from aftersales.console.viewer import Viewer, context_of
from aftersales.domain.actors import Role
from aftersales.domain.categories import CATEGORIES
from aftersales.errors import Text, ValidationFailed
from aftersales.services import knowledge as uc
from aftersales.triage import ISSUE_TYPES
from aftersales.triage.errors import KnowledgeEntryExists, KnowledgeError, RevisionMismatch
from aftersales.triage.knowledge_entry import ID_PATTERN

__all__ = ["router"]

router = APIRouter(route_class=ConsoleRoute)

EntryId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
# A form's problem: the words above it, each field's own, the status the API gives, and
# whether it came from a revision that moved on.
Problem = tuple[dict[str, str], dict[str, str], int, bool]
_ANSWERABLE = [t for t in ISSUE_TYPES if t != "other"]  # 'other' gets the acknowledgement


@router.get("/knowledge/new")
def new_entry(request: Request, viewer: Operator) -> Response:
    return _new_page(request, viewer, knowledge_form.blank())


@router.post("/knowledge/new")
async def create(request: Request, viewer: Operator) -> Response:
    values = knowledge_form.read(await form_of(request, viewer))
    ctx, tr = context_of(request), viewer.tr

    def use() -> uc.KnowledgeView:
        document = knowledge_form.document_of(tr, values, new=True)
        return uc.create_entry(ctx, viewer.actor, document)

    def shown(problem: Problem) -> Response:
        return _new_page(request, viewer, values, problem)

    return await _save(viewer, use, "kb_created", shown)


@router.get("/knowledge/{entry_id}")
def entry(request: Request, viewer: Reader, entry_id: EntryId) -> Response:
    return _entry_page(request, viewer, entry_id)


@router.post("/knowledge/{entry_id}/edit")
async def edit(request: Request, viewer: Operator, entry_id: EntryId) -> Response:
    form = await form_of(request, viewer)
    values, read_at = knowledge_form.read(form), _revision(form)
    ctx, tr = context_of(request), viewer.tr

    def use() -> uc.KnowledgeView:
        document = knowledge_form.document_of(tr, values, new=False)
        return uc.replace_entry(ctx, viewer.actor, entry_id, document, read_at)

    def shown(problem: Problem) -> Response:
        return _entry_page(request, viewer, entry_id, values, problem, read_at)

    return await _save(viewer, use, "kb_saved", shown)


@router.post("/knowledge/{entry_id}/retire")
async def retire(request: Request, viewer: Operator, entry_id: EntryId) -> Response:
    read_at = _revision(await form_of(request, viewer))
    ctx = context_of(request)

    def use() -> object:
        return uc.retire_entry(ctx, viewer.actor, entry_id, read_at)

    return await _act(request, viewer, entry_id, "kb_retired", use)


@router.post("/knowledge/{entry_id}/restore")
async def restore(request: Request, viewer: Operator, entry_id: EntryId) -> Response:
    """Put an earlier revision's text back (revision 0: the shipped text); a retired entry
    comes back with it."""
    form = await form_of(request, viewer)
    read_at, source = _revision(form), _revision(form, "source")
    ctx = context_of(request)

    def use() -> object:
        earlier = uc.get_entry(ctx, viewer.actor, entry_id).history
        found = [r.document for r in earlier if r.revision == source]
        if not found:
            raise ValidationFailed(
                Text(
                    f"entry {entry_id} has no revision {source}",
                    f"知识条目 {entry_id} 没有第 {source} 版",
                )
            )
        text = {k: v for k, v in found[0].items() if k != "id"}
        return uc.replace_entry(ctx, viewer.actor, entry_id, text, read_at)

    return await _act(request, viewer, entry_id, "kb_restored", use)


# ---- pages --------------------------------------------------------------------------------------


def _entry_page(
    request: Request,
    viewer: Viewer,
    entry_id: str,
    values: dict[str, Any] | None = None,
    problem: Problem | None = None,
    read_at: int | None = None,
) -> Response:
    view = uc.get_entry(context_of(request), viewer.actor, entry_id)
    error, errors, status, stale = problem or (None, {}, 200, False)
    keep = values is not None and not stale and read_at is not None
    return page(
        request,
        viewer,
        "operator_knowledge_entry.html",
        status=status,
        error=error,
        v=view,
        values=values or knowledge_form.values_of(view.document),
        errors=errors,
        stale=stale,
        # A refused form keeps the revision it was read at; after a stale one, the reader
        # has now seen the current text, and saving again replaces it.
        revision=read_at if keep else view.revision,
        restorable=_restorable(view),
        **_choices(viewer),
    )


def _new_page(
    request: Request, viewer: Viewer, values: dict[str, Any], problem: Problem | None = None
) -> Response:
    error, errors, status, _ = problem or (None, {}, 200, False)
    return page(
        request,
        viewer,
        "operator_knowledge_new.html",
        status=status,
        error=error,
        values=values,
        errors=errors,
        **_choices(viewer),
    )


def _choices(viewer: Viewer) -> dict[str, Any]:
    return {
        "names": Names(viewer.tr),
        "issue_types": _ANSWERABLE,
        "categories": list(CATEGORIES),
        "may_edit": viewer.role is Role.OPERATOR,
    }


def _restorable(view: uc.KnowledgeView) -> set[int]:
    """The revisions whose text could be put back: another text than the current one, or any
    once the entry is retired."""
    current = _text(view.document)
    return {
        r.revision
        for r in view.history
        if r.action != "retired" and (view.retired or _text(r.document) != current)
    }


def _text(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "id"}


# ---- forms --------------------------------------------------------------------------------------


def _revision(form: FormData, name: str = "revision") -> int:
    """The revision a form names; anything else is one no entry is at (so it is refused as
    stale rather than taken for 'whatever is current')."""
    sent = form.get(name)
    if isinstance(sent, str) and sent.isdigit() and len(sent) < 10:
        return int(sent)
    return -1


async def _save(
    viewer: Viewer,
    use: Callable[[], uc.KnowledgeView],
    done: str,
    shown: Callable[[Problem], Response],
) -> Response:
    """Save an entry's form; on a refusal show it again with the reader's input and each
    field's problem beside it."""
    tr = viewer.tr
    try:
        saved = await run_in_threadpool(use)
    except EntryInvalid as exc:
        return await run_in_threadpool(shown, _invalid(viewer, exc.errors, 422))
    except KnowledgeError as exc:
        errors = knowledge_form.field_errors(tr, exc)
        return await run_in_threadpool(shown, _invalid(viewer, errors, 422))
    except KnowledgeEntryExists as exc:
        errors = {"id": tr.t("kb.error.exists")}
        return await run_in_threadpool(shown, _invalid(viewer, errors, status_of(exc)))
    except RevisionMismatch as exc:
        stale: Problem = (explained(tr, exc), {}, status_of(exc), True)
        return await run_in_threadpool(shown, stale)
    return RedirectResponse(f"/console/knowledge/{saved.id}?done={done}", status_code=303)


def _invalid(viewer: Viewer, errors: dict[str, str], status: int) -> Problem:
    return (knowledge_form.invalid(viewer.tr, errors), errors, status, False)


async def _act(
    request: Request, viewer: Viewer, entry_id: str, done: str, use: Callable[[], object]
) -> Response:
    def shown(error: dict[str, str], status: int) -> Response:
        return _entry_page(request, viewer, entry_id, problem=(error, {}, status, False))

    return await submit(request, viewer, use, f"/console/knowledge/{entry_id}?done={done}", shown)
