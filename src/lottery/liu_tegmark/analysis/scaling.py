"""[LT] Fig 1c and Figs 7-8: median test loss vs width and its fitted exponent.

Diverged nets are excluded from every statistic (and counted), never averaged in. The
exponent alpha of ``median loss ~ N^-alpha`` is a least-squares line in log-log space over
a width range; its confidence interval comes from resampling seeds with replacement at
every width and refitting.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lottery.core.intervals import percentile_interval
from lottery.liu_tegmark.store import converged  # noqa: F401  (analyses and plots import it from here)

GROUP = ["target", "activation"]


@dataclass(frozen=True)
class FitSettings:
    """Config ``scaling.analysis`` (or a ticket family's ``fit_range``): which widths, how many resamples."""

    fit_ranges: dict[str, list[int]]
    bootstrap: int
    confidence: float


def median_losses(summary: pd.DataFrame) -> pd.DataFrame:
    """Per (target, activation, width): median test loss over converged seeds, and counts."""
    counts = summary.groupby(GROUP + ["width"])["diverged"].agg(seeds="size", diverged="sum")
    medians = converged(summary).groupby(GROUP + ["width"])["test_loss"].median().rename("median_test_loss")
    return counts.join(medians).reset_index()


def fit_exponent(widths: np.ndarray, losses: np.ndarray) -> tuple[float, float]:
    """Least-squares ``log L = log A - alpha log N``; returns (alpha, A)."""
    slope, intercept = np.polyfit(np.log(widths), np.log(losses), 1)
    return -float(slope), float(np.exp(intercept))


def median_exponent(losses_by_width: dict[int, np.ndarray]) -> tuple[float, float]:
    """``(alpha, prefactor)`` of the per-width median losses."""
    widths = np.array(sorted(losses_by_width), dtype=float)
    return fit_exponent(widths, np.array([np.median(losses_by_width[int(w)]) for w in widths]))


def bootstrap_alphas(losses_by_width: dict[int, np.ndarray], n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """The exponent refitted on ``n_boot`` resamples of the seeds at every width."""
    widths = np.array(sorted(losses_by_width), dtype=float)
    samples = [np.asarray(losses_by_width[int(w)]) for w in widths]
    boots = np.empty(n_boot)
    for i in range(n_boot):
        medians = [np.median(s[rng.integers(0, len(s), len(s))]) for s in samples]
        boots[i] = fit_exponent(widths, np.array(medians))[0]
    return boots


def bootstrap_exponent(
    losses_by_width: dict[int, np.ndarray], n_boot: int, confidence: float, seed: int = 0
) -> tuple[float, float, float, float]:
    """Exponent of the medians and its percentile interval over seed resamples.

    Returns ``(alpha, prefactor, low, high)``.
    """
    alpha, prefactor = median_exponent(losses_by_width)
    boots = bootstrap_alphas(losses_by_width, n_boot, np.random.default_rng(seed))
    return (alpha, prefactor, *percentile_interval(boots, confidence))


def exponent_table(
    summary: pd.DataFrame, fit_ranges: dict[str, list[int]], n_boot: int, confidence: float
) -> pd.DataFrame:
    """One row per (target, activation, width range): alpha with its bootstrap interval."""
    rows = []
    ok = converged(summary)
    for (target, activation), group in ok.groupby(GROUP):
        for name, (lo, hi) in fit_ranges.items():
            inside = group[(group["width"] >= lo) & (group["width"] <= hi)]
            by_width = {int(w): g["test_loss"].to_numpy() for w, g in inside.groupby("width")}
            if len(by_width) < 2:
                continue
            alpha, prefactor, low, high = bootstrap_exponent(by_width, n_boot, confidence)
            rows.append(
                dict(target=target, activation=activation, range=name, width_min=min(by_width),
                     width_max=max(by_width), n_widths=len(by_width), alpha=alpha, prefactor=prefactor,
                     alpha_low=low, alpha_high=high)
            )
    return pd.DataFrame(rows)


def scaling_fit(summary: pd.DataFrame, settings: FitSettings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The median losses per width and the exponent table of a grid's per-seed summary."""
    fits = exponent_table(summary, settings.fit_ranges, settings.bootstrap, settings.confidence)
    return median_losses(summary), fits
