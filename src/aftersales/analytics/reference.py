"""The cycle's aggregation written plainly in pandas: the benchmark's baseline, the tests' check.

It computes the same tables as ``query.cycle_query`` the way an analyst would write it in a
notebook (merges and group-bys on DataFrames), with none of the engine's help. The benchmark
times it against the Ibis expressions on DuckDB; the tests check that both agree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from aftersales.analytics.inputs import CycleInputs, Window
from aftersales.analytics.query import CLOCK_COLUMNS, COUNT_COLUMNS, Limits
from aftersales.analytics.windows import CycleResults

__all__ = ["aggregate_pandas"]

_KEYS = ["merchant_id", "category"]
_CLOSING = ["policy_granted", "first_response_missed", "escalated", "cancelled"]


def _weighted_lines(lines: pd.DataFrame, window: Window, limits: Limits) -> pd.DataFrame:
    cohort = lines[(lines.placed_at >= window.start_s) & (lines.placed_at < window.end_s)]
    n = cohort.groupby(["merchant_id", "consumer_id"]).size().rename("n").reset_index()
    n["w"] = np.minimum(1.0, limits.orders_per_buyer / n["n"].astype(float))
    return cohort.merge(n, on=["merchant_id", "consumer_id"])[
        ["line_id", "merchant_id", "consumer_id", "category", "w"]
    ]


def _event_summary(events: pd.DataFrame, window: Window) -> pd.DataFrame:
    e = events[events["at"] < window.end_s].copy()
    kind = e.kind
    e["responded"] = e["at"].where(e.first_response.fillna(False).astype(bool))
    e["proposed"] = e["at"].where(kind == "proposed")
    e["closing"] = e["at"].where(kind.isin(_CLOSING))
    e["missed"] = kind == "first_response_missed"
    e["rejected"] = kind == "proposal_rejected"
    e["overdue"] = (kind == "escalated") & (e.reason == "resolution_overdue")
    by_policy = (e.actor_role == "system") & (e.actor_id == "policy")
    e["escalated"] = (kind == "escalated") & ~by_policy
    e["stars"] = e.score.where(kind == "rated")
    summary = e.groupby("case_id").agg(
        responded_at=("responded", "min"),
        missed=("missed", "any"),
        proposed_at=("proposed", "min"),
        rejected=("rejected", "any"),
        closed_at=("closing", "min"),
        overdue=("overdue", "any"),
        escalated=("escalated", "any"),
        stars=("stars", "max"),
    )
    verdicts = e[kind == "arbitrated"].sort_values("seq").groupby("case_id").verdict.last()
    return summary.join(verdicts).reset_index()


def _facts(
    t: dict[str, pd.DataFrame], lines: pd.DataFrame, window: Window, limits: Limits
) -> pd.DataFrame:
    cases = t["cases"]
    placed = (cases.placed_at >= window.start_s) & (cases.placed_at < window.end_s)
    cases = cases[placed & (cases.opened_at < window.end_s)]
    weights = lines[["merchant_id", "consumer_id", "w"]].drop_duplicates()
    c = cases.merge(weights, on=["merchant_id", "consumer_id"])
    c = c[c.counts_against_merchant.fillna(True).astype(bool)]
    c = c.merge(_event_summary(t["events"], window), on="case_id", how="left")
    c["incident"] = c.case_id.isin(set(t["safety"].case_id))
    c = c.merge(t["appeals"], on="case_id", how="left")
    c["appealed"] = c.case_id.isin(set(t["appeals"].case_id))
    rated = c[c.stars.notna()].groupby(["merchant_id", "consumer_id"]).size().rename("r")
    c = c.merge(rated.reset_index(), on=["merchant_id", "consumer_id"], how="left")
    c["wr"] = np.minimum(c.w, limits.ratings_per_buyer / c.r)
    return _flags(c, window)


def _flags(c: pd.DataFrame, window: Window) -> pd.DataFrame:
    end = window.end_s
    responded = c.responded_at.notna()
    missed = c.missed.fillna(False).astype(bool)
    proposed = c.proposed_at.notna()
    resolved = c.resolved_at.notna() & (c.resolved_at < end)
    overdue = c.overdue.fillna(False).astype(bool)
    c["fr_due"] = (responded | missed).astype(float)
    c["fr_on"] = (responded & (c.responded_at <= c.first_response_due) & ~missed).astype(float)
    c["pr_due"] = (proposed | (c.proposal_due < c.closed_at.fillna(end))).astype(float)
    c["pr_on"] = (proposed & (c.proposed_at <= c.proposal_due)).astype(float)
    c["res_due"] = (overdue | resolved).astype(float)
    c["res_on"] = (resolved & ~overdue).astype(float)
    c["hours"] = ((c.resolved_at - c.opened_at) / 3600.0).where(resolved)
    c["esc"] = c.escalated.fillna(False).astype(bool)
    c["lost"] = c.esc & c.verdict.isin(["consumer", "split"])
    c["refund"] = c.type == "refund_only"
    c["rejected"] = c.rejected.fillna(False).astype(bool)
    return c


def _counts(facts: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    per_line = facts.groupby(["line_id", *_KEYS, "w"]).agg(
        esc=("esc", "any"),
        lost=("lost", "any"),
        refund=("refund", "any"),
        n=("case_id", "size"),
        rejected=("rejected", "any"),
    )
    per_line = per_line.reset_index()
    per_line["repeat"] = (per_line.n > 1) | per_line.rejected
    for name in ("esc", "lost", "refund", "repeat"):
        per_line[name] = per_line.w * per_line[name].astype(float)
    episodes = per_line.groupby(_KEYS).agg(
        cases=("w", "sum"),
        escalations=("esc", "sum"),
        disputes_lost=("lost", "sum"),
        refund_only=("refund", "sum"),
        repeat_contacts=("repeat", "sum"),
    )
    weighted = facts[_KEYS].copy()
    for name in CLOCK_COLUMNS:
        weighted[name] = facts.w * facts[name]
    for k in range(1, 6):
        weighted[f"s{k}"] = facts.wr * (facts.stars == k).astype(float)
    weighted["safety"] = facts.incident.astype(int)
    per_case = weighted.groupby(_KEYS).sum()
    orders = lines.groupby(_KEYS).w.sum().rename("orders").to_frame()
    joined = orders.join(episodes).join(per_case).fillna(0.0).reset_index()
    return joined[[*_KEYS, *COUNT_COLUMNS]]


def aggregate_pandas(inputs: CycleInputs, window: Window, limits: Limits) -> CycleResults:
    """The same result tables as the Ibis query, computed with pandas."""
    t = {name: table.to_pandas() for name, table in inputs.tables().items()}
    lines = _weighted_lines(t["lines"], window, limits)
    facts = _facts(t, lines, window, limits)
    appealed = facts[facts.appealed]
    touched = appealed[_KEYS].drop_duplicates()
    keep = facts[~facts.appealed].merge(touched, on=_KEYS)
    recalls = t["recalls"]
    in_window = (recalls.confirmed_at >= window.start_s) & (recalls.confirmed_at < window.end_s)
    hours = facts[facts.hours.notna()][[*_KEYS, "hours", "appealed"]]
    return CycleResults(
        categories=pa.Table.from_pandas(_counts(facts, lines), preserve_index=False),
        hours=pa.Table.from_pandas(hours, preserve_index=False),
        without=pa.Table.from_pandas(
            _counts(keep, lines.merge(touched, on=_KEYS)), preserve_index=False
        ),
        appealed=pa.Table.from_pandas(
            appealed[["case_id", *_KEYS, "reason"]], preserve_index=False
        ),
        severe=pa.Table.from_pandas(
            recalls[in_window][["merchant_id"]].drop_duplicates(), preserve_index=False
        ),
        merchants=inputs.merchants,
    )
