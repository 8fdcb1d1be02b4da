"""Commands of the [LT] ticket stage: width-2 algorithms, ensembling, symmetry, splitting,
distillation (analyses), their figures, and the section's generated LaTeX."""
from __future__ import annotations

import argparse
import logging

import numpy as np
import pandas as pd

from lottery.commands import MANY, REQ, command, settings_of

log = logging.getLogger("lottery")


def _losses(path: str) -> tuple[np.ndarray, np.ndarray]:
    """Seeds and test losses of the converged nets of one grid file."""
    from lottery.liu_tegmark.analysis.scaling import converged
    from lottery.core.storage import read_frame

    summary = converged(read_frame(path, "summary"))
    return summary["seed"].to_numpy(), summary["test_loss"].to_numpy()


def _scalar_params(path: str, seeds: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """``w, b, v [S, N]`` and ``c [S]`` of a scalar-input grid, optionally only ``seeds``."""
    from lottery.liu_tegmark.grids import read_params

    all_seeds, p = read_params(path)
    p = p.numpy()
    keep = np.arange(len(all_seeds)) if seeds is None else np.searchsorted(all_seeds, seeds)
    return {"w": p["w"][keep, :, 0], "b": p["b"][keep], "v": p["v"][keep], "c": p["c"][keep], "seed": all_seeds[keep]}


def _write(path: str, frames: dict[str, pd.DataFrame]) -> None:
    from lottery.core.storage import atomic_hdf

    with atomic_hdf(path) as store:
        for key, frame in frames.items():
            store.put(key, frame, format="fixed")


def _frames(path: str, *keys: str) -> list[pd.DataFrame]:
    from lottery.core.storage import read_frame

    return [read_frame(path, k) for k in keys]


@command("tickets-algorithms", ("--grid", REQ), ("--settings", REQ), ("--out", REQ))
def tickets_algorithms(args: argparse.Namespace) -> None:
    """[LT] Figs 2b, 2c, 9: peaks of the width-2 log-loss histogram, PCA and clusters."""
    from lottery.liu_tegmark.analysis import algorithms as alg

    s = settings_of(args)
    seeds, losses = _losses(args.grid)
    p = _scalar_params(args.grid, seeds)
    points = alg.canonical_width2(p["w"], p["b"], p["v"], p["c"])
    labels, scores = alg.choose_clusters(points, s["criterion"], s["max_clusters"], s["min_cluster_fraction"],
                                         s["random_state"])
    labels = alg.relabel_by_loss(labels, losses)
    pcs = alg.standardised_pca(points)
    nets = pd.DataFrame(points, columns=list(alg.PARAM_NAMES))
    nets = nets.assign(seed=seeds, test_loss=losses, pc1=pcs[:, 0], pc2=pcs[:, 1], cluster=labels)
    clusters = alg.cluster_summary(points, losses, labels)
    # The lucky ticket: the best net of the lowest-loss cluster (of all nets if none formed).
    best = int(np.argmin(np.where((labels == 0) | (labels.max() < 0), losses, np.inf)))
    lucky = pd.DataFrame([{**dict(zip(alg.PARAM_NAMES, points[best])), "seed": int(seeds[best]),
                           "test_loss": float(losses[best]),
                           **{f"asym_{k}": v for k, v in alg.mirror_asymmetry(points[best]).items()}}])
    peaks = alg.log_loss_peaks(losses, prominence=s["peak_prominence"])
    taylor = pd.DataFrame([alg.silu_quadratic()])
    _write(args.out, {"nets": nets, "clusters": clusters, "scores": scores, "lucky": lucky, "peaks": peaks,
                      "taylor": taylor})
    log.info("peaks:\n%s\nclusters (%s):\n%s\nlucky ticket:\n%s", peaks.to_string(), s["criterion"],
             clusters.to_string(), lucky.T.to_string())


@command("tickets-ensembling", ("--grids", MANY), ("--settings", REQ), ("--out", REQ))
def tickets_ensembling(args: argparse.Namespace) -> None:
    """[LT] Fig 4: width-N losses vs half-harmonic ensembles of width-N/2 pairs."""
    from lottery.liu_tegmark.analysis.ensembling import ensembling_table
    from lottery.core.storage import read_frame

    s = settings_of(args)
    by_width = {}
    for path in args.grids:
        summary = read_frame(path, "summary")
        by_width[int(summary["width"].iloc[0])] = _losses(path)[1]
    table, samples = ensembling_table(by_width, s["widths"], s["pairs"], s["seed"])
    _write(args.out, {"table": table, "samples": samples})
    log.info("ensembling vs coordination:\n%s", table.to_string())


@command("tickets-symmetry", ("--grid", REQ), ("--settings", REQ), ("--out", REQ))
def tickets_symmetry(args: argparse.Namespace) -> None:
    """[LT] Fig 2a: first-layer (w, b) of a wide net and its mirror-symmetry measure."""
    from lottery.liu_tegmark.analysis.tickets import mirror_symmetry

    p = _scalar_params(args.grid)
    w, b = p["w"][0], p["b"][0]
    stats = mirror_symmetry(w, b, settings_of(args)["shuffles"], np.random.default_rng(0))
    stats = pd.DataFrame([{**stats, "width": len(w), "seed": int(p["seed"][0])}])
    _write(args.out, {"neurons": pd.DataFrame({"w": w, "b": b}), "stats": stats})
    log.info("mirror symmetry:\n%s", stats.T.to_string())


@command("tickets-splitting", ("--grids", MANY), ("--settings", REQ), ("--out", REQ))
def tickets_splitting(args: argparse.Namespace) -> None:
    """[LT] Fig 12: every net split into mirror-pair tickets; panels of the median-loss net."""
    from lottery.liu_tegmark.analysis.tickets import numpy_activation, split_nets
    from lottery.liu_tegmark.targets import get_target

    s = settings_of(args)
    act = numpy_activation(s["activation"], s["negative_slope"])
    x = np.linspace(s["x_min"], s["x_max"], s["curve_points"])
    y = get_target(s["target"])(x[:, None])
    parts = []
    for path in args.grids:
        seeds, losses = _losses(path)
        p = _scalar_params(path, seeds)
        parts.append(split_nets(p["w"], p["b"], seeds, losses, act, x, y))
    frames = {key: pd.concat([part[key] for part in parts], ignore_index=True) for key in parts[0]}
    _write(args.out, frames)
    log.info("effective tickets per width:\n%s", frames["counts"].groupby("width")[["tickets", "effective", "best_r2"]]
             .median().to_string())


@command("tickets-distill", ("--wide", REQ), ("--narrow", REQ), ("--data", REQ), ("--settings", REQ), ("--out", REQ))
def tickets_distill(args: argparse.Namespace) -> None:
    """[LT] Fig 13: width-2 nets distilled from the best ticket of each wide net."""
    from lottery.liu_tegmark.analysis.distill import distill_nets
    from lottery.liu_tegmark.analysis.tickets import numpy_activation
    from lottery.liu_tegmark.data import load_regression_data

    s = settings_of(args)
    data = load_regression_data(args.data)
    seeds, _ = _losses(args.wide)
    p = _scalar_params(args.wide, seeds)
    act = numpy_activation(s["activation"], s["negative_slope"])
    distilled = distill_nets(p["w"], p["b"], act, data.x_train[:, 0], data.y_train, data.x_test[:, 0], data.y_test)
    distilled["seed"] = seeds
    ordinary = pd.DataFrame({"test_loss": _losses(args.narrow)[1]})
    _write(args.out, {"distilled": distilled, "ordinary": ordinary})
    log.info("distilled test loss quantiles:\n%s", distilled["test_loss"].describe().to_string())


@command("fig-width2-histogram", ("--algorithms", REQ), ("--out", REQ))
def fig_width2_histogram(args: argparse.Namespace) -> None:
    """[LT] Fig 2b."""
    from lottery.liu_tegmark.plots.algorithms import plot_width2_histogram
    from lottery.core.style import save_figure

    nets, peaks = _frames(args.algorithms, "nets", "peaks")
    save_figure(plot_width2_histogram(nets, peaks), args.out)


@command("fig-algorithms-pca", ("--algorithms", REQ), ("--out", REQ))
def fig_algorithms_pca(args: argparse.Namespace) -> None:
    """[LT] Fig 9."""
    from lottery.liu_tegmark.plots.algorithms import plot_pca_clusters
    from lottery.core.style import save_figure

    nets, clusters = _frames(args.algorithms, "nets", "clusters")
    save_figure(plot_pca_clusters(nets, clusters), args.out)


@command("fig-algorithms-neurons", ("--algorithms", REQ), ("--kind", {"required": True, "choices": ["x", "pre"]}),
         ("--settings", REQ), ("--out", REQ))
def fig_algorithms_neurons(args: argparse.Namespace) -> None:
    """[LT] Fig 10 (post-activations vs x) or Fig 11 (on the activation curve)."""
    from lottery.liu_tegmark.analysis.tickets import numpy_activation
    from lottery.liu_tegmark.plots.algorithms import plot_cluster_neurons
    from lottery.core.style import save_figure

    s = settings_of(args)
    (clusters,) = _frames(args.algorithms, "clusters")
    act = numpy_activation(s["activation"], s["negative_slope"])
    save_figure(plot_cluster_neurons(clusters, act, s["x_min"], s["x_max"], args.kind), args.out)


@command("fig-ensembling", ("--ensembling", REQ), ("--out", REQ))
def fig_ensembling(args: argparse.Namespace) -> None:
    """[LT] Fig 4."""
    from lottery.liu_tegmark.plots.tickets import plot_ensembling
    from lottery.core.style import save_figure

    table, samples = _frames(args.ensembling, "table", "samples")
    save_figure(plot_ensembling(table, samples), args.out)


@command("fig-symmetry", ("--symmetry", REQ), ("--out", REQ))
def fig_symmetry(args: argparse.Namespace) -> None:
    """[LT] Fig 2a."""
    from lottery.liu_tegmark.plots.tickets import plot_symmetry
    from lottery.core.style import save_figure

    neurons, stats = _frames(args.symmetry, "neurons", "stats")
    save_figure(plot_symmetry(neurons, stats.iloc[0]), args.out)


@command("fig-splitting", ("--splitting", REQ), ("--out", REQ))
def fig_splitting(args: argparse.Namespace) -> None:
    """[LT] Fig 12."""
    from lottery.liu_tegmark.plots.tickets import plot_splitting
    from lottery.core.style import save_figure

    frames = _frames(args.splitting, "tickets", "corr", "curves", "neurons", "counts")
    save_figure(plot_splitting(*frames), args.out)


@command("fig-distill", ("--distill", REQ), ("--out", REQ))
def fig_distill(args: argparse.Namespace) -> None:
    """[LT] Fig 13."""
    from lottery.liu_tegmark.plots.tickets import plot_distill
    from lottery.core.style import save_figure

    distilled, ordinary = _frames(args.distill, "distilled", "ordinary")
    save_figure(plot_distill(distilled, ordinary), args.out)


@command("fig-target-histograms", ("--summary", REQ), ("--out", REQ))
def fig_target_histograms(args: argparse.Namespace) -> None:
    """[LT] Figs 5 and 6: log-loss histograms per target and width."""
    from lottery.liu_tegmark.plots.targets import plot_target_histograms
    from lottery.core.style import save_figure
    from lottery.core.storage import read_frame

    save_figure(plot_target_histograms(read_frame(args.summary, "table")), args.out)


@command("fig-target-scaling", ("--medians", REQ), ("--fits", REQ), ("--out", REQ))
def fig_target_scaling(args: argparse.Namespace) -> None:
    """[LT] Figs 7 and 8: median loss vs width per target with the N^-1 line."""
    from lottery.liu_tegmark.plots.targets import plot_target_scaling
    from lottery.core.style import save_figure

    save_figure(plot_target_scaling(pd.read_csv(args.medians), pd.read_csv(args.fits)), args.out)


@command("tickets-tex", ("--algorithms", REQ), ("--ensembling", REQ), ("--symmetry", REQ), ("--splitting", REQ),
         ("--distill", REQ), ("--target-fits", REQ), ("--mult-fits", REQ), ("--scaling-fits", REQ),
         ("--settings", REQ), ("--macros", REQ), ("--clusters", REQ), ("--fits-table", REQ))
def tickets_tex(args: argparse.Namespace) -> None:
    """Every number of the ticket sections, the cluster table and the other-targets exponents."""
    from lottery.liu_tegmark.report_tickets import cluster_table, target_fits_table, tickets_macros
    from lottery.core.texmacros import write_tex

    algorithms = dict(zip(["nets", "clusters", "scores", "lucky", "peaks", "taylor"],
                          _frames(args.algorithms, "nets", "clusters", "scores", "lucky", "peaks", "taylor")))
    frames = {
        "algorithms": algorithms,
        "ensembling": _frames(args.ensembling, "table")[0],
        "symmetry": _frames(args.symmetry, "stats")[0],
        "splitting": _frames(args.splitting, "counts")[0],
        "distill": dict(zip(["distilled", "ordinary"], _frames(args.distill, "distilled", "ordinary"))),
        "target_fits": pd.read_csv(args.target_fits),
        "mult_fits": pd.read_csv(args.mult_fits),
        "scaling_fits": pd.read_csv(args.scaling_fits),
    }
    s = settings_of(args)
    write_tex(tickets_macros(frames, s), args.macros)
    write_tex(cluster_table(algorithms["clusters"]), args.clusters)
    write_tex(target_fits_table(pd.concat([frames["target_fits"], frames["mult_fits"]])), args.fits_table)
