"""Measures: one function per quantity a claim is judged on (see :mod:`.base`).

Importing this package registers every measure of both papers and of our own claims in :data:`MEASURES`.
"""
from lottery.claims.measures import arora, liu_tegmark, ours  # noqa: F401  (registers the measures)
from lottery.claims.measures.base import MEASURES, Measure, Measurement, NotMeasurable, Results, ResultsDir

__all__ = ["MEASURES", "Measure", "Measurement", "NotMeasurable", "Results", "ResultsDir"]
