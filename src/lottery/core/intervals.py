"""Percentile intervals of bootstrap or permutation draws, the one form every analysis reports."""
from __future__ import annotations

import numpy as np


def percentile_interval(draws, confidence: float) -> tuple[float, float]:
    """The central ``confidence`` interval of ``draws``; (nan, nan) when there are none."""
    draws = np.asarray(draws, dtype=float)
    if not draws.size:
        return float("nan"), float("nan")
    tail = (1 - confidence) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    return float(low), float(high)
