"""Policy engine benchmark: decisions per second on one core for the default pack.

Not a test (pytest never collects ``bench/``). Run it from the project root::

    uv run python bench/policy.py            # 100k cases, 5 repetitions
    uv run python bench/policy.py --quick    # 10k cases, 3 repetitions

What it does:

1. Generates ``--cases`` case facts from a fixed seed, in a realistic mix: categories weighted
   as a general marketplace sees them (apparel and digital most, then food, home, appliances,
   personal care), case types and issue types per category, prices drawn per category around
   typical prices, most cases a few days after delivery and a tail up to three years, offline
   stores, brands with their own warranties, care labels and the care consumers report, a
   small share of safety hazards, and consumer histories with a few heavy refunders.
2. Loads the default pack (``policies/``) and decides every case once to warm up (the rule
   buckets are built on first use, as in a running server).
3. Decides all cases ``--reps`` times in this one thread, pinned to one CPU where the system
   allows it, and prints the median decisions per second and microseconds per decision, with
   the shares of a few outcomes as a sanity check of the mix. The headline figure divides by
   the CPU time of the deciding thread, so that other processes on a shared machine do not
   lower it; the wall-clock rate is printed beside it.

With ``--backtest N`` it then measures the backtest: N stored cases (the generated facts with
the decisions the default pack gave them, in the ``cases`` table of a fresh SQLite database in
a temporary directory, inserted in bulk) re-decided through ``services.backtest`` with a
candidate pack whose online response clock differs; it prints the seconds and cases/s::

    uv run python bench/policy.py --quick --backtest 1000000
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import statistics
import time
from pathlib import Path
from typing import Any

from aftersales.policy import Facts, Pack, load_pack

ROOT = Path(__file__).resolve().parents[1]

# (category, weight, median price in yuan)
CATEGORIES = [
    ("apparel/knitwear", 8, 259),
    ("apparel/outerwear", 7, 499),
    ("apparel/shoes", 8, 329),
    ("apparel/underwear", 4, 89),
    ("digital/phone", 8, 2999),
    ("digital/computer", 4, 5499),
    ("digital/accessory", 9, 59),
    ("appliance/heater", 3, 299),
    ("appliance/kitchen", 5, 399),
    ("home/furniture", 5, 1999),
    ("home/textile", 6, 199),
    ("food/fresh", 10, 89),
    ("food/packaged", 8, 49),
    ("personal_care", 6, 129),
    ("other", 1, 99),  # a category the tree does not know: only general rules apply
]

# issue types per category root, with weights; safety hazards are rare but always present
ISSUES = {
    "apparel": {
        "size_fit": 30,
        "colour_difference": 10,
        "quality_defect": 18,
        "care_damage": 12,
        "not_as_described": 8,
        "damaged_in_transit": 3,
        "wrong_item": 4,
        "missing_parts": 2,
        "late_delivery": 5,
        "service_conduct": 2,
        "other": 5,
        "allergic_reaction": 1,
    },
    "digital": {
        "malfunction": 25,
        "software_issue": 20,
        "quality_defect": 15,
        "damaged_in_transit": 6,
        "not_as_described": 6,
        "wrong_item": 3,
        "missing_parts": 5,
        "late_delivery": 5,
        "service_conduct": 4,
        "other": 8,
        "fire_overheat": 1,
        "electrical_hazard": 1,
    },
    "appliance": {
        "malfunction": 35,
        "quality_defect": 15,
        "damaged_in_transit": 12,
        "missing_parts": 6,
        "not_as_described": 6,
        "late_delivery": 5,
        "service_conduct": 4,
        "other": 8,
        "fire_overheat": 2,
        "electrical_hazard": 1,
        "software_issue": 3,
    },
    "home": {
        "size_fit": 18,
        "quality_defect": 22,
        "damaged_in_transit": 18,
        "colour_difference": 8,
        "not_as_described": 10,
        "missing_parts": 8,
        "late_delivery": 6,
        "service_conduct": 3,
        "other": 6,
        "injury": 1,
    },
    "food": {
        "quality_defect": 25,
        "food_spoilage": 6,
        "foreign_object": 2,
        "damaged_in_transit": 18,
        "not_as_described": 8,
        "missing_parts": 8,
        "late_delivery": 12,
        "other": 10,
        "allergic_reaction": 2,
    },
    "personal_care": {
        "quality_defect": 20,
        "allergic_reaction": 3,
        "not_as_described": 15,
        "damaged_in_transit": 12,
        "wrong_item": 6,
        "late_delivery": 8,
        "other": 20,
        "missing_parts": 5,
    },
}
ISSUES["other"] = ISSUES["personal_care"]

CASE_TYPES = {
    "return_refund": 45,
    "refund_only": 20,
    "exchange": 15,
    "repair": 8,
    "complaint": 10,
    "safety_report": 1,
}
BRANDS = {
    "digital/phone": [("Acme", ["X1", "X1 Pro", "X1 Lite", "X2"]), ("Lumo", ["L5", "L7"])],
    "digital/computer": [("Northwind", ["ProBook 14", "ProBook 16", "Air 13"]), ("Orion", ["O9"])],
    "appliance/heater": [("WarmHome", ["H200", "H300"]), ("Sunny", ["S1"])],
}
FABRICS = ["cotton", "wool", "cashmere", "polyester", "silk", "linen", "viscose", "down", "denim"]
LABELS = [
    ["wash_30", "do_not_bleach", "do_not_tumble_dry", "dry_flat", "iron_110"],
    ["hand_wash", "do_not_bleach", "do_not_tumble_dry", "dry_flat_shade", "dry_clean_p"],
    ["wash_40", "bleach_oxygen_only", "tumble_dry_low", "line_dry", "iron_150"],
    ["do_not_wash", "do_not_bleach", "do_not_tumble_dry", "iron_110", "dry_clean_f"],
    ["wash_60", "bleach_any", "tumble_dry_normal", "iron_200"],
]
CARE_DONE = [
    ["wash_30", "dry_flat"],
    ["wash_60", "tumble_dry_normal"],
    ["wash_40", "line_dry", "iron_150"],
    ["hand_wash", "dry_flat_shade"],
    ["wash_40_mild", "tumble_dry_low"],
]
TEXTS = {
    "zh": "收到的商品有问题，{0}，希望尽快处理。",  # noqa: RUF001 (Chinese punctuation)
    "en": "There is a problem with my order: {0}. Please help.",
}


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def one_case(rng: random.Random) -> dict[str, Any]:
    category, _, price = rng.choices(CATEGORIES, weights=[c[1] for c in CATEGORIES])[0]
    root = category.partition("/")[0]
    issue = pick(rng, ISSUES[root])
    case: dict[str, Any] = {
        "case_type": pick(rng, CASE_TYPES),
        "category": category,
        "channel": "offline" if rng.random() < 0.12 else "online",
        "region": rng.choice(["CN-BJ", "CN-SH", "CN-GD", "CN-ZJ", "CN-SC", "CN-HB"]),
        "days_since_delivery": _days(rng),
        "amount": max(100, int(rng.lognormvariate(0, 0.6) * price * 100)),
        "issue_type": issue,
        "severity": _severity(rng, issue),
        "merchant": _merchant(rng, category),
        "description": TEXTS[rng.choice(["zh", "en"])].format(issue.replace("_", " ")),
        "consumer": _history(rng),
        "attributes": _attributes(rng, category, issue),
    }
    if category in BRANDS:
        brand, models = rng.choice(BRANDS[category])
        case |= {"brand": brand, "model": rng.choice(models)}
    return case


def _days(rng: random.Random) -> int | None:
    if rng.random() < 0.05:
        return None
    if rng.random() < 0.75:
        return rng.randint(0, 15)
    return min(1100, int(rng.expovariate(1 / 120)) + 16)


def _severity(rng: random.Random, issue: str) -> str | None:
    if rng.random() < 0.3:
        return None  # triage did not say
    if issue in ("food_spoilage", "foreign_object", "electrical_hazard", "fire_overheat"):
        return "critical"
    if issue in ("injury", "allergic_reaction"):
        return rng.choice(["major", "critical"])
    return rng.choices(["minor", "moderate", "major"], weights=[45, 40, 15])[0]


def _merchant(rng: random.Random, category: str) -> str:
    if category.startswith("digital/phone") and rng.random() < 0.3:
        return "m-acme"
    if category.startswith("home/furniture") and rng.random() < 0.3:
        return "m-cozyhome"
    return f"m-{rng.randint(1, 5000):04d}"


def _history(rng: random.Random) -> dict[str, int]:
    heavy = rng.random() < 0.03
    cases = rng.randint(5, 15) if heavy else min(int(rng.expovariate(1.2)), 6)
    return {"cases_90d": cases, "refund_only_90d": rng.randint(0, min(cases, 8))}


def _attributes(rng: random.Random, category: str, issue: str) -> dict[str, Any]:
    a: dict[str, Any] = {"intact": rng.random() < 0.8, "opened": rng.random() < 0.6}
    if category.startswith("apparel"):
        a["fabric"] = rng.choice(FABRICS)
        if rng.random() < 0.92:
            a["care_label"] = rng.choice(LABELS)
        if issue in ("care_damage", "quality_defect") and rng.random() < 0.6:
            a["care_applied"] = rng.choice(CARE_DONE)
    if category == "home/furniture" or (category.startswith("appliance") and rng.random() < 0.3):
        a["bulky"] = rng.random() < 0.8
    if category == "food/fresh":
        a["perishable"] = True
    if issue in ("size_fit", "colour_difference"):
        a["listing_mismatch"] = rng.random() < 0.15
    if category.startswith(("digital", "appliance")) and rng.random() < 0.04:
        a["misuse"] = True
    if rng.random() < 0.02:
        a["custom_made"] = True
    return a


def generate(count: int, seed: int) -> list[Facts]:
    rng = random.Random(seed)
    return [Facts.from_json(one_case(rng)) for _ in range(count)]


def run(pack: Pack, cases: list[Facts]) -> tuple[float, float]:
    """CPU seconds of this thread, and wall seconds, to decide every case once."""
    decide = pack.decide
    cpu, wall = time.thread_time(), time.perf_counter()
    for facts in cases:
        decide(facts)
    return time.thread_time() - cpu, time.perf_counter() - wall


def summary(pack: Pack, cases: list[Facts]) -> str:
    decisions = [pack.decide(f) for f in cases]
    first = collections.Counter(d.resolutions[0].type for d in decisions)
    share = len(decisions) / 100
    top = ", ".join(f"{t} {n / share:.1f}%" for t, n in first.most_common(6))
    counted = sum(d.counts_against_merchant for d in decisions)
    return (
        f"  emergencies {sum(d.emergency for d in decisions) / share:.1f}%,"
        f" counted against merchant {counted / share:.1f}%,"
        f" rules fired per case {statistics.mean(len(d.rules) for d in decisions):.1f},"
        f" condition errors {sum(bool(d.rule_errors) for d in decisions)}\n"
        f"  first resolution: {top}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--pack", default=str(ROOT / "policies"))
    parser.add_argument("--quick", action="store_true", help="10k cases, 3 repetitions")
    parser.add_argument(
        "--backtest", type=int, default=0, metavar="N", help="also time a backtest of N cases"
    )
    args = parser.parse_args()
    if args.quick:
        args.cases, args.reps = 10_000, 3
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    started = time.perf_counter()
    cases = generate(args.cases, args.seed)
    print(f"generated {len(cases):,} cases in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    pack = load_pack(args.pack)
    print(f"loaded {pack!r} in {(time.perf_counter() - started) * 1000:.0f} ms")
    print(summary(pack, cases))  # also the warm-up: every bucket is built here
    times = [run(pack, cases) for _ in range(args.reps)]
    cpu = statistics.median(t[0] for t in times)
    wall = statistics.median(t[1] for t in times)
    n = len(cases)
    print(
        f"decisions/s on one core: {n / cpu:,.0f} per CPU-second of the deciding thread"
        f" ({cpu / n * 1e6:.1f} µs each; median of {args.reps})"
    )
    print(f"  by the wall clock: {n / wall:,.0f} decisions/s (lower when others share the core)")
    if args.backtest:
        bench_backtest(pack, args.backtest, args.seed)


def bench_backtest(pack: Pack, count: int, seed: int) -> None:
    """Store ``count`` decided cases, then time a backtest of a candidate pack over them."""
    import shutil
    import sqlite3
    import tempfile

    from aftersales.bootstrap import bootstrap
    from aftersales.config import Settings
    from aftersales.domain.actors import Actor, Role
    from aftersales.services.backtest import backtest

    tmp = Path(tempfile.mkdtemp(prefix="aftersales-backtest-"))
    try:
        url = f"sqlite:///{tmp / 'cases.db'}"
        ctx = bootstrap(Settings(env="test", data_dir=tmp, database_url=url))
        started = time.perf_counter()
        _store_cases(tmp / "cases.db", pack, count, seed, sqlite3)
        print(f"stored {count:,} decided cases in {time.perf_counter() - started:.0f} s")
        candidate = load_pack(_candidate(tmp, shutil))
        started = time.perf_counter()
        tally = backtest(ctx, Actor(Role.OPERATOR, "bench"), candidate)
        seconds = time.perf_counter() - started
        print(
            f"backtest of {tally.cases:,} stored cases: {seconds:.1f} s"
            f" ({tally.cases / seconds:,.0f} cases/s), {tally.changed:,} decisions would change"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _store_cases(path: Path, pack: Pack, count: int, seed: int, sqlite3: Any) -> None:
    # Raw inserts, without the order lines the rows would reference: the backtest reads only
    # the category and the assessment, and building a million real orders is not what is timed.
    rng = random.Random(seed + 1)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys=OFF")
    now = "2026-11-01 00:00:00.000000"
    rows = []
    for i in range(count):
        facts = Facts.from_json(one_case(rng))
        assessment = {"facts": facts.to_json(), "decision": pack.decide(facts).to_json()}
        ids = (f"cs_{i}", f"l_{i}", "c", "m", facts.case_type, "closed", False)
        where = (facts.category, facts.channel, "CN-BJ", now, now, 1, "{}")
        rows.append((*ids, *where, json.dumps(assessment)))
        if len(rows) == 50_000 or i == count - 1:
            conn.executemany(
                "INSERT INTO cases (id, order_line_id, consumer_id, merchant_id, type, state,"
                " is_active, category, channel, region, opened_at, updated_at, version,"
                " snapshot, assessment) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
            conn.commit()
            rows = []
    conn.close()


def _candidate(tmp: Path, shutil: Any) -> Path:
    target = tmp / "candidate"
    shutil.copytree(ROOT / "policies", target)
    channel = target / "platform" / "channel.yaml"
    text = channel.read_text(encoding="utf-8")
    channel.write_text(text.replace("first_response_hours: 4,", "first_response_hours: 2,"))
    return target


if __name__ == "__main__":
    main()
