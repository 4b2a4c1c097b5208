"""Scorecards and standings as the JSON the store keeps: everything the API and export show."""

from __future__ import annotations

from typing import Any

from aftersales.scoring import (
    Breach,
    CategoryCard,
    Figure,
    Metric,
    PeerGroup,
    Scorecard,
    Standing,
    Text,
    Tier,
    TimeSummary,
)

__all__ = ["card_json", "standing_json", "standing_of"]


def _text(text: Text | None) -> dict[str, str] | None:
    return None if text is None else {"en": text.en, "zh": text.zh}


def _group(group: PeerGroup) -> dict[str, str]:
    return {"category": group.category, "band": group.band}


def _figure(f: Figure) -> dict[str, Any]:
    return {
        "metric": str(f.metric),
        "events": f.events,
        "trials": f.trials,
        "raw": f.raw,
        "estimate": f.estimate,
        "low": f.low,
        "high": f.high,
        "peer_mean": f.peer_mean,
        "percentile": f.percentile,
        "points": f.points,
    }


def _times(t: TimeSummary) -> dict[str, Any]:
    return {
        "n": t.n,
        "median_hours": t.median,
        "p90_hours": t.p90,
        "median_low": t.median_low,
        "median_high": t.median_high,
    }


def _breach(b: Breach) -> dict[str, Any]:
    return {
        "metric": str(b.metric),
        "level": str(b.level),
        "rate": b.rate,
        "count": b.count,
        "rate_line": b.rate_line,
        "count_over": b.rule.count_over,
    }


def _category(c: CategoryCard) -> dict[str, Any]:
    return {
        "category": c.category,
        "peer_group": _group(c.peer_group),
        "orders": c.orders,
        "score": c.score,
        "percentile": c.percentile,
        "figures": [_figure(f) for f in c.figures],
        "resolution_time": _times(c.resolution_time),
    }


def standing_json(standing: Standing) -> dict[str, Any]:
    return {
        "tier": str(standing.tier),
        "pending": None if standing.pending is None else str(standing.pending),
        "score": standing.score,
        "points": {str(m): p for m, p in standing.points.items()},
    }


def standing_of(data: dict[str, Any]) -> Standing:
    pending = data.get("pending")
    return Standing(
        Tier(data["tier"]),
        None if pending is None else Tier(pending),
        data.get("score"),
        {Metric(m): float(p) for m, p in (data.get("points") or {}).items()},
    )


def card_json(card: Scorecard) -> dict[str, Any]:
    explanation = card.explanation
    return {
        "merchant_id": card.merchant_id,
        "category": card.category,
        "peer_group": _group(card.peer_group),
        "orders": card.orders,
        "score": card.score,
        "percentile": card.percentile,
        "indicated": str(card.indicated),
        "tier": str(card.tier),
        "change": str(card.change),
        "pending": None if card.standing.pending is None else str(card.standing.pending),
        "figures": [_figure(f) for f in card.figures],
        "resolution_time": _times(card.resolution_time),
        "breaches": [_breach(b) for b in card.breaches],
        "severe": [str(s) for s in card.severe],
        "excluded": [{"case_id": e.case_id, "reason": e.reason} for e in card.excluded],
        "reason": _text(card.reason),
        "explanation": {
            "en": explanation.text.en,
            "zh": explanation.text.zh,
            "factors": [
                {"metric": str(f.metric), "points_before": f.points_before, "points": f.points_now}
                for f in explanation.factors
            ],
        },
        "categories": [_category(c) for c in card.categories],
    }
