"""Console benchmark: the server time of each console page on a database of a few thousand cases.

Not a test (pytest never collects ``bench/``). Run it from the project root::

    uv run python bench/console.py              # 3,000 cases, 40 requests per page
    uv run python bench/console.py --quick      # 600 cases, 15 requests per page
    uv run python bench/console.py --demo var/demo   # the operator's and auditor's pages on
                                                     # the database `aftersales demo` built

What it does:

1. Creates a fresh SQLite database in a temporary directory (``--db`` for another URL, e.g.
   PostgreSQL) and fills it through the use cases, as the marketplace and its people would:
   20 merchants with 5 products each, 500 consumers, one order line per case, ``--cases``
   cases opened by the consumers (each triaged and decided by the policy), then a share of
   them proposed, accepted, completed, escalated and arbitrated; a confirmed recall of one
   batch; one console user per role.
2. Signs each user in, then asks for every page of its role ``--requests`` times through the
   real ASGI app in-process (no network), after two warm-up requests. The time is measured
   around the whole request, so it is the server's time plus a little of the test client's.
3. Prints the median and 95th percentile per page and checks the goal: every page's p95 under
   300 ms.
"""

# ruff: noqa: RUF001

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from aftersales.api.app import create_app
from aftersales.bootstrap import bootstrap
from aftersales.config import Settings
from aftersales.domain.actors import Actor, Role
from aftersales.domain.cases_types import CaseType, LiableParty, ResolutionType, Verdict
from aftersales.domain.catalog import (
    Batch,
    Channel,
    Consumer,
    Merchant,
    Order,
    OrderLine,
    Product,
    Store,
    StoreKind,
)
from aftersales.domain.clock import ManualClock
from aftersales.errors import AftersalesError
from aftersales.recall import Remedy
from aftersales.services import cases as uc
from aftersales.services import catalog
from aftersales.services import recalls as rc
from aftersales.services.context import Context
from aftersales.services.users import create_user
from aftersales.store.recalls import RecallQuery

GOAL_MS = 300.0
INTEGRATION = Actor(Role.INTEGRATION)
OPERATOR = Actor(Role.OPERATOR, "op")
MERCHANTS, PRODUCTS_EACH, CONSUMERS = 20, 5, 500
REGIONS = ("CN-BJ", "CN-SH", "CN-GD", "CN-ZJ", "CN-JS", "CN-SC")
CATEGORIES = ("digital/phone", "apparel/knitwear", "home/furniture", "appliance/heater")
COMPLAINTS = (
    "屏幕有坏点，开机后一直闪烁",
    "the zipper broke after two days",
    "毛衣洗后缩水了两个尺码",
    "沙发送来尺寸不对，放不进客厅",
    "heater smells of burning plastic when switched on",
    "充电很慢，电池发烫",
    "colour is different from the photos",
    "收到的商品少了配件",
)
PASSWORD = "bench password 1"
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


# ---- the data -----------------------------------------------------------------------------------


def seed(ctx: Context, clock: ManualClock, cases: int, rng: random.Random) -> dict[str, str]:
    """Merchants, products, consumers, ``cases`` orders with a case each, moved along."""
    for m in range(MERCHANTS):
        store = Store(f"s{m}", f"m{m}", StoreKind.ONLINE, f"Store {m}", REGIONS[m % len(REGIONS)])
        catalog.put_merchant(ctx, INTEGRATION, Merchant(f"m{m}", f"Merchant {m}", (store,)))
        for p in range(PRODUCTS_EACH):
            pid = f"p{m}-{p}"
            batch = (Batch(f"b{m}-{p}", pid, f"L{p}", START - timedelta(days=60)),)
            category = CATEGORIES[(m + p) % len(CATEGORIES)]
            product = Product(pid, f"m{m}", category, f"Product {pid}", "Brand", "X", {}, batch)
            catalog.put_product(ctx, INTEGRATION, product)
    for c in range(CONSUMERS):
        region = REGIONS[c % len(REGIONS)]
        catalog.put_consumer(ctx, INTEGRATION, Consumer(f"c{c}", f"consumer {c}", region))
    opened = [_open_one(ctx, clock, i, cases, rng) for i in range(cases)]
    _move_along(ctx, [o for o in opened if o is not None], rng)
    recall = _confirmed_recall(ctx)
    m0_case = next(o[0] for o in opened if o and o[1] == "m0")
    buyer = uc.get_case(ctx, OPERATOR, m0_case).facts
    assert buyer is not None
    _users(ctx, buyer.consumer_id)
    return {"recall": recall, "m0_case": m0_case}


def _confirmed_recall(ctx: Context) -> str:
    """A recall the safety reports opened (or one opened by hand), confirmed: a campaign runs."""
    m0 = Actor(Role.MERCHANT_AGENT, "m0")  # one of m0's, so its agent's pages show it too
    reviews = rc.list_recalls(ctx, m0, RecallQuery(states=("review",), limit=1))
    if reviews:
        recall_id = reviews[0].recall.id
    else:
        review = rc.OpenReview("overheats", product_id="p0-0")
        recall_id = rc.open_review(ctx, OPERATOR, review).recall.id
    rc.decide(ctx, OPERATOR, recall_id, rc.Confirm((Remedy.REFUND, Remedy.REPAIR)))
    return recall_id


def _open_one(
    ctx: Context, clock: ManualClock, i: int, total: int, rng: random.Random
) -> tuple[str, str] | None:
    m, p, c = i % MERCHANTS, rng.randrange(PRODUCTS_EACH), rng.randrange(CONSUMERS)
    # Spread over eight weeks, so the overview's weekly charts have something to show.
    placed = START - timedelta(days=58) + timedelta(minutes=i * 56 * 24 * 60 // total)
    clock.set(placed)
    line = OrderLine(f"l{i}", f"o{i}", f"p{m}-{p}", rng.randrange(5_000, 500_000), 1, f"b{m}-{p}")
    order = Order(
        f"o{i}",
        f"m{m}",
        f"c{c}",
        f"s{m}",
        Channel.ONLINE,
        REGIONS[c % len(REGIONS)],
        placed,
        (line,),
        placed,
        placed,
    )
    kind = rng.choice((CaseType.RETURN_REFUND, CaseType.REPAIR, CaseType.EXCHANGE))
    cmd = uc.OpenCase(line.id, kind, rng.choice(COMPLAINTS))
    try:
        catalog.push_order(ctx, INTEGRATION, order)
        clock.set(placed + timedelta(days=2))
        return uc.open_case(ctx, Actor(Role.CONSUMER, f"c{c}"), cmd).id, f"m{m}"
    except AftersalesError:
        return None  # a batch a safety report put on hold sells no more, as in a marketplace


def _move_along(ctx: Context, opened: list[tuple[str, str]], rng: random.Random) -> None:
    """Half proposed; of those, some accepted and done, some rejected and escalated, judged."""
    for case_id, merchant in opened:
        roll = rng.random()
        m = Actor(Role.MERCHANT_AGENT, merchant)
        try:
            case = uc.get_case(ctx, OPERATOR, case_id)
            if roll > 0.5 or case.state.value != "awaiting_merchant":
                continue
            assert case.facts is not None
            c = Actor(Role.CONSUMER, case.facts.consumer_id)
            uc.propose(ctx, m, case_id, ResolutionType.REPAIR, 0)
            if roll < 0.25:
                uc.accept(ctx, c, case_id)
                uc.complete_service(ctx, m, case_id, "repaired")
                uc.rate(ctx, c, case_id, rng.randint(3, 5), None)
            elif roll < 0.4:
                uc.reject(ctx, c, case_id, "not enough")
                uc.escalate(ctx, c, case_id, "please decide")
                if roll < 0.32:
                    verdict = uc.ArbitrationCommand(
                        Verdict.CONSUMER, LiableParty.MERCHANT, ResolutionType.REPAIR, 0, "ok"
                    )
                    uc.arbitrate(ctx, OPERATOR, case_id, verdict)
        except AftersalesError:
            continue


def _users(ctx: Context, consumer: str) -> None:
    create_user(ctx, "buyer", Actor(Role.CONSUMER, consumer), PASSWORD)
    create_user(ctx, "m0", Actor(Role.MERCHANT_AGENT, "m0"), PASSWORD)
    create_user(ctx, "op", Actor(Role.OPERATOR), PASSWORD)
    create_user(ctx, "au", Actor(Role.AUDITOR), PASSWORD)


# ---- the measurement ----------------------------------------------------------------------------


def pages(ctx: Context, seeded: dict[str, str]) -> dict[str, tuple[str, list[str]]]:
    """user -> the pages of the role, by a short name."""
    m0 = f"/console/cases/{seeded['m0_case']}"  # the buyer's too
    recall = f"/console/recalls/{seeded['recall']}"
    return {
        "buyer": ("consumer", ["/console/orders", "/console/cases", m0, "/console/recalls"]),
        "m0": ("merchant", ["/console/queue", "/console/cases", m0, "/console/recalls", recall]),
        "op": (
            "operator",
            [
                "/console/overview",
                "/console/arbitration",
                "/console/cases",
                "/console/cases?state=escalated",
                m0,
                "/console/recalls",
                recall,
                "/console/policies",
                "/console/ledger",
            ],
        ),
        "au": ("auditor", ["/console/cases", m0, "/console/overview"]),
    }


def measure(client: TestClient, path: str, n: int) -> list[float]:
    times = []
    for i in range(n + 2):
        began = time.perf_counter()
        answer = client.get(path)
        spent = (time.perf_counter() - began) * 1000
        assert answer.status_code == 200, (path, answer.status_code)
        if i >= 2:  # two warm-up requests: templates compiled, caches filled
            times.append(spent)
    return times


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> None:
    form = client.get("/console/signin").text
    token = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    body = {"csrf": token, "name": name, "password": password}
    assert client.post("/console/signin", data=body, follow_redirects=False).status_code == 303


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def main(argv: list[str]) -> int:
    args = parse(argv)
    if args.demo:
        rows = demo_rows(Path(args.demo), args.db, args.requests)
        print(report(rows, args))
        return 0 if all(row[3] < GOAL_MS for row in rows) else 1
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        clock = ManualClock(START)
        settings = Settings(env="test", data_dir=Path(tmp), database_url=args.db or "")
        ctx = bootstrap(settings, clock=clock)
        began = time.perf_counter()
        seeded = seed(ctx, clock, args.cases, rng)
        print(f"seeded {args.cases} cases in {time.perf_counter() - began:.0f} s", flush=True)
        clock.set(START)
        rows = run_pages(ctx, seeded, args.requests)
        ctx.close()
    print(report(rows, args))
    return 0 if all(row[3] < GOAL_MS for row in rows) else 1


def run_pages(ctx: Context, seeded: dict[str, str], n: int) -> list[tuple[str, str, float, float]]:
    rows = []
    for user, (role, paths) in pages(ctx, seeded).items():
        client = TestClient(create_app(ctx))
        sign_in(client, user)
        for path in paths:
            times = measure(client, path, n)
            rows.append((role, path, statistics.median(times), p95(times)))
    return rows


# The platform's pages that need no id, on the demo's database (``--demo``).
DEMO_PAGES = {
    "operator": [
        "/console/overview",
        "/console/arbitration",
        "/console/cases",
        "/console/alerts",
        "/console/recalls",
        "/console/programme",
        "/console/dispatch",
        "/console/policies",
        "/console/policies/current/backtest?days=28",
        "/console/ledger",
    ],
    "auditor": ["/console/alerts", "/console/overview", "/console/programme", "/console/dispatch"],
}


def demo_rows(directory: Path, db: str | None, n: int) -> list[tuple[str, str, float, float]]:
    """The operator's and auditor's pages on the database ``aftersales demo`` built in
    ``directory``, signed in with the logins it wrote there (``logins.json``)."""
    logins = json.loads((directory / "logins.json").read_text(encoding="utf-8"))
    url = db or f"sqlite:///{directory / 'aftersales.db'}"
    ctx = bootstrap(Settings(data_dir=directory, database_url=url), migrate=False)
    rows = []
    for login in logins:
        paths = DEMO_PAGES.get(login["role"], [])
        if not paths:
            continue
        client = TestClient(create_app(ctx))
        sign_in(client, login["user"], login["password"])
        for path in paths:
            times = measure(client, path, n)
            rows.append((login["role"], path, statistics.median(times), p95(times)))
    ctx.close()
    return rows


def report(rows: list[tuple[str, str, float, float]], args: argparse.Namespace) -> str:
    where = f"the demo's database in {args.demo}" if args.demo else f"{args.cases} cases"
    lines = [
        f"console pages, {where}, {args.requests} requests each "
        f"(Python {platform.python_version()}, {args.db or 'SQLite'})",
        f"{'role':<9} {'page':<42} {'median ms':>9} {'p95 ms':>8}",
    ]
    for role, path, median, high in rows:
        shown = path if len(path) <= 42 else path[:39] + "..."
        lines.append(f"{role:<9} {shown:<42} {median:>9.1f} {high:>8.1f}")
    worst = max(rows, key=lambda r: r[3])
    verdict = "met" if worst[3] < GOAL_MS else "NOT met"
    lines.append(f"slowest p95: {worst[3]:.1f} ms ({worst[1]}); goal < {GOAL_MS:.0f} ms: {verdict}")
    return "\n".join(lines)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--db", help="database URL (default: a SQLite file in a temp directory)")
    parser.add_argument("--quick", action="store_true", help="600 cases, 15 requests per page")
    parser.add_argument(
        "--demo", metavar="DIR", help="measure on the database `aftersales demo` built in DIR"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.cases, args.requests = 600, 15
    return args


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
