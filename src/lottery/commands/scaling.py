"""Commands of the [LT] scaling-law stage: data, grid training, fits, Fig 1c, Fig 3, tables."""
from __future__ import annotations

import argparse
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from lottery.commands import INT, MANY, REQ, command, settings_of

log = logging.getLogger("lottery")


@command("data", ("--target", REQ), ("--settings", REQ), ("--out", REQ))
def make_data(args: argparse.Namespace) -> None:
    """Draw the fixed train and test sets of one target."""
    from lottery.liu_tegmark.data import make_regression_data, save_regression_data

    s = settings_of(args)
    data = make_regression_data(args.target, s["n_train"], s["n_test"], s["x_min"], s["x_max"], s["seed"])
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    save_regression_data(data, args.out)
    log.info("target %s: %d train and %d test points of dimension %d", args.target, s["n_train"], s["n_test"], data.dim)


@command("train-grid", ("--data", REQ), ("--target", REQ), ("--activation", REQ), ("--width", INT),
         ("--settings", REQ), ("--out", REQ), ("--checkpoint", {"default": None}))
def train_grid_job(args: argparse.Namespace) -> None:
    """Train all seeds of one (target, activation, width) as one vectorised job.

    With ``--checkpoint``, progress is saved every ``train.checkpoint_every`` steps and on
    SIGTERM (then the job exits with status 143); a rerun resumes it bit-identically.
    """
    import torch

    from lottery.core.checkpoint import Checkpoint, Interrupted, stop_on_sigterm
    from lottery.liu_tegmark.data import load_regression_data
    from lottery.core.devices import resolve_device, resolve_dtype
    from lottery.liu_tegmark.nets import init_params
    from lottery.core.seeds import seed_address
    from lottery.liu_tegmark.grids import write_grid
    from lottery.liu_tegmark.trainer import TrainSettings, train_grid

    s = settings_of(args)
    torch.set_num_threads(s["threads"])
    device, dtype = resolve_device(s["device"]), resolve_dtype(s["dtype"])
    data = load_regression_data(args.data)
    seeds = np.arange(s["seeds"])
    addresses = [seed_address(s["init_seed"], args.target, args.activation, args.width, int(k)) for k in seeds]
    init = init_params(addresses, args.width, data.dim, dtype).map(lambda t: t.to(device))
    t = lambda a: torch.as_tensor(a, dtype=dtype, device=device)  # noqa: E731
    train = dict(s["train"])
    every = train.pop("checkpoint_every")
    checkpoint = Checkpoint(Path(args.checkpoint), every) if args.checkpoint else None
    settings = TrainSettings(activation=args.activation, negative_slope=s["negative_slope"],
                             data_seed=s["data_seed"], **train)
    label = f"{args.target} {args.activation} N={args.width}"
    log.info("%s: %d seeds, %d steps, %s on %s", label, len(seeds), settings.steps, s["dtype"], device)
    data_tensors = t(data.x_train), t(data.y_train), t(data.x_test), t(data.y_test)
    if checkpoint is None:
        result = train_grid(init, *data_tensors, settings, label)
    else:
        try:
            with stop_on_sigterm(checkpoint):
                result = train_grid(init, *data_tensors, settings, label, checkpoint)
        except Interrupted as err:
            log.warning("%s: %s", label, err)
            raise SystemExit(143) from None
    keys = {"target": args.target, "activation": args.activation, "width": args.width}
    write_grid(args.out, keys, seeds, result)
    if checkpoint is not None:
        checkpoint.remove()


@command("scaling-fit", ("--grids", MANY), ("--settings", REQ), ("--summary", REQ), ("--medians", REQ),
         ("--fits", REQ))
def scaling_fit(args: argparse.Namespace) -> None:
    """Median loss per width and the fitted exponents with bootstrap intervals."""
    from lottery.liu_tegmark.analysis.scaling import exponent_table, median_losses
    from lottery.liu_tegmark.grids import read_summaries
    from lottery.core.storage import write_table

    s = settings_of(args)
    summary = read_summaries(args.grids)
    write_table(summary, args.summary)
    medians = median_losses(summary)
    fits = exponent_table(summary, s["fit_ranges"], s["bootstrap"], s["confidence"])
    medians.to_csv(args.medians, index=False)
    fits.to_csv(args.fits, index=False)
    log.info("median losses:\n%s\nexponents:\n%s", medians.to_string(index=False), fits.to_string(index=False))


@command("fig-scaling", ("--medians", REQ), ("--fits", REQ), ("--target", REQ), ("--settings", REQ), ("--out", REQ))
def fig_scaling(args: argparse.Namespace) -> None:
    """[LT] Fig 1c."""
    from lottery.liu_tegmark.plots.scaling import plot_scaling_law
    from lottery.core.style import save_figure

    s = settings_of(args)
    medians, fits = pd.read_csv(args.medians), pd.read_csv(args.fits)
    medians, fits = medians[medians["target"] == args.target], fits[fits["target"] == args.target]
    save_figure(plot_scaling_law(medians, fits, s["reference_width"], s["fit_range"]), args.out)


@command("fig-histograms", ("--summary", REQ), ("--target", REQ), ("--out", REQ))
def fig_histograms(args: argparse.Namespace) -> None:
    """[LT] Fig 3."""
    from lottery.liu_tegmark.plots.scaling import plot_loss_histograms
    from lottery.core.style import save_figure
    from lottery.core.storage import read_frame

    summary = read_frame(args.summary, "table")
    summary = summary[summary["target"] == args.target]
    save_figure(plot_loss_histograms(summary, sorted(summary["width"].unique())), args.out)


@command("scaling-tex", ("--medians", REQ), ("--fits", REQ), ("--settings", REQ), ("--table", REQ), ("--macros", REQ))
def scaling_tex(args: argparse.Namespace) -> None:
    """The exponent table and the scaling section's macros."""
    from lottery.liu_tegmark.report_scaling import scaling_macros, scaling_table
    from lottery.core.texmacros import write_tex

    medians, fits = pd.read_csv(args.medians), pd.read_csv(args.fits)
    write_tex(scaling_table(fits), args.table)
    write_tex(scaling_macros(medians, fits, settings_of(args)), args.macros)
