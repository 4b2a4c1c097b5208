"""The names ``aftersales.warning`` exports, each loaded from its module when first used
(``__init__.py``: importing the package alone loads neither SciPy nor NumPy).
"""

from .alerts import (
    Alert,
    AlertGroup,
    Assessment,
    Method,
    RollupLevel,
    WeekCount,
    rollup,
)
from .cusum import CusumConfig, CusumResult, cusum
from .detect import DetectionReport, DetectorSettings, detect
from .ears import EarsConfig, EarsMethod, EarsResult, ears
from .evaluate import (
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
from .farrington import (
    FarringtonConfig,
    FarringtonResult,
    ThresholdMethod,
    farrington_flexible,
)
from .forecast import DailyForecast, DailyHistory, forecast_daily
from .in_service import InService, weekly_counts
from .reasons import Reason
from .review import AlertReview, AlertStatus, StatusChange
from .series import SeriesKey, WeeklyCounts, last_complete_week
from .simulate import (
    SCENARIOS,
    Scenario,
    SimulatedSet,
    scenario,
    simulate,
    simulate_rise,
)
from .staffing import (
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
