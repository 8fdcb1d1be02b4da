"""[AR] commands of the IMP analyses: each family's summary of its runs (rule ``imp_summary_family``:
every round, best pruned models) and calibration data of Figs 5, 6 and S4 (rule
``imp_calibration_family``), and the families' files combined into one (rules ``imp_summary``,
``imp_calibration``)."""
from __future__ import annotations

import argparse
import logging

from lottery.commands import MANY, REQ, command, settings_of

log = logging.getLogger("lottery")


@command("imp-summary", ("--runs", MANY), ("--out", REQ))
def imp_summary(args: argparse.Namespace) -> None:
    """Every round of every IMP run, and each trajectory's best pruned model, in one file. Each of
    ``--runs`` is a run or a summary of runs (a family's): both hold every round."""
    from lottery.arora.analysis.imp import summary_frames
    from lottery.core.storage import read_frame, write_frames

    summary = summary_frames([read_frame(p, "rounds") for p in args.runs])
    write_frames(args.out, summary, table=True)
    best = summary["best"]
    log.info("%d trajectories, %d rounds; effective parameters:\n%s", len(best), len(summary["rounds"]),
             best.groupby(["dataset", "arch", "classes"])["effective_params"].describe().to_string())


@command("imp-calibration", ("--family", {"required": True, "choices": ("mixtures", "images")}), ("--runs", MANY),
         ("--settings", REQ), ("--out", REQ))
def imp_calibration(args: argparse.Namespace) -> None:
    """One family's data of Figs 5, 6 and S4 from stored weights and test probabilities (no retraining)."""
    from lottery.arora.analysis.calibration_frames import CalibrationSettings, calibration_frames
    from lottery.arora.store import read_run
    from lottery.core.storage import write_frames

    mixtures = args.family == "mixtures"
    runs = [read_run(p, with_weights=mixtures) for p in args.runs]
    s = CalibrationSettings.from_settings(settings_of(args))
    write_frames(args.out, calibration_frames(runs, [], s) if mixtures else calibration_frames([], runs, s), table=True)


@command("imp-combine", ("--parts", MANY), ("--out", REQ))
def imp_combine(args: argparse.Namespace) -> None:
    """The families' calibration data as one file: each frame holds the families' rows in order,
    as one job over every run would write it."""
    import pandas as pd

    from lottery.core.storage import read_frame, write_frames

    def keys(path: str) -> list[str]:
        with pd.HDFStore(path, "r") as store:
            return [k.lstrip("/") for k in store.keys()]

    held = {p: keys(p) for p in args.parts}
    frames = {k: pd.concat([read_frame(p, k) for p in args.parts if k in held[p]], ignore_index=True)
              for k in dict.fromkeys(k for p in args.parts for k in held[p])}
    write_frames(args.out, frames, table=True)


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
