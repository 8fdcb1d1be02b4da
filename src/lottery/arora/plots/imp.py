"""[AR] figures (Figs 1-7, S1-S4): dense and sparse double descent, effective parameters,
calibration. One public function per figure, named by its registry entry (:mod:`lottery.figures`):
it takes the stored frames (the IMP summary or the calibration data) and, to pick its rows, the
IMP settings (:class:`~lottery.arora.analysis.selection.Selection`), aggregates
(:mod:`lottery.arora.analysis.imp`) and draws.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import cm, colors

from lottery.arora.analysis import selection as pick
from lottery.arora.analysis.imp import best_rounds, effective_summary, sparse_curves
from lottery.arora.analysis.selection import Selection
from lottery.core import style  # noqa: F401  (the shared rcParams)

KIND_STYLE = {"full": dict(color="tab:red", label="full"), "pruned": dict(color="tab:blue", label="best pruned")}
TASK_COLORS = {"linear": "tab:blue", "xor": "tab:orange"}


def _select(frame: pd.DataFrame, sel: dict) -> pd.DataFrame:
    for k, v in sel.items():
        frame = frame[np.isclose(frame[k], v)] if k == "nu" else frame[frame[k] == v]
    return frame


def _double_descent(curves: pd.DataFrame, panels: list[tuple[str, dict]]) -> plt.Figure:
    fig, axes = plt.subplots(len(panels), 2, figsize=(8, 2.4 * len(panels)), squeeze=False, sharex="row",
                             layout="constrained")
    for row, (title, sel) in enumerate(panels):
        sub = _select(curves, sel)
        widths = sorted(sub["width"].unique())
        norm = colors.LogNorm(min(widths), max(max(widths), min(widths) + 1))
        for col, metric in enumerate(["test_error", "train_error"]):
            ax = axes[row, col]
            for w in widths:
                c = sub[sub["width"] == w].sort_values("round")
                ax.plot(c["weights"], c[metric], lw=0.8, color=cm.viridis(norm(w)), alpha=0.8)
            dense = sub[sub["round"] == 0].sort_values("weights")
            ax.plot(dense["weights"], dense[metric], lw=3, color="black", label="dense (full models)")
            ax.set_xscale("log")
            ax.set_xlabel("remaining weights")
            ax.set_ylabel(metric.replace("_", " "))
            ax.set_title(title, fontsize=8)
        axes[row, 0].legend(fontsize=7)
        fig.colorbar(cm.ScalarMappable(norm=norm, cmap="viridis"), ax=axes[row], label="start width", fraction=0.03)
    return fig


def plot_fig1(rounds: pd.DataFrame, selection: dict) -> plt.Figure:
    """Fig 1: dense (thick) and sparse (thin, one per start width) double descent on real data."""
    sel = Selection.from_settings(selection)
    curves = sparse_curves(pick.real_fcn2(rounds, sel), ["dataset", "arch"])
    return _double_descent(curves, [(f"{d}, two-layer FCN", {"dataset": d, "arch": "fcn2"}) for d in sel.real])


def plot_fig2(rounds: pd.DataFrame, selection: dict) -> plt.Figure:
    """Fig 2: the same for the linear and XOR mixtures at several nu."""
    sel = Selection.from_settings(selection)
    curves = sparse_curves(pick.mixtures(rounds, sel), ["dataset", "nu"])
    return _double_descent(curves, [(f"{t}, nu = {nu:g}", {"dataset": t, "nu": nu})
                                    for t, nus in sel.figure_nus.items() for nu in nus])


def plot_figs2(rounds: pd.DataFrame, selection: dict) -> plt.Figure:
    """Fig S2: dense and sparse double descent of the two-layer FCN and of ResNet-6 on one image set."""
    sel = Selection.from_settings(selection)
    curves = sparse_curves(pick.figs2_runs(rounds, sel), ["dataset", "arch"])
    d = sel.figs2_dataset
    return _double_descent(curves, [(f"{d}, two-layer FCN", {"dataset": d, "arch": "fcn2"}),
                                    (f"{d}, ResNet-6", {"dataset": d, "arch": "resnet"})])


def plot_figs3(rounds: pd.DataFrame) -> plt.Figure:
    """Fig S3: sparse double descent of the three-layer FCN per start width (mean over repetitions,
    test error solid, train error dashed) and the effective parameters of every trajectory."""
    curves = sparse_curves(rounds, ["dataset", "arch"])
    best = best_rounds(rounds)
    widths = sorted(curves["width"].unique())
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4), layout="constrained")
    for i, w in enumerate(widths):
        c = curves[curves["width"] == w].sort_values("round")
        color = cm.viridis(i / max(len(widths) - 1, 1))
        left.plot(c["weights"], c["test_error"], "o-", ms=3, color=color, label=f"P = {w}, test")
        left.plot(c["weights"], c["train_error"], "--", color=color, label=f"P = {w}, train")
        b = best[best["width"] == w]
        right.scatter(np.full(len(b), i), b["effective_params"], color=color, s=18)
        right.plot([i - 0.3, i + 0.3], [b["effective_params"].median()] * 2, color="black", lw=2)
    left.set(xscale="log", xlabel="remaining weights", ylabel="error", title=str(rounds["dataset"].iloc[0]))
    left.legend(fontsize=7)
    right.set_xticks(range(len(widths)), [f"P = {w}" for w in widths])
    right.set(yscale="log", ylabel="effective parameters", title="best pruned models (bar: median)")
    return fig


def _median_band(ax: plt.Axes, summary: pd.DataFrame, x: str, label: str, **color: str) -> None:
    """A median line with its interquartile band (``color`` given, or the axes' colour cycle)."""
    ax.plot(summary[x], summary["median"], "o-", label=label, **color)
    ax.fill_between(summary[x], summary["q25"], summary["q75"], alpha=0.2, **color)


def plot_fig3a(best: pd.DataFrame, selection: dict) -> plt.Figure:
    """Fig 3a: effective parameters vs nu, linear vs XOR (median and quartiles over start models)."""
    sel = Selection.from_settings(selection)
    summary = effective_summary(pick.effective_mixtures(best, sel), ["dataset", "nu"])
    fig, ax = plt.subplots(figsize=(4.5, 3.2), layout="constrained")
    for task, sub in summary.groupby("dataset"):
        _median_band(ax, sub.sort_values("nu"), "nu", task, color=TASK_COLORS.get(task))
    ax.set_yscale("log")
    ax.set_xlabel(r"cluster separation $\nu$")
    ax.set_ylabel("effective parameters")
    ax.legend()
    return fig


def plot_fig3b(best: pd.DataFrame, selection: dict) -> plt.Figure:
    """Fig 3b: effective parameters vs number of classes kept."""
    sel = Selection.from_settings(selection)
    summary = effective_summary(pick.classes_kept(best, sel), ["dataset", "classes"])
    fig, ax = plt.subplots(figsize=(4.5, 3.2), layout="constrained")
    for dataset, sub in summary.groupby("dataset"):
        _median_band(ax, sub.sort_values("classes"), "classes", dataset)
    ax.set_xlabel("classes kept")
    ax.set_ylabel("effective parameters")
    ax.legend()
    return fig


def plot_fig4(best: pd.DataFrame, selection: dict) -> plt.Figure:
    """Fig 4: effective parameters of every start model, per architecture (one panel per data set)."""
    sel = Selection.from_settings(selection)
    best, archs = pick.architectures(best, sel), sel.arch_names
    datasets = sorted(best["dataset"].unique())
    fig, axes = plt.subplots(1, len(datasets), figsize=(4.5 * len(datasets), 3.2), squeeze=False, layout="constrained")
    for ax, d in zip(axes[0], datasets):
        for i, a in enumerate(archs):
            sub = best[(best["dataset"] == d) & (best["arch"] == a)]
            jitter = np.random.default_rng(i).uniform(-0.15, 0.15, len(sub))
            sc = ax.scatter(i + jitter, sub["effective_params"], c=np.log10(sub["width"]), cmap="viridis", s=14)
            ax.plot([i - 0.3, i + 0.3], [sub["effective_params"].median()] * 2, color="black", lw=2)
        ax.set_xticks(range(len(archs)), archs)
        ax.set_yscale("log")
        ax.set_ylabel("effective parameters")
        ax.set_title(d, fontsize=8)
        fig.colorbar(sc, ax=ax, label="log10 start width")
    return fig


def plot_fig5(line: pd.DataFrame, reliab: pd.DataFrame, cloud: pd.DataFrame) -> plt.Figure:
    """Fig 5: (a) predicted p(y=0) along the line joining the centres vs the truth, (b) reliability
    curves, (c) |predicted - true| over a 2-D projection of fresh samples (mean over the models),
    full vs best pruned."""
    tasks = list(dict.fromkeys(line["dataset"]))
    fig, axes = plt.subplots(len(tasks), 4, figsize=(14, 3.1 * len(tasks)), squeeze=False, layout="constrained")
    vmax = cloud["gap"].quantile(0.99)
    for row, task in zip(axes, tasks):
        sub = line[line["dataset"] == task]
        truth = sub[sub["kind"] == "full"].groupby("t")["true_p0"].mean()
        row[0].plot(truth.index, truth.values, color="black", lw=2, label="true")
        for kind, st in KIND_STYLE.items():
            k = sub[sub["kind"] == kind].groupby("t")["p0"].mean()
            row[0].plot(k.index, k.values, **st)
            r = reliab[(reliab["dataset"] == task) & (reliab["kind"] == kind)]
            row[1].plot(r["mean_predicted"], r["observed"], "o-", ms=3, **st)
        row[0].set(xlabel="position t along the centre line", ylabel="p(y=0)", title=f"{task} (a)")
        row[1].plot([0, 1], [0, 1], "k:", lw=1)
        row[1].set(xlabel="predicted p(y=0)", ylabel="observed frequency of y=0", title=f"{task} (b)")
        row[0].legend(fontsize=7)
        for ax, kind in zip(row[2:], KIND_STYLE):
            c = cloud[(cloud["dataset"] == task) & (cloud["kind"] == kind)].groupby(["u", "v"], sort=False,
                                                                                     as_index=False)["gap"].mean()
            sc = ax.scatter(c["u"], c["v"], c=c["gap"], s=1, cmap="magma", vmin=0, vmax=vmax, rasterized=True)
            ax.set(xlabel="mean of first half of x", ylabel="mean of second half of x",
                   title=f"{task} (c) {KIND_STYLE[kind]['label']}: mean {c['gap'].mean():.3f}")
        fig.colorbar(sc, ax=row[3], label="|predicted - true|")
    return fig


def plot_fig6(classwise: pd.DataFrame, confidence: pd.DataFrame) -> plt.Figure:
    """Fig 6: class-wise reliability curves and predicted-class probability histograms, full vs pruned."""
    datasets = sorted(classwise["dataset"].unique())
    fig, axes = plt.subplots(len(datasets), 3, figsize=(11, 3.2 * len(datasets)), squeeze=False, layout="constrained")
    for row, d in zip(axes, datasets):
        for ax, kind in zip(row[:2], KIND_STYLE):
            sub = classwise[(classwise["dataset"] == d) & (classwise["kind"] == kind)]
            for _, c in sub.groupby("class"):
                ax.plot(c["mean_predicted"], c["observed"], "-", lw=0.8, color=KIND_STYLE[kind]["color"], alpha=0.6)
            ax.plot([0, 1], [0, 1], "k:", lw=1)
            ax.set(xlabel="predicted probability of the class", ylabel="observed frequency",
                   title=f"{d}: {KIND_STYLE[kind]['label']} (class-wise)")
        bins = np.linspace(0, 1, 21)
        for kind, st in KIND_STYLE.items():
            c = confidence[(confidence["dataset"] == d) & (confidence["kind"] == kind)]["confidence"]
            row[2].hist(c, bins=bins, alpha=0.5, density=True, **st)
        row[2].set(xlabel="predicted-class probability", ylabel="density", title=f"{d}: confidence")
        row[2].legend(fontsize=7)
    return fig


def plot_fig7(rounds: pd.DataFrame, selection: dict) -> plt.Figure:
    """Fig 7: test error and ECE along one model's IMP trajectory, clean and noisy test labels."""
    sel = Selection.from_settings(selection)
    trajectories = pick.trajectories(rounds, sel)
    panels = list(dict.fromkeys(trajectories["panel"]))
    fig, axes = plt.subplots(2, len(panels), figsize=(3.6 * len(panels), 5.4), squeeze=False, sharex="col",
                             layout="constrained")
    for col, p in zip(axes.T, panels):
        sub = trajectories[trajectories["panel"] == p].sort_values("round")
        for row, metric in zip(col, ["test_error", "ece"]):
            row.plot(sub["weights"], sub[metric], "o-", ms=3, label="clean test labels")
            row.plot(sub["weights"], sub[f"{metric}_noisy"], "s--", ms=3, label="noisy test labels")
            best = sub.loc[sub["test_error"].idxmin()]
            row.axvline(best["weights"], color="grey", lw=0.8, ls=":")
            row.set_xscale("log")
            row.set_ylabel("ECE" if metric == "ece" else "test error")
        col[0].set_title(p, fontsize=8)
        col[1].set_xlabel("remaining weights")
    axes[0, 0].legend(fontsize=7)
    return fig


def plot_figs1(best: pd.DataFrame, selection: dict) -> plt.Figure:
    """Fig S1: distribution of effective parameters over start models, per nu."""
    sel = Selection.from_settings(selection)
    best = pick.effective_mixtures(best, sel)
    tasks = sorted(best["dataset"].unique())
    fig, axes = plt.subplots(1, len(tasks), figsize=(4.5 * len(tasks), 3.2), squeeze=False, layout="constrained")
    for ax, task in zip(axes[0], tasks):
        sub = best[best["dataset"] == task]
        nus = sorted(sub["nu"].unique())
        ax.boxplot([sub[np.isclose(sub["nu"], nu)]["effective_params"] for nu in nus], positions=range(len(nus)))
        ax.set_xticks(range(len(nus)), [f"{nu:g}" for nu in nus])
        ax.set(yscale="log", xlabel=r"$\nu$", ylabel="effective parameters", title=task)
    return fig


def plot_figs4(reliab: pd.DataFrame) -> plt.Figure:
    """Fig S4: top-label reliability curves against noisy test labels, full vs best pruned."""
    panels = list(dict.fromkeys(reliab["panel"]))
    fig, axes = plt.subplots(1, len(panels), figsize=(3.6 * len(panels), 3.3), squeeze=False, layout="constrained")
    for ax, p in zip(axes[0], panels):
        for kind, st in KIND_STYLE.items():
            for labels, ls in (("clean", ":"), ("noisy", "-")):
                r = reliab[(reliab["panel"] == p) & (reliab["kind"] == kind) & (reliab["labels"] == labels)]
                ax.plot(r["mean_predicted"], r["observed"], ls, marker="o", ms=2, color=st["color"],
                        label=f"{st['label']}, {labels} labels")
        ax.plot([0, 1], [0, 1], "k", lw=0.5)
        ax.set(xlabel="confidence", ylabel="accuracy", title=p)
    axes[0, 0].legend(fontsize=6)
    return fig
