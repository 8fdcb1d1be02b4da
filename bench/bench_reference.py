"""How long the paper takes to build from the shipped reference bundle (target: under 5 minutes
on 2 cores), and whether that build trains anything or changes the bundle's claims table.

    python bench/bench_reference.py [--cores 2] [--keep DIR]

Restores ``reference/`` into a fresh working directory (``--keep`` names it and keeps it),
runs Snakemake to ``paper/paper.pdf`` with ``reference/config.yaml`` as ``bash run.sh reference``
does, and prints one JSON object: wall time, the jobs per rule, whether a training rule ran and
whether the rebuilt claims table equals the bundle's.
"""
from __future__ import annotations

import argparse
import collections
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lottery.core.bundle import restore

REPO = Path(__file__).resolve().parents[1]
BUNDLE = REPO / "reference"
TARGET_S = 300
TRAINING_RULES = {"train_grid", "train_ticket_grid", "train_probe_grid", "imp_run", "imp_run_figs3", "beyond_imp"}


def build(workdir: Path, cores: int) -> dict:
    restore(BUNDLE, workdir)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "-d", str(workdir),
                           "--configfile", str(BUNDLE / "config.yaml"), "--cores", str(cores), "paper/paper.pdf"],
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"the reference build failed:\n{done.stderr[-4000:]}")
    rules = collections.Counter(re.findall(r"^(?:local)?rule (\w+):", done.stderr, flags=re.M))
    rebuilt = (workdir / "results" / "claims" / "claims.md").read_text()
    return {"wall_s": round(wall, 1), "target_s": TARGET_S, "within_target": wall < TARGET_S, "cores": cores,
            "jobs": dict(sorted(rules.items())), "trained": sorted(TRAINING_RULES & set(rules)),
            "claims_table_equal": rebuilt == (BUNDLE / "results" / "claims" / "claims.md").read_text()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="build here and keep it (default: a temporary directory)")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        print(json.dumps(build(args.keep, args.cores), indent=1))
        return
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps(build(Path(tmp), args.cores), indent=1))


if __name__ == "__main__":
    main()
