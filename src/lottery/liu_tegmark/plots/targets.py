"""[LT] Appendix A, Figs 5-8: loss histograms and scaling of the other targets."""
from __future__ import annotations

import numpy as np
import pandas as pd

from lottery.liu_tegmark.analysis.scaling import converged
from lottery.liu_tegmark.targets import get_target
from lottery.core.style import label_widths, plt


def plot_target_histograms(summary: pd.DataFrame) -> plt.Figure:
    """Grid of log10-loss histograms: one row per target, one column per width."""
    ok = converged(summary)
    ok = ok[ok["test_loss"] > 0]
    targets = list(dict.fromkeys(ok["target"]))
    widths = sorted(ok["width"].unique())
    fig, axes = plt.subplots(len(targets), len(widths), figsize=(1.6 * len(widths), 1.1 * len(targets) + 0.4),
                             squeeze=False, sharex="row")
    for row, target in zip(axes, targets):
        for ax, width in zip(row, widths):
            for activation, g in ok[(ok["target"] == target) & (ok["width"] == width)].groupby("activation"):
                ax.hist(np.log10(g["test_loss"]), bins=25, alpha=0.7, label=activation)
            ax.tick_params(labelsize=5)
            ax.set_yticks([])
        row[0].set_ylabel(get_target(target).latex, fontsize=7)
    for ax, width in zip(axes[0], widths):
        ax.set_title(f"N={width}", fontsize=7)
    for ax in axes[-1]:
        ax.set_xlabel(r"$\log_{10}L$", fontsize=6)
    fig.tight_layout(h_pad=0.2, w_pad=0.2)
    return fig


def plot_target_scaling(medians: pd.DataFrame, fits: pd.DataFrame) -> plt.Figure:
    """Median loss vs width per target, log-log, each with an N^-1 line through its first point."""
    fig, ax = plt.subplots(figsize=(5.0, 3.6))
    colors = plt.get_cmap("tab10")
    for i, ((target, activation), g) in enumerate(medians.groupby(["target", "activation"], sort=False)):
        g = g.sort_values("width")
        fit = fits[(fits["target"] == target) & (fits["activation"] == activation)]
        alpha = f", $\\alpha$={fit['alpha'].iloc[0]:.2f}" if len(fit) else ""
        label = get_target(target).latex + (f" {activation}" if medians["activation"].nunique() > 1 else "") + alpha
        ax.plot(g["width"], g["median_test_loss"], "o-", ms=3, color=colors(i % 10), label=label)
        n = g["width"].to_numpy(dtype=float)
        ax.plot(n, g["median_test_loss"].iloc[0] * n[0] / n, ":", color=colors(i % 10), lw=0.8)
    ax.set(xscale="log", yscale="log", xlabel="width $N$", ylabel="median test loss",
           title=r"dotted: $N^{-1}$ through each first point")
    label_widths(ax, medians["width"])
    ax.legend(fontsize=6, ncol=2)
    return fig
