"""[LT] Figs 2b, 9, 10, 11: the algorithms found by width-2 nets."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from lottery.core.style import plt
from lottery.liu_tegmark.activations import get_activation

CLUSTER_CMAP = plt.get_cmap("tab10")


def _cluster_color(k: int) -> object:
    return "lightgrey" if k < 0 else CLUSTER_CMAP(k % 10)


def plot_width2_histogram(nets: pd.DataFrame, peaks: pd.DataFrame) -> plt.Figure:
    """Histogram of log10 test loss of the width-2 nets, automatically found peaks marked."""
    fig, ax = plt.subplots(figsize=(4.2, 3.0))
    logs = np.log10(nets["test_loss"])
    ax.hist(logs, bins=50, color="tab:blue", alpha=0.7)
    for i, p in enumerate(peaks.itertuples()):
        ax.axvline(p.log10_loss, color="k", ls="--", lw=0.8)
        ax.annotate(f"{i + 1}", (p.log10_loss, ax.get_ylim()[1] * 0.95), ha="left", fontsize=7)
    ax.set(xlabel=r"$\log_{10}$ test loss", ylabel="nets", title=f"width 2, {len(nets)} nets, {len(peaks)} peaks")
    return fig


def plot_pca_clusters(nets: pd.DataFrame, clusters: pd.DataFrame) -> plt.Figure:
    """Nets on the first two principal components: colour = log loss (left), cluster (right)."""
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(8.0, 3.4))
    sc = a1.scatter(nets["pc1"], nets["pc2"], c=np.log10(nets["test_loss"]), s=6, cmap="viridis")
    fig.colorbar(sc, ax=a1, label=r"$\log_{10}$ test loss")
    a1.set(xlabel="PC1", ylabel="PC2", title="coloured by loss")
    for k, group in nets.groupby("cluster"):
        a2.scatter(group["pc1"], group["pc2"], s=6, color=_cluster_color(int(k)))
    for c in clusters.itertuples():
        member = nets[nets["cluster"] == c.cluster]
        a2.annotate(f"{c.cluster}: {c.mean_log10_loss:.1f}", (member["pc1"].median(), member["pc2"].median()),
                    fontsize=7, weight="bold", color="k")
    a2.set(xlabel="PC1", ylabel="PC2", title=r"clusters (label: mean $\log_{10}$ loss)")
    fig.tight_layout()
    return fig


def plot_cluster_neurons(
    clusters: pd.DataFrame, activation: str, negative_slope: float, x_min: float, x_max: float, kind: str
) -> plt.Figure:
    """Each cluster's representative net: neurons' post-activations vs x, or on the activation curve.

    ``kind='x'``: ``act(w_i x + b_i)`` against x (Fig 10). ``kind='pre'``: the activation
    curve with the stretch of pre-activations ``w_i x + b_i`` each neuron visits on the
    input range highlighted (Fig 11).
    """
    act = get_activation(activation).numpy(negative_slope)
    n = len(clusters)
    cols = min(4, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.3 * cols, 2.0 * rows), squeeze=False)
    x = np.linspace(x_min, x_max, 200)
    for ax, c in zip(axes.flat, clusters.itertuples()):
        pre = [c.w1 * x + c.b1, c.w2 * x + c.b2]
        if kind == "pre":
            lo, hi = min(p.min() for p in pre), max(p.max() for p in pre)
            z = np.linspace(min(lo, -4), max(hi, 4), 300)
            ax.plot(z, act(z), color="grey", lw=1)
        for i, (z, color) in enumerate(zip(pre, ["tab:red", "tab:blue"])):
            ax.plot(x if kind == "x" else z, act(z), color=color, lw=2 if kind == "pre" else 1.2, label=f"neuron {i + 1}")
        ax.set_title(f"cluster {c.cluster}: " + rf"$\log_{{10}}L$={c.mean_log10_loss:.1f}", fontsize=8)
        ax.set_xlabel("$x$" if kind == "x" else "pre-activation", fontsize=7)
        ax.tick_params(labelsize=6)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=6)
    fig.tight_layout()
    return fig


def plot_cluster_curves(curves: pd.DataFrame, nets: pd.DataFrame, clusters: pd.DataFrame) -> plt.Figure:
    """Training loss against step of the width-2 nets, one median curve (and quartile band) per
    cluster: whether the algorithms part early in training or only at its end."""
    seeds = np.sort(curves["seed"].unique())
    if not np.array_equal(seeds, np.sort(nets["seed"].to_numpy())):
        raise ValueError("the training curves and the clustered nets come from different grids (their seeds differ)")
    fig, ax = plt.subplots(figsize=(4.6, 3.2))
    by_seed = curves.merge(nets[["seed", "cluster"]], on="seed")
    for c in clusters.itertuples():
        member = by_seed[by_seed["cluster"] == c.cluster].groupby("step")["train_loss"]
        q = member.quantile([0.25, 0.5, 0.75]).unstack()
        color = _cluster_color(int(c.cluster))
        ax.plot(q.index, q[0.5], color=color, lw=1.2, label=f"{c.cluster} ({c.size} nets)")
        ax.fill_between(q.index, q[0.25], q[0.75], color=color, alpha=0.2, lw=0)
    ax.set(xscale="log", yscale="log", xlabel="step", ylabel="train loss", title="width-2 clusters: median and quartiles")
    ax.legend(fontsize=6, title="cluster", title_fontsize=6)
    return fig
