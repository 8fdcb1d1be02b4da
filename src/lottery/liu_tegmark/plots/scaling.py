"""[LT] Fig 1c (median loss vs width) and Fig 3 (log-loss histograms per width)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from lottery.core.style import plt
from lottery.liu_tegmark.activations import get_activation
from lottery.liu_tegmark.analysis.scaling import converged


def plot_scaling_law(
    medians: pd.DataFrame, fits: pd.DataFrame, target: str, reference_width: int, fit_range: str
) -> plt.Figure:
    """Median test loss vs width per activation of ``target``, log-log, with N^-1 and N^-4 lines."""
    medians, fits = medians[medians["target"] == target], fits[fits["target"] == target]
    fig, ax = plt.subplots(figsize=(4.2, 3.3))
    for activation, group in medians.groupby("activation"):
        group = group.sort_values("width")
        color = get_activation(activation).color
        fit = fits[(fits["activation"] == activation) & (fits["range"] == fit_range)]
        label = activation
        if len(fit):
            f = fit.iloc[0]
            label += rf" ($\alpha$={f.alpha:.2f} [{f.alpha_low:.2f}, {f.alpha_high:.2f}])"
            n = np.geomspace(f.width_min, f.width_max, 50)
            ax.plot(n, f.prefactor * n ** (-f.alpha), color=color, lw=0.8, alpha=0.6)
        ax.plot(group["width"], group["median_test_loss"], "o-", color=color, label=label, ms=4)
    widths = np.geomspace(medians["width"].min(), medians["width"].max(), 50)
    at_ref = medians.iloc[(medians["width"] - reference_width).abs().argsort()]
    anchor_w, anchor_l = at_ref.iloc[0]["width"], at_ref.groupby("activation")["median_test_loss"].first().max()
    for power, style in [(1, "k--"), (4, "k:")]:
        ax.plot(widths, anchor_l * (widths / anchor_w) ** (-power), style, lw=1, label=rf"$N^{{-{power}}}$")
    ax.set(xscale="log", yscale="log", xlabel="width $N$", ylabel="median test loss")
    ax.legend(fontsize=7)
    return fig


def plot_loss_histograms(summary: pd.DataFrame, target: str) -> plt.Figure:
    """Histograms of log10 test loss of ``target``'s nets, one panel per width, activations overlaid."""
    summary = summary[summary["target"] == target]
    widths = sorted(summary["width"].unique())
    ok = converged(summary)
    ok = ok[ok["test_loss"] > 0]
    cols = min(5, len(widths))
    rows = math.ceil(len(widths) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.0 * cols, 1.7 * rows), squeeze=False)
    logs = np.log10(ok["test_loss"])
    bins = np.linspace(logs.min(), logs.max(), 40) if len(logs) else 10
    for ax, width in zip(axes.flat, widths):
        for activation, group in ok[ok["width"] == width].groupby("activation"):
            ax.hist(np.log10(group["test_loss"]), bins=bins, alpha=0.6, color=get_activation(activation).color,
                    label=activation)
        ax.set_title(f"N = {width}", fontsize=8)
        ax.tick_params(labelsize=6)
    for ax in list(axes.flat)[len(widths):]:
        ax.axis("off")
    for ax in axes[-1]:
        ax.set_xlabel(r"$\log_{10}$ test loss", fontsize=7)
    axes.flat[0].legend(fontsize=6)
    fig.tight_layout()
    return fig
