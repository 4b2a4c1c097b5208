"""Console benchmark of the merchant's own pages on the demo database: scorecard, programme,
content (list and item), alerts and recalls, recurring faults.

Not a test (pytest never collects ``bench/``). Build the demo database first, then run this
from the project root::

    uv run aftersales demo --no-serve                    # var/demo/aftersales.db, ~2 minutes
    uv run python bench/console_merchant.py              # 40 requests per page
    uv run python bench/console_merchant.py --db PATH --requests 15

What it does:

1. Copies the demo's SQLite file to a temporary directory (the demo is left as it was).
2. Picks the merchants whose pages have the most to show: the most cases, the most content
   items, the most recalls, and the demo's own merchant login; creates a console user for each.
3. Signs each in and asks for every merchant page ``--requests`` times through the real ASGI
   app in-process (no network), after two warm-up requests, on the demo's real clock. Prints
   the median and 95th percentile per page and checks the goal: every p95 under 300 ms.
"""

from __future__ import annotations

import argparse
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text

from aftersales.api.app import create_app
from aftersales.bootstrap import bootstrap
from aftersales.config import Settings
from aftersales.domain.actors import Actor, Role
from aftersales.services.context import Context
from aftersales.services.users import create_user
from aftersales.store.db import make_engine

GOAL_MS = 300.0
PASSWORD = "bench password 1"
PAGES = ("scorecard", "programme", "content", "alerts", "faults")
# The merchant with the most of each kind of row (the demo login's merchant is added too).
BUSIEST = {
    "cases": "SELECT merchant_id FROM cases GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
    "content": "SELECT merchant_id FROM content_items GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
    "recalls": (
        "SELECT p.merchant_id FROM recalls r JOIN products p ON p.id = r.product_id"
        " GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    ),
    "demo login": (
        "SELECT subject FROM console_users WHERE role = 'merchant_agent' ORDER BY name LIMIT 1"
    ),
}


def merchants(url: str) -> dict[str, str]:
    """The merchant chosen for each reason; a reason without rows chooses none."""
    engine = make_engine(url)
    chosen = {}
    with engine.connect() as conn:
        for why, sql in BUSIEST.items():
            found = conn.execute(text(sql)).scalar()
            if found:
                chosen[why] = str(found)
    engine.dispose()
    return chosen


def sign_in(client: TestClient, name: str) -> None:
    form = client.get("/console/signin").text
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token, "no sign-in form"
    body = {"csrf": token.group(1), "name": name, "password": PASSWORD, "next": ""}
    assert client.post("/console/signin", data=body, follow_redirects=False).status_code == 303


def measure(client: TestClient, path: str, n: int) -> list[float]:
    for _ in range(2):
        client.get(path)
    times = []
    for _ in range(n):
        began = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - began) * 1000)
        assert answer.status_code == 200, (path, answer.status_code)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def paths_of(client: TestClient) -> list[str]:
    """The merchant pages, and the newest content item's page when there is one."""
    paths = [f"/console/merchant/{name}" for name in PAGES]
    item = re.search(r'href="(/console/merchant/content/[^"]+)"', client.get(paths[2]).text)
    return paths + ([item.group(1)] if item else [])


def run(ctx: Context, chosen: dict[str, str], n: int) -> list[tuple[str, str, float, float]]:
    rows = []
    for why, merchant in chosen.items():
        name = f"bench-{merchant}".lower()
        create_user(ctx, name, Actor(Role.MERCHANT_AGENT, merchant), PASSWORD)
        client = TestClient(create_app(ctx))
        sign_in(client, name)
        for path in paths_of(client):
            times = measure(client, path, n)
            rows.append((f"{merchant} ({why})", path, statistics.median(times), p95(times)))
    return rows


def report(rows: list[tuple[str, str, float, float]], n: int) -> str:
    lines = [
        f"merchant console pages on the demo database, {n} requests each"
        f" (Python {platform.python_version()})",
        f"{'merchant':<24} {'page':<44} {'median ms':>9} {'p95 ms':>8}",
    ]
    for who, path, median, high in rows:
        shown = path if len(path) <= 44 else path[:41] + "..."
        lines.append(f"{who:<24} {shown:<44} {median:>9.1f} {high:>8.1f}")
    worst = max(rows, key=lambda r: r[3])
    verdict = "met" if worst[3] < GOAL_MS else "NOT met"
    lines.append(f"slowest p95: {worst[3]:.1f} ms ({worst[1]}); goal < {GOAL_MS:.0f} ms: {verdict}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    args = parse(argv)
    if not args.db.exists():
        print(f"no demo database at {args.db}: run `aftersales demo --no-serve` first")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "aftersales.db"
        for suffix in ("", "-wal"):  # the log holds what was not checkpointed yet
            if Path(f"{args.db}{suffix}").exists():
                shutil.copy(f"{args.db}{suffix}", f"{copy}{suffix}")
        url = f"sqlite:///{copy}"
        chosen = merchants(url)
        ctx = bootstrap(Settings(env="test", data_dir=Path(tmp), database_url=url), migrate=False)
        rows = run(ctx, chosen, args.requests)
        ctx.close()
    print(report(rows, args.requests))
    return 0 if all(row[3] < GOAL_MS for row in rows) else 1


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("var/demo/aftersales.db"))
    parser.add_argument("--requests", type=int, default=40)
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
