"""The assessment cycle as Ibis expressions: from order lines, cases and events to counts.

The expressions compile to the SQL of whichever backend runs them (DuckDB by default, Spark for
a marketplace that outgrows one machine), so the definitions below are the only ones. What they
count, per merchant and category (docs/scoring.md, "Operation"):

- **the cohort**: order lines placed in the window, each weighted by its buyer's weight
  ``least(1, cap / lines of that buyer at that merchant)`` (``scoring.buyers``);
- **cases**: cases on those lines opened before the window's end, attributed to the merchant by
  the policy and not taken out on appeal. A line's cases form one *episode*: a line counts once
  as a case, and a second case on the same line (the consumer had to come back) makes it a
  repeat contact, so a merchant never has more cases than order lines;
- **clocks, ratings, times**: every attributable case's own deadlines, rating and resolution
  time, read from its events up to the window's end.

Cases whose appeal was accepted stay in the main counts; a second, small pass counts the
merchant-categories they touch without them, and the scorer subtracts the difference
(``MerchantWindow.excluded``). Buyer weights come from the main pass in both, so the difference
is never negative.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from aftersales.analytics.inputs import BOUNDS

__all__ = ["CLOCK_COLUMNS", "COUNT_COLUMNS", "CycleQuery", "Limits", "cycle_query"]

# Events that end the merchant's chance to propose without it proposing: the policy granted a
# remedy, the first-response clock ran out, someone called the platform, the consumer withdrew.
_CLOSING = ("policy_granted", "first_response_missed", "escalated", "cancelled")
_LOST = ("consumer", "split")  # verdicts that go against the merchant
# The kinds the summary reads (with the first responses): the rest, openings and most messages,
# are most of a case's events and change nothing in it.
_READ = (*_CLOSING, "proposed", "proposal_rejected", "arbitrated", "rated")

CLOCK_COLUMNS = ("fr_due", "fr_on", "pr_due", "pr_on", "res_due", "res_on")
COUNT_COLUMNS = (
    "orders",
    "cases",
    "escalations",
    "disputes_lost",
    "refund_only",
    "repeat_contacts",
    *CLOCK_COLUMNS,
    "s1",
    "s2",
    "s3",
    "s4",
    "s5",
    "safety",
)


@dataclass(frozen=True, slots=True)
class Limits:
    """The per-buyer caps of ``ScoringConfig``."""

    orders_per_buyer: float = 5.0
    ratings_per_buyer: float = 1.0


@dataclass(frozen=True, slots=True)
class _Bounds:
    """The window's bounds, read from the one-row table ``BOUNDS`` rather than written into the
    expressions: the compiled query is then the same for every window (``analytics.plans``)."""

    start_s: ir.FloatingValue
    end_s: ir.FloatingValue

    @classmethod
    def of(cls, table: ir.Table) -> _Bounds:
        return cls(table.start_s.as_scalar(), table.end_s.as_scalar())


@dataclass(frozen=True, slots=True)
class CycleQuery:
    """The expressions of one cycle; each is run by an engine into an Arrow table."""

    categories: ir.Table  # merchant_id, category, COUNT_COLUMNS
    hours: ir.Table  # merchant_id, category, hours, appealed: one row per resolved case
    without: ir.Table  # COUNT_COLUMNS again, appealed cases left out, where there are any
    appealed: ir.Table  # case_id, merchant_id, category, reason
    severe: ir.Table  # merchant_id: merchants with a recall confirmed in the window


def _flag(condition: ir.BooleanValue) -> ir.FloatingValue:
    return condition.fill_null(False).ifelse(1.0, 0.0)


def _cohort(table: ir.Table, window: _Bounds) -> ir.Table:
    """Rows of lines (or of cases on lines) placed in the window."""
    placed = table.placed_at
    return table.filter((placed >= window.start_s) & (placed < window.end_s))


def _heavy_buyers(cohort: ir.Table, limits: Limits) -> ir.Table:
    """Buyers over the cap at a merchant, with the weight of each of their lines.

    Everyone else weighs 1, so only these few rows are joined back (a join with every buyer
    would be as large as the cohort)."""
    buyers = cohort.group_by(["merchant_id", "consumer_id"]).aggregate(n=cohort.count())
    heavy = buyers.filter(buyers.n > limits.orders_per_buyer)
    cap = ibis.literal(limits.orders_per_buyer, type="float64")
    return heavy.select("merchant_id", "consumer_id", hw=cap / heavy.n.cast("float64"))


def _weighted(table: ir.Table, heavy: ir.Table) -> ir.Table:
    """``table`` (with merchant and consumer columns) with each row's buyer weight ``w``."""
    joined = table.left_join(heavy, ["merchant_id", "consumer_id"])
    joined = joined.drop("merchant_id_right", "consumer_id_right")
    return joined.mutate(w=joined.hw.fill_null(1.0)).drop("hw")


def _by_policy(e: ir.Table) -> ir.BooleanValue:
    return ((e.actor_role == "system") & (e.actor_id == "policy")).fill_null(False)


def _event_summary(events: ir.Table, window: _Bounds) -> ir.Table:
    """One row per case: what its events say up to the window's end."""
    e = events.filter(
        (events.at < window.end_s)
        & (events.kind.isin(_READ) | events.first_response.fill_null(False))
    )
    kind = e.kind
    return e.group_by("case_id").aggregate(
        responded_at=e.at.min(where=e.first_response.fill_null(False)),
        missed=(kind == "first_response_missed").any(),
        proposed_at=e.at.min(where=kind == "proposed"),
        rejected=(kind == "proposal_rejected").any(),
        closed_at=e.at.min(where=kind.isin(_CLOSING)),
        overdue=((kind == "escalated") & (e.reason == "resolution_overdue").fill_null(False)).any(),
        # The policy routes hazards to the platform at opening: that is not a dispute.
        escalated=((kind == "escalated") & ~_by_policy(e)).any(),
        # The last verdict decides (a second one follows an appeal): the largest seq * 2 + lost
        # is the last arbitration, and its parity says whether it went against the merchant.
        verdict=(e.seq * 2 + e.verdict.isin(_LOST).fill_null(False).ifelse(1, 0)).max(
            where=kind == "arbitrated"
        ),
        stars=e.score.max(where=kind == "rated"),
    )


def _case_rows(t: dict[str, ir.Table], heavy: ir.Table, window: _Bounds) -> ir.Table:
    """One row per attributable case on the cohort's lines, with its buyer weight and what
    its events say."""
    cases = _cohort(t["cases"], window)
    cases = cases.filter(
        (cases.opened_at < window.end_s) & cases.counts_against_merchant.fill_null(True)
    )
    c = _weighted(cases, heavy)
    # Only the events of these cases: most of the work is grouping events by case.
    summary = _event_summary(t["events"].semi_join(cases, "case_id"), window)
    c = c.left_join(summary, "case_id").drop("case_id_right")
    safety = t["safety"].select("case_id", incident=ibis.literal(True)).distinct()
    c = c.left_join(safety, "case_id").drop("case_id_right")
    appeals = t["appeals"].select("case_id", "reason", appealed=ibis.literal(True))
    return c.left_join(appeals, "case_id").drop("case_id_right")


# What the results read of a case's facts: the rest stays out of the kept table.
_FACT_COLUMNS = (
    "case_id",
    "line_id",
    "merchant_id",
    "category",
    "w",
    "wr",
    "stars",
    "rejected",
    *CLOCK_COLUMNS,
    "hours",
    "esc",
    "lost",
    "refund",
    "appealed",
    "reason",
    "incident",
)


def _case_facts(cases: ir.Table, window: _Bounds, limits: Limits) -> ir.Table:
    """The case rows with their rating weights and flags."""
    return _with_flags(_with_rating_weights(cases, limits), window).select(*_FACT_COLUMNS)


def _with_rating_weights(c: ir.Table, limits: Limits) -> ir.Table:
    """Each case's rating weight: ``least(w, cap / the buyer's ratings at the merchant)``."""
    rated = c.filter(c.stars.notnull())
    per_buyer = rated.group_by(["merchant_id", "consumer_id"]).aggregate(r=rated.count())
    c = c.left_join(per_buyer, ["merchant_id", "consumer_id"])
    c = c.drop("merchant_id_right", "consumer_id_right")
    cap = ibis.literal(limits.ratings_per_buyer, type="float64")
    return c.mutate(wr=ibis.least(c.w, cap / c.r.cast("float64")))


def _with_flags(c: ir.Table, window: _Bounds) -> ir.Table:
    end = window.end_s
    responded = c.responded_at.notnull()
    missed = c.missed.fill_null(False)
    proposed = c.proposed_at.notnull()
    resolved = c.resolved_at.notnull() & (c.resolved_at < end)
    overdue = c.overdue.fill_null(False)
    escalated = c.escalated.fill_null(False)
    return c.mutate(
        fr_due=_flag(responded | missed),
        fr_on=_flag(responded & (c.responded_at <= c.first_response_due) & ~missed),
        pr_due=_flag(proposed | (c.proposal_due < c.closed_at.fill_null(end))),
        pr_on=_flag(proposed & (c.proposed_at <= c.proposal_due)),
        res_due=_flag(overdue | resolved),
        res_on=_flag(resolved & ~overdue),
        hours=resolved.ifelse((c.resolved_at - c.opened_at) / 3600.0, ibis.null("float64")),
        esc=escalated,
        lost=escalated & (c.verdict % 2 == 1).fill_null(False),
        refund=c.type == "refund_only",
        appealed=c.appealed.fill_null(False),
        incident=c.incident.fill_null(False),
    )


def _orders(cohort: ir.Table, heavy: ir.Table) -> ir.Table:
    """The weighted order lines of each merchant and category."""
    lines = _weighted(cohort.select("merchant_id", "consumer_id", "category"), heavy)
    return lines.group_by(["merchant_id", "category"]).aggregate(orders=lines.w.sum())


def _counts(facts: ir.Table, orders: ir.Table) -> ir.Table:
    """COUNT_COLUMNS per merchant and category, from case facts and the weighted lines."""
    keys = ["merchant_id", "category"]
    per_line = facts.group_by(["line_id", *keys, "w"]).aggregate(
        esc=facts.esc.any(),
        lost=facts.lost.any(),
        refund=facts.refund.any(),
        repeat=(facts.count() > 1) | facts.rejected.fill_null(False).any(),
    )
    episodes = per_line.group_by(keys).aggregate(
        cases=per_line.w.sum(),
        escalations=(per_line.w * _flag(per_line.esc)).sum(),
        disputes_lost=(per_line.w * _flag(per_line.lost)).sum(),
        refund_only=(per_line.w * _flag(per_line.refund)).sum(),
        repeat_contacts=(per_line.w * _flag(per_line.repeat)).sum(),
    )
    stars = {f"s{k}": (facts.wr * _flag(facts.stars == k)).sum() for k in range(1, 6)}
    clocks = {name: (facts.w * facts[name]).sum() for name in CLOCK_COLUMNS}
    per_case = facts.group_by(keys).aggregate(
        **clocks, **stars, safety=facts.incident.ifelse(1, 0).sum()
    )
    joined = orders.left_join(episodes, keys).drop("merchant_id_right", "category_right")
    joined = joined.left_join(per_case, keys).drop("merchant_id_right", "category_right")
    return joined.select(*keys, *[joined[c].fill_null(0).name(c) for c in COUNT_COLUMNS])


def _same(table: ir.Table) -> ir.Table:
    return table


def cycle_query(
    t: dict[str, ir.Table],
    limits: Limits,
    keep: Callable[[ir.Table], ir.Table] = _same,
) -> CycleQuery:
    """The cycle's expressions over the input tables (``inputs.SCHEMAS``) for the window in
    their ``BOUNDS`` table.

    ``keep`` materialises an intermediate table that several results read (``Table.cache``
    on engines that hold data between queries), so it is computed once."""
    window = _Bounds.of(t[BOUNDS])
    cohort = _cohort(t["lines"], window)
    heavy = keep(_heavy_buyers(cohort, limits))
    # Kept apart: the rating weights read these rows twice, and the summary is the costly part.
    cases = keep(_case_rows(t, heavy, window))
    facts = keep(_case_facts(cases, window, limits))
    orders = keep(_orders(cohort, heavy))
    appealed = facts.filter(facts.appealed)
    touched = appealed.select("merchant_id", "category").distinct()
    rest = facts.filter(~facts.appealed)
    recalls = t["recalls"]
    in_window = (recalls.confirmed_at >= window.start_s) & (recalls.confirmed_at < window.end_s)
    return CycleQuery(
        categories=_counts(facts, orders),
        hours=facts.filter(facts.hours.notnull()).select(
            "merchant_id", "category", "hours", "appealed"
        ),
        without=_counts(
            rest.semi_join(touched, ["merchant_id", "category"]),
            orders.semi_join(touched, ["merchant_id", "category"]),
        ),
        appealed=appealed.select("case_id", "merchant_id", "category", "reason"),
        severe=recalls.filter(in_window).select("merchant_id").distinct(),
    )
