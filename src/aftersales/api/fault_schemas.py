"""Response bodies of recurring faults (``FaultsPublic``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from aftersales.triage.faults import FaultReport, IssueCount, Phrase

__all__ = ["FaultsPublic", "IssueCountPublic", "PhrasePublic"]

Trend = Literal["rising", "falling", "steady"]


class IssueCountPublic(BaseModel):
    issue_type: str
    count: int
    share: float
    recent: int  # cases in the later half of the period
    earlier: int  # in the earlier half
    trend: Trend
    example_case_ids: list[str]

    @classmethod
    def of(cls, i: IssueCount) -> IssueCountPublic:
        return cls(
            issue_type=i.issue_type,
            count=i.count,
            share=i.share,
            recent=i.recent,
            earlier=i.earlier,
            trend=i.trend,
            example_case_ids=list(i.examples),
        )


class PhrasePublic(BaseModel):
    phrase: str
    count: int
    recent: int
    earlier: int
    trend: Trend
    example_case_ids: list[str]

    @classmethod
    def of(cls, p: Phrase) -> PhrasePublic:
        return cls(
            phrase=p.text,
            count=p.count,
            recent=p.recent,
            earlier=p.earlier,
            trend=p.trend,
            example_case_ids=list(p.examples),
        )


class FaultsPublic(BaseModel):
    product_id: str
    since: datetime
    until: datetime
    cases: int
    issue_types: list[IssueCountPublic]
    phrases: list[PhrasePublic]

    @classmethod
    def of(cls, product_id: str, report: FaultReport) -> FaultsPublic:
        return cls(
            product_id=product_id,
            since=report.since,
            until=report.until,
            cases=report.cases,
            issue_types=[IssueCountPublic.of(i) for i in report.issue_types],
            phrases=[PhrasePublic.of(p) for p in report.phrases],
        )
