"""Safety emergency plan and recalls: stop-sale holds, reviews, decisions, campaigns, reports.

Pure Python, no I/O. ``Recall`` is the event-sourced aggregate (review → confirmed | dismissed);
``RecallUnit`` tracks one affected order line through notified → responded → remedied;
``RecallTerms`` holds what an operator may tune (the cluster rule, the parties' deadlines).
"""

from aftersales.recall.recall import MIN_REMEDIES, Recall
from aftersales.recall.report import Counts, ProgressPoint, RecallReport, progress
from aftersales.recall.terms import ClusterRule, RecallTerms, TaskTemplate
from aftersales.recall.units import RecallUnit, UnitChange
from aftersales.recall.values import (
    Hold,
    Party,
    PartyTask,
    RecallEvent,
    RecallState,
    Remedy,
    Scope,
    Trigger,
    UnitState,
)
from aftersales.recall.workdays import CST, add_working_days, day_bounds

__all__ = [
    "CST",
    "MIN_REMEDIES",
    "ClusterRule",
    "Counts",
    "Hold",
    "Party",
    "PartyTask",
    "ProgressPoint",
    "Recall",
    "RecallEvent",
    "RecallReport",
    "RecallState",
    "RecallTerms",
    "RecallUnit",
    "Remedy",
    "Scope",
    "TaskTemplate",
    "Trigger",
    "UnitChange",
    "UnitState",
    "add_working_days",
    "day_bounds",
    "progress",
]
