"""[LT] Fig 4: is a width-N net an ensemble of two width-N/2 nets?

Under ticket ensembling, two independent tickets with losses L and L' average into a net
of loss ``(1/L + 1/L')^-1`` (errors uncorrelated, optimal weights). The width-N losses are
compared with that prediction built from random pairs of width-N/2 losses, and the match
is a number: the Kolmogorov-Smirnov statistic and the Wasserstein-1 distance on log10 loss.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def harmonic_ensemble(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``(1/a + 1/b)^-1``: the loss of the optimal average of two uncorrelated predictors."""
    return 1.0 / (1.0 / np.asarray(a) + 1.0 / np.asarray(b))


def random_pair_ensembles(losses: np.ndarray, n_pairs: int, rng: np.random.Generator) -> np.ndarray:
    """Ensemble losses of ``n_pairs`` random pairs of two distinct nets from ``losses``."""
    n = len(losses)
    if n < 2:
        raise ValueError("need at least two nets to form pairs")
    i = rng.integers(0, n, n_pairs)
    j = (i + rng.integers(1, n, n_pairs)) % n
    return harmonic_ensemble(losses[i], losses[j])


def distribution_distance(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    """KS statistic (with p-value) and Wasserstein-1 distance between two log10-loss samples."""
    la, lb = np.log10(a), np.log10(b)
    ks = stats.ks_2samp(la, lb)
    return {"ks": float(ks.statistic), "ks_pvalue": float(ks.pvalue),
            "wasserstein": float(stats.wasserstein_distance(la, lb)),
            "median_log10_actual": float(np.median(la)), "median_log10_ensemble": float(np.median(lb))}


def ensembling_table(
    losses_by_width: dict[int, np.ndarray], widths: list[int], n_pairs: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """For each even N: width-N losses vs the half-harmonic ensembles of width-N/2 losses.

    Returns the distances per N and a tidy frame of both samples (``kind`` = actual or
    ensemble) for the histograms.
    """
    rng = np.random.default_rng(seed)
    rows, samples = [], []
    for n in widths:
        if n % 2 or n // 2 not in losses_by_width or n not in losses_by_width:
            raise ValueError(f"ensembling width {n} needs widths {n} and {n // 2} in the grid")
        actual = losses_by_width[n]
        ensemble = random_pair_ensembles(losses_by_width[n // 2], n_pairs, rng)
        rows.append({"width": n, "n_actual": len(actual), "n_pairs": n_pairs, **distribution_distance(actual, ensemble)})
        for kind, values in (("actual", actual), ("ensemble", ensemble)):
            samples.append(pd.DataFrame({"width": n, "kind": kind, "loss": values}))
    return pd.DataFrame(rows), pd.concat(samples, ignore_index=True)
