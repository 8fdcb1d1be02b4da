"""Commands of the "beyond both papers" stage (rules in workflow/rules/beyond.smk, each command
named like its rule): scaling-law forms, bias and variance across seeds, IMP on the [LT] x^2
nets, their figures and the section's LaTeX."""
from __future__ import annotations

import argparse
import logging
from pathlib import Path

from lottery.commands import MANY, REQ, RUNTIME, command, settings_as, settings_of, with_runtime

log = logging.getLogger("lottery")

# Repeated options: ``--summary FAMILY PATH`` and ``--grids FAMILY PATH...``.
PAIRS: dict = {"required": True, "action": "append", "nargs": 2, "metavar": ("FAMILY", "PATH")}
GROUPS: dict = {"required": True, "action": "append", "nargs": "+", "metavar": "FAMILY PATH"}


def _test_sets(paths: list[str]) -> dict:
    """Test inputs and targets of each data file, keyed by target (the file's stem)."""
    from lottery.liu_tegmark.data import load_regression_data

    return {Path(p).stem: (d.x_test, d.y_test) for p in paths for d in [load_regression_data(p)]}


IMP_TICKET_FRAMES = ("rounds", "best", "pairs")


def _imp_frames(paths: list[str]) -> dict:
    """The ``rounds`` and ``best`` frames of every IMP job, concatenated, and the mirror pairs'
    fates per round computed from their ``neurons``."""
    import pandas as pd

    from lottery.beyond.pair_fates import pair_fates
    from lottery.core.storage import read_frames

    keys = ("rounds", "best", "neurons")
    frames = dict(zip(keys, (pd.concat(f, ignore_index=True) for f in zip(*(read_frames(p, *keys) for p in paths)))))
    return dict(zip(IMP_TICKET_FRAMES, (frames["rounds"], frames["best"], pair_fates(frames["neurons"]))))


@command("beyond-scaling-forms", ("--summary", PAIRS), ("--data", MANY), ("--settings", REQ), ("--out", REQ))
def beyond_scaling_forms(args: argparse.Namespace) -> None:
    """Scaling-law forms M1-M4 fitted to every median-loss curve, judged on held-out widths."""
    import pandas as pd

    from lottery.beyond.scaling_forms import FormsSettings, constant_loss, form_curves, forms_table
    from lottery.core.storage import read_frame, write_frames

    summary = pd.concat([read_frame(path, "table").assign(family=family) for family, path in args.summary],
                        ignore_index=True)
    e0 = {target: constant_loss(y) for target, (_, y) in _test_sets(args.data).items()}
    fits, medians = forms_table(summary, e0, settings_as(args, FormsSettings))
    write_frames(args.out, {"fits": fits, "medians": medians, "curves": form_curves(fits)})
    log.info("scaling-law forms:\n%s", fits[["family", "target", "activation", "form", "c", "e_inf", "g", "a",
                                             "extrapolation_error", "win_rate"]].to_string())


@command("beyond-bias-variance", ("--grids", GROUPS), ("--data", MANY), ("--settings", REQ), ("--out", REQ))
def beyond_bias_variance(args: argparse.Namespace) -> None:
    """Bias^2 and variance across seeds of every grid file; loss of the average of k nets."""
    from lottery.beyond.bias_variance import BiasVarianceSettings, seed_ensembles
    from lottery.core.storage import read_frame, write_frames
    from lottery.liu_tegmark.store import read_params

    grids = [(family, read_frame(p, "summary"), read_params(p)[1]) for family, *paths in args.grids for p in paths]
    frames = seed_ensembles(grids, _test_sets(args.data), settings_as(args, BiasVarianceSettings))
    write_frames(args.out, frames)
    log.info("bias and variance:\n%s", frames["decomposition"].to_string())


@command("beyond-imp", ("--data", REQ), ("--activation", REQ), ("--settings", REQ), *RUNTIME, ("--out", REQ))
def beyond_imp(args: argparse.Namespace) -> None:
    """IMP (MSE) on x^2 nets of one activation, and the splitting of their dense versions.

    Checkpointed after every round next to the output (``OUT.ckpt``); on SIGTERM the job saves,
    stops and exits with status 143, and a rerun resumes it with identical results.
    """
    from lottery.beyond.imp_tickets import TicketImpJob, run_ticket_imp_job
    from lottery.core.checkpoint import Checkpoint, exit_on_stop
    from lottery.core.storage import write_frames
    from lottery.liu_tegmark.data import load_regression_data

    job = TicketImpJob.from_settings(with_runtime(settings_of(args), args), args.activation)
    checkpoint = Checkpoint(Path(f"{args.out}.ckpt"), every=1)
    with exit_on_stop(checkpoint, f"beyond IMP ({args.activation})"):
        frames = run_ticket_imp_job(job, load_regression_data(args.data), checkpoint)
    write_frames(args.out, frames)
    checkpoint.remove()
    log.info("IMP on x^2 nets (%s):\n%s", args.activation, frames["best"].describe().T.to_string())


@command("beyond-imp-tickets", ("--imp", MANY), ("--out", REQ))
def beyond_imp_tickets(args: argparse.Namespace) -> None:
    """Every activation's IMP rounds and best rounds in one file, with the mirror pairs' fates
    per round: what the IMP-tickets figure draws."""
    from lottery.core.storage import write_frames

    write_frames(args.out, _imp_frames(args.imp))


@command("beyond-tex", ("--forms", REQ), ("--bias-variance", REQ), ("--imp-tickets", REQ), ("--grid-summary", REQ),
         ("--settings", REQ), ("--macros", REQ), ("--table", REQ), ("--mechanism-table", REQ))
def beyond_tex(args: argparse.Namespace) -> None:
    """The scaling-form and mechanism tables and every number of the "beyond both papers" section."""
    from lottery.beyond.report import ReportSettings, beyond_macros, forms_table, mechanism_table
    from lottery.core.storage import read_frame, read_frames
    from lottery.core.texmacros import write_tex

    settings = settings_as(args, ReportSettings)
    fits, medians = read_frames(args.forms, "fits", "medians")
    keys = ("decomposition", "ensembles", "mechanism", "mechanism_widths")
    bias_variance = dict(zip(keys, read_frames(args.bias_variance, *keys)))
    write_tex(forms_table(fits, settings.scales), args.table)
    write_tex(mechanism_table(bias_variance["mechanism"], settings.trim), args.mechanism_table)
    imp = dict(zip(IMP_TICKET_FRAMES, read_frames(args.imp_tickets, *IMP_TICKET_FRAMES)))
    write_tex(beyond_macros(fits, medians, bias_variance, imp, read_frame(args.grid_summary, "table"), settings),
              args.macros)
