"""Figures of the "beyond both papers" section: scaling-law forms, bias and variance across
seeds, IMP on the x^2 nets. One figure per analysis, three panels each."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from lottery.core.style import label_widths, plt
from lottery.liu_tegmark.activations import get_activation

FORM_STYLES = {"M1": ("tab:gray", "-"), "M2": ("tab:red", "--"), "M3": ("tab:green", "-."), "M4": ("tab:purple", ":"),
               "tail": ("tab:orange", (0, (5, 1, 1, 1)))}


def _act(name: str) -> tuple[str, str]:
    a = get_activation(name)
    return a.latex, a.color


def plot_scaling_forms(fits: pd.DataFrame, medians: pd.DataFrame, curves: pd.DataFrame) -> plt.Figure:
    """x^2 medians with the four forms and the tail power law (fitted on the open points, the
    tail law on the widest of them only; judged on the filled ones), and every curve's
    extrapolation error per contestant with its bootstrap interval."""
    main = medians[medians["family"] == "scaling"]
    activations = sorted(main["activation"].unique())
    fig, axes = plt.subplots(1, len(activations) + 1, figsize=(3.3 * (len(activations) + 1), 3.0))
    for ax, activation in zip(axes, activations):
        name, color = _act(activation)
        m = main[main["activation"] == activation].sort_values("width")
        for held, face in ((False, "none"), (True, color)):
            sel = m[m["held_out"] == held]
            ax.plot(sel["width"], sel["median_test_loss"], "o", mfc=face, mec=color, ms=5,
                    label="held out" if held else "fitted")
        here = curves[(curves["family"] == "scaling") & (curves["activation"] == activation)]
        for form, c in here.groupby("form"):
            col, ls = FORM_STYLES[form]
            ax.plot(c["width"], c["loss"], color=col, linestyle=ls, lw=1, label=form)
        ax.set(xscale="log", yscale="log", xlabel="width $N$", ylabel="median test loss", title=f"$x^2$, {name}")
        label_widths(ax, m["width"])
        ax.legend(fontsize=6)
    ax = axes[-1]
    done = fits[fits["fitted"] & fits["extrapolation_error"].notna()]
    label = lambda f, t, a: f"{t} {_act(a)[0]}" + (" (grid)" if f == "scaling" else "")  # noqa: E731
    position = {}
    for key in done[["family", "target", "activation"]].itertuples(index=False):
        position.setdefault(label(*key), len(position))
    for k, (form, g) in enumerate(done.groupby("form")):
        col, _ = FORM_STYLES[form]
        x = np.array([position[label(*key)] for key in g[["family", "target", "activation"]].itertuples(index=False)])
        x = x + (k - (len(FORM_STYLES) - 1) / 2) * 0.15
        err = np.vstack([g["extrapolation_error"] - g["extrapolation_error_low"],
                         g["extrapolation_error_high"] - g["extrapolation_error"]]).clip(0)
        ax.errorbar(x, g["extrapolation_error"], yerr=np.where(np.isfinite(err), err, 0), fmt="o", ms=3, color=col,
                    lw=0.8, label=form)
    ax.set_xticks(range(len(position)), list(position), rotation=70, fontsize=6)
    ax.set(yscale="log", ylabel="extrapolation error (decades)", title="held-out widths")
    ax.legend(fontsize=6)
    fig.tight_layout()
    return fig


def plot_bias_variance(decomposition: pd.DataFrame, ensembles: pd.DataFrame) -> plt.Figure:
    """Bias^2 and variance vs width (x^2), the variance share of every grid, and the loss of
    the average of k nets against k."""
    fig, axes = plt.subplots(1, 3, figsize=(10.0, 3.0))
    main = decomposition[decomposition["family"] == "scaling"]
    for activation, g in main.groupby("activation"):
        name, color = _act(activation)
        g = g.sort_values("width")
        axes[0].plot(g["width"], g["bias2"], "o-", color=color, ms=3, label=f"{name} bias$^2$")
        axes[0].plot(g["width"], g["variance"], "s--", color=color, ms=3, label=f"{name} variance")
    axes[0].set(xscale="log", yscale="log", xlabel="width $N$", ylabel="test MSE part", title="$x^2$: eq. 2.11")
    label_widths(axes[0], main["width"])
    for (family, target, activation), g in decomposition.groupby(["family", "target", "activation"]):
        g = g.sort_values("width")
        name, color = _act(activation)
        bold = family == "scaling"
        axes[1].plot(g["width"], g["variance_fraction"], "o-" if bold else "-", color=color if bold else "0.6",
                     lw=1.5 if bold else 0.6, ms=3, label=f"$x^2$ {name}" if bold else None)
    axes[1].axhline(0.5, color="k", lw=0.8, ls=":")
    axes[1].set(xscale="log", ylim=(0, 1), xlabel="width $N$", ylabel="variance / total",
                title="all grids (grey: other targets)")
    for (activation, width), g in ensembles.groupby(["activation", "width"]):
        name, color = _act(activation)
        g = g.sort_values("k")
        axes[2].plot(g["k"], g["loss"], "o-", color=color, ms=3, alpha=0.4 + 0.6 * width / ensembles["width"].max(),
                     label=f"{name} N={width}")
        axes[2].plot(g["k"], g["predicted"], "k:", lw=0.8)
        axes[2].plot(g["k"], g["one_over_k"], color=color, lw=0.6, ls="--")
    axes[2].set(xscale="log", yscale="log", xlabel="nets averaged $k$", ylabel="test loss of the average",
                title=r"dotted: bias$^2$+var/$k$; dashed: $1/k$")
    for ax in axes:
        ax.legend(fontsize=6)
    fig.tight_layout()
    return fig


def plot_imp_tickets(rounds: pd.DataFrame, best: pd.DataFrame, pairs: pd.DataFrame) -> plt.Figure:
    """Test loss vs remaining weights, effective parameters vs 4 x effective tickets per seed,
    and the share of mirror pairs kept together per round against magnitude-matched decoys and
    independent fates (informative rounds only: some neurons alive, some dead)."""
    fig, axes = plt.subplots(1, 3, figsize=(10.0, 3.0))
    for activation, g in rounds.groupby("activation"):
        name, color = _act(activation)
        q = g.groupby("round").agg(weights=("weights", "median"), mid=("test_loss", "median"),
                                   lo=("test_loss", lambda s: s.quantile(0.25)),
                                   hi=("test_loss", lambda s: s.quantile(0.75)))
        axes[0].plot(q["weights"], q["mid"], "o-", color=color, ms=3, label=name)
        axes[0].fill_between(q["weights"], q["lo"], q["hi"], color=color, alpha=0.2)
        b = best[best["activation"] == activation]
        axes[1].scatter(b["ticket_weights"], b["effective_params"], s=10, color=color, label=name)
        p = pairs[(pairs["activation"] == activation) & pairs["informative"]].groupby("round")
        p = p[["together", "decoy", "chance"]].mean()
        axes[2].plot(p.index, p["together"], "o-", color=color, ms=3, label=f"{name} mirror pairs")
        axes[2].plot(p.index, p["decoy"], "--", color=color, label=f"{name} decoys")
        axes[2].plot(p.index, p["chance"], ":", color=color, lw=0.8, label=f"{name} independent")
    axes[0].set(xscale="log", yscale="log", xlabel="remaining weights", ylabel="test loss (median, IQR)",
                title="IMP on $x^2$ nets")
    lim = [0, max(best["ticket_weights"].max(), best["effective_params"].max()) * 1.05]
    axes[1].plot(lim, lim, "k:", lw=0.8)
    axes[1].set(xlabel="4 x effective tickets (splitting)", ylabel="effective parameters (IMP)",
                title="per seed")
    axes[2].set(ylim=(0, 1.02), xlabel="IMP round", ylabel="pairs sharing their fate", title="pairs' shared fate")
    axes[2].xaxis.set_major_locator(MaxNLocator(integer=True))
    for ax in axes:
        ax.legend(fontsize=6)
    fig.tight_layout()
    return fig
