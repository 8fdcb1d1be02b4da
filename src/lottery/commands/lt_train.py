"""[LT] commands that make data and train grids (rules ``regression_data``, ``train_grid``,
``train_ticket_grid``): the inputs of every [LT] figure."""
from __future__ import annotations

import argparse
import logging
from pathlib import Path

from lottery.commands import INT, REQ, RUNTIME, command, settings_of, with_runtime

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
         ("--settings", REQ), *RUNTIME, ("--out", REQ), ("--checkpoint", {"default": None}))
def train_grid(args: argparse.Namespace) -> None:
    """Train all seeds of one (target, activation, width) as one vectorised job.

    With ``--checkpoint``, progress is saved every ``train.checkpoint_every`` steps and on
    SIGTERM (then the job exits with status 143); a rerun resumes it bit-identically.
    """
    from lottery.core.checkpoint import Checkpoint, exit_on_stop
    from lottery.liu_tegmark.data import load_regression_data
    from lottery.liu_tegmark.job import GridJob, run_grid_job
    from lottery.liu_tegmark.store import write_grid

    job = GridJob.from_settings(with_runtime(settings_of(args), args), args.target, args.activation, args.width)
    data = load_regression_data(args.data)
    checkpoint = Checkpoint(Path(args.checkpoint), job.checkpoint_every) if args.checkpoint else None
    with exit_on_stop(checkpoint, job.label):
        seeds, result = run_grid_job(job, data, checkpoint)
    write_grid(args.out, job.keys(), seeds, result)
    if checkpoint is not None:
        checkpoint.remove()
