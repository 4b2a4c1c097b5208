"""Early warning of regional and seasonal product problems, load forecasts and staffing.

The pure numeric core: no database, no web, no clock. Counts come in as arrays
(``WeeklyCounts``, ``DailyHistory``), verdicts and plans come out as frozen dataclasses.

* ``detect`` judges the latest week of many series at once: the improved Farrington method
  (``farrington_flexible``, Noufaily et al. 2013, vectorised over series), EARS C1-C3 for new
  series, a CUSUM for slow rises; ``Alert`` explains itself in English and Chinese; ``rollup``
  pools related alerts by category and region; ``AlertReview`` is what operators do with a
  stored alert (acknowledge, link to a recall, dismiss).
* ``simulate`` and ``evaluate`` reproduce the Noufaily simulation design and its metrics.
* ``forecast_daily`` and ``plan_staff`` turn daily case history into agents per day with
  Erlang C or Erlang A (``staff_for_service_level``).
"""

from aftersales.warning.alerts import (
    Alert,
    AlertGroup,
    Assessment,
    Method,
    RollupLevel,
    WeekCount,
    rollup,
)
from aftersales.warning.cusum import CusumConfig, CusumResult, cusum
from aftersales.warning.detect import DetectionReport, DetectorSettings, detect
from aftersales.warning.ears import EarsConfig, EarsMethod, EarsResult, ears
from aftersales.warning.evaluate import (
    K_BANDS,
    Detector,
    ScenarioResult,
    Tally,
    cusum_detector,
    ears_detector,
    evaluate,
    farrington_detector,
    tally,
)
from aftersales.warning.farrington import (
    FarringtonConfig,
    FarringtonResult,
    ThresholdMethod,
    farrington_flexible,
)
from aftersales.warning.forecast import DailyForecast, DailyHistory, forecast_daily
from aftersales.warning.in_service import InService, weekly_counts
from aftersales.warning.reasons import Reason
from aftersales.warning.review import AlertReview, AlertStatus, StatusChange
from aftersales.warning.series import SeriesKey, WeeklyCounts, last_complete_week
from aftersales.warning.simulate import (
    SCENARIOS,
    Scenario,
    SimulatedSet,
    scenario,
    simulate,
    simulate_rise,
)
from aftersales.warning.staffing import (
    LoadSource,
    QueueModel,
    StaffDay,
    StaffingResult,
    StaffPlan,
    erlang_a,
    erlang_c,
    plan_staff,
    staff_for_service_level,
    staff_forecast,
)

__all__ = [
    "K_BANDS",
    "SCENARIOS",
    "Alert",
    "AlertGroup",
    "AlertReview",
    "AlertStatus",
    "Assessment",
    "CusumConfig",
    "CusumResult",
    "DailyForecast",
    "DailyHistory",
    "DetectionReport",
    "Detector",
    "DetectorSettings",
    "EarsConfig",
    "EarsMethod",
    "EarsResult",
    "FarringtonConfig",
    "FarringtonResult",
    "InService",
    "LoadSource",
    "Method",
    "QueueModel",
    "Reason",
    "RollupLevel",
    "Scenario",
    "ScenarioResult",
    "SeriesKey",
    "SimulatedSet",
    "StaffDay",
    "StaffPlan",
    "StaffingResult",
    "StatusChange",
    "Tally",
    "ThresholdMethod",
    "WeekCount",
    "WeeklyCounts",
    "cusum",
    "cusum_detector",
    "detect",
    "ears",
    "ears_detector",
    "erlang_a",
    "erlang_c",
    "evaluate",
    "farrington_detector",
    "farrington_flexible",
    "forecast_daily",
    "last_complete_week",
    "plan_staff",
    "rollup",
    "scenario",
    "simulate",
    "simulate_rise",
    "staff_for_service_level",
    "staff_forecast",
    "tally",
    "weekly_counts",
]
