"""[LT] figure commands: one per figure rule, named as the rule (``fig_scaling_law`` runs
``fig-scaling-law``). Each reads its frames, calls one plotting function of
:mod:`lottery.liu_tegmark.plots` and saves the PDF and PNG. The registry of every figure
is :mod:`lottery.figures`."""
from __future__ import annotations

import argparse

import pandas as pd

from lottery.commands import REQ, command, settings_of


def _save(fig: object, out: str) -> None:
    from lottery.core.style import save_figure  # matplotlib: imported only by the figure commands

    save_figure(fig, out)


@command("fig-scaling-law", ("--medians", REQ), ("--fits", REQ), ("--target", REQ), ("--settings", REQ),
         ("--out", REQ))
def fig_scaling_law(args: argparse.Namespace) -> None:
    """[LT] Fig 1c: median test loss vs width."""
    from lottery.liu_tegmark.plots.scaling import plot_scaling_law

    s = settings_of(args)
    medians, fits = pd.read_csv(args.medians), pd.read_csv(args.fits)
    _save(plot_scaling_law(medians, fits, args.target, s["reference_width"], s["fit_range"]), args.out)


@command("fig-loss-histograms", ("--summary", REQ), ("--target", REQ), ("--out", REQ))
def fig_loss_histograms(args: argparse.Namespace) -> None:
    """[LT] Fig 3: log-loss histograms per width."""
    from lottery.core.storage import read_frame
    from lottery.liu_tegmark.plots.scaling import plot_loss_histograms

    _save(plot_loss_histograms(read_frame(args.summary, "table"), args.target), args.out)


@command("fig-symmetry", ("--symmetry", REQ), ("--out", REQ))
def fig_symmetry(args: argparse.Namespace) -> None:
    """[LT] Fig 2a: a wide net's first layer and its mirror image."""
    from lottery.core.storage import read_frames
    from lottery.liu_tegmark.plots.tickets import plot_symmetry

    _save(plot_symmetry(*read_frames(args.symmetry, "neurons", "stats")), args.out)


@command("fig-width2-histogram", ("--algorithms", REQ), ("--out", REQ))
def fig_width2_histogram(args: argparse.Namespace) -> None:
    """[LT] Fig 2b: width-2 log-loss histogram with its peaks."""
    from lottery.core.storage import read_frames
    from lottery.liu_tegmark.plots.algorithms import plot_width2_histogram

    _save(plot_width2_histogram(*read_frames(args.algorithms, "nets", "peaks")), args.out)


@command("fig-ensembling", ("--ensembling", REQ), ("--out", REQ))
def fig_ensembling(args: argparse.Namespace) -> None:
    """[LT] Fig 4: ensembling vs coordination."""
    from lottery.core.storage import read_frames
    from lottery.liu_tegmark.plots.tickets import plot_ensembling

    _save(plot_ensembling(*read_frames(args.ensembling, "table", "samples")), args.out)


@command("fig-target-histograms", ("--summary", REQ), ("--out", REQ))
def fig_target_histograms(args: argparse.Namespace) -> None:
    """[LT] Figs 5 and 6: log-loss histograms per target and width."""
    from lottery.core.storage import read_frame
    from lottery.liu_tegmark.plots.targets import plot_target_histograms

    _save(plot_target_histograms(read_frame(args.summary, "table")), args.out)


@command("fig-target-scaling", ("--medians", REQ), ("--fits", REQ), ("--out", REQ))
def fig_target_scaling(args: argparse.Namespace) -> None:
    """[LT] Figs 7 and 8: median loss vs width per target with the N^-1 line."""
    from lottery.liu_tegmark.plots.targets import plot_target_scaling

    _save(plot_target_scaling(pd.read_csv(args.medians), pd.read_csv(args.fits)), args.out)


@command("fig-algorithms-pca", ("--algorithms", REQ), ("--out", REQ))
def fig_algorithms_pca(args: argparse.Namespace) -> None:
    """[LT] Fig 9: width-2 nets on two principal components, clusters labelled."""
    from lottery.core.storage import read_frames
    from lottery.liu_tegmark.plots.algorithms import plot_pca_clusters

    _save(plot_pca_clusters(*read_frames(args.algorithms, "nets", "clusters")), args.out)


@command("fig-algorithms-neurons", ("--algorithms", REQ), ("--kind", {"required": True, "choices": ["x", "pre"]}),
         ("--settings", REQ), ("--out", REQ))
def fig_algorithms_neurons(args: argparse.Namespace) -> None:
    """[LT] Fig 10 (kind x: post-activations vs x) or Fig 11 (kind pre: on the activation curve)."""
    from lottery.core.storage import read_frames
    from lottery.liu_tegmark.plots.algorithms import plot_cluster_neurons

    s = settings_of(args)
    (clusters,) = read_frames(args.algorithms, "clusters")
    fig = plot_cluster_neurons(clusters, s["activation"], s["negative_slope"], s["x_min"], s["x_max"], args.kind)
    _save(fig, args.out)


@command("fig-splitting", ("--splitting", REQ), ("--out", REQ))
def fig_splitting(args: argparse.Namespace) -> None:
    """[LT] Fig 12: splitting nets into lottery tickets."""
    from lottery.core.storage import read_frames
    from lottery.liu_tegmark.plots.tickets import plot_splitting

    frames = read_frames(args.splitting, "tickets", "corr", "curves", "neurons", "counts")
    _save(plot_splitting(*frames), args.out)


@command("fig-distill", ("--distill", REQ), ("--out", REQ))
def fig_distill(args: argparse.Namespace) -> None:
    """[LT] Fig 13: distilled vs trained width-2 nets."""
    from lottery.core.storage import read_frames
    from lottery.liu_tegmark.plots.tickets import plot_distill

    _save(plot_distill(*read_frames(args.distill, "distilled", "ordinary")), args.out)
