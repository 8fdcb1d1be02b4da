"""[AR] commands of the IMP analyses: the summary of all runs (rule ``imp_summary``: every
round, best pruned models) and the calibration data of Figs 5, 6 and S4 (rule ``imp_calibration``)."""
from __future__ import annotations

import argparse
import logging

from lottery.commands import MANY, REQ, command, settings_of

log = logging.getLogger("lottery")


@command("imp-summary", ("--runs", MANY), ("--out", REQ))
def imp_summary(args: argparse.Namespace) -> None:
    """Every round of every IMP run, and each trajectory's best pruned model, in one file."""
    from lottery.arora.analysis.imp import summary_frames
    from lottery.core.storage import read_frame, write_frames

    summary = summary_frames([read_frame(p, "rounds") for p in args.runs])
    write_frames(args.out, summary, table=True)
    best = summary["best"]
    log.info("%d trajectories, %d rounds; effective parameters:\n%s", len(best), len(summary["rounds"]),
             best.groupby(["dataset", "arch", "classes"])["effective_params"].describe().to_string())


@command("imp-calibration", ("--mixture-runs", MANY), ("--real-runs", MANY), ("--settings", REQ), ("--out", REQ))
def imp_calibration(args: argparse.Namespace) -> None:
    """Data of Figs 5, 6 and S4 from stored weights and test probabilities (no retraining)."""
    from lottery.arora.analysis.calibration_frames import CalibrationSettings, calibration_frames
    from lottery.arora.store import read_run
    from lottery.core.storage import write_frames

    mixture = [read_run(p, with_weights=True) for p in args.mixture_runs]
    real = [read_run(p) for p in args.real_runs]
    write_frames(args.out, calibration_frames(mixture, real, CalibrationSettings.from_settings(settings_of(args))),
                 table=True)


@command("imp-ladder-rung", ("--runs", MANY), ("--settings", REQ), ("--summary", REQ), ("--calibration", REQ))
def imp_ladder_rung(args: argparse.Namespace) -> None:
    """One rung of the scale ladder: the IMP summary and Fig 5 calibration data of its runs, laid
    out as a whole run's, for the claims stage to judge."""
    from lottery.arora.analysis.calibration_frames import CalibrationSettings
    from lottery.arora.analysis.ladder import rung_frames
    from lottery.arora.store import read_run
    from lottery.core.storage import write_frames

    runs = [read_run(p, with_weights=True) for p in args.runs]
    summary, calibration = rung_frames(runs, CalibrationSettings.from_settings(settings_of(args)))
    write_frames(args.summary, summary, table=True)
    write_frames(args.calibration, calibration, table=True)
    best = summary["best"]
    log.info("%d trajectories; best rounds:\n%s", len(best),
             best[["dataset", "nu", "repetition", "round", "effective_params", "test_error"]].to_string(index=False))
