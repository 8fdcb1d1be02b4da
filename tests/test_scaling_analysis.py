"""Scaling-law analysis on constructed losses whose exponent is known."""
from __future__ import annotations

import numpy as np
import pandas as pd

from lottery.liu_tegmark.analysis.scaling import bootstrap_exponent, exponent_table, fit_exponent, median_losses


def _frame(alpha: float, widths=(1, 2, 4, 8, 16), seeds: int = 200, noise: float = 0.3) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for w in widths:
        for s in range(seeds):
            rows.append(dict(target="x2", activation="silu", width=w, seed=s, diverged=False,
                             test_loss=3.0 * w**-alpha * np.exp(noise * rng.standard_normal())))
    return pd.DataFrame(rows)


def test_fit_recovers_exact_power_law() -> None:
    widths = np.array([1, 2, 5, 10, 50.0])
    alpha, prefactor = fit_exponent(widths, 0.7 * widths**-1.5)
    assert abs(alpha - 1.5) < 1e-12 and abs(prefactor - 0.7) < 1e-12


def test_bootstrap_interval_covers_true_exponent_and_shrinks_with_seeds() -> None:
    df = _frame(1.0)
    by_width = {w: g["test_loss"].to_numpy() for w, g in df.groupby("width")}
    alpha, _, low, high = bootstrap_exponent(by_width, 300, 0.95)
    assert low < 1.0 < high and abs(alpha - 1.0) < 0.05
    few = {w: v[:20] for w, v in by_width.items()}
    _, _, low20, high20 = bootstrap_exponent(few, 300, 0.95)
    assert high20 - low20 > high - low


def test_diverged_nets_are_excluded_and_counted() -> None:
    df = _frame(2.0, widths=(1, 2), seeds=5)
    df.loc[0, ["test_loss", "diverged"]] = [np.nan, True]
    df.loc[1, ["test_loss", "diverged"]] = [1e30, True]
    med = median_losses(df).set_index("width")
    assert med.loc[1, "diverged"] == 2 and med.loc[1, "seeds"] == 5
    expected = df[(df.width == 1) & ~df.diverged]["test_loss"].median()
    assert med.loc[1, "median_test_loss"] == expected


def test_exponent_table_per_range() -> None:
    df = _frame(1.0)
    table = exponent_table(df, {"all": [1, 16], "wide": [4, 16]}, 50, 0.9)
    assert list(table["range"]) == ["all", "wide"]
    assert table.set_index("range").loc["wide", "n_widths"] == 3
    assert ((table.alpha_low <= table.alpha) & (table.alpha <= table.alpha_high)).all()
