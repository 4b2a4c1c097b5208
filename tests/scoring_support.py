"""A month of business for scoring tests: orders for m1 and m2, cases worked well and badly.

Built through the real use cases on top of ``tests.support.build_market``: m1 answers every case
at once and its buyers are pleased; m2 lets its cases' first-response clocks run out (the SLA
sweep grants them) and its buyers rate it one star.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from aftersales.domain.actors import Actor, Role
from aftersales.domain.cases_types import CaseType, ResolutionType
from aftersales.domain.catalog import Channel, Consumer, Order, OrderLine
from aftersales.domain.clock import ManualClock
from aftersales.services import cases as uc
from aftersales.services import catalog
from aftersales.services.context import Context
from aftersales.services.sla import sweep
from tests.support import INTEGRATION

ORDERS = 30  # per merchant: enough for a score (20 are needed)
STORE = {"m1": ("s1", "p1", 99900), "m2": ("s3", "p2", 45000)}


def _consumer(n: int) -> str:
    return f"u{n:03d}"


def place_orders(ctx: Context, merchant: str, placed: datetime, count: int = ORDERS) -> list[str]:
    """``count`` one-line orders of ``merchant``, each by a buyer of its own; their line ids."""
    store, product, price = STORE[merchant]
    lines = []
    for n in range(count):
        consumer = _consumer(n)
        catalog.put_consumer(ctx, INTEGRATION, Consumer(consumer, consumer, "CN-BJ"))
        order_id, line_id = f"o-{merchant}-{placed:%m%d}-{n}", f"l-{merchant}-{placed:%m%d}-{n}"
        line = OrderLine(line_id, order_id, product, price, 1, "b1" if product == "p1" else None)
        order = Order(
            order_id,
            merchant,
            consumer,
            store,
            Channel.ONLINE,
            "CN-BJ",
            placed,
            (line,),
            placed,
            placed + timedelta(days=1),
        )
        catalog.push_order(ctx, INTEGRATION, order)
        lines.append(line_id)
    return lines


def _open(ctx: Context, line: str, consumer: str) -> str:
    cmd = uc.OpenCase(line, CaseType.RETURN_REFUND, "the screen stays black / 屏幕不亮, 质量问题")
    return uc.open_case(ctx, Actor(Role.CONSUMER, consumer), cmd).id


def careful_case(ctx: Context, clock: ManualClock, line: str, consumer: str) -> str:
    """m1's way: a refund proposed within the hour, accepted, rated five stars."""
    case_id = _open(ctx, line, consumer)
    case = uc.get_case(ctx, Actor(Role.OPERATOR), case_id)
    clock.advance(timedelta(minutes=30))
    if case.state == "awaiting_merchant":
        uc.propose(ctx, Actor(Role.MERCHANT_AGENT, "m1"), case_id, ResolutionType.REFUND_ONLY, 100)
        uc.accept(ctx, Actor(Role.CONSUMER, consumer), case_id)
    if uc.get_case(ctx, Actor(Role.OPERATOR), case_id).state in ("resolved", "closed"):
        uc.rate(ctx, Actor(Role.CONSUMER, consumer), case_id, 5, "quick")
    return case_id


def careless_case(ctx: Context, clock: ManualClock, line: str, consumer: str) -> str:
    """m2's way: no answer until the clock grants the return, done hours later; one star."""
    case_id = _open(ctx, line, consumer)
    clock.advance(timedelta(days=2))
    sweep(ctx)
    if uc.get_case(ctx, Actor(Role.OPERATOR), case_id).state == "in_service":
        clock.advance(timedelta(hours=6))
        uc.complete_service(ctx, Actor(Role.MERCHANT_AGENT, "m2"), case_id, "refunded at last")
    if uc.get_case(ctx, Actor(Role.OPERATOR), case_id).state in ("resolved", "closed"):
        uc.rate(ctx, Actor(Role.CONSUMER, consumer), case_id, 1, "ignored")
    return case_id


def month_of_business(ctx: Context, clock: ManualClock, placed: datetime) -> dict[str, list[str]]:
    """Orders for m1 and m2 placed at ``placed``, then their cases; the case ids by merchant."""
    clock.set(max(clock.now(), placed))  # an order is pushed once it is placed
    lines = {m: place_orders(ctx, m, placed) for m in ("m1", "m2")}
    clock.set(placed + timedelta(days=2))
    found: dict[str, list[str]] = {"m1": [], "m2": []}
    for n in range(4):
        found["m1"].append(careful_case(ctx, clock, lines["m1"][n], _consumer(n)))
        found["m2"].append(careless_case(ctx, clock, lines["m2"][n], _consumer(n)))
    return found


# ---- targets of the authorization matrix (tests/e2e/test_authorization.py) ----------------

_serial = iter(range(1, 10_000))
OPERATOR = Actor(Role.OPERATOR, "ana")


def scored(ctx: Context) -> dict[str, str]:
    """October 2026 assessed (the market's orders of late October), m1's card among them."""
    from aftersales.services import cycles

    with ctx.uow(read_only=True) as uow:
        done = uow.scoring.latest("monthly", "2026-10") is not None
    if not done:
        cycles.run_cycle(ctx, OPERATOR, "2026-10")
    return {"merchant_id": "m1"}


def appealable_case(ctx: Context) -> dict[str, str]:
    """A fresh case of c1 at m1, counted against m1."""
    n = next(_serial)
    placed = ctx.clock.now() - timedelta(days=3)
    line = OrderLine(f"lsa{n}", f"osa{n}", "p1", 99900, 1, "b1")
    order = Order(
        f"osa{n}",
        "m1",
        "c1",
        "s1",
        Channel.ONLINE,
        "CN-BJ",
        placed,
        (line,),
        placed,
        placed + timedelta(days=1),
    )
    catalog.push_order(ctx, INTEGRATION, order)
    return {"case_id": _open(ctx, line.id, "c1")}


def pending_appeal(ctx: Context) -> dict[str, str]:
    """m1's appeal of a fresh case, waiting for an operator."""
    from aftersales.services.scoring_appeals import file_appeal

    case_id = appealable_case(ctx)["case_id"]
    appeal = file_appeal(ctx, Actor(Role.MERCHANT_AGENT, "m1"), case_id, "not our fault")
    return {"appeal_id": appeal.id}
