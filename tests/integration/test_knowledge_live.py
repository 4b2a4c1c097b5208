"""The live knowledge base on SQLite and PostgreSQL: another server process picks up an edit
within its refresh interval without a restart and without a query per case, two editors of the
same revision never both win, and the history cannot be rewritten."""

# ruff: noqa: RUF001

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, insert, text
from sqlalchemy.exc import DBAPIError

from aftersales.domain.actors import Actor, Role
from aftersales.errors import AftersalesError, PermissionDenied
from aftersales.services import knowledge as uc
from aftersales.services.context import Context
from aftersales.services.knowledge_source import KnowledgeSource
from aftersales.store.tables import knowledge_entries, metadata
from aftersales.store.uow import UnitOfWork
from aftersales.triage.knowledge_base import default_knowledge
from aftersales.triage.replies import Situation, compose

ALICE = Actor(Role.OPERATOR, "alice")
BOB = Actor(Role.OPERATOR, "bob")
WRONG_ITEM = Situation("wrong_item", "zh")


def wrong_item_text(step: str) -> dict[str, Any]:
    return {
        "issue_types": ["wrong_item"],
        "zh": {"lead": "发错货了。", "steps": [step]},
        "en": {"lead": "Wrong item.", "steps": ["Photograph what came."]},
    }


class CountingUow:
    """The unit-of-work factory of another server process, counting the transactions it opens."""

    def __init__(self, uow: Callable[..., UnitOfWork]) -> None:
        self._uow = uow
        self.opened = 0

    def __call__(self, **kwargs: Any) -> UnitOfWork:
        self.opened += 1
        return self._uow(**kwargs)


def test_another_process_answers_with_an_edit_after_its_refresh_interval_only(
    ctx: Context,
) -> None:
    clock = [100.0]
    other_db = CountingUow(ctx.uow)
    other = KnowledgeSource(default_knowledge, other_db, 5, monotonic=lambda: clock[0])
    before = compose(other(), WRONG_ITEM).body

    uc.replace_entry(ctx, ALICE, "wrong_item", wrong_item_text("先别拆封，拍下外箱。"), 0)
    for _ in range(1000):  # a thousand case openings within the interval
        still = compose(other(), WRONG_ITEM)
    clock[0] += 5
    after = compose(other(), WRONG_ITEM)

    assert "先别拆封" not in before and "先别拆封" not in still.body
    assert "先别拆封" in after.body and after.revision == 1
    assert other_db.opened == 2  # one look at start, one after the interval: none per case


def test_nothing_is_read_again_while_the_count_of_revisions_stands(ctx: Context) -> None:
    clock = [0.0]
    source = KnowledgeSource(default_knowledge, ctx.uow, 1, monotonic=lambda: clock[0])
    first = source()
    clock[0] += 1

    assert source() is first  # same count: the set in force is kept, not rebuilt


def test_this_process_answers_with_its_own_edit_at_once(ctx: Context) -> None:
    ctx.knowledge()  # looked at once already: the next look would be seconds away
    uc.replace_entry(ctx, ALICE, "wrong_item", wrong_item_text("先别拆封。"), 0)

    assert "先别拆封" in compose(ctx.knowledge(), WRONG_ITEM).body


def test_a_stored_entry_that_no_longer_passes_the_checks_is_left_out(
    ctx: Context, db_url: str
) -> None:
    broken = wrong_item_text("x") | {"id": "wrong_item", "categories": ["gone/category"]}
    engine = create_engine(db_url)
    with engine.begin() as conn:
        row = {
            "id": "wrong_item",
            "revision": 1,
            "retired": False,
            "content": broken,
            "created_at": ctx.clock.now(),
            "updated_at": ctx.clock.now(),
            "actor_role": "operator",
            "actor_id": None,
        }
        conn.execute(insert(knowledge_entries), row)
    engine.dispose()

    reply = compose(ctx.knowledge(), WRONG_ITEM)

    assert (reply.entry, reply.revision) == ("wrong_item", 0)  # the shipped text answers


def test_of_two_operators_editing_the_same_revision_exactly_one_wins(ctx: Context) -> None:
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def edit(who: Actor) -> None:
        barrier.wait()
        try:
            uc.replace_entry(ctx, who, "wrong_item", wrong_item_text(f"{who.subject} 的步骤"), 0)
            outcomes[str(who.subject)] = "saved"
        except AftersalesError as exc:
            outcomes[str(who.subject)] = exc.code.value

    threads = [threading.Thread(target=edit, args=(who,)) for who in (ALICE, BOB)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    view = uc.get_entry(ctx, ALICE, "wrong_item")

    assert sorted(outcomes.values()) == ["revision_mismatch", "saved"]
    winner = next(who for who, result in outcomes.items() if result == "saved")
    assert [(r.revision, r.by.subject if r.by else None) for r in view.history] == [
        (0, None),
        (1, winner),
    ]


def test_the_history_cannot_be_rewritten(ctx: Context, db_url: str) -> None:
    uc.retire_entry(ctx, ALICE, "wrong_item")
    engine = create_engine(db_url)
    refused = []
    for statement in (
        "UPDATE knowledge_revisions SET actor_id = 'mallory'",
        "DELETE FROM knowledge_revisions",
    ):
        with pytest.raises(DBAPIError) as caught, engine.begin() as conn:
            conn.execute(text(statement))
        refused.append("append-only" in str(caught.value))
    engine.dispose()

    assert refused == [True, True]


def test_the_migration_creates_the_knowledge_tables_as_the_code_declares_them(
    db_url: str,
) -> None:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()

    assert [d for d in diff if "knowledge" in repr(d)] == []


def test_the_use_cases_check_the_role_themselves(ctx: Context) -> None:
    auditor, merchant = Actor(Role.AUDITOR), Actor(Role.MERCHANT_AGENT, "m1")

    assert uc.get_entry(ctx, auditor, "wrong_item").revision == 0
    with pytest.raises(PermissionDenied):
        uc.retire_entry(ctx, auditor, "wrong_item")
    with pytest.raises(PermissionDenied):
        uc.list_entries(ctx, merchant, uc.KnowledgeQuery())
    with pytest.raises(PermissionDenied):
        uc.preview(ctx, auditor, uc.PreviewRequest("屏幕坏了"))
