"""A consumer's own orders, line by line, to open an after-sales case from."""

from __future__ import annotations

from aftersales.domain.actors import Actor, Role
from aftersales.errors import PermissionDenied, Text
from aftersales.services.context import Context
from aftersales.store.order_lists import LineRow

__all__ = ["LineRow", "my_order_lines"]


def my_order_lines(ctx: Context, actor: Actor, *, orders: int = 50) -> list[LineRow]:
    """The lines of the consumer's newest orders, each with its open case if it has one."""
    if actor.role is not Role.CONSUMER or not actor.subject:
        raise PermissionDenied(
            Text("only a consumer has orders of their own", "只有消费者才有自己的订单")
        )
    with ctx.uow(read_only=True) as uow:
        return uow.order_lists.lines_of_consumer(actor.subject, orders)
