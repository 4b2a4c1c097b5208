"""The content repository on both databases: a daily run's moves saved in one statement, all or
nothing, and a listing of what was published since a moment."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from aftersales.domain.actors import Actor, Role
from aftersales.domain.clock import ManualClock
from aftersales.errors import Conflict
from aftersales.exposure import ContentKind, Stage
from aftersales.services import content
from aftersales.services.context import Context
from aftersales.store.content import ContentQuery, ContentRecord
from tests.support import INTEGRATION, Market

M1 = Actor(Role.MERCHANT_AGENT, "m1")


def _publish(ctx: Context, n: int) -> list[ContentRecord]:
    cmd = content.Publish(ContentKind.POST, "使用心得", ("p1",))
    return [content.publish(ctx, M1, cmd) for _ in range(n)]


def _boosted(record: ContentRecord, ctx: Context) -> ContentRecord:
    on = content.today(ctx.clock.now())
    item = replace(record.item, stage=Stage.BOOST, stage_since=on, cold_start_used=True)
    return record.moved(item, ctx.clock.now())


def _stored(ctx: Context, content_id: str) -> ContentRecord:
    with ctx.uow(read_only=True) as uow:
        record = uow.content.get(content_id)
    assert record is not None
    return record


def test_saving_many_moves_stores_each_with_its_new_version(ctx: Context, market: Market) -> None:
    records = _publish(ctx, 3)
    moved = [_boosted(r, ctx) for r in records[:2]]
    with ctx.uow() as uow:
        uow.content.save(moved)
        uow.commit()
    for record in moved:
        assert _stored(ctx, record.id) == record
    assert _stored(ctx, records[2].id) == records[2]


def test_a_save_with_one_item_changed_meanwhile_stores_none(ctx: Context, market: Market) -> None:
    first, second = _publish(ctx, 2)
    with ctx.uow() as uow:  # someone else moves the second item first
        uow.content.save([_boosted(second, ctx)])
        uow.commit()
    with pytest.raises(Conflict), ctx.uow() as uow:
        uow.content.save([_boosted(first, ctx), _boosted(second, ctx)])
        uow.commit()
    assert _stored(ctx, first.id) == first


def test_a_listing_since_a_moment_holds_only_what_was_published_since(
    ctx: Context, clock: ManualClock, market: Market
) -> None:
    (old,) = _publish(ctx, 1)
    clock.advance(timedelta(days=3))
    since = clock.now()
    recent = _publish(ctx, 2)
    query = ContentQuery(published_since=since)
    found = content.list_contents(ctx, INTEGRATION, query)
    assert {r.id for r in found} == {r.id for r in recent}
    assert old.id in {r.id for r in content.list_contents(ctx, INTEGRATION, ContentQuery())}
    assert content.list_contents(ctx, M1, query) == found  # a merchant's own, the same filter
