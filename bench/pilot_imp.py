"""What a reduced [AR] mixture run shows of the effects the claims need, read from its IMP run files.

    python bench/pilot_imp.py RUN_DIR [RUN_DIR ...] [--train CONFIG ...] [--tolerance 0.01] [--interpolates 0.02]

Each RUN_DIR is a Snakemake working directory that trained mixture IMP jobs
(``results/imp/runs/{linear,xor}_fcn2_W*_C2.h5``); with ``--train`` the script first trains
there, with Snakemake, the mixture jobs those config files name (``config/pilot-ar.yaml``,
optionally followed by ``config/pilot-ar-3k.yaml``), and nothing else of the DAG. Prints one
JSON line per (directory, mixture) with the three conditions the claims' ``decides`` lists ask
of the mixtures (lottery.claims.decidability):
- ``dense_rise``: the largest rise of the dense test error with width, per nu (a double-descent
  peak is a rise above ``--tolerance``);
- ``widest_dense_train_error``: the median train error of the widest dense models (they
  interpolate their noisy labels at or below ``--interpolates``);
- ``pruned_best_fraction``: the fraction of trajectories whose best round is above 0;
and, per nu, the dense and best-pruned test errors and the best models' remaining weights.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import yaml

from lottery.arora.analysis.imp import best_rounds, dense_bumps, full_vs_best
from lottery.arora.datasets import MIXTURES
from lottery.arora.plan import Run
from lottery.arora.store import read_run

REPO = Path(__file__).resolve().parents[1]


def pilot_rows(run_dir: Path, tolerance: float, interpolates: float) -> list[dict]:
    files = sorted((run_dir / "results" / "imp" / "runs").glob("*_fcn2_W*_C2.h5"))
    if not files:
        raise SystemExit(f"{run_dir}: no mixture IMP run files under results/imp/runs/")
    rounds = pd.concat([read_run(f).rounds for f in files], ignore_index=True)
    pairs = full_vs_best(rounds, best_rounds(rounds))
    bumps = dense_bumps(rounds, ["dataset", "nu"], tolerance)
    dense = rounds[rounds["round"] == 0]
    out = []
    for dataset, g in pairs.groupby("dataset"):
        mine = dense[dense["dataset"] == dataset]
        widest = mine[mine["width"] == mine["width"].max()]
        per_nu = g.groupby("nu").agg(dense_error=("test_error_full", "mean"),
                                     pruned_error=("test_error_pruned", "mean"),
                                     effective_params=("effective_params", "median"))
        out.append({
            "run": run_dir.name, "dataset": dataset, "widths": sorted(g["width"].unique().tolist()),
            "dense_rise": bumps[bumps["dataset"] == dataset].set_index("nu")["rise"].round(4).to_dict(),
            "peak": bool(bumps[bumps["dataset"] == dataset]["bump"].any()),
            "widest_dense_train_error": round(float(widest["train_error"].median()), 4),
            "interpolates": bool(widest["train_error"].median() <= interpolates),
            "pruned_best_fraction": round(float((g["round"] > 0).mean()), 3),
            "per_nu": per_nu.round(4).reset_index().to_dict("records"),
        })
    return out


def train(run_dir: Path, configfiles: list[str]) -> None:
    """Snakemake, in ``run_dir``, of the mixture IMP jobs the config files name (one per task and width)."""
    config: dict = {}
    for f in configfiles:  # later files override earlier ones, as Snakemake merges them
        mixture = (yaml.safe_load(Path(f).read_text()).get("imp") or {}).get("mixture") or {}
        config.update(mixture)
    targets = [Run(task, "fcn2", w, 2).path for task in MIXTURES for w in config["widths"]]
    run_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "-d", str(run_dir),
                    "--configfile", *map(str, map(Path.resolve, map(Path, configfiles))), "--cores", "all", *targets],
                   check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run_dirs", nargs="+", type=Path)
    parser.add_argument("--tolerance", type=float, default=0.01, help="rise of the dense curve that counts as a peak")
    parser.add_argument("--interpolates", type=float, default=0.02,
                        help="train error at or below which a net interpolates")
    parser.add_argument("--train", nargs="+", metavar="CONFIG",
                        help="train the pilot's jobs with these config files first")
    args = parser.parse_args()
    for run_dir in args.run_dirs:
        if args.train:
            train(run_dir, args.train)
        for row in pilot_rows(run_dir, args.tolerance, args.interpolates):
            print(json.dumps(row))


if __name__ == "__main__":
    main()
