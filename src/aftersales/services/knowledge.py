"""Use cases of the knowledge base of first replies: read it, write an entry, retire one,
import a file of entries, and try a complaint against it (docs/triage.md, decision 0020).

The set that answers is the shipped file (or ``AFTERSALES_KNOWLEDGE_BASE``) with operators'
edits over it. Every change is a new revision of its entry, kept with who made it and when; a
retired entry keeps its text. A change names the revision it was made from, so of two
operators editing the same entry the second is told rather than silently overwriting.
Operators write; operators and auditors read. Entries are the platform's own: there is no
other owner to hide them from.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aftersales.domain.actors import Actor, Role
from aftersales.domain.categories import ancestors
from aftersales.errors import InvalidTransition, NotFound, PermissionDenied, Text
from aftersales.services.context import Context
from aftersales.services.knowledge_source import overlay
from aftersales.services.triage import classify_text
from aftersales.store.knowledge import Revision, StaleRevision, StoredEntry
from aftersales.store.uow import UnitOfWork
from aftersales.triage import TriageResult
from aftersales.triage.errors import KnowledgeEntryExists, RevisionMismatch
from aftersales.triage.knowledge_base import KnowledgeBase
from aftersales.triage.knowledge_entry import Entry, entry_document, parse_entry
from aftersales.triage.replies import Reply, Situation, compose

__all__ = [
    "ImportReport",
    "KnowledgeQuery",
    "KnowledgeView",
    "Preview",
    "PreviewRequest",
    "RevisionView",
    "create_entry",
    "get_entry",
    "import_entries",
    "list_entries",
    "live_knowledge",
    "preview",
    "replace_entry",
    "retire_entry",
]

_READERS = frozenset({Role.OPERATOR, Role.AUDITOR})
_WRITERS = frozenset({Role.OPERATOR})
_READ = Text("operators and auditors read the knowledge base", "知识库仅供平台运营和审计查看")
_WRITE = Text("only operators write the knowledge base", "只有平台运营可以编辑知识库")
_TRY = Text("operators try the knowledge base", "只有平台运营可以试用知识库")


@dataclass(frozen=True, slots=True)
class RevisionView:
    revision: int  # 0: the text shipped with the product
    action: str  # shipped | created | edited | retired | restored
    document: dict[str, Any]
    at: datetime | None = None  # none for the shipped text
    by: Actor | None = None


@dataclass(frozen=True, slots=True)
class KnowledgeView:
    document: dict[str, Any]  # the entry's current text (``entry_document``)
    revision: int
    origin: str  # shipped (in the file, maybe edited since) | operator (written by operators)
    retired: bool = False
    updated_at: datetime | None = None
    updated_by: Actor | None = None
    history: tuple[RevisionView, ...] = ()  # on one entry's answers only

    @property
    def id(self) -> str:
        return str(self.document["id"])


@dataclass(frozen=True, slots=True)
class KnowledgeQuery:
    """Entries that would be considered for a complaint of this kind (each filter optional)."""

    category: str | None = None  # entries for it, a parent or a child of it, or any category
    brand: str | None = None  # entries for that brand or any brand
    model: str | None = None
    issue_type: str | None = None
    include_retired: bool = False
    limit: int = 50
    after: str | None = None  # the last id of the previous page


@dataclass(frozen=True, slots=True)
class ImportReport:
    created: tuple[str, ...] = ()
    edited: tuple[str, ...] = ()  # restored retired entries included
    unchanged: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PreviewRequest:
    text: str
    category: str | None = None
    brand: str = ""
    model: str = ""
    language: str | None = None  # zh or en; none: the language triage reads
    draft: dict[str, Any] | None = None  # an entry to try as if it were saved


@dataclass(frozen=True, slots=True)
class Preview:
    triage: TriageResult
    reply: Reply
    draft_answers: bool  # the reply came from the draft


# ---- reading -----------------------------------------------------------------------------


def list_entries(ctx: Context, actor: Actor, query: KnowledgeQuery) -> list[KnowledgeView]:
    """A page of entries by id, the shipped ones included, retired ones on request."""
    _require(actor, _READERS, _READ)
    with ctx.uow(read_only=True) as uow:
        views = _views(ctx.knowledge.base(), uow.knowledge.all())
    wanted = [v for v in views.values() if _matches(v, query)]
    wanted.sort(key=lambda v: v.id)
    return [v for v in wanted if query.after is None or v.id > query.after][: query.limit]


def get_entry(ctx: Context, actor: Actor, entry_id: str) -> KnowledgeView:
    """One entry with every revision of it, the shipped text as revision 0."""
    _require(actor, _READERS, _READ)
    base = ctx.knowledge.base()
    with ctx.uow(read_only=True) as uow:
        stored = uow.knowledge.get(entry_id)
        history = uow.knowledge.history(entry_id)
    view = _view(base, entry_id, stored)
    shipped = base.get(entry_id)
    first = [RevisionView(0, "shipped", entry_document(shipped))] if shipped else []
    later = [RevisionView(h.revision, h.action, h.content, h.at, h.by) for h in history]
    return _with_history(view, (*first, *later))


def live_knowledge(ctx: Context, actor: Actor) -> KnowledgeBase:
    """The set that answers now, read from the database (not this process's cached copy)."""
    _require(actor, _READERS, _READ)
    with ctx.uow(read_only=True) as uow:
        return _live(ctx, uow)


# ---- writing -----------------------------------------------------------------------------


def create_entry(ctx: Context, actor: Actor, document: dict[str, Any]) -> KnowledgeView:
    """A new entry, revision 1; an id that exists (retired included) is refused."""
    _require(actor, _WRITERS, _WRITE)
    entry = parse_entry(document)
    return _write(ctx, actor, entry.id, lambda stored, shipped: _create(entry, stored, shipped))


def replace_entry(
    ctx: Context, actor: Actor, entry_id: str, document: dict[str, Any], expected: int | None
) -> KnowledgeView:
    """The entry's new text, made from revision ``expected`` (None: whichever is current); a
    retired entry comes back. The same text again writes nothing."""
    _require(actor, _WRITERS, _WRITE)
    entry = parse_entry({**document, "id": entry_id})
    return _write(
        ctx, actor, entry_id, lambda stored, shipped: _edit(entry, stored, shipped, expected)
    )


def retire_entry(
    ctx: Context, actor: Actor, entry_id: str, expected: int | None = None
) -> KnowledgeView:
    """The entry answers no more; its text and history stay (a shipped one is retired too)."""
    _require(actor, _WRITERS, _WRITE)
    return _write(
        ctx, actor, entry_id, lambda stored, shipped: _retire(entry_id, stored, shipped, expected)
    )


def import_entries(ctx: Context, actor: Actor, entries: Sequence[Entry]) -> ImportReport:
    """Every entry of a file as an operator's change, in one transaction: new ids created,
    changed texts edited (retired ones brought back), the same texts left alone."""
    _require(actor, _WRITERS, _WRITE)
    base, now = ctx.knowledge.base(), ctx.clock.now()
    done: dict[str, list[str]] = {"created": [], "edited": [], "unchanged": []}
    with ctx.uow() as uow:
        for entry in entries:
            stored = uow.knowledge.get(entry.id, for_update=True)
            change = _imported(entry, stored, base.get(entry.id))
            done[_apply(uow, actor, now, entry.id, change, stored)].append(entry.id)
        uow.commit()
    ctx.knowledge.changed()
    return ImportReport(*(tuple(done[k]) for k in ("created", "edited", "unchanged")))


# ---- trying a complaint ------------------------------------------------------------------


def preview(ctx: Context, actor: Actor, request: PreviewRequest) -> Preview:
    """The reply a complaint would get now (with ``draft`` as if saved): triage, the entry
    chosen and the text. Without an order there is no policy decision, so no evidence is
    asked for and no packing steps are added."""
    _require(actor, _WRITERS, _TRY)
    draft = parse_entry(request.draft) if request.draft is not None else None
    result = classify_text(ctx, actor, request.text, request.category)
    with ctx.uow(read_only=True) as uow:
        kb = _live(ctx, uow)
    if draft is not None:
        kb = kb.with_edits([(draft.id, draft)])
    reply = compose(kb, _situation(result, request))
    return Preview(result, reply, draft is not None and reply.entry == draft.id)


# ---- the parts ---------------------------------------------------------------------------

# A change: (revision, action, document, retired) or None when nothing changes.
Change = tuple[int, str, dict[str, Any], bool] | None


def _create(entry: Entry, stored: StoredEntry | None, shipped: Entry | None) -> Change:
    if stored is not None and stored.retired:
        raise KnowledgeEntryExists(
            Text(
                f"entry {entry.id} exists, retired; PUT /api/v1/knowledge/{entry.id} brings it"
                " back",
                f"知识条目 {entry.id} 已存在（已停用）；"
                f"可用 PUT /api/v1/knowledge/{entry.id} 重新启用",
            )
        )
    if stored is not None or shipped is not None:
        raise KnowledgeEntryExists(
            Text(
                f"entry {entry.id} exists; PUT /api/v1/knowledge/{entry.id} edits it",
                f"知识条目 {entry.id} 已存在；可用 PUT /api/v1/knowledge/{entry.id} 修改",
            )
        )
    return (1, "created", entry_document(entry), False)


def _imported(entry: Entry, stored: StoredEntry | None, shipped: Entry | None) -> Change:
    """A file's entry is made from whatever revision is current: the file says what to have."""
    if stored is None and shipped is None:
        return _create(entry, stored, shipped)
    return _edit(entry, stored, shipped, stored.revision if stored else 0)


def _edit(
    entry: Entry, stored: StoredEntry | None, shipped: Entry | None, expected: int | None
) -> Change:
    current = _current(entry.id, stored, shipped)
    _check_revision(entry.id, current, expected)
    document = entry_document(entry)
    if document == _text(stored, shipped) and not (stored and stored.retired):
        return None
    action = "restored" if stored and stored.retired else "edited"
    return (current + 1, action, document, False)


def _retire(
    entry_id: str, stored: StoredEntry | None, shipped: Entry | None, expected: int | None
) -> Change:
    current = _current(entry_id, stored, shipped)
    _check_revision(entry_id, current, expected)
    if stored is not None and stored.retired:
        raise InvalidTransition(
            Text(f"entry {entry_id} is already retired", f"知识条目 {entry_id} 已停用")
        )
    return (current + 1, "retired", _text(stored, shipped), True)


def _write(
    ctx: Context,
    actor: Actor,
    entry_id: str,
    decide: Callable[[StoredEntry | None, Entry | None], Change],
) -> KnowledgeView:
    base = ctx.knowledge.base()
    with ctx.uow() as uow:
        stored = uow.knowledge.get(entry_id, for_update=True)
        change = decide(stored, base.get(entry_id))
        _apply(uow, actor, ctx.clock.now(), entry_id, change, stored)
        view = _view(base, entry_id, uow.knowledge.get(entry_id))
        uow.commit()
    ctx.knowledge.changed()  # this process's next case answers with it at once
    return view


def _apply(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    entry_id: str,
    change: Change,
    stored: StoredEntry | None,
) -> str:
    """Write the change (if any); says what happened: created, edited or unchanged."""
    if change is None:
        return "unchanged"
    revision, action, document, retired = change
    previous = stored.revision if stored else None
    try:
        uow.knowledge.write(
            Revision(entry_id, revision, action, document, now, actor),
            retired=retired,
            previous=previous,
        )
    except StaleRevision as exc:
        raise RevisionMismatch(
            Text(
                f"entry {entry_id} was changed by someone else meanwhile",
                f"知识条目 {entry_id} 在此期间已被他人修改",
            )
        ) from exc
    return "created" if action == "created" else "edited"


def _text(stored: StoredEntry | None, shipped: Entry | None) -> dict[str, Any]:
    """The entry's text now: the operators' last revision, else the shipped one."""
    if stored is not None:
        return stored.content
    assert shipped is not None  # _current refused an entry that is neither
    return entry_document(shipped)


def _current(entry_id: str, stored: StoredEntry | None, shipped: Entry | None) -> int:
    if stored is None and shipped is None:
        raise NotFound(_no_entry(entry_id))
    return stored.revision if stored else 0


def _check_revision(entry_id: str, current: int, expected: int | None) -> None:
    if expected is not None and expected != current:
        raise RevisionMismatch(
            Text(
                f"entry {entry_id} is at revision {current}, not {expected}: read it again, "
                "then change that revision",
                f"知识条目 {entry_id} 当前为第 {current} 版，而不是第 {expected} 版："
                "请重新读取后，在当前版本上修改",
            )
        )


def _no_entry(entry_id: str) -> Text:
    return Text(f"knowledge entry {entry_id} not found", f"找不到知识条目 {entry_id}")


def _live(ctx: Context, uow: UnitOfWork) -> KnowledgeBase:
    return ctx.knowledge.base().with_edits(overlay(uow.knowledge.all()))


def _views(base: KnowledgeBase, stored: Iterable[StoredEntry]) -> dict[str, KnowledgeView]:
    views = {e.id: KnowledgeView(entry_document(e), 0, "shipped") for e in base.entries}
    for row in stored:
        views[row.id] = _stored_view(base, row)
    return views


def _view(base: KnowledgeBase, entry_id: str, stored: StoredEntry | None) -> KnowledgeView:
    if stored is not None:
        return _stored_view(base, stored)
    shipped = base.get(entry_id)
    if shipped is None:
        raise NotFound(_no_entry(entry_id))
    return KnowledgeView(entry_document(shipped), 0, "shipped")


def _stored_view(base: KnowledgeBase, row: StoredEntry) -> KnowledgeView:
    origin = "shipped" if base.get(row.id) else "operator"
    return KnowledgeView(
        row.content, row.revision, origin, row.retired, row.updated_at, row.updated_by
    )


def _with_history(view: KnowledgeView, history: tuple[RevisionView, ...]) -> KnowledgeView:
    return KnowledgeView(
        view.document,
        view.revision,
        view.origin,
        view.retired,
        view.updated_at,
        view.updated_by,
        history,
    )


def _matches(view: KnowledgeView, q: KnowledgeQuery) -> bool:
    doc = view.document
    if view.retired and not q.include_retired:
        return False
    if q.issue_type is not None and q.issue_type not in doc["issue_types"]:
        return False
    return (
        _category_fits(doc["categories"], q.category)
        and _name_fits(doc["brands"], q.brand)
        and _name_fits(doc["models"], q.model)
    )


def _category_fits(paths: list[str], category: str | None) -> bool:
    """For any category, or for the category, one of its parents or one of its children."""
    if category is None or not paths:
        return True
    return any(p in ancestors(category) or p.startswith(category + "/") for p in paths)


def _name_fits(names: list[str], wanted: str | None) -> bool:
    return wanted is None or not names or wanted.lower() in {n.lower() for n in names}


def _situation(result: TriageResult, request: PreviewRequest) -> Situation:
    return Situation(
        issue_type=result.issue_type,
        language=request.language or result.language,
        needs_human=result.needs_human,
        safety=result.safety,
        hazards=result.hazards,
        category=request.category,
        brand=request.brand,
        model=request.model,
        text=request.text,
    )


def _require(actor: Actor, roles: frozenset[Role], why: Text) -> None:
    if actor.role not in roles:
        raise PermissionDenied(why)
