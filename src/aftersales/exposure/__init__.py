"""Traffic for good service: the quality-merchant programme, the content ladder, penalties, and
the re-ranker that turns them into exposure, paced over each cycle.

Pure code: no I/O, no web or database. The integrator stores enrolments, content items, pacing
counts and the events these functions return, and calls them from its use cases:

- ``enrol`` when a merchant enrols (refuses 31 products, another merchant's product, or an
  ineligible tier);
- ``advance`` once a day over the ladder's items, ``approve`` / ``decline`` on an operator's
  review;
- ``Exposure.refresh`` after anything that changes tiers, enrolments, stages or holds, and every
  few minutes (it also moves pacing on to the next ladder day);
- ``Exposure.rank`` per ranking request, ``Exposure.record`` per impressions report,
  ``Exposure.review`` periodically for met and infeasible targets, ``Exposure.status`` for a
  merchant's scorecard, ``Exposure.pacing`` for the operators' view of every target.

How it works, with the reasons for each default, is in docs/exposure.md.
"""

# The names are declared in ``__init__.pyi`` and each is loaded from its module when first used:
# importing a light module of the package (``aftersales.scoring.tiers``) or the command line
# does not load the whole package, and with it SciPy (seconds). Decision 0042.
import lazy_loader as lazy

__getattr__, __dir__, __all__ = lazy.attach_stub(__name__, __file__)
