"""[AR] command of the IMP jobs (rule ``imp_run``): one run file per (data set, architecture,
width, classes), behind every [AR] figure and Table 1."""
from __future__ import annotations

import argparse
from pathlib import Path

from lottery.commands import INT, REQ, RUNTIME, command, settings_of, with_runtime


@command("imp-run", ("--dataset", REQ), ("--arch", REQ), ("--width", INT), ("--classes", INT),
         ("--settings", REQ), *RUNTIME, ("--out", REQ))
def imp_run(args: argparse.Namespace) -> None:
    """IMP of every (nu, repetition) model of one start architecture and width, vectorised.

    Checkpointed after every round next to the output (``OUT.ckpt``); on SIGTERM the job saves,
    stops and exits with status 143, and a rerun resumes it with identical results.
    """
    from lottery.arora.job import ImpJob, run_imp_job
    from lottery.arora.store import write_run
    from lottery.core.checkpoint import Checkpoint, exit_on_stop

    settings = with_runtime(settings_of(args), args)
    job = ImpJob.from_settings(args.dataset, args.arch, args.width, args.classes, settings)
    checkpoint = Checkpoint(Path(f"{args.out}.ckpt"), every=1)
    with exit_on_stop(checkpoint, job.label):
        run = run_imp_job(job, checkpoint)
    write_run(args.out, run)
    checkpoint.remove()
