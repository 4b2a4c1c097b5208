"""Merchant service scoring: per-merchant counts of a window in, scorecards and tiers out.

Pure code: no I/O, no web or database. The cycle job aggregates the counts of each window from
the operational tables into ``MerchantWindow`` objects (applying the per-buyer cap of
``buyers.py`` and leaving out what the policy does not attribute to the merchant), then calls
``score_cycle`` monthly and ``weekly_check`` weekly, and stores each scorecard's ``standing``
for the next call. The method, with its formulas, is in docs/scoring.md.
"""

# The names are declared in ``__init__.pyi`` and each is loaded from its module when first used:
# importing a light module of the package (``aftersales.scoring.tiers``) or the command line
# does not load the whole package, and with it SciPy (seconds). Decision 0042.
import lazy_loader as lazy

__getattr__, __dir__, __all__ = lazy.attach_stub(__name__, __file__)
