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

# The names are declared in ``__init__.pyi`` and each is loaded from its module when first used:
# importing a light module of the package (``aftersales.scoring.tiers``) or the command line
# does not load the whole package, and with it SciPy (seconds). Decision 0042.
import lazy_loader as lazy

__getattr__, __dir__, __all__ = lazy.attach_stub(__name__, __file__)
