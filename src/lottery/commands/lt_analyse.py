"""[LT] commands of the analyses of stored grids (rules ``scaling_fit``, ``tickets_target_fit``,
``tickets_algorithms``, ``tickets_ensembling``, ``tickets_symmetry``, ``tickets_splitting``,
``tickets_distill``): the data of Figs 1c-13 and the ticket sections' numbers."""
from __future__ import annotations

import argparse
import logging

from lottery.commands import MANY, REQ, command, settings_as, settings_of

log = logging.getLogger("lottery")


@command("scaling-fit", ("--grids", MANY), ("--settings", REQ), ("--summary", REQ), ("--medians", REQ),
         ("--fits", REQ))
def scaling_fit(args: argparse.Namespace) -> None:
    """Median loss per width and the fitted exponents with bootstrap intervals."""
    from lottery.core.storage import write_table
    from lottery.liu_tegmark.analysis.scaling import FitSettings, scaling_fit
    from lottery.liu_tegmark.store import read_summaries

    summary = read_summaries(args.grids)
    medians, fits = scaling_fit(summary, settings_as(args, FitSettings))
    write_table(summary, args.summary)
    medians.to_csv(args.medians, index=False)
    fits.to_csv(args.fits, index=False)
    log.info("median losses:\n%s\nexponents:\n%s", medians.to_string(index=False), fits.to_string(index=False))


@command("tickets-algorithms", ("--grid", REQ), ("--settings", REQ), ("--out", REQ))
def tickets_algorithms(args: argparse.Namespace) -> None:
    """[LT] Figs 2b, 2c, 9-11: peaks of the width-2 log-loss histogram, PCA and clusters."""
    from lottery.core.storage import write_frames
    from lottery.liu_tegmark.analysis.clusters import ClusterSettings, analyse_width2
    from lottery.liu_tegmark.store import read_scalar_nets

    frames = analyse_width2(read_scalar_nets(args.grid), settings_as(args, ClusterSettings))
    write_frames(args.out, frames)
    log.info("peaks:\n%s\nclusters:\n%s\nlucky ticket:\n%s", frames["peaks"].to_string(),
             frames["clusters"].to_string(), frames["lucky"].T.to_string())


@command("tickets-ensembling", ("--grids", MANY), ("--settings", REQ), ("--out", REQ))
def tickets_ensembling(args: argparse.Namespace) -> None:
    """[LT] Fig 4: width-N losses vs half-harmonic ensembles of width-N/2 pairs."""
    from lottery.core.storage import write_frames
    from lottery.liu_tegmark.analysis.ensembling import ensembling_table
    from lottery.liu_tegmark.store import read_scalar_nets

    s = settings_of(args)
    losses = {nets.width: nets.test_loss for nets in map(read_scalar_nets, args.grids)}
    table, samples = ensembling_table(losses, s["widths"], s["pairs"], s["seed"])
    write_frames(args.out, {"table": table, "samples": samples})
    log.info("ensembling vs coordination:\n%s", table.to_string())


@command("tickets-symmetry", ("--grid", REQ), ("--settings", REQ), ("--out", REQ))
def tickets_symmetry(args: argparse.Namespace) -> None:
    """[LT] Fig 2a: first-layer (w, b) of a wide net and its mirror-symmetry measure."""
    from lottery.core.storage import write_frames
    from lottery.liu_tegmark.analysis.tickets import symmetry_frames
    from lottery.liu_tegmark.store import read_scalar_nets

    frames = symmetry_frames(read_scalar_nets(args.grid, converged_only=False), settings_of(args)["shuffles"])
    write_frames(args.out, frames)
    log.info("mirror symmetry:\n%s", frames["stats"].T.to_string())


@command("tickets-splitting", ("--grids", MANY), ("--settings", REQ), ("--out", REQ))
def tickets_splitting(args: argparse.Namespace) -> None:
    """[LT] Fig 12: every net split into mirror-pair tickets; panels of the median-loss net."""
    from lottery.core.storage import write_frames
    from lottery.liu_tegmark.analysis.tickets import SplittingSettings, split_grids
    from lottery.liu_tegmark.store import read_scalar_nets

    frames = split_grids([read_scalar_nets(p) for p in args.grids], settings_as(args, SplittingSettings))
    write_frames(args.out, frames)
    log.info("effective tickets per width:\n%s", frames["counts"].groupby("width")[["tickets", "effective", "best_r2"]]
             .median().to_string())


@command("tickets-distill", ("--wide", REQ), ("--narrow", REQ), ("--data", REQ), ("--settings", REQ), ("--out", REQ))
def tickets_distill(args: argparse.Namespace) -> None:
    """[LT] Fig 13: width-2 nets distilled from the best ticket of each wide net."""
    from lottery.core.storage import write_frames
    from lottery.liu_tegmark.analysis.distill import distill_frames
    from lottery.liu_tegmark.data import load_regression_data
    from lottery.liu_tegmark.store import read_scalar_nets

    s = settings_of(args)
    frames = distill_frames(read_scalar_nets(args.wide), read_scalar_nets(args.narrow),
                            load_regression_data(args.data), s["activation"], s["negative_slope"], s["pairing"], s["r2"])
    write_frames(args.out, frames)
    log.info("distilled test loss quantiles:\n%s", frames["distilled"]["test_loss"].describe().to_string())
