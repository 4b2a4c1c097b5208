"""The marketplace simulator's pure part: a world generated from a seed, and its people.

No database, no web, no clock of its own: ``generate_world`` builds merchants (with latent
conduct, defect rates and listing accuracy), stores, products with batches (some hazardous,
failing by region and season), and buyers; ``Demand`` draws each day's orders with weekly and
yearly seasonality; ``CasePlanner`` decides which lines come back as cases, why, when and in whose
words (Chinese or English); ``next_move`` says what merchants, buyers and operators do next on a
case. ``services.simulate`` drives all of it through the platform's real use cases.
"""

from __future__ import annotations

from aftersales.simulation.agenda import Agenda
from aftersales.simulation.behaviour import Actors, next_move
from aftersales.simulation.calendar import CST, day_start
from aftersales.simulation.complaints import SAFETY_ISSUES, CasePlan, CasePlanner, Truth
from aftersales.simulation.demand import Demand, LinePlan, OrderPlan
from aftersales.simulation.generate import WorldSize, generate_world, new_batch
from aftersales.simulation.hazards import HAZARDS, Hazard, HazardKind
from aftersales.simulation.moves import Kind, Move
from aftersales.simulation.params import LIMITS, SimulationParams, plan_span
from aftersales.simulation.regions import REGIONS, Region
from aftersales.simulation.reputation import Reputation
from aftersales.simulation.world import (
    Conduct,
    SimBatch,
    SimConsumer,
    SimMerchant,
    SimProduct,
    SimStore,
    World,
)

__all__ = [
    "CST",
    "HAZARDS",
    "LIMITS",
    "REGIONS",
    "SAFETY_ISSUES",
    "Actors",
    "Agenda",
    "CasePlan",
    "CasePlanner",
    "Conduct",
    "Demand",
    "Hazard",
    "HazardKind",
    "Kind",
    "LinePlan",
    "Move",
    "OrderPlan",
    "Region",
    "Reputation",
    "SimBatch",
    "SimConsumer",
    "SimMerchant",
    "SimProduct",
    "SimStore",
    "SimulationParams",
    "Truth",
    "World",
    "WorldSize",
    "day_start",
    "generate_world",
    "new_batch",
    "next_move",
    "plan_span",
]
