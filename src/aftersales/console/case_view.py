"""A case as a page shows it: its clocks, its timeline in words, its decision and its evidence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aftersales.console.i18n import Translator
from aftersales.domain.case import Case, CaseEvent
from aftersales.services.case_actions import CaseAction
from aftersales.store.evidence import EvidenceRecord

__all__ = ["DUE_SOON", "CaseView", "Clock", "Entry", "clock_of", "entries"]

DUE_SOON = timedelta(hours=4)  # a deadline closer than this is shown as a warning


@dataclass(frozen=True, slots=True)
class Clock:
    """One deadline with how much time is left: ``urgency`` is ok, soon or overdue."""

    label: str
    due: datetime
    left: str
    urgency: str
    due_ms: int


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the timeline."""

    at: datetime
    who: str
    what: str
    detail: str


@dataclass(frozen=True, slots=True)
class CaseView:
    case: Case
    timeline: Sequence[Entry]
    evidence: Sequence[EvidenceRecord]
    actions: frozenset[CaseAction]
    clocks: Sequence[Clock]

    @property
    def decision(self) -> Mapping[str, Any] | None:
        return (self.case.assessment or {}).get("decision")

    @property
    def triage(self) -> Mapping[str, Any] | None:
        return (self.case.assessment or {}).get("triage")


def clock_of(tr: Translator, label: str, due: datetime, now: datetime) -> Clock:
    left = due - now
    urgency = "overdue" if left < timedelta(0) else "soon" if left < DUE_SOON else "ok"
    return Clock(tr.t(label), due, tr.remaining(left), urgency, int(due.timestamp() * 1000))


def clocks(tr: Translator, case: Case, now: datetime) -> list[Clock]:
    """The deadlines running on the case now, the one that binds first first."""
    shown: list[tuple[str, datetime | None]] = []
    if case.is_active:
        if case.responded_at is None and not case.first_response_breached:
            shown.append(("case.first_response_due", case.first_response_due))
        if case.proposal is not None:
            shown.append(("case.reply_due", case.proposal.reply_due))
        if case.paused_at is None:
            shown.append(("case.resolution_due", case.resolution_due))
    if case.appeal_due is not None and case.arbitration and not case.arbitration.final:
        shown.append(("case.appeal_due", case.appeal_due))
    found = [clock_of(tr, label, due, now) for label, due in shown if due is not None]
    return sorted(found, key=lambda c: c.due)


def entries(tr: Translator, events: Sequence[CaseEvent]) -> list[Entry]:
    return [
        Entry(e.at, _who(tr, e), tr.label("event", e.kind), _detail(tr, e.kind, e.data))
        for e in events
    ]


def _who(tr: Translator, e: CaseEvent) -> str:
    return tr.label("role", e.actor.role)


def _detail(tr: Translator, kind: str, d: Mapping[str, Any]) -> str:
    """The event's substance in a few words: the remedy and amount, the reason, the message."""
    remedy = tr.label("resolution", d["resolution"]) if d.get("resolution") else ""
    amount = tr.money(d["amount"]) if isinstance(d.get("amount"), int) and d["amount"] else ""
    if kind == "opened":
        return str(d.get("description", ""))
    if kind in ("proposed", "policy_granted", "first_response_missed"):
        return ", ".join(p for p in (remedy, amount) if p)
    if kind == "arbitrated":
        verdict = tr.label("verdict", d.get("verdict"))
        return " · ".join(p for p in (verdict, remedy, amount, str(d.get("note", ""))) if p)
    if kind == "escalated":
        return tr.label("escalation_reason", d.get("reason", "")) if d.get("reason") else ""
    if kind == "rated":
        stars = tr.t("case.rating.text", score=d.get("score"))
        return f"{stars} {d.get('comment') or ''}".strip()
    for key in ("body", "reason", "note"):
        if d.get(key):
            return str(d[key])
    return ""
