"""[LT] Figs 2a, 4, 12, 13: mirror symmetry, ensembling vs coordination, ticket splitting,
distillation."""
from __future__ import annotations

import numpy as np
import pandas as pd

from lottery.core.style import plt


def plot_ensembling(table: pd.DataFrame, samples: pd.DataFrame) -> plt.Figure:
    """Per N: width-N log losses vs the half-harmonic ensembles of width-N/2 pairs."""
    n = len(table)
    fig, axes = plt.subplots(1, n, figsize=(2.4 * n, 2.4), squeeze=False)
    for ax, row in zip(axes[0], table.sort_values("width").itertuples()):
        here = samples[samples["width"] == row.width]
        logs = np.log10(here["loss"])
        bins = np.linspace(logs.min(), logs.max(), 40)
        for kind, color, label in [("actual", "tab:blue", f"width {row.width}"),
                                   ("ensemble", "tab:orange", rf"{row.width // 2}+{row.width // 2} ensemble")]:
            ax.hist(np.log10(here.loc[here["kind"] == kind, "loss"]), bins=bins, density=True, alpha=0.55,
                    color=color, label=label)
        ax.set_title(f"N={row.width}: KS {row.ks:.2f}, W1 {row.wasserstein:.2f}", fontsize=8)
        ax.set_xlabel(r"$\log_{10}$ test loss", fontsize=7)
        ax.tick_params(labelsize=6)
        ax.legend(fontsize=6)
    fig.tight_layout()
    return fig


def plot_symmetry(neurons: pd.DataFrame, stats: pd.DataFrame) -> plt.Figure:
    """First-layer ``(w_i, b_i)`` of one wide net, with its mirror image and symmetry measure (one row)."""
    stats = stats.iloc[0]
    fig, ax = plt.subplots(figsize=(4.2, 3.4))
    ax.scatter(-neurons["w"], neurons["b"], s=2, alpha=0.25, color="tab:orange", label=r"mirror $(-w_i, b_i)$")
    ax.scatter(neurons["w"], neurons["b"], s=2, alpha=0.5, color="tab:blue", label=r"$(w_i, b_i)$")
    ax.set(xlabel="$w$", ylabel="$b$",
           title=f"N={int(stats['width'])}: mirror/shuffled distance {stats['ratio']:.2f}")
    ax.legend(fontsize=7, markerscale=4)
    return fig


def plot_splitting(tickets: pd.DataFrame, corr: pd.DataFrame, curves: pd.DataFrame, neurons: pd.DataFrame,
                   counts: pd.DataFrame) -> plt.Figure:
    """One row per width: (w, b) scatter with pairs, R^2 by rank, C_ij heat map, error curves."""
    widths = sorted(tickets["width"].unique())
    fig, axes = plt.subplots(len(widths), 4, figsize=(10.0, 2.3 * len(widths)), squeeze=False)
    for row, width in zip(axes, widths):
        t = tickets[tickets["width"] == width].sort_values("rank")
        nr = neurons[neurons["width"] == width].reset_index(drop=True)
        pairs = t[t["neurons"] == 2]
        row[0].scatter(nr["w"], nr["b"], s=4, color="tab:blue")
        for p in pairs.head(200).itertuples():
            row[0].plot(nr.loc[[p.i, p.j], "w"], nr.loc[[p.i, p.j], "b"], color="grey", lw=0.4)
        row[0].set_title(f"N={width}: (w, b), pairs joined", fontsize=8)
        row[1].plot(t["rank"] + 1, t["r2"], "o-", ms=2)
        eff = counts.loc[counts["width"] == width, "effective"]
        row[1].set_title(f"ticket $R^2$; median eff. tickets {eff.median():.1f}", fontsize=8)
        row[1].set_xlabel("ticket rank", fontsize=7)
        n = len(t)
        c = corr[corr["width"] == width]
        mat = np.zeros((n, n))
        mat[c["row"], c["col"]] = c["value"]
        im = row[2].imshow(mat, cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
        fig.colorbar(im, ax=row[2], fraction=0.046)
        row[2].set_title("error correlation $C_{ij}$", fontsize=8)
        cv = curves[curves["width"] == width]
        for k, g in cv[cv["rank"] < 10].groupby("rank"):
            row[3].plot(g["x"], g["error"], lw=0.8)
        row[3].set_title("error curves $e_i(x)$, 10 best tickets", fontsize=8)
        for ax in row:
            ax.tick_params(labelsize=6)
    fig.tight_layout()
    return fig


def plot_distill(distilled: pd.DataFrame, ordinary: pd.DataFrame) -> plt.Figure:
    """Log-loss histograms of distilled width-2 nets and of ordinarily trained ones."""
    fig, ax = plt.subplots(figsize=(4.2, 3.0))
    d = np.log10(np.clip(distilled["test_loss"], 1e-300, None))
    o = np.log10(ordinary["test_loss"])
    bins = np.linspace(min(d.min(), o.min()), max(d.max(), o.max()), 50)
    ax.hist(o, bins=bins, alpha=0.6, density=True, color="tab:blue", label="trained width 2")
    ax.hist(d, bins=bins, alpha=0.6, density=True, color="tab:green", label="distilled width 2")
    ax.set(xlabel=r"$\log_{10}$ test loss", ylabel="density")
    ax.legend(fontsize=7)
    return fig
