"""Command-line entry points the Snakemake rules call: ``python -m lottery COMMAND ...``.

This is the I/O layer: each command reads its input files, calls the package's science
functions and writes its outputs. Rules pass their config slice as one JSON argument
(``--settings``), so a changed key reruns exactly the rules that read it.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

import numpy as np
import pandas as pd

log = logging.getLogger("lottery")


def _settings(text: str) -> dict:
    return json.loads(text)


def cmd_data(args: argparse.Namespace) -> None:
    from .data import make_regression_data, save_regression_data

    s = _settings(args.settings)
    data = make_regression_data(args.target, s["n_train"], s["n_test"], s["x_min"], s["x_max"], s["seed"])
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    save_regression_data(data, args.out)
    log.info("target %s: %d train and %d test points of dimension %d", args.target, s["n_train"], s["n_test"], data.dim)


def cmd_train_grid(args: argparse.Namespace) -> None:
    import torch

    from .data import load_regression_data
    from .devices import resolve_device, resolve_dtype
    from .nets import init_params, seed_address
    from .storage import write_grid
    from .trainer import TrainSettings, train_grid

    s = _settings(args.settings)
    torch.set_num_threads(s["threads"])
    device, dtype = resolve_device(s["device"]), resolve_dtype(s["dtype"])
    data = load_regression_data(args.data)
    seeds = np.arange(s["seeds"])
    addresses = [seed_address(s["init_seed"], args.target, args.activation, args.width, int(k)) for k in seeds]
    init = init_params(addresses, args.width, data.dim, dtype).map(lambda t: t.to(device))
    t = lambda a: torch.as_tensor(a, dtype=dtype, device=device)  # noqa: E731
    settings = TrainSettings(activation=args.activation, negative_slope=s["negative_slope"],
                             data_seed=s["data_seed"], **s["train"])
    label = f"{args.target} {args.activation} N={args.width}"
    log.info("%s: %d seeds, %d steps, %s on %s", label, len(seeds), settings.steps, s["dtype"], device)
    result = train_grid(init, t(data.x_train), t(data.y_train), t(data.x_test), t(data.y_test), settings, label)
    keys = {"target": args.target, "activation": args.activation, "width": args.width}
    write_grid(args.out, keys, seeds, result)


def cmd_scaling_fit(args: argparse.Namespace) -> None:
    from .analysis.scaling import exponent_table, median_losses
    from .storage import read_summaries, write_table

    s = _settings(args.settings)
    summary = read_summaries(args.grids)
    write_table(summary, args.summary)
    medians = median_losses(summary)
    fits = exponent_table(summary, s["fit_ranges"], s["bootstrap"], s["confidence"])
    medians.to_csv(args.medians, index=False)
    fits.to_csv(args.fits, index=False)
    log.info("median losses:\n%s\nexponents:\n%s", medians.to_string(index=False), fits.to_string(index=False))


def cmd_fig_scaling(args: argparse.Namespace) -> None:
    from .plots.scaling import plot_scaling_law
    from .plots.style import save_figure

    s = _settings(args.settings)
    medians, fits = pd.read_csv(args.medians), pd.read_csv(args.fits)
    medians, fits = medians[medians["target"] == args.target], fits[fits["target"] == args.target]
    save_figure(plot_scaling_law(medians, fits, s["reference_width"], s["fit_range"]), args.out)


def cmd_fig_histograms(args: argparse.Namespace) -> None:
    from .plots.scaling import plot_loss_histograms
    from .plots.style import save_figure
    from .storage import read_frame

    summary = read_frame(args.summary, "table")
    summary = summary[summary["target"] == args.target]
    save_figure(plot_loss_histograms(summary, sorted(summary["width"].unique())), args.out)


def cmd_scaling_tex(args: argparse.Namespace) -> None:
    from .report import scaling_macros, scaling_table
    from .texmacros import write_tex

    s = _settings(args.settings)
    medians, fits = pd.read_csv(args.medians), pd.read_csv(args.fits)
    write_tex(scaling_table(fits), args.table)
    write_tex(scaling_macros(medians, fits, s), args.macros)


def cmd_paper(args: argparse.Namespace) -> None:
    from .paper import build_pdf

    build_pdf(args.tex, args.out)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m lottery", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    def command(name: str, fn, *options: tuple[str, dict]) -> None:
        c = sub.add_parser(name, help=fn.__doc__)
        for flag, kw in options:
            c.add_argument(flag, **kw)
        c.set_defaults(fn=fn)

    req, many = {"required": True}, {"required": True, "nargs": "+"}
    width = {"required": True, "type": int}
    command("data", cmd_data, ("--target", req), ("--settings", req), ("--out", req))
    command("train-grid", cmd_train_grid, ("--data", req), ("--target", req), ("--activation", req),
            ("--width", width), ("--settings", req), ("--out", req))
    command("scaling-fit", cmd_scaling_fit, ("--grids", many), ("--settings", req), ("--summary", req),
            ("--medians", req), ("--fits", req))
    command("fig-scaling", cmd_fig_scaling, ("--medians", req), ("--fits", req), ("--target", req),
            ("--settings", req), ("--out", req))
    command("fig-histograms", cmd_fig_histograms, ("--summary", req), ("--target", req), ("--out", req))
    command("scaling-tex", cmd_scaling_tex, ("--medians", req), ("--fits", req), ("--settings", req),
            ("--table", req), ("--macros", req))
    command("paper", cmd_paper, ("--tex", req), ("--out", req))
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one command; known failures print one clear line instead of a traceback."""
    from .config import ConfigError
    from .devices import DeviceError
    from .paper import PaperError
    from .storage import ResultsError

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
    args = _parser().parse_args(argv)
    try:
        args.fn(args)
    except (ConfigError, DeviceError, PaperError, ResultsError, FileNotFoundError) as err:
        log.error("%s", err)
        return 2
    return 0
