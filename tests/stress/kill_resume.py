"""Kill a grid-training job with SIGKILL at random moments, resume it, compare the result.

    python tests/stress/kill_resume.py [--points 20] [--seed 0] [--dtype float32]

The job is ``python -m lottery train-grid`` exactly as the ``train_grid`` rule runs it.
For each of ``--points`` random moments in (0, T), T the uninterrupted run's wall time,
the job is started, killed at that moment, then rerun to completion; its HDF5 frames must
equal the uninterrupted run's bit for bit. One line per point, a summary, and exit status
1 if any result differs. ``tests/test_resume.py`` uses :class:`GridJob` for its own kills.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

FRAMES = ("summary", "params", "curves")


@dataclass
class GridJob:
    """One train-grid job: data file, settings and checkpoint under ``workdir``."""

    workdir: Path
    dtype: str = "float32"
    width: int = 20
    seeds: int = 48
    steps: int = 1500
    n_train: int = 64
    checkpoint_every: int = 100

    def __post_init__(self) -> None:
        from lottery.liu_tegmark.data import make_regression_data, save_regression_data

        self.workdir = Path(self.workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.data = self.workdir / "data.npz"
        self.checkpoint = self.workdir / "checkpoint.pt"
        save_regression_data(make_regression_data("x2", self.n_train, 128, -2.0, 2.0, 0), self.data)

    def settings(self) -> str:
        """The rule's settings (results only; the runtime keys travel separately, as in the rule)."""
        train = {"steps": self.steps, "lr": 0.01, "lr_decay": 0.2, "lr_decay_every": self.steps // 3,
                 "batch_size": 0, "curve_points": 20}
        return json.dumps({"seeds": self.seeds, "init_seed": 0, "dtype": self.dtype, "negative_slope": 0.01,
                           "train": train, "data_seed": 0})

    def runtime(self) -> str:
        """The rule's `lottery_runtime` resource; chunks of 16 seeds so a kill can land between chunks too."""
        return json.dumps({"device": "cpu", "compile": False, "chunk_elements": 16 * self.width * self.n_train,
                           "checkpoint_every": self.checkpoint_every})

    def command(self, out: Path, checkpoint: bool = True) -> list[str]:
        cmd = [sys.executable, "-m", "lottery", "train-grid", "--data", str(self.data), "--target", "x2",
               "--activation", "silu", "--width", str(self.width), "--settings", self.settings(), "--threads", "1",
               "--runtime", self.runtime(), "--out", str(out)]
        return cmd + (["--checkpoint", str(self.checkpoint)] if checkpoint else [])

    def start(self, out: Path, log: Path, checkpoint: bool = True) -> subprocess.Popen:
        with open(log, "a") as f:
            return subprocess.Popen(self.command(out, checkpoint), stdout=f, stderr=subprocess.STDOUT)

    def run(self, out: Path, log: Path, checkpoint: bool = True) -> int:
        return self.start(out, log, checkpoint).wait(timeout=600)


def differences(a: Path, b: Path) -> list[str]:
    """Names of the frames in which two grid files differ (values, not file bytes)."""
    from lottery.core.storage import read_frame

    bad = []
    for key in FRAMES:
        try:
            pd.testing.assert_frame_equal(read_frame(a, key), read_frame(b, key), check_exact=True)
        except AssertionError:
            bad.append(key)
    return bad


def kill_and_resume(job: GridJob, delay: float, out: Path, log: Path) -> tuple[bool, bool]:
    """Start the job, SIGKILL it after ``delay`` s, rerun it; (was it killed, did it resume)."""
    proc = job.start(out, log)
    time.sleep(delay)
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    resumed = False
    if not out.exists():
        rerun_log = log.with_suffix(".rerun.log")
        if job.run(out, rerun_log) != 0:
            raise RuntimeError(f"rerun failed:\n{rerun_log.read_text()[-3000:]}")
        resumed = "resuming from checkpoint" in rerun_log.read_text()
    return killed, resumed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--steps", type=int, default=3000)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        job = GridJob(tmp, dtype=args.dtype, steps=args.steps)
        reference, log = tmp / "reference.h5", tmp / "job.log"
        t0 = time.perf_counter()
        if job.run(reference, log, checkpoint=False) != 0:
            print(f"uninterrupted run failed:\n{log.read_text()[-3000:]}")
            return 1
        wall = time.perf_counter() - t0
        print(f"uninterrupted run: {wall:.1f} s; killing at {args.points} random moments in (0, {wall:.1f}) s")
        failures = 0
        for i in range(args.points):
            delay = rng.uniform(0, wall)
            out = tmp / f"run{i}.h5"
            killed, resumed = kill_and_resume(job, delay, out, tmp / f"run{i}.log")
            bad = differences(reference, out)
            failures += bool(bad)
            print(f"point {i + 1:2d}: kill at {delay:5.2f} s | killed={killed} | resumed from checkpoint={resumed} | "
                  f"{'IDENTICAL' if not bad else 'DIFFERS in ' + ', '.join(bad)}", flush=True)
        print(f"{args.points - failures} of {args.points} killed-and-resumed runs bit-identical "
              f"to the uninterrupted run")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
