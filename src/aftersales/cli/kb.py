"""``aftersales kb``: the knowledge base of first replies — list, show, import a file, export.

The command line acts as a platform operator (``--operator`` names who, for the record) and
calls the same use cases as ``/api/v1/knowledge``. ``import`` takes a YAML file in the shipped
file's format (``entries: [...]``; a fallback, packing steps or evidence names in it are left
aside) and applies it in one transaction; ``export`` writes the set that answers now in that
same format, so an export imports back as no change.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aftersales.cli.common import DbOption, err, errors_on_one_line, out, with_context
from aftersales.domain.actors import Actor, Role

if TYPE_CHECKING:
    from aftersales.services.context import Context
    from aftersales.services.knowledge import KnowledgeQuery, KnowledgeView

kb_app = typer.Typer(
    help="The knowledge base of automatic first replies: list, show, import, export.",
    no_args_is_help=True,
)

_PAGE = 200

OperatorOption = Annotated[str, typer.Option("--operator", help="Who is acting (recorded).")]


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"


@kb_app.command("list")
@errors_on_one_line
def list_command(
    category: Annotated[str | None, typer.Option(help="Entries that apply to it.")] = None,
    brand: Annotated[str | None, typer.Option(help="Entries that apply to it.")] = None,
    model: Annotated[str | None, typer.Option(help="Entries that apply to it.")] = None,
    issue_type: Annotated[str | None, typer.Option(help="Entries that answer it.")] = None,
    retired: Annotated[bool, typer.Option("--retired", help="Retired ones too.")] = False,
    format: Annotated[Format, typer.Option("--format")] = Format.TEXT,
    db: DbOption = None,
) -> None:
    """Entries by id: revision, origin (shipped or operator), status, what they answer."""
    from aftersales.services.knowledge import KnowledgeQuery

    query = KnowledgeQuery(category, brand, model, issue_type, retired, _PAGE)
    found = with_context(db, lambda ctx: _all_pages(ctx, query))
    if format is Format.JSON:
        print(json.dumps({"items": [_row(v) for v in found]}, ensure_ascii=False, indent=2))
        return
    for v in found:
        status = "retired" if v.retired else "active "
        line = f"{v.id}  r{v.revision}  {v.origin:8}  {status}  {_describe(v.document)}"
        out.print(line, highlight=False, markup=False)
    err.print(f"{len(found)} entr{'y' if len(found) == 1 else 'ies'}", highlight=False)


@kb_app.command("show")
@errors_on_one_line
def show(entry_id: str, db: DbOption = None) -> None:
    """One entry as JSON, with every revision (who, when, the text)."""
    from aftersales.services.knowledge import get_entry

    view = with_context(db, lambda ctx: get_entry(ctx, _operator("cli"), entry_id))
    history = [
        {
            "revision": r.revision,
            "action": r.action,
            "at": r.at.isoformat() if r.at else None,
            "by": _who(r.by),
            "entry": r.document,
        }
        for r in view.history
    ]
    print(json.dumps(_row(view) | {"history": history}, ensure_ascii=False, indent=2))


@kb_app.command("import")
@errors_on_one_line
def import_command(
    file: Annotated[Path, typer.Argument(help="A YAML file: entries: [...], as kb export writes.")],
    operator: OperatorOption = "cli",
    db: DbOption = None,
) -> None:
    """Apply a file of entries as one operator's edits: new ids created, changed texts edited
    (retired ones brought back), the same texts left alone. All or nothing."""
    from aftersales.services.knowledge import import_entries
    from aftersales.triage.knowledge_base import load_entries

    entries = load_entries(file)  # every entry checked before anything is written
    report = with_context(db, lambda ctx: import_entries(ctx, _operator(operator), entries))
    for label, ids in (("created", report.created), ("edited", report.edited)):
        for entry_id in ids:
            out.print(f"{label}  {entry_id}", highlight=False, markup=False)
    err.print(
        f"{len(report.created)} created, {len(report.edited)} edited, "
        f"{len(report.unchanged)} unchanged",
        highlight=False,
    )


@kb_app.command("export")
@errors_on_one_line
def export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (default: stdout).")
    ] = None,
    db: DbOption = None,
) -> None:
    """The set that answers now (shipped entries with operators' edits, retired ones left
    out) as YAML: importable, and usable as AFTERSALES_KNOWLEDGE_BASE."""
    import yaml

    from aftersales.services.knowledge import live_knowledge
    from aftersales.triage.knowledge_base import knowledge_document

    kb = with_context(db, lambda ctx: live_knowledge(ctx, _operator("cli")))
    text = _HEADER + yaml.safe_dump(
        knowledge_document(kb), allow_unicode=True, sort_keys=False, width=100
    )
    if output is None:
        print(text, end="")
        return
    output.write_text(text, encoding="utf-8")
    err.print(f"{len(kb.entries)} entries written to {output}", highlight=False)


_HEADER = (
    "# The knowledge base of automatic first replies as it answers now (aftersales kb export):\n"
    "# the shipped entries with operators' edits; retired entries are left out. Format:\n"
    "# docs/triage.md, 'Automatic first reply'. `aftersales kb import` applies its entries.\n"
)


def _all_pages(ctx: Context, query: KnowledgeQuery) -> list[KnowledgeView]:
    from dataclasses import replace

    from aftersales.services.knowledge import list_entries

    found: list[KnowledgeView] = []
    while True:
        page = list_entries(ctx, _operator("cli"), query)
        found += page
        if len(page) < query.limit:
            return found
        query = replace(query, after=page[-1].id)


def _row(v: KnowledgeView) -> dict[str, Any]:
    return {
        "id": v.id,
        "revision": v.revision,
        "origin": v.origin,
        "status": "retired" if v.retired else "active",
        "updated_at": v.updated_at.isoformat() if v.updated_at else None,
        "updated_by": _who(v.updated_by),
        "entry": v.document,
    }


def _describe(doc: dict[str, Any]) -> str:
    parts = [",".join(doc["issue_types"])]
    for key in ("categories", "brands", "models", "keywords"):
        if doc[key]:
            parts.append(f"{key}={','.join(doc[key])}")
    return "  ".join(parts)


def _who(actor: Actor | None) -> str | None:
    if actor is None:
        return None
    return f"{actor.role.value}:{actor.subject}" if actor.subject else actor.role.value


def _operator(name: str) -> Actor:
    return Actor(Role.OPERATOR, name)
